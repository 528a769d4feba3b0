"""What the environment held, in plain data: its tables, GSIs, backups, and what is not ACTIVE yet.

Built from the observed state by `steps.checks.target.summarize`; sent from pytest-xdist workers
to the controller and saved with the results, so the report can be rebuilt without the environment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from .reading import at, mapping, maybe, obj, text, texts


@dataclass(frozen=True)
class EnvironmentSummary:
    environment: str
    backend: str
    tables: list[str]  # logical names
    gsis: dict[str, list[str]]  # logical table -> its GSIs
    backup_plans: list[str] | None  # None: the backend cannot report backups
    vaults: list[str] | None
    inactive_tables: list[str] = field(default_factory=list)  # there but not ACTIVE yet: "orders UPDATING"
    inactive_gsis: list[str] = field(default_factory=list)  # "orders.OrdersByUser CREATING"
    notes: list[str] = field(default_factory=list)  # what the source's reader said ("plan.json is a Terraform state")
    # What the contracts require, is not here, and something the source could not read may define (a Terraform
    # module call not followed): unknown, not missing; each with what could define it ('module "x" at main.tf:3')
    unknown_tables: dict[str, list[str]] = field(default_factory=dict)  # logical table -> what could define it
    unknown_gsis: dict[str, list[str]] = field(default_factory=dict)  # "orders.OrdersByUser" -> ...
    unknown_vaults: dict[str, list[str]] = field(default_factory=dict)  # physical vault -> ...
    unknown_plans: list[str] = field(default_factory=list)  # what could define the backup plans not here

    def data(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_data(cls, data: Any, where: str = "") -> EnvironmentSummary:
        data = obj(data, where, REQUIRED, tuple(name for name in READERS if name not in REQUIRED))
        return cls(**{key: READERS[key](value, at(where, key)) for key, value in data.items()})


def by_name(value: Any, where: str) -> dict[str, list[str]]:
    return mapping(value, where, texts)


REQUIRED = ("environment", "backend", "tables", "gsis", "backup_plans", "vaults")
READERS: dict[str, Callable[[Any, str], Any]] = {  # one per field of EnvironmentSummary, in its order
    "environment": text, "backend": text, "tables": texts, "gsis": lambda v, w: mapping(v, w, texts),
    "backup_plans": maybe(texts), "vaults": maybe(texts), "inactive_tables": texts, "inactive_gsis": texts,
    "notes": texts, "unknown_tables": by_name, "unknown_gsis": by_name, "unknown_vaults": by_name,
    "unknown_plans": texts}
