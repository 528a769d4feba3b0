"""The readiness assessment from plain results: who was checked, what the contracts require, and the words.

No backend: `build` and `render` get results, the environment as read and the requirements, as
the plugin hands them over at the end of a run.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from dynamo_contracts.provision.desired.model import AttributeType, BackendKind, Environment, KeyAttribute, KeySchema
from dynamo_contracts.provision.desired.stack import Stack
from dynamo_contracts.provision.observed.schema import observed_from_stack
from dynamo_contracts.provision.observed.state import ObservedTable, Unverifiable
from dynamo_contracts.steps.checks.target import Target
from dynamo_contracts.steps.report.build import NOT_CHECKED_REASON, build
from dynamo_contracts.steps.report.markdown import render
from dynamo_contracts.steps.report.model import ConsumerState, Readiness, Verdict
from dynamo_contracts.steps.results.environment import EnvironmentSummary
from dynamo_contracts.steps.results.expected import Requirements
from dynamo_contracts.steps.results.findings import Cause, Finding, Kind, Outcome
from dynamo_contracts.steps.results.run import RunResults, SourceResults
from dynamo_contracts.steps.results.scenarios import Results, ScenarioOutcome, ScenarioResult

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


# --- one source for the key findings, the success criteria and the gaps (issue 17.3) --------------------------


def failed(kind: Kind, subject: str, table: str, cause: Cause | None = None, name: str | None = None) -> Finding:
    return Finding(kind, Outcome.FAILED, subject, "as required", "not so", table=table, name=name, cause=cause)


def _section(markdown: str, heading: str) -> list[str]:
    return markdown.split(f"## {heading}\n")[1].split("\n## ")[0].strip().splitlines()


def key_findings(markdown: str) -> dict[str, tuple[str, str]]:
    """Check -> (actual, gap), as the Key findings table says."""
    rows = [[c.strip() for c in line.strip("|").split("|")] for line in _section(markdown, "Key findings")[2:]]
    return {row[0]: (row[2], row[3]) for row in rows}


def ticks(markdown: str) -> dict[str, bool]:
    """Criterion (its first words) -> ticked."""
    return {line[6:].split(" (")[0]: line.startswith("- [x]") for line in _section(markdown, "Success criteria")}


INVENTORY = {"Tables": "All required tables created and ACTIVE", "GSIs": "All GSIs created and ACTIVE"}
BACKUP_ROWS = ("Backup vault", "Backup plans", "Backup coverage")
BACKUP = "Backup vault configured and every table covered by a plan"
SETTINGS = {Kind.PITR, Kind.STREAM, Kind.ENCRYPTION, Kind.TTL, Kind.ALARM, Kind.BACKUP_COVERAGE, Kind.TAGS}


def check_one_source(report: Readiness) -> tuple[dict[str, tuple[str, str]], dict[str, bool]]:
    """The criteria tick exactly what the key findings hold; every gap of a kind has its key finding say so;
    a missing table's settings are no gaps of their own."""
    markdown = render(report)
    rows, ticked = key_findings(markdown), ticks(markdown)
    for row, criterion in INVENTORY.items():
        actual, gap = rows[row]
        assert ticked[criterion] == (gap == "none" and actual.isdigit()), (row, rows[row], criterion)
    assert ticked[BACKUP] == all(rows[row][1] == "none" and not rows[row][0].startswith(("not read", "not verif"))
                                 for row in BACKUP_ROWS), rows
    kinds = {g.kind for g in report.gaps}
    if kinds & {Kind.TABLE, Kind.TABLE_SET}:
        assert rows["Tables"][1] != "none"
        assert not ticked[INVENTORY["Tables"]]
    if kinds & {Kind.GSI, Kind.GSI_SET}:
        assert rows["GSIs"][1] != "none"
        assert not ticked[INVENTORY["GSIs"]]
    missing = set(report.missing["tables"])
    assert not [g.describe() for g in report.gaps if g.kind in SETTINGS and g.table in missing]
    return rows, ticked


