"""Waivers (issue 20, item 1): a gap accepted as risk, with who approved it, why and until when, never hidden and
blocking nothing while it is in force; the brief's Plan A replayed on moto; a malformed waiver stops the run at its
line. Black-box: the real features and contracts in a subprocess, the environment changed after provisioning."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest

pytest.register_assert_rewrite("tests.support.contract_project")
from dynamo_contracts.provision.desired.waivers import INPUT_UNKNOWN, KINDS, Waiver  # noqa: E402
from dynamo_contracts.steps.report.build import build  # noqa: E402
from dynamo_contracts.steps.report.markdown import render  # noqa: E402
from dynamo_contracts.steps.report.model import Readiness, Verdict  # noqa: E402
from dynamo_contracts.steps.results.expected import Requirements  # noqa: E402
from dynamo_contracts.steps.results.findings import Cause, Finding, Kind, Outcome  # noqa: E402
from dynamo_contracts.steps.results.run import RunResults, SourceResults  # noqa: E402
from dynamo_contracts.steps.results.scenarios import Results, ScenarioOutcome, ScenarioResult  # noqa: E402
from dynamo_contracts.steps.results.waivers import covers, waive  # noqa: E402
from tests.steps.wiring.test_verdicts import drift_after_provisioning  # noqa: E402
from tests.support.contract_project import ContractProject, subprocess_runner  # noqa: E402
from tests.support.paths import CONTRACTS  # noqa: E402

pytest_plugins = ["pytester", "tests.support.contract_project"]

# The brief's Plan A: "deploy only 3 tables to unblock campaigns/products; document users/orders as Phase 2".
PLAN_A = """\
waivers:
  - table: orders
    environment: moto
    approved_by: Tech Lead (BBWS)
    reason: "Plan A: orders is Phase 2"
    expires: 2026-03-31
  - table: users
    environment: moto
    approved_by: Tech Lead (BBWS)
    reason: "Plan A: users is Phase 2"
    expires: 2026-03-31
  - consumer: platform
    kind: table_set
    environment: moto
    approved_by: Platform team
    reason: "Plan A: 3 of the 5 tables until Phase 2"
    expires: 2026-03-31
