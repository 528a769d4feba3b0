"""The run's scenarios from pytest's reports: one outcome per scenario, the worst of its phases."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dynamo_contracts.steps.results.findings import Finding, Kind, Outcome
from dynamo_contracts.steps.wiring.results import CONSUMER, FINDINGS, collect, record_findings

NODE = "features/alpha/contract.feature::orders"
CLAIM = Finding(Kind.TABLE, Outcome.PASSED, "table orders", "orders-sit, ACTIVE", "orders-sit, ACTIVE", table="orders")


@dataclass
class Report:
    """What pytest keeps of one phase of a test (the fields `collect` reads)."""

    nodeid: str
    when: str
    user_properties: list[tuple[str, Any]] = field(default_factory=list)


def phases(*outcomes: tuple[str, str]) -> dict[str, list[Report]]:
    stats: dict[str, list[Report]] = {}
    for when, outcome in outcomes:
        properties: list[tuple[str, Any]] = [(CONSUMER, "alpha")]
        if when != "setup":
            properties.append((FINDINGS, [CLAIM.data()]))
        stats.setdefault(outcome, []).append(Report(NODE, when, properties))
    return stats


def test_a_cleanup_that_fails_after_the_checks_passed_makes_the_scenario_an_error() -> None:
    results = collect(phases(("setup", "passed"), ("call", "passed"), ("teardown", "error")))
    assert [(s.outcome, s.findings) for s in results.scenarios] == [("error", (CLAIM,))]


def test_a_failure_outweighs_a_teardown_error() -> None:
    results = collect(phases(("setup", "passed"), ("call", "failed"), ("teardown", "error")))
    assert [s.outcome for s in results.scenarios] == ["failed"]


def test_a_skip_outweighs_a_pass_and_a_pass_alone_is_a_pass() -> None:
    assert [s.outcome for s in collect(phases(("setup", "passed"), ("call", "skipped"))).scenarios] == ["skipped"]
    assert [s.outcome for s in collect(phases(("setup", "passed"), ("call", "passed"))).scenarios] == ["passed"]


def test_a_scenario_skipped_before_its_steps_checked_nothing() -> None:
    results = collect(phases(("setup", "skipped")))
    assert [(s.outcome, s.findings, s.checked) for s in results.scenarios] == [("skipped", (), False)]


def test_findings_recorded_here_come_back_as_they_were_and_another_process_s_are_read_from_their_json() -> None:
    waived = Finding(Kind.GSI, Outcome.FAILED, "GSI by_email", "present", "missing", table="users", waiver="ADR-7")
    here = Report(NODE, "call", [(CONSUMER, "alpha")])
    record_findings(here, [CLAIM, waived])
    text = dict(here.user_properties)[FINDINGS]
    assert isinstance(text, str)  # JSON, as JUnit XML and pytest-xdist carry it
    [found] = collect({"passed": [here]}).scenarios
    assert found.findings == (CLAIM, waived)
    assert found.findings[1] is waived  # not parsed again
    elsewhere = Report(NODE.replace("orders", "users"), "call", [(CONSUMER, "alpha"), (FINDINGS, text.replace(
        '"ADR-7"', '"ADR-8"'))])  # a worker's report: JSON this process did not write
    [read] = collect({"passed": [elsewhere]}).scenarios
    assert read.findings == (CLAIM, Finding(Kind.GSI, Outcome.FAILED, "GSI by_email", "present", "missing",
                                            table="users", waiver="ADR-8"))
