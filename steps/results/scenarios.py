"""What a run checked, scenario by scenario: plain data that travels (xdist, JSON, the report).

A scenario's result is its consumer, its name and `file:line` as written, its outcome and the
findings of its claims. Nothing here knows pytest: the plugin collects these from its test
reports (`steps.wiring.results`) and hands them to the report.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .findings import Finding, Outcome
from .reading import at, choice, items, obj, text


class ScenarioOutcome(StrEnum):
    """pytest's outcome of one scenario: its worst phase (a cleanup that fails after passing claims is an error)."""

    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"  # unverifiable or not run here, or skipped by a tag
    ERROR = "error"

    @property
    def failed(self) -> bool:
        return self in (ScenarioOutcome.FAILED, ScenarioOutcome.ERROR)


@dataclass(frozen=True)
class ScenarioResult:
    nodeid: str
    name: str  # as written in the feature (an outline's row with its example)
    consumer: str
    outcome: ScenarioOutcome
    findings: tuple[Finding, ...]
    where: str = ""  # the scenario's feature and line: features/order_lambda/tables.feature:17

    @property
    def title(self) -> str:
        """The name with where it is written, as the report lists it."""
        return f"{self.name} ({self.where})" if self.where else self.name

    @property
    def checked(self) -> bool:
        """Whether it checked anything: it recorded a claim, or failed (a step error is a verdict too).
        A scenario deselected, skipped by a tag or never collected checked nothing."""
        return bool(self.findings) or self.outcome.failed

    def data(self) -> dict[str, Any]:
        return {"nodeid": self.nodeid, "name": self.name, "consumer": self.consumer, "outcome": self.outcome.value,
                "where": self.where, "findings": [f.data() for f in self.findings]}

    @classmethod
    def from_data(cls, data: Any, where: str = "") -> ScenarioResult:
        data = obj(data, where, ("nodeid", "name", "consumer", "outcome", "findings"), ("where",))
        return cls(text(data["nodeid"], at(where, "nodeid")), text(data["name"], at(where, "name")),
                   text(data["consumer"], at(where, "consumer")),
                   choice(ScenarioOutcome)(data["outcome"], at(where, "outcome")),
                   tuple(items(data["findings"], at(where, "findings"), Finding.from_data)),
                   text(data.get("where", ""), at(where, "where")))


@dataclass
class Results:
    scenarios: list[ScenarioResult] = field(default_factory=list)

    def findings(self) -> list[Finding]:
        return [f for s in self.scenarios for f in s.findings]

    def counts(self) -> Counter[Outcome]:
        return Counter(f.outcome for f in self.findings())

    def by_consumer(self) -> dict[str, list[ScenarioResult]]:
        grouped: dict[str, list[ScenarioResult]] = defaultdict(list)
        for scenario in self.scenarios:
            grouped[scenario.consumer].append(scenario)
        return dict(sorted(grouped.items()))

    def data(self) -> list[dict[str, Any]]:
        return [s.data() for s in self.scenarios]

    @classmethod
    def from_data(cls, data: Any, where: str = "") -> Results:
        return cls(items(data, where, ScenarioResult.from_data))
