"""An expired waiver is an error at its file:line (issue 20, item 1) wherever the run reports: the terminal (tested
with the Plan A replay, test_waivers.py beside this), readiness.md and readiness.json, the saved results a report is
rebuilt from, a GitHub annotation and a SARIF result at its line of contracts/, under the rule `waiver`.

Built results here; the Plan A replay checks the same on a real run, the day after its waivers expire.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dynamo_contracts.steps.output import annotations as github
from dynamo_contracts.steps.output import sarif
from dynamo_contracts.steps.output.places import Place, Places
from dynamo_contracts.steps.output.problems import WAIVER_RULE, Level, problems
from dynamo_contracts.steps.report.build import build
from dynamo_contracts.steps.report.markdown import render
from dynamo_contracts.steps.report.model import Readiness
from dynamo_contracts.steps.results.expected import Requirements
from dynamo_contracts.steps.results.findings import Finding as Claim
from dynamo_contracts.steps.results.findings import Kind, Outcome
from dynamo_contracts.steps.results.run import RunResults, SourceResults
from dynamo_contracts.steps.results.scenarios import Results, ScenarioOutcome, ScenarioResult
from tests.steps.output.test_ci_output import sarif_errors

EXPIRED = ("contracts/waivers.yaml:7: this waiver expired on 2026-03-31 (today is 2026-04-01): what it covered "
           "(table users, in sit) blocks again; renew it with a new date (approved by Tech Lead) or close the gap")


def run_with(expired: list[str]) -> RunResults:
    held = Claim(Kind.TABLE, Outcome.PASSED, "table users", "users-sit, ACTIVE", "ACTIVE", table="users")
    scenario = ScenarioResult("u", "users", "tenant_management", ScenarioOutcome.PASSED, (held,),
                              "features/tenant_management/t.feature:3")
    return RunResults("sit", "2026-04-01T00:00:00+00:00", Requirements(tables=frozenset({"users"}),
                                                                       scenarios={"tenant_management": 1}), [],
                      [SourceResults("live", "aws", None, Results([scenario]))], expired)


@pytest.fixture
def repository(tmp_path: Path) -> Places:
    waivers = tmp_path / "contracts" / "waivers.yaml"
    waivers.parent.mkdir()
    waivers.write_text("waivers:\n" + "  # ...\n" * 10, encoding="utf-8")
    return Places(tmp_path, [tmp_path])


def test_the_report_lists_each_expired_waiver_at_its_line() -> None:
    report = build(run_with([EXPIRED]))
    assert isinstance(report, Readiness)
    assert report.data()["expired_waivers"] == [EXPIRED]
    markdown = render(report)
    assert f"## Expired waivers\n\n- ❌ {EXPIRED}\n" in markdown
    plain = build(run_with([]))
    assert isinstance(plain, Readiness)
    assert "expired_waivers" not in plain.data()  # a run with none says nothing of them
    assert "Expired waivers" not in render(plain)


def test_the_saved_results_keep_them_so_a_rebuilt_report_says_the_same(tmp_path: Path) -> None:
    saved = run_with([EXPIRED])
    saved.save(tmp_path / "results.json")
    assert json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))["expired_waivers"] == [EXPIRED]
    again = RunResults.load(tmp_path / "results.json")
    assert again.expired_waivers == [EXPIRED]
    assert build(again) == build(saved)
    assert "expired_waivers" not in run_with([]).data()  # results of runs with none are as they were


def test_an_expired_waiver_is_an_error_annotation_and_a_sarif_result_at_its_line(repository: Places) -> None:
    found = problems(run_with([EXPIRED]), repository)
    assert [(p.level, p.rule, p.place) for p in found] == [
        (Level.ERROR, WAIVER_RULE, Place("contracts/waivers.yaml", 7))]
    assert github.of_problems(found) == [
        "::error file=contracts/waivers.yaml,line=7,title=waiver expired::This waiver expired on 2026-03-31 (today is "
        "2026-04-01): what it covered (table users, in sit) blocks again; renew it with a new date (approved by Tech "
        "Lead) or close the gap."]
    log = sarif.document(found, environment="sit", verdict="READY", sources=["live"], root=repository.root,
                         version="0.1.0")
    assert sarif_errors(log) == []
    result = log["runs"][0]["results"][0]
    assert (result["ruleId"], result["level"]) == (WAIVER_RULE, "error")
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 7
    tomorrow = problems(run_with([EXPIRED.replace("today is 2026-04-01", "today is 2026-04-02")]), repository)
    assert tomorrow[0].identity == found[0].identity  # code scanning sees the same alert each day
