"""Sources of observed state, behind one small interface: each gives the `ObservedState` of an
environment, with what it cannot know as `Unverifiable`.

- `live`: the environment's backend itself (DynamoDB Local, moto or AWS), read once.
- `schema`: the desired state in `contracts/`, resolved for the environment: what it would hold
  if applied exactly. Static: no backend is started.
Later ones (`terraform:DIR`, `plan:FILE`) join by one module each and one line in `FACTORIES`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from provision.backends import Backend
from provision.desired.model import DesiredState, Environment
from provision.desired.stack import resolve
from provision.errors import ToolError
from provision.observed import live
from provision.observed.schema import observed_from_stack
from provision.observed.state import ObservedState


class Source(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def static(self) -> bool:
        """Whether it reads files, not an environment: no backend, and no query can run on it."""
        ...

    def observe(self, env: Environment) -> ObservedState: ...


@dataclass(frozen=True)
class SourceContext:
    """What a source may need: the desired state, and the environment's backend (started on first use)."""

    desired: DesiredState
    backend: Callable[[], Backend]


@dataclass(frozen=True)
class LiveSource:
    backend: Callable[[], Backend]
    name: str = "live"
    static: bool = False

    def observe(self, env: Environment) -> ObservedState:
        return live.observe(self.backend(), env)


@dataclass(frozen=True)
class SchemaSource:
    desired: DesiredState
    name: str = "schema"
    static: bool = True

    def observe(self, env: Environment) -> ObservedState:
        return observed_from_stack(resolve(self.desired, env))


FACTORIES: dict[str, Callable[[SourceContext], Source]] = {
    "live": lambda context: LiveSource(context.backend),
    "schema": lambda context: SchemaSource(context.desired),
}


def open_source(name: str, context: SourceContext) -> Source:
    factory = FACTORIES.get(name)
    if factory is None:
        raise ToolError(f"--against {name}: no such source; choose one of: {', '.join(FACTORIES)}")
    return factory(context)
