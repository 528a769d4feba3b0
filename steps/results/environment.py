"""What the environment held, in plain data: its tables, GSIs, backups, and what is not ACTIVE yet.

Built from the observed state by `steps.checks.target.summarize`; sent from pytest-xdist workers
to the controller and saved with the results, so the report can be rebuilt without the environment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from steps.results.reading import at, mapping, maybe, obj, text, texts


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

    def data(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_data(cls, data: Any, where: str = "") -> EnvironmentSummary:
        data = obj(data, where, REQUIRED, tuple(name for name in READERS if name not in REQUIRED))
        return cls(**{key: READERS[key](value, at(where, key)) for key, value in data.items()})


REQUIRED = ("environment", "backend", "tables", "gsis", "backup_plans", "vaults")
READERS: dict[str, Callable[[Any, str], Any]] = {  # one per field of EnvironmentSummary, in its order
    "environment": text, "backend": text, "tables": texts, "gsis": lambda v, w: mapping(v, w, texts),
    "backup_plans": maybe(texts), "vaults": maybe(texts), "inactive_tables": texts, "inactive_gsis": texts,
    "notes": texts}
