"""Sources of observed state, behind one small interface: each gives the `ObservedState` of an
environment, with what it cannot know as `Unverifiable`.

- `live`: the environment's backend itself (DynamoDB Local, moto or AWS), read once.
- `schema`: the desired state in `contracts/`, resolved for the environment: what it would hold
  if applied exactly. Static: no backend is started.
- `terraform:DIR`: a folder of `.tf` files, read with python-hcl2 (and `--tf-var-file`s): what
  Terraform would build, as far as it can be known without Terraform. Static.
- `plan:FILE`: the JSON of `terraform show -json PLANFILE` (or of a state): what the plan will
  build, everything Terraform resolved. Static.

A source is named on the command line as `NAME` or `NAME:ARGUMENT`; adding one is one class here
and one line in `FACTORIES`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ..backends import Backend
from ..desired.model import DesiredState, Environment
from ..desired.stack import resolve
from ..errors import ToolError
from .origin import SourceKind, kind_of
from .schema import observed_from_stack
from .state import ObservedState
from .terraform.records import Configuration, TerraformError


class Source(Protocol):
    @property
    def kind(self) -> SourceKind: ...

    @property
    def name(self) -> str:
        """The source's kind as written on the command line: live, schema, terraform, plan."""
        ...

    @property
    def origin(self) -> str:
        """What it reads: the folder or file given; "" for live and schema."""
        ...

    @property
    def static(self) -> bool:
        """Whether it reads files, not an environment: no backend, and no query can run on it."""
        ...

    def observe(self, env: Environment) -> ObservedState: ...


class SourceError(ToolError):
    """A source that cannot be read (a .tf that does not parse, a plan of another format): nothing runs."""


@dataclass(frozen=True)
class SourceContext:
    """What a source may need: the desired state, the environment's backend (started on first use), and the
    Terraform variable files given with --tf-var-file."""

    desired: DesiredState
    backend: Callable[[], Backend]
    var_files: tuple[Path, ...] = ()


class _Kinded:
    """A source's name and whether it is static, told by its kind."""

    kind: SourceKind

    @property
    def name(self) -> str:
        return self.kind.value

    @property
    def static(self) -> bool:
        return self.kind.static


@dataclass(frozen=True)
class LiveSource(_Kinded):
    backend: Callable[[], Backend]
    kind: SourceKind = SourceKind.LIVE
    origin: str = ""

    def observe(self, env: Environment) -> ObservedState:
        from . import live  # the live reader: a run of static sources never needs it

        return live.observe(self.backend(), env)


@dataclass(frozen=True)
class SchemaSource(_Kinded):
    desired: DesiredState
    kind: SourceKind = SourceKind.SCHEMA
    origin: str = ""

    def observe(self, env: Environment) -> ObservedState:
        return observed_from_stack(resolve(self.desired, env))


@dataclass(frozen=True)
class TerraformSource(_Kinded):
    """A folder of .tf files. python-hcl2 is imported only when a run reads one."""

    folder: Path
    var_files: tuple[Path, ...] = ()
    kind: SourceKind = SourceKind.TERRAFORM

    @property
    def origin(self) -> str:
        return str(self.folder)

    def observe(self, env: Environment) -> ObservedState:
        from .terraform.hcl import read_folder

        return _converted(lambda: read_folder(self.folder, self.var_files), env, f"terraform:{self.folder}")


@dataclass(frozen=True)
class PlanSource(_Kinded):
    """The JSON of `terraform show -json PLANFILE` (or of a state)."""

    file: Path
    kind: SourceKind = SourceKind.PLAN

    @property
    def origin(self) -> str:
        return str(self.file)

    def observe(self, env: Environment) -> ObservedState:
        from .terraform.plan_json import read_plan

        return _converted(lambda: read_plan(self.file), env, f"plan:{self.file}")


def _converted(read: Callable[[], Configuration], env: Environment, given: str) -> ObservedState:
    from .terraform.to_observed import observe

    try:
        return observe(read(), env)
    except TerraformError as error:
        raise SourceError(f"--against {given}: {error}") from None


def _argument(spec: str, what: str, example: str) -> str:
    kind, _, argument = spec.partition(":")
    if not argument:
        raise SourceError(f"--against {spec}: give the {what} to read after a colon, e.g. --against {kind}:{example}")
    return argument


FACTORIES: dict[SourceKind, Callable[[str, SourceContext], Source]] = {
    SourceKind.LIVE: lambda _spec, context: LiveSource(context.backend),
    SourceKind.SCHEMA: lambda _spec, context: SchemaSource(context.desired),
    SourceKind.TERRAFORM: lambda spec, context: TerraformSource(
        Path(_argument(spec, "folder of .tf files", "infra/sit")), context.var_files),
    SourceKind.PLAN: lambda spec, context: PlanSource(Path(_argument(spec, "plan JSON", "plan.json"))),
}
TAKES_ARGUMENT = {SourceKind.TERRAFORM: "DIR", SourceKind.PLAN: "FILE"}


def forms() -> str:
    """The sources a command line may name, as written: live, schema, terraform:DIR, plan:FILE."""
    return ", ".join(f"{k}:{TAKES_ARGUMENT[k]}" if k in TAKES_ARGUMENT else k for k in FACTORIES)


def open_source(spec: str, context: SourceContext) -> Source:
    """The source a command line names: `live`, `schema`, `terraform:DIR` or `plan:FILE`."""
    word, colon, _ = spec.partition(":")
    kind = kind_of(spec)
    factory = None if kind is None else FACTORIES[kind]
    if factory is None or kind is None:
        raise SourceError(f"--against {spec}: no such source; choose one of: {forms()}")
    if colon and kind not in TAKES_ARGUMENT:
        raise SourceError(f"--against {spec}: {word} takes no argument; write --against {word}")
    return factory(spec, context)


def open_sources(specs: Sequence[str], context: SourceContext) -> dict[str, Source]:
    """Several sources by label: their kind (`terraform`), or the whole spec when two share a kind."""
    sources = [open_source(spec, context) for spec in specs]
    if len(set(specs)) != len(specs):
        twice = sorted({s for s in specs if specs.count(s) > 1})
        raise SourceError(f"--against {','.join(specs)}: {', '.join(twice)} given twice; name each source once")
    kinds = [s.name for s in sources]
    return {(s.name if kinds.count(s.name) == 1 else spec): s for spec, s in zip(specs, sources, strict=True)}