"""


def plan_a(path: Path, waivers: str = PLAN_A) -> ContractProject:
    """The real contracts and features on moto, with orders and users not deployed, and `waivers`."""
    project = ContractProject(path, subprocess_runner(path))
    project.copy_real_features()
    drift_after_provisioning(project, '''
        c = backend.client("dynamodb")
        c.delete_table(TableName="orders-moto")
        c.delete_table(TableName="users-moto")
        ''')
    (path / "contracts" / "waivers.yaml").write_text(waivers, encoding="utf-8")
    return project


def report_of(out: Path) -> dict[str, Any]:
    return dict(json.loads((out / "readiness.json").read_text(encoding="utf-8")))


@pytest.mark.slow  # the real suite in a subprocess, twice
def test_plan_a_accepts_orders_and_users_as_risk_until_the_waivers_expire(tmp_path: Path) -> None:
    project = plan_a(tmp_path)
    out = tmp_path / "out"
    sarif = tmp_path / "contracts.sarif"
    run = project.run("--env=moto", "--today=2026-03-31", f"--readiness-report={out}", "--github-annotations=on",
                      f"--sarif={sarif}")
    assert run.result.ret == 0, run.output
    assert not [line for line in run.output.splitlines() if line.startswith("::error")], run.output
    assert any(line.startswith("::warning") and "title=accepted risk%3A table orders is missing::" in line
               for line in run.output.splitlines()), run.output
    levels = {r["message"]["text"].split("\n")[0]: r["level"]
              for r in json.loads(sarif.read_text(encoding="utf-8"))["runs"][0]["results"]}
    assert levels["accepted risk: table orders is missing"] == "warning"
    assert "error" not in levels.values()
    report = report_of(out)
    consumers = report["consumers"]
    # campaigns and products need none of orders and users: nothing failed, nothing waived; moto cannot evaluate
    # their alarms nor list backup selections, so they are unverified there, as without any waiver.
    for consumer in ("campaigns_lambda", "product_lambda"):
        assert consumers[consumer]["status"] == "unverified"
        assert consumers[consumer]["accepted"] == []
        assert consumers[consumer]["gaps"] == []
    # order_lambda needs only orders: every one of its failures is waived, and everything else is verified.
    assert consumers["order_lambda"]["status"] == "ready with accepted risk"
    assert consumers["order_lambda"]["gaps"] == []
    assert consumers["order_lambda"]["accepted"] == [
        "table orders is missing: waived by contracts/waivers.yaml:2 (table orders, in moto): approved by Tech Lead "
        "(BBWS), until 2026-03-31: Plan A: orders is Phase 2"]
    # tenant_management needs users (waived) and tenants (there, checked: its alarms are what moto cannot judge).
    assert consumers["tenant_management"]["status"] == "unverified"
    assert consumers["tenant_management"]["gaps"] == []
    assert [a.split(": waived by ")[1].split(" ")[0] for a in consumers["tenant_management"]["accepted"]] == [
        "contracts/waivers.yaml:7"]
    assert report["verdict"] == "UNVERIFIED"  # not BLOCKED: what is open is moto's, what fails is accepted
    waived = {g["subject"]: g["waiver"] for g in report["gaps"]}
    assert set(waived) == {"table orders", "table users", "tables of moto"}
    assert all(waived.values())
    cells = report["matrix"]["cells"]  # the picture shows the accepted risk, never as ready
    assert cells["order_lambda"]["orders"]["state"] == "waived"
    assert "contracts/waivers.yaml:2" in cells["order_lambda"]["orders"]["reason"]
    markdown = (out / "readiness.md").read_text(encoding="utf-8")
    assert "| order_lambda | ☑️ ready with accepted risk | none | 0 of " in markdown  # blocked by nothing
    assert "| Tables | 5 | 3 | 2 missing (orders (waived), users (waived)) |" in markdown
    assert "## Accepted risk" in markdown
    assert "approved by Tech Lead (BBWS), until 2026-03-31" in markdown
    assert "43 failed (43 accepted as risk)" in run.output
    assert "order_lambda         ready with accepted risk" in run.output

    expired = project.run("--env=moto", "--today=2026-04-01", f"--readiness-report={out}", "--github-annotations=on",
                          f"--sarif={sarif}")
    assert expired.result.ret == 1, expired.output
    after = report_of(out)
    assert after["verdict"] == "BLOCKED"
    assert {c: after["consumers"][c]["status"] for c in ("order_lambda", "tenant_management")} == {
        "order_lambda": "blocked", "tenant_management": "blocked"}
    assert after["consumers"]["campaigns_lambda"]["status"] == "unverified"
    assert ("Waiver expired: contracts/waivers.yaml:2: this waiver expired on 2026-03-31 (today is 2026-04-01)"
            in expired.output)
    # ... and an error at its line everywhere else: the annotation, the SARIF, readiness.json and .md
    assert [line.split("::")[1] for line in expired.output.splitlines() if "title=waiver expired" in line] == [
        f"error file=contracts/waivers.yaml,line={n},title=waiver expired" for n in (2, 7, 12)], expired.output
    results = json.loads(sarif.read_text(encoding="utf-8"))["runs"][0]["results"]
    assert sorted(r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results
                  if r["ruleId"] == "waiver" and r["level"] == "error") == [2, 7, 12]
    assert [w.split(": this waiver expired on 2026-03-31")[0] for w in after["expired_waivers"]] == [
        "contracts/waivers.yaml:2", "contracts/waivers.yaml:7", "contracts/waivers.yaml:12"]
    assert "## Expired waivers" in (out / "readiness.md").read_text(encoding="utf-8")


@pytest.mark.slow  # pytest in a subprocess
@pytest.mark.parametrize(("waiver", "said"), [
    ("  - table: orders\n    approved_by: Tech Lead\n    reason: r\n",
     "contracts/waivers.yaml:2: this waiver has no 'expires': give until when (a date, YYYY-MM-DD)"),
    ("  - table: ordrs\n    approved_by: Tech Lead\n    reason: r\n    expires: 2026-03-31\n",
     "contracts/waivers.yaml:2: table 'ordrs' does not exist; did you mean 'orders'?"),
    ("  - consumer: order_lambdaa\n    approved_by: Tech Lead\n    reason: r\n    expires: 2026-03-31\n",
     "contracts/waivers.yaml:2: consumer 'order_lambdaa' does not exist"),
    ("  - kind: gsii\n    approved_by: Tech Lead\n    reason: r\n    expires: 2026-03-31\n",
     "contracts/waivers.yaml:2: kind 'gsii' does not exist; did you mean 'gsi'?"),
    ("  - table: orders\n    reason: r\n    expires: 2026-03-31\n",
     "contracts/waivers.yaml:2: this waiver has no 'approved_by'"),
    ("  - table: orders\n    approved_by: Tech Lead\n    reason: r\n    expires: 2026-13-31\n",
     "contracts/waivers.yaml:5: expires: '2026-13-31' is not a date; write YYYY-MM-DD"),
])
def test_a_malformed_waiver_stops_the_run_at_its_line(tmp_path: Path, waiver: str, said: str) -> None:
    project = ContractProject(tmp_path, subprocess_runner(tmp_path))
    project.copy_real_features()
    (tmp_path / "contracts" / "waivers.yaml").write_text("waivers:\n" + waiver, encoding="utf-8")
    run = project.run("--against=schema")
    assert run.result.ret == 4, run.output
    assert said in run.output
    assert "Traceback" not in run.output


WAIVER = "waived by contracts/waivers.yaml:2 (table orders, in sit): approved by Tech Lead, until 2026-03-31: Phase 2"


def _readiness(waiver: str) -> Readiness:
    missing = Finding(Kind.TABLE, Outcome.FAILED, "table orders", "orders-sit, ACTIVE", "no table orders-sit",
                      table="orders", cause=Cause.TABLE, waiver=waiver)
    held = Finding(Kind.TABLE, Outcome.PASSED, "table campaigns", "campaigns-sit, ACTIVE", "ACTIVE",
                   table="campaigns")
    scenarios = [ScenarioResult("o", "orders", "order_lambda", ScenarioOutcome.SKIPPED if waiver else
                                ScenarioOutcome.FAILED, (missing,), "features/order_lambda/t.feature:3"),
                 ScenarioResult("c", "campaigns", "campaigns_lambda", ScenarioOutcome.PASSED, (held,),
                                "features/campaigns_lambda/t.feature:3")]
    requirements = Requirements(tables=frozenset({"orders", "campaigns"}),
                                scenarios={"order_lambda": 1, "campaigns_lambda": 1})
    report = build(RunResults("sit", "2026-03-01T00:00:00+00:00", requirements, [],
                              [SourceResults("live", "aws", None, Results(scenarios))]))
    assert isinstance(report, Readiness)
    return report


def test_a_run_whose_only_gap_is_waived_is_ready_with_accepted_risk_and_says_it_everywhere() -> None:
    report = _readiness(WAIVER)
    assert report.verdict is Verdict.ACCEPTED_RISK
    assert report.data()["verdict"] == "READY WITH ACCEPTED RISK"
    assert report.consumers["order_lambda"].status.value == "ready with accepted risk"
    assert report.consumers["order_lambda"].accepted == [f"table orders is missing: {WAIVER}"]
    assert report.consumers["campaigns_lambda"].status.value == "ready"
    markdown = render(report)
    assert "**READY WITH ACCEPTED RISK**" in markdown
    assert f"| table orders is missing | order_lambda | {WAIVER} |" in markdown
    assert "- [ ] All required tables created and ACTIVE" in markdown  # waived is not holding
    assert _readiness("").verdict is Verdict.BLOCKED  # the same gap without its waiver


# --- item 2: advisory claims ---------------------------------------------------------------------------------

ADVISORY_FEATURE = """Feature: products
  @advisory
  Scenario: products by category would be nice
    Then the table "products" must have the GSI "ProductsByCategory"

  Scenario: the products table
    Then the table "products" must exist
