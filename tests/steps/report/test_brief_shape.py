"""The readiness report in the brief's shape (issue 21), read from the golden report of the brief's case
(tests/brief/golden/, which test_readiness_golden.py (beside this file) compares with a real run): every section of the
brief, under 1,500 words, and no section contradicting another (the key findings, the criteria and the gap list)."""

from __future__ import annotations

import re

from tests.support.paths import BRIEF

SECTIONS = ["**Status**", "**DO NOT DEPLOY** to moto until:", "## Key findings", "## Downstream impact",
            "## Decisions needed", "## What is working well", "## Risks if deployed as-is", "## Approvals needed",
            "## Cost against the budget", "## Success criteria", "## Detail"]
WORD = re.compile(r"\w+(?:['’._:/-]\w+)*")  # words and names; a table's pipes and rules are not words


def report() -> str:
    return (BRIEF / "golden" / "readiness.md").read_text(encoding="utf-8")


def section(text: str, heading: str) -> str:
    start = text.index(heading)
    end = text.find("\n## ", start + len(heading))
    return text[start:end if end > 0 else None]


def key_findings(text: str) -> dict[str, str]:
    rows = [line.split(" | ") for line in section(text, "## Key findings").splitlines() if line.startswith("| ")]
    return {row[0].lstrip("| "): row[3].rstrip(" |") for row in rows[1:]}


def test_the_brief_case_has_every_section_of_the_brief_first_screen_first_and_under_1500_words() -> None:
    text = report()
    assert [text.index(s) for s in SECTIONS] == sorted(text.index(s) for s in SECTIONS)
    assert len(WORD.findall(text)) < 1500
    first_screen = text[:text.index("## Key findings")]
    assert "Tables orders, users added, or the architecture revised" in first_screen


def test_the_decisions_are_the_briefs_with_the_consumers_on_each_side() -> None:
    decisions = section(report(), "## Decisions needed")
    assert "### Decision 1: Missing tables: orders, users" in decisions
    assert "(order_lambda, tenant_management)" in decisions  # option A: the tables unblock them
    assert "**Option B: revise to 3 tables**" in decisions
    assert "### Decision 2: GSI naming" in decisions
    assert "CampaignsByStatus / CampaignActiveIndex: features/campaigns_lambda/access_patterns.feature:14" in decisions


def test_the_approvals_name_the_codeowners_of_each_file_a_gap_changes() -> None:
    approvals = section(report(), "## Approvals needed")
    assert "**@bbws/platform-team**: tests/brief/contracts/backup.yaml, tests/brief/contracts/orders.yaml" in approvals
    assert "**@bbws/campaigns-lambda-team**: features/campaigns_lambda/" in approvals


def test_key_findings_criteria_and_gap_list_agree() -> None:
    text = report()
    findings, criteria, gaps = key_findings(text), section(text, "## Success criteria"), section(text, "### Gaps")
    ticked = {line[6:] for line in criteria.splitlines() if line.startswith("- [x] ")}
    for check, criterion in (("Tables", "All required tables created and ACTIVE"),
                             ("GSIs", "All GSIs created and ACTIVE"),
                             ("Backup vault", "Backup vault configured and every table covered by a plan")):
        assert (findings[check] == "none") == any(t.startswith(criterion) for t in ticked), check
    for table in re.search(r"missing \(([^)]*)\)", findings["Tables"]).group(1).split(", "):  # type: ignore[union-attr]
        assert f"| table {table} is missing |" in gaps
    missing_gsis = re.search(r"\d+ missing \(([^;)]*)", findings["GSIs"]).group(1).split(", ")  # type: ignore[union-attr]
    for need in missing_gsis:
        table, index = need.split(".")
        assert f"GSI {index} is missing on table {table}" in gaps or f"table {table} is missing" in gaps, need
    assert "backup vault bbws-dynamodb is missing" in gaps
    assert "**DO NOT DEPLOY**" in text
    assert "❌ **BLOCKED**" in text


def test_the_cost_is_its_figure_against_the_budget_where_the_environment_declares_one() -> None:
    sources = (BRIEF / "golden-sources" / "readiness.md").read_text(encoding="utf-8")
    assert "monthly cost of sit: $14.68 a month" in sources
    assert "within the budget (at most $50.00 a month)" in sources


def test_a_matrix_cell_is_a_gap_only_for_a_failure_that_blocks() -> None:
    """A waived failure shows as waived with its waiver, an advisory one as a warning; a blocking one wins."""
    from dynamo_contracts.steps.report.matrix import CellState, build_matrix
    from dynamo_contracts.steps.results.findings import Cause, Finding, Kind, Outcome
    from dynamo_contracts.steps.results.scenarios import Results, ScenarioOutcome, ScenarioResult

    def missing(table: str, **given: object) -> Finding:
        return Finding(Kind.TABLE, Outcome.FAILED, f"table {table}", "exists", "missing", table=table,
                       cause=Cause.TABLE, **given)  # type: ignore[arg-type]

    def scenario(consumer: str, *findings: Finding) -> ScenarioResult:
        return ScenarioResult(f"{consumer}::s", "s", consumer, ScenarioOutcome.FAILED, findings)

    results = Results([scenario("a", missing("orders", waiver="contracts/waivers.yaml:2 (until 2026-03-31)")),
                       scenario("b", missing("orders", advisory=True)),
                       scenario("c", missing("orders", waiver="contracts/waivers.yaml:2"), missing("orders"))])
    matrix = build_matrix(results, ["orders"], {"a": True, "b": True, "c": True})
    assert matrix.cell("a", "orders").state is CellState.WAIVED
    assert "contracts/waivers.yaml:2 (until 2026-03-31)" in matrix.cell("a", "orders").reason
    assert matrix.cell("b", "orders").state is CellState.WARNING
    assert matrix.cell("c", "orders").state is CellState.GAP
