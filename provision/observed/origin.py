"""Where an observed state came from: the kind of source, the backend read (for a live one), and what it read.

One typed value instead of three strings (the `--against` spec, the label, the source's name): a check asks
`origin.kind.static` or `origin.kind.terraform`, never compares a name with a string. `label` is the word the
outputs use ("unverifiable on moto", "on schema"); `capabilities` is whose limits apply to what can be told.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ..desired.model import BackendKind


class SourceKind(StrEnum):
    """A source of observed state as `--against` names it."""

    LIVE = "live"  # the environment's backend itself: DynamoDB Local, moto or AWS
    SCHEMA = "schema"  # contracts/, resolved for the environment: what it would hold if applied exactly
    TERRAFORM = "terraform"  # a folder of .tf files: what Terraform would build, as far as files tell
    PLAN = "plan"  # `terraform show -json`: what the plan will build

    @property
    def static(self) -> bool:
        """A file's account of the environment, not the environment: no backend, no query runs on it."""
        return self is not SourceKind.LIVE

    @property
    def terraform(self) -> bool:
        """What Terraform will build (a folder of .tf files, or a plan), not an environment."""
        return self in (SourceKind.TERRAFORM, SourceKind.PLAN)


@dataclass(frozen=True)
class Origin:
    kind: SourceKind
    backend: BackendKind | None = None  # the backend read, for a live source
    where: str = ""  # what a static source read: the Terraform folder, the plan file ("" for the schema)

    def __post_init__(self) -> None:
        if (self.kind is SourceKind.LIVE) != (self.backend is not None):
            raise ValueError(f"a {self.kind.value} origin {'needs' if self.backend is None else 'has no'} backend")

    @classmethod
    def live(cls, backend: BackendKind) -> Origin:
        return cls(SourceKind.LIVE, backend)

    @property
    def label(self) -> str:
        """The word the outputs use for it: the backend of a live source (moto), else the source's kind."""
        return self.backend.value if self.backend is not None else self.kind.value

    @property
    def capabilities(self) -> BackendKind:
        """Whose limits apply to what can be told: the backend read; for a static source, AWS's (a file holds
        what it defines, and what only a deployed stack knows is not in it)."""
        return self.backend if self.backend is not None else BackendKind.AWS


def kind_of(spec: str) -> SourceKind | None:
    """The kind of source an `--against` spec or a source's label names (`terraform:infra/sit` -> TERRAFORM), or
    None for one that names no kind."""
    try:
        return SourceKind(spec.partition(":")[0])
    except ValueError:
        return None
