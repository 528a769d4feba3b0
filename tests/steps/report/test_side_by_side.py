"""Several sources in one run (issue 9): every scenario against each, one outcome per scenario and
source, one report with a column per source and where they disagree."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

import pytest

from dynamo_contracts.steps.report.build import build, disagreements
from dynamo_contracts.steps.report.files import write_report
from dynamo_contracts.steps.report.model import SideBySide, Verdict
from dynamo_contracts.steps.results.environment import EnvironmentSummary
from dynamo_contracts.steps.results.expected import Requirements
from dynamo_contracts.steps.results.findings import Cause, Finding, Kind, Outcome
from dynamo_contracts.steps.results.run import RunResults, SourceResults
from dynamo_contracts.steps.results.scenarios import Results, ScenarioOutcome, ScenarioResult
from tests.steps.report.test_library import contracts
from tests.support import spawn


def _summary(backend: str, tables: dict[str, list[str]], vaults: list[str] | None = None) -> EnvironmentSummary:
    plans = None if vaults is None else ["plan-sit"] if vaults else []
    return EnvironmentSummary("sit", backend, sorted(tables), tables, plans, vaults)


def _scenario(consumer: str, *findings: Finding) -> ScenarioResult:
    failed = any(f.outcome is Outcome.FAILED for f in findings)
    return ScenarioResult(f"features/{consumer}/t.feature::s", "s", consumer,
                          ScenarioOutcome.FAILED if failed else ScenarioOutcome.PASSED, findings,
                          f"features/{consumer}/t.feature:3")


def _run(*sources: SourceResults) -> RunResults:
    wanted = Requirements(tables={"orders", "users"}, gsis={("orders", "OrdersByUser")}, vaults=set(), plans=set(),
                          scenarios={"order_lambda": 1})
    return RunResults("sit", "2026-12-02T00:00:00+00:00", wanted, [], list(sources))


def test_sources_that_hold_different_tables_indexes_or_vaults_disagree_and_say_who_lacks_what() -> None:
    schema = SourceResults("schema", "contracts", _summary("contracts", {"orders": ["OrdersByUser"], "users": []},
                                                            ["bbws-sit"]), Results())
    terraform = SourceResults("terraform", "terraform", _summary("terraform", {"orders": ["ByUser"]}, []), Results(),
                              "infra/sit")
    live = SourceResults("live", "dynamodb-local", _summary("dynamodb-local", {"orders": ["OrdersByUser"],
                                                                               "users": []}), Results())
    found = {d.what: d for d in disagreements([schema, terraform, live])}
    assert set(found) == {"tables", "GSIs of table orders", "backup vaults", "backup plans"}
    assert found["tables"].describe() == ("tables: schema and live 2 (orders, users), terraform 1 (orders); "
                                          "terraform lacks users")
    assert found["GSIs of table orders"].describe() == (
        "GSIs of table orders: schema and live 1 (OrdersByUser), terraform 1 (ByUser); terraform lacks OrdersByUser; "
        "terraform has ByUser, which schema and live do not")
    assert found["GSIs of table orders"].held == {"schema": ["OrdersByUser"], "terraform": ["ByUser"],
                                                  "live": ["OrdersByUser"]}
    assert "live" not in found["backup vaults"].held  # DynamoDB Local cannot tell: left out, not "none"


def test_sources_that_hold_the_same_do_not_disagree() -> None:
    same = _summary("contracts", {"orders": ["OrdersByUser"]}, ["v"])
    assert disagreements([SourceResults("schema", "contracts", same, Results()),
                          SourceResults("plan", "plan", same, Results(), "plan.json")]) == []


def test_the_overall_verdict_is_the_worst_source_and_each_source_keeps_its_own(tmp_path: Path) -> None:
    ok = Finding(Kind.TABLE, Outcome.PASSED, "table orders", "orders-sit", "orders-sit", table="orders")
    missing = Finding(Kind.TABLE, Outcome.FAILED, "table orders", "orders-sit", "none", table="orders",
                      cause=Cause.TABLE, action="the owners of the Terraform: add table orders-sit to infra/sit")
    report = build(_run(
        SourceResults("schema", "contracts", _summary("contracts", {"orders": ["OrdersByUser"]}),
                      Results([_scenario("order_lambda", ok)])),
        SourceResults("terraform", "terraform", _summary("terraform", {}), Results([_scenario("order_lambda",
                                                                                             missing)]),
                      "infra/sit")))
    assert isinstance(report, SideBySide)
    assert report.sources["schema"].verdict is Verdict.READY
    assert report.sources["terraform"].verdict is Verdict.BLOCKED
    assert report.verdict is Verdict.BLOCKED
    markdown = write_report(report, tmp_path)
    assert "| Tables | 2 | 1 (missing users) | 0 (missing orders, users) |" in markdown  # what each source holds
    assert "terraform (infra/sit)" in markdown
    assert "the owners of the Terraform: add table orders-sit to infra/sit" in markdown
    assert "tables: schema 1 (orders), terraform 0 (none); terraform lacks orders" in markdown
    data = json.loads((tmp_path / "readiness.json").read_text())
    assert data["verdict"] == "BLOCKED"
    assert {label: s["verdict"] for label, s in data["sources"].items()} == {"schema": "READY",
                                                                            "terraform": "BLOCKED"}
    assert data["sources"]["terraform"]["origin"] == "infra/sit"
    assert data["drift"][0]["what"] == "tables"


def test_a_run_of_one_source_keeps_the_report_of_one_source() -> None:
    report = build(_run(SourceResults("live", "moto", None, Results())))
    assert not isinstance(report, SideBySide)


@pytest.fixture(scope="module")
def two_sources(tmp_path_factory: pytest.TempPathFactory,
                spawn: ModuleType) -> tuple[Path, spawn.CompletedProcess[str]]:
    out = tmp_path_factory.mktemp("two")
    done = contracts(out, "--env=moto", "--no-provision", "--against=schema,live", f"--junitxml={out / 'junit.xml'}")
    return out, done


def test_every_scenario_runs_against_each_source_with_its_own_id(
        two_sources: tuple[Path, spawn.CompletedProcess[str]]) -> None:
    out, done = two_sources
    cases = [c.get("name", "") for c in ET.parse(out / "junit.xml").getroot().iter("testcase")]
    schema = sorted(c.removesuffix("[schema]") for c in cases if c.endswith("[schema]"))
    live = sorted(c.removesuffix("[live]") for c in cases if c.endswith("[live]"))
    assert schema
    assert schema == live
    assert len(cases) == len(schema) + len(live)
    assert "contract checks on moto, schema" in done.stdout
    assert "contract checks on moto (moto)" in done.stdout


def test_a_live_environment_that_lacks_what_the_schema_defines_is_drift_in_the_side_by_side_report(
        two_sources: tuple[Path, spawn.CompletedProcess[str]]) -> None:
    out, done = two_sources
    assert done.returncode == 1  # live is empty (--no-provision): BLOCKED
    data = json.loads((out / "readiness.json").read_text())
    assert data["sources"]["schema"]["verdict"] == "UNVERIFIED"  # access patterns are not run on the schema
    assert data["sources"]["live"]["verdict"] == "BLOCKED"
    assert data["verdict"] == "BLOCKED"
    tables = next(d for d in data["drift"] if d["what"] == "tables")
    assert tables["held"]["live"] == []
    assert len(tables["held"]["schema"]) == 5
    results = RunResults.load(out / "results.json")
    assert [s.name for s in results.sources] == ["schema", "live"]
    names = {s.name for s in results.sources[0].results.scenarios}
    assert not any(name.endswith(("[schema]", "[live]", "-schema]")) for name in names)  # the scenario as written


@pytest.mark.usefixtures("spawn")
def test_a_source_can_be_selected_with_k(tmp_path: Path) -> None:
    done = contracts(tmp_path, "--env=moto", "--against=schema,live", "-k", "schema and OrdersByUser")
    assert "contract checks on moto, schema" in done.stdout
    assert "contract checks on moto (moto)" not in done.stdout  # no live scenario ran: live was not even read
    assert "provisioned" not in done.stdout