"""


@pytest.mark.slow  # pytest in a subprocess, on moto
def test_an_advisory_failure_is_a_warning_everywhere_and_blocks_nothing(tmp_path: Path) -> None:
    project = ContractProject(tmp_path, subprocess_runner(tmp_path))
    drift_after_provisioning(project, '''
        backend.client("dynamodb").update_table(TableName="products-moto", GlobalSecondaryIndexUpdates=[
            {"Delete": {"IndexName": "ProductsByCategory"}}])
        ''')
    project.feature("alpha", ADVISORY_FEATURE)
    out, sarif = tmp_path / "out", tmp_path / "contracts.sarif"
    run = project.run("--env=moto", f"--readiness-report={out}", "--github-annotations=on", f"--sarif={sarif}")
    assert run.result.ret == 0, run.output
    assert "advisory, failing (a warning, not blocking): GSI ProductsByCategory" in run.output
    assert "Warnings (not blocking):" in run.output
    assert not [line for line in run.output.splitlines() if line.startswith("::error")], run.output
    assert any(line.startswith("::warning") and "title=advisory%3A GSI ProductsByCategory is missing" in line
               for line in run.output.splitlines()), run.output
    levels = [r["level"] for r in json.loads(sarif.read_text(encoding="utf-8"))["runs"][0]["results"]]
    assert "error" not in levels
    assert "warning" in levels
    report = report_of(out)
    assert report["consumers"]["alpha"]["status"] == "ready"
    assert report["verdict"] == "READY"
    assert any(w.startswith("advisory, failing: GSI ProductsByCategory") for w in report["warnings"])
    assert "nobody: advisory (alpha)" in (out / "readiness.md").read_text(encoding="utf-8")

    project.feature("alpha", ADVISORY_FEATURE.replace("  @advisory\n", ""))
    strict = project.run("--env=moto", f"--readiness-report={out}")
    assert strict.result.ret == 1, strict.output  # the same claim, not advisory, blocks
    assert report_of(out)["verdict"] == "BLOCKED"

    project.feature("alpha", ADVISORY_FEATURE.replace("  @advisory\n", "").replace(
        'Then the table "products" must have the GSI', 'Then the table "products" should have the GSI'))
    should = project.run("--env=moto", f"--readiness-report={out}")
    assert should.result.ret == 0, should.output  # "should": the one claim is advisory
    assert "advisory, failing (a warning, not blocking): GSI ProductsByCategory" in should.output
    assert report_of(out)["verdict"] == "READY"


def test_every_field_a_waiver_gives_narrows_it_and_what_it_leaves_out_matches_anything() -> None:
    gsi = Finding(Kind.GSI, Outcome.FAILED, "GSI OrdersByUser of table orders", "GSI OrdersByUser", "none",
                  table="orders", name="OrdersByUser", cause=Cause.INDEX)
    day = datetime.date(2026, 3, 31)

    def waiver(**fields: str) -> Waiver:
        return Waiver("contracts/waivers.yaml", 2, "Tech Lead", "Phase 2", day, **fields)

    assert covers(waiver(table="orders", environment="sit"), gsi, "order_lambda", "O2", "sit")
    assert not covers(waiver(table="orders", environment="sit"), gsi, "order_lambda", "O2", "moto")
    assert covers(waiver(index="OrdersByUser", kind="gsi"), gsi, "order_lambda", "O2", "moto")
    assert not covers(waiver(index="OrdersByDate"), gsi, "order_lambda", "O2", "sit")
    assert not covers(waiver(consumer="tenant_management"), gsi, "order_lambda", "O2", "sit")
    assert not covers(waiver(scenario="O1"), gsi, "order_lambda", "O2", "sit")
    assert not covers(waiver(kind="pitr"), gsi, "order_lambda", "O2", "sit")
    marked = waive([waiver(table="orders")], "order_lambda", "O2", "sit", day)(gsi)
    assert marked.waiver.startswith("waived by contracts/waivers.yaml:2 (table orders, in every environment)")
    assert not marked.blocking
    assert waive([waiver(table="orders")], "order_lambda", "O2", "sit", day + datetime.timedelta(days=1))(gsi) == gsi


def test_the_kinds_a_waiver_may_name_are_the_kinds_of_claim_and_input_unknown() -> None:
    """The provisioner's layer cannot import the steps' `Kind`: its own list of them must stay the same."""
    assert sorted(KINDS) == sorted([*(k.value for k in Kind), INPUT_UNKNOWN])


def test_waivers_are_found_however_their_key_is_spelled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Files that cannot hold a `waivers:` key are not parsed again; a key spelled with an escape still counts."""
    import shutil

    from dynamo_contracts.provision.desired.load import load_contracts
    from dynamo_contracts.provision.desired.waivers import load_waivers

    monkeypatch.chdir(tmp_path)
    contracts = tmp_path / "contracts"
    shutil.copytree(CONTRACTS, contracts)
    desired = load_contracts(contracts)
    entry = "  - table: {t}\n    approved_by: Tech Lead\n    reason: Phase 2\n    expires: 2026-03-31\n"
    (contracts / "plain.yaml").write_text("waivers:\n" + entry.format(t="orders"), encoding="utf-8")
    (contracts / "escaped.yaml").write_text('"w\\x61ivers":\n' + entry.format(t="users"), encoding="utf-8")
    found = load_waivers(contracts, desired, [k.value for k in Kind])
    assert sorted((w.table, w.where) for w in found) == [("orders", "contracts/plain.yaml:2"),
                                                        ("users", "contracts/escaped.yaml:2")]
