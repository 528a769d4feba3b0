"""What the environment held, in plain data: its tables, GSIs, backups, and what is not ACTIVE yet.

Built from the observed state by `steps.checks.target.summarize`; sent from pytest-xdist workers
to the controller and saved with the results, so the report can be rebuilt without the environment.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


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
    def from_data(cls, data: dict[str, Any]) -> EnvironmentSummary:
        return cls(**data)
