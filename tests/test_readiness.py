"""The readiness assessment from plain results: who was checked, what the contracts require, and the words.

No backend: `build` and `render` get results, the environment as read and the requirements, as
the plugin hands them over at the end of a run.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from provision.desired.model import AttributeType, BackendKind, Environment, KeyAttribute, KeySchema
from provision.desired.stack import Stack
from provision.observed.schema import observed_from_stack
from provision.observed.state import ObservedTable, Unverifiable
from steps.checks.target import Target
from steps.report.build import NOT_CHECKED_REASON, build
from steps.report.markdown import render
from steps.report.model import ConsumerState, Readiness, Verdict
from steps.results.environment import EnvironmentSummary
from steps.results.expected import Requirements
from steps.results.findings import Cause, Finding, Kind, Outcome
from steps.results.run import RunResults, SourceResults
from steps.results.scenarios import Results, ScenarioOutcome, ScenarioResult

READY, BLOCKED, NOT_CHECKED = Verdict.READY, Verdict.BLOCKED, ConsumerState.NOT_CHECKED

ENV = Environment("sit", BackendKind.AWS, region="eu-west-1", account_id="222222222222")
TABLES = frozenset({"orders", "users"})
GSIS = frozenset({("orders", "OrdersByDate"), ("users", "UsersByEmail")})


def requirements(**scenarios: int) -> Requirements:
    return Requirements(TABLES, GSIS, frozenset({"bbws"}), frozenset({("bbws", 14)}), scenarios)


def observed(plans: list[str] | None = None, vaults: list[str] | None = None) -> EnvironmentSummary:
    gsis = {"orders": ["OrdersByDate"], "users": ["UsersByEmail"]}
    return EnvironmentSummary("sit", "aws", ["orders", "users"], gsis, ["bbws-daily-sit"] if plans is None else plans,
                              ["bbws-sit"] if vaults is None else vaults)


def passed(subject: str = "table orders", table: str = "orders") -> Finding:
    return Finding(Kind.TABLE, Outcome.PASSED, subject, "orders-sit, ACTIVE", "orders-sit, ACTIVE", table=table)


def scenario(consumer: str, name: str, outcome: str = "passed", *findings: Finding) -> ScenarioResult:
    return ScenarioResult(f"features/{consumer}/x.feature::{name}", name, consumer, ScenarioOutcome(outcome),
                          findings or (passed(),))


def assess(scenarios: list[ScenarioResult], wanted: Requirements,
           seen: EnvironmentSummary | None = None) -> Readiness:
    seen = observed() if seen is None else seen
    run = RunResults(ENV.name, "1970-01-01T00:00:00+00:00", wanted, sorted(ENV.backup_name(v) for v in wanted.vaults),
                     [SourceResults("live", ENV.backend.value, seen, Results(scenarios))])
    return build(run)


def test_every_consumer_checked_and_passing_is_ready() -> None:
    report = assess([scenario("alpha", "test_a"), scenario("beta", "test_b")], requirements(alpha=1, beta=1))
    assert report.verdict == READY
    assert {c: s.status for c, s in report.consumers.items()} == {"alpha": "ready", "beta": "ready"}
    assert "every check verified on aws" in render(report)


def test_a_consumer_with_no_scenario_run_is_not_checked_and_the_run_is_not_ready() -> None:
    report = assess([scenario("alpha", "test_a")], requirements(alpha=1, beta=2, gamma=1))
    assert report.verdict == BLOCKED
    assert report.consumers["beta"].status == NOT_CHECKED
    assert report.not_checked() == ["beta", "gamma"]
    markdown = render(report)
    assert "**Status**: ❌ **BLOCKED**: 2 of 3 consumers not checked in this run (beta, gamma)" in markdown
    assert "every check that ran was verified on aws" in markdown
    assert "| beta | ❌ not checked in this run | unknown |" in markdown
    assert {"check": "2 of 2 scenarios of beta",
            "reason": NOT_CHECKED_REASON} in report.data()["unverified"]


def test_scenarios_skipped_before_any_claim_check_nothing() -> None:
    """A @skip tag skips a scenario before its steps: no finding, so the consumer was not checked."""
    skipped = ScenarioResult("features/beta/x.feature::test_b", "test_b", "beta", ScenarioOutcome.SKIPPED, ())
    report = assess([scenario("alpha", "test_a"), skipped], requirements(alpha=1, beta=1))
    assert report.consumers["beta"].status == NOT_CHECKED
    assert report.verdict == BLOCKED


def test_a_scenario_that_failed_before_any_claim_was_checked() -> None:
    broken = ScenarioResult("features/beta/x.feature::test_b", "test_b", "beta", ScenarioOutcome.ERROR, ())
    report = assess([scenario("alpha", "test_a"), broken], requirements(alpha=1, beta=1))
    assert report.consumers["beta"].status == "blocked"


def test_a_consumer_checked_in_part_is_not_checked_blocks_and_says_how_much_was_not_checked() -> None:
    """Issue 7.1: one scenario deselected used to leave the consumer "unverified" and the verdict READY."""
    report = assess([scenario("alpha", "test_a")], requirements(alpha=3))
    assert report.consumers["alpha"].status == NOT_CHECKED
    assert report.consumers["alpha"].checked == "1 of 3"
    assert report.verdict == BLOCKED
    assert "| alpha | ❌ not checked in this run (1 of 3 scenarios checked) |" in render(report)
    assert {"check": "2 of 3 scenarios of alpha",
            "reason": NOT_CHECKED_REASON} in report.data()["unverified"]
    assert "`pytest --env=sit`" in render(report)


def test_expected_counts_come_from_the_contracts_not_from_the_scenarios_that_ran() -> None:
    wanted = Requirements(TABLES, GSIS, frozenset({"bbws"}), frozenset({("bbws", 14), ("bbws", 90)}), {"alpha": 1})
    report = assess([scenario("alpha", "test_a")], wanted)
    assert (report.counts.tables.expected, report.counts.gsis.expected) == (2, 2)
    assert report.counts.backup_plans.expected == 2  # one per (vault, retention) required
    assert report.unexpected == {"tables": [], "gsis": []}
    no_backups = Requirements(TABLES, GSIS, scenarios={"alpha": 1})
    assert assess([scenario("alpha", "test_a")], no_backups).counts.backup_plans.expected == 0


def test_only_what_no_contract_names_is_not_in_any_contract() -> None:
    seen = EnvironmentSummary("sit", "aws", ["audit", "orders"], {"orders": ["OrdersByDate", "OrdersByStatus"]},
                              [], [])
    report = assess([scenario("alpha", "test_a")], requirements(alpha=1), seen)
    assert report.unexpected == {"tables": ["audit"], "gsis": ["orders.OrdersByStatus"]}
    assert report.missing == {"tables": ["users"], "gsis": ["users.UsersByEmail"]}
    assert "1 not in any contract (audit)" in render(report)


def test_the_vault_row_compares_physical_names() -> None:
    report = assess([scenario("alpha", "test_a")], requirements(alpha=1))
    assert report.data()["vaults"] == {"expected": ["bbws-sit"], "actual": ["bbws-sit"]}
    assert "| Backup vault | bbws-sit | bbws-sit | none |" in render(report)
    missing = assess([scenario("alpha", "test_a")], requirements(alpha=1), observed(vaults=["other-sit"]))
    assert "| Backup vault | bbws-sit | other-sit | missing (bbws-sit) |" in render(missing)


def test_what_the_backend_cannot_report_is_not_verifiable_on_it() -> None:
    cannot_tell = EnvironmentSummary("sit", "aws", ["orders", "users"], {}, None, None)
    report = assess([scenario("alpha", "test_a")], requirements(alpha=1), cannot_tell)
    markdown = render(report)
    assert "| Backup plans | 1 | not verifiable on aws | none |" in markdown
    assert "not reported here" not in markdown


def test_unverifiable_checks_leave_every_contract_check_passes_unticked() -> None:
    unknown = Finding(Kind.PITR, Outcome.UNVERIFIABLE, "point-in-time recovery of table orders", "enabled",
                      "cannot be read here", table="orders", reason="unverifiable on aws: no permission")
    report = assess([scenario("alpha", "test_a", "skipped", passed(), unknown)], requirements(alpha=1))
    assert "- [ ] Every contract check passes (1 not verifiable on aws)" in render(report)
    fine = assess([scenario("alpha", "test_a")], requirements(alpha=1))
    assert "- [x] Every contract check passes" in render(fine)


def test_naming_lists_only_gsis_found_under_another_name() -> None:
    renamed = Finding(Kind.GSI, Outcome.FAILED, "GSI OrdersByDate of table orders", "GSI OrdersByDate, ACTIVE",
                      "no GSI OrdersByDate", table="orders", name="OrdersByDate", closest="OrderDateIndex",
                      cause=Cause.INDEX)
    gone = Finding(Kind.GSI, Outcome.FAILED, "GSI UsersByEmail of table users", "GSI UsersByEmail, ACTIVE",
                   "no GSI UsersByEmail", table="users", name="UsersByEmail", cause=Cause.INDEX)
    report = assess([scenario("alpha", "test_a", "failed", renamed, gone)], requirements(alpha=1))
    naming = render(report).split("## Naming inconsistencies")[1].split("## Downstream impact")[0]
    assert "| orders | OrdersByDate | OrderDateIndex | alpha |" in naming
    assert "UsersByEmail" not in naming
    assert "GSI UsersByEmail is missing on table users" in render(report)



def test_another_teams_table_named_like_ours_is_not_counted_where_tags_tell(
        stack_for: Callable[[str], Stack]) -> None:
    stack = stack_for("sit")
    observed = observed_from_stack(stack)
    foreign = ObservedTable("payments-sit", "ACTIVE", KeySchema(KeyAttribute("id", AttributeType.S)),
                            tags={"ManagedBy": "terraform"})
    ours = ObservedTable("legacy-sit", "ACTIVE", KeySchema(KeyAttribute("id", AttributeType.S)),
                         tags={"ManagedBy": "dynamo-contracts"})
    with_others = dataclasses.replace(observed, tables={**observed.tables, foreign.name: foreign, ours.name: ours})
    counted = Target(stack.environment, with_others, stack).logical_tables()
    assert "payments" not in counted
    assert "legacy" in counted
    untagged = dataclasses.replace(foreign, tags=Unverifiable("dynamodb-local", "no tags"))
    local_view = dataclasses.replace(observed, tables={**observed.tables, foreign.name: untagged})
    assert "payments" in Target(stack.environment, local_view, stack).logical_tables()
