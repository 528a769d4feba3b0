"""The run's summary of contract checks: counted per outcome and per consumer, unverifiable apart.

Findings travel on each test report's user_properties, so the summary (and the readiness
report) also work under pytest-xdist, where scenarios run in other processes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from steps.findings import Finding, Outcome

FINDINGS = "contract_findings"
CONSUMER = "consumer"


@dataclass(frozen=True)
class ScenarioResult:
    nodeid: str
    name: str
    consumer: str
    outcome: str  # passed, failed, skipped, error
    findings: tuple[Finding, ...]


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


def _properties(report: Any) -> Mapping[str, Any]:
    return dict(getattr(report, "user_properties", []) or [])


def collect(stats: Mapping[str, Iterable[Any]]) -> Results:
    """The contract scenarios among the reports pytest kept, with their findings."""
    results = Results()
    seen: set[str] = set()
    for outcome in ("failed", "passed", "skipped", "error"):
        for report in stats.get(outcome, []):
            properties = _properties(report)
            if CONSUMER not in properties or report.nodeid in seen:
                continue
            seen.add(report.nodeid)
            findings = tuple(Finding.from_data(d) for d in properties.get(FINDINGS, []))
            name = report.nodeid.split("::")[-1]
            results.scenarios.append(ScenarioResult(report.nodeid, name, properties[CONSUMER], outcome, findings))
    return results


def write(reporter: Any, results: Results, where: str) -> None:
    counts = results.counts()
    reporter.write_sep("=", f"contract checks on {where}")
    reporter.write_line(
        f"{counts[Outcome.PASSED]} passed, {counts[Outcome.FAILED]} failed, "
        f"{counts[Outcome.UNVERIFIABLE]} unverifiable here, {counts[Outcome.NOT_RUN]} not run")
    for consumer, scenarios in results.by_consumer().items():
        states = Counter(s.outcome for s in scenarios)
        found = Counter(f.outcome for s in scenarios for f in s.findings)
        verdict = "BLOCKED" if states["failed"] or states["error"] else (
            "UNVERIFIED" if found[Outcome.UNVERIFIABLE] or found[Outcome.NOT_RUN] else "ready")
        reporter.write_line(f"  {consumer:<20} {verdict:<10} {found[Outcome.PASSED]} passed, "
                            f"{found[Outcome.FAILED]} failed, {found[Outcome.UNVERIFIABLE]} unverifiable, "
                            f"{found[Outcome.NOT_RUN]} not run")
    reasons = Counter(f.reason for f in results.findings() if f.outcome in (Outcome.UNVERIFIABLE, Outcome.NOT_RUN))
    if reasons:
        reporter.write_line("Not verified here (check these against AWS before calling it ready):")
        for reason, count in sorted(reasons.items()):
            reporter.write_line(f"  {count:>3} x {reason}")
