"""What the contracts require of an environment, in plain data: every table, GSI, backup vault and
backup plan some feature states (whatever the run selected), and how many scenarios each consumer has.

`steps.gherkin.requirements` reads it from the features; the report counts against it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .reading import at, count, items, mapping, obj, pair, text, texts


@dataclass(frozen=True)
class Requirements:
    tables: frozenset[str] = frozenset()
    gsis: frozenset[tuple[str, str]] = frozenset()  # (table, index), logical names
    vaults: frozenset[str] = frozenset()  # logical names
    plans: frozenset[tuple[str, int]] = frozenset()  # (vault, days kept): one backup rule each
    scenarios: Mapping[str, int] = field(default_factory=dict)  # consumer -> scenarios (tests) its features hold

    def __or__(self, other: Requirements) -> Requirements:
        return Requirements(self.tables | other.tables, self.gsis | other.gsis, self.vaults | other.vaults,
                            self.plans | other.plans, dict(Counter(self.scenarios) + Counter(other.scenarios)))

    @property
    def consumers(self) -> list[str]:
        return sorted(self.scenarios)

    def data(self) -> dict[str, Any]:
        return {"tables": sorted(self.tables), "gsis": sorted(list(g) for g in self.gsis),
                "vaults": sorted(self.vaults), "plans": sorted(list(p) for p in self.plans),
                "scenarios": dict(sorted(self.scenarios.items()))}

    @classmethod
    def from_data(cls, data: Any, where: str = "") -> Requirements:
        data = obj(data, where, ("tables", "gsis", "vaults", "plans", "scenarios"))
        return cls(frozenset(texts(data["tables"], at(where, "tables"))),
                   frozenset(items(data["gsis"], at(where, "gsis"), pair(text, text))),
                   frozenset(texts(data["vaults"], at(where, "vaults"))),
                   frozenset(items(data["plans"], at(where, "plans"), pair(text, count))),
                   mapping(data["scenarios"], at(where, "scenarios"), count))