def test_with_a_table_missing_the_criteria_say_what_the_key_findings_say_and_its_settings_are_its_gap() -> None:
    """Issue 17.3: users missing: "GSIs 2 expected, 1 actual" beside a ticked "All GSIs created and ACTIVE",
    and the plan's "turn point-in-time recovery on for table users-sit" listed as a gap of its own."""
    seen = EnvironmentSummary("sit", "aws", ["orders"], {"orders": ["OrdersByDate"]}, ["bbws-daily-sit"], ["bbws-sit"])
    findings = (failed(Kind.TABLE, "table users", "users", Cause.TABLE),
                failed(Kind.GSI, "GSI UsersByEmail of table users", "users", Cause.TABLE, "UsersByEmail"),
                failed(Kind.PITR, "point-in-time recovery of table users", "users", Cause.TABLE))
    drift = (failed(Kind.PITR, "point-in-time recovery of users-sit", "users"),  # the plan's, no cause of its own
             failed(Kind.ALARM, "alarm of users-sit-read-throttles", "users", name="read_throttles"))
    report = assess([scenario("alpha", "a", "failed", *findings), scenario("platform", "p", "failed", *drift)],
                    requirements(alpha=1, platform=1), seen)
    rows, ticked = check_one_source(report)
    assert rows["Tables"] == ("1", "1 missing (users)")
    assert rows["GSIs"] == ("1", "1 missing (users.UsersByEmail; table users is missing)")
    assert not ticked["All GSIs created and ACTIVE"]
    assert rows["Point-in-time recovery"][1] == "2 on missing tables (see Tables)"
    assert [(g.kind, g.table) for g in report.gaps] == [(Kind.TABLE, "users")]
    assert report.gaps[0].consumers == ["alpha", "platform"]
    assert report.settings.pitr == {"table missing": 2}


def test_the_criteria_follow_the_key_findings_in_every_broken_state() -> None:
    fine = assess([scenario("alpha", "a")], requirements(alpha=1))
    assert all(check_one_source(fine)[1][c] for c in (*INVENTORY.values(), BACKUP))

    gone = failed(Kind.GSI, "GSI UsersByEmail of table users", "users", Cause.INDEX, "UsersByEmail")
    seen = EnvironmentSummary("sit", "aws", ["orders", "users"], {"orders": ["OrdersByDate"]}, ["p"], ["bbws-sit"])
    rows, ticked = check_one_source(assess([scenario("alpha", "a", "failed", gone)], requirements(alpha=1), seen))
    assert (ticked[INVENTORY["Tables"]], ticked[INVENTORY["GSIs"]]) == (True, False)
    assert rows["GSIs"][1] == "1 missing (users.UsersByEmail)"

    creating = Finding(Kind.GSI, Outcome.FAILED, "GSI UsersByEmail of table users", "GSI UsersByEmail, ACTIVE",
                       "GSI UsersByEmail, CREATING", table="users", name="UsersByEmail")
    seen = dataclasses.replace(observed(), inactive_gsis=["users.UsersByEmail CREATING"])
    rows, ticked = check_one_source(assess([scenario("alpha", "a", "failed", creating)], requirements(alpha=1), seen))
    assert rows["GSIs"][1] == "1 not ACTIVE yet (users.UsersByEmail CREATING)"
    assert not ticked[INVENTORY["GSIs"]]

    updating = Finding(Kind.TABLE, Outcome.FAILED, "table orders", "orders-sit, ACTIVE", "orders-sit, UPDATING",
                       table="orders")
    seen = dataclasses.replace(observed(), inactive_tables=["orders UPDATING"])
    rows, ticked = check_one_source(assess([scenario("alpha", "a", "failed", updating)], requirements(alpha=1), seen))
    assert rows["Tables"][1] == "1 not ACTIVE yet (orders UPDATING)"
    assert not ticked[INVENTORY["Tables"]]

    no_vault = Finding(Kind.BACKUP_VAULT, Outcome.FAILED, "backup vault bbws", "bbws-sit", "none", name="bbws",
                       cause=Cause.VAULT)
    rows, ticked = check_one_source(assess([scenario("alpha", "a", "failed", no_vault)], requirements(alpha=1),
                                           observed(vaults=[])))
    assert rows["Backup vault"][1] == "missing (bbws-sit)"
    assert not ticked[BACKUP]

    extra = Finding(Kind.TABLE_SET, Outcome.FAILED, "tables of sit", "exactly 2: orders, users", "3",
                    reason="not expected audit")
    seen = dataclasses.replace(observed(), tables=["audit", "orders", "users"])
    rows, ticked = check_one_source(assess([scenario("alpha", "a", "failed", extra)], requirements(alpha=1), seen))
    assert rows["Tables"][1] == "1 not in any contract (audit)"
    assert not ticked[INVENTORY["Tables"]]

    unread = build(RunResults(ENV.name, "t", requirements(alpha=1), ["bbws-sit"],
                              [SourceResults("live", "aws", None, Results([scenario("alpha", "a")]))]))
    rows, ticked = check_one_source(unread)
    assert rows["Tables"] == ("not read in this run", "none")
    assert "- [ ] All required tables created and ACTIVE (not read in this run)" in render(unread)
