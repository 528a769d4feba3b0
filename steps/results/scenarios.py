"""The run's summary of contract checks: counted per outcome and per consumer, unverifiable apart.

Findings travel on each test report's user_properties, so the summary (and the readiness
report) also work under pytest-xdist, where scenarios run in other processes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from steps.results.findings import Finding, Outcome

FINDINGS = "contract_findings"
STEPS = "contract_steps"  # each step's outcome by its feature line (for the Cucumber JSON)
CONSUMER = "consumer"
SCENARIO = "contract_scenario"  # the scenario as written: {"name", "file", "line"}


@dataclass(frozen=True)
class ScenarioResult:
    nodeid: str
    name: str  # as written in the feature (an outline's row with its example)
    consumer: str
    outcome: str  # passed, failed, skipped, error
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
        return bool(self.findings) or self.outcome in ("failed", "error")


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


# One scenario has a report per phase (setup, call, teardown): the worst outcome is its outcome, so
# a cleanup that fails after the checks passed makes the scenario an error, never a pass.
PRIORITY = ("failed", "error", "skipped", "passed")


def collect(stats: Mapping[str, Iterable[Any]]) -> Results:
    """The contract scenarios among the reports pytest kept, with their findings (failed > error > skipped > passed)."""
    outcomes: dict[str, str] = {}
    found: dict[str, tuple[str, tuple[Finding, ...]]] = {}
    written: dict[str, Mapping[str, Any]] = {}
    for outcome in PRIORITY:
        for report in stats.get(outcome, []):
            properties = _properties(report)
            if CONSUMER not in properties:
                continue
            outcomes.setdefault(report.nodeid, outcome)
            written.setdefault(report.nodeid, properties.get(SCENARIO) or {})
            recorded = properties.get(FINDINGS)
            if recorded is not None or report.nodeid not in found:
                found[report.nodeid] = (properties[CONSUMER], tuple(Finding.from_data(d) for d in recorded or []))
    results = Results()
    for nodeid, outcome in outcomes.items():
        consumer, findings = found[nodeid]
        scenario = written[nodeid]
        where = f"{scenario['file']}:{scenario['line']}" if scenario.get("file") else ""
        results.scenarios.append(ScenarioResult(nodeid, str(scenario.get("name") or nodeid.split("::")[-1]),
                                                consumer, outcome, findings, where))
    return results


def write(reporter: Any, results: Results, where: str, consumers: Iterable[str] = ()) -> None:
    counts = results.counts()
    reporter.write_sep("=", f"contract checks on {where}")
    reporter.write_line(
        f"{counts[Outcome.PASSED]} passed, {counts[Outcome.FAILED]} failed, "
        f"{counts[Outcome.UNVERIFIABLE]} unverifiable here, {counts[Outcome.NOT_RUN]} not run")
    checked = {s.consumer for s in results.scenarios if s.checked}
    for consumer, scenarios in results.by_consumer().items():
        if consumer not in checked:
            continue  # listed below as not checked
        states = Counter(s.outcome for s in scenarios)
        found = Counter(f.outcome for s in scenarios for f in s.findings)
        verdict = "BLOCKED" if states["failed"] or states["error"] else (
            "UNVERIFIED" if found[Outcome.UNVERIFIABLE] or found[Outcome.NOT_RUN] else "ready")
        reporter.write_line(f"  {consumer:<20} {verdict:<10} {found[Outcome.PASSED]} passed, "
                            f"{found[Outcome.FAILED]} failed, {found[Outcome.UNVERIFIABLE]} unverifiable, "
                            f"{found[Outcome.NOT_RUN]} not run")
    unchecked = sorted((set(consumers) | set(results.by_consumer())) - checked)
    if unchecked:
        reporter.write_line(f"Not checked in this run: {', '.join(unchecked)}")
    reasons = Counter(f.reason for f in results.findings() if f.outcome in (Outcome.UNVERIFIABLE, Outcome.NOT_RUN))
    if reasons:
        reporter.write_line("Not verified here (check these against AWS before calling it ready):")
        for reason, count in sorted(reasons.items()):
            reporter.write_line(f"  {count:>3} x {reason}")
