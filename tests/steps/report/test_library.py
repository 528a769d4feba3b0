"""The report as a library (issue 8): rebuilt from a run's saved results by one command that imports no
pytest, identical to what the run wrote; results that travel as JSON; sources picked by name."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from dynamo_contracts.steps.report.__main__ import main as report_main
from dynamo_contracts.steps.results import environment
from dynamo_contracts.steps.results.accounts import mask, mask_accounts
from dynamo_contracts.steps.results.findings import READERS, Cause, Finding, Kind, NotRun, Outcome
from dynamo_contracts.steps.results.run import RunResults, digest
from tests.support import spawn
from tests.support.paths import ROOT

BRIEF = ROOT / "tests" / "brief"


def python(*args: str, cwd: Path = ROOT, **env: str) -> spawn.CompletedProcess[str]:
    environ = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    environ.pop("GITHUB_STEP_SUMMARY", None)
    return spawn.run([sys.executable, *args], cwd=cwd, env=environ, capture_output=True, text=True,
                     timeout=300, check=False)


def copy_of_this_project(folder: Path) -> Path:
    """The project's contracts, features, conftest and pyproject copied into `folder`, to break on purpose."""
    for name in ("contracts", "features"):
        shutil.copytree(ROOT / name, folder / name)
    for name in ("conftest.py", "pyproject.toml"):
        shutil.copy(ROOT / name, folder / name)
    return folder


def contracts(out: Path, *args: str) -> spawn.CompletedProcess[str]:
    return python("-m", "pytest", "-p", "no:cacheprovider", "-q", f"--readiness-report={out}", *args)


@pytest.fixture(scope="module")
def brief_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("brief")
    contracts(out, "--env=moto", "--contracts", str(BRIEF / "contracts"))
    return out


@pytest.mark.slow
@pytest.mark.parametrize("args", [pytest.param(("--env=moto",), id="ready-stack"),
                                  pytest.param(("--env=moto", "--contracts", str(BRIEF / "contracts")), id="brief")])
def test_the_report_rebuilt_from_saved_results_is_the_one_the_run_wrote(tmp_path: Path, args: tuple[str, ...]) -> None:
    out = tmp_path / "run"
    contracts(out, *args)  # no SOURCE_DATE_EPOCH: the time the run wrote is in its results
    rebuilt = python("-m", "dynamo_contracts.steps.report", str(out / "results.json"), "--out", str(tmp_path / "again"))
    verdict = json.loads((out / "readiness.json").read_text())["verdict"]
    assert rebuilt.returncode == (1 if verdict == "BLOCKED" else 0), rebuilt.stderr
    for name in ("readiness.md", "readiness.json"):
        assert (tmp_path / "again" / name).read_text() == (out / name).read_text(), name


@pytest.mark.slow
def test_rebuilding_the_report_imports_no_pytest(brief_run: Path, tmp_path: Path) -> None:
    code = ("import sys\nfrom steps.report.__main__ import main\n"
            f"main([{str(brief_run / 'results.json')!r}, '--out', {str(tmp_path)!r}])\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pytest', '_pytest', 'pytest_bdd')))")
    done = python("-c", code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
    assert (tmp_path / "readiness.md").read_text() == (brief_run / "readiness.md").read_text()


@pytest.mark.parametrize(("content", "says"), [
    pytest.param("{not json", "results.json:1: not JSON", id="not-json"),
    pytest.param('{"format": 99}', "not a results file of format 2 (format: 99)", id="other-format"),
    pytest.param('{"format": 1, "environment": "x"}', "not a results file of format 2 (format: 1)", id="format-1"),
    pytest.param('{"format": 2, "environment": "x"}', "carries no digest of its content", id="no-digest"),
    pytest.param("[" * 100_000, "not JSON", id="deep"),
])
def test_a_results_file_that_cannot_be_read_is_a_clear_error(tmp_path: Path, content: str, says: str,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    code, err = rebuild(tmp_path, content, capsys)
    assert code == 2
    assert says in err


RESULTS: dict[str, Any] = {
    "format": 2, "environment": "sit", "generated_at": "2026-12-02T00:00:00+00:00",
    "requirements": {"tables": ["orders"], "gsis": [["orders", "OrdersByDate"]], "vaults": ["bbws"],
                     "plans": [["bbws", 14]], "scenarios": {"order_lambda": 2}},
    "expected_vaults": ["bbws-sit"],
    "sources": [{"name": "live", "backend": "aws", "origin": "", "observed": {
        "environment": "sit", "backend": "aws", "tables": ["orders"], "gsis": {"orders": ["OrdersByDate"]},
        "backup_plans": ["bbws-daily-sit"], "vaults": ["bbws-sit"], "inactive_tables": [], "inactive_gsis": [],
        "notes": [], "unknown_tables": {}, "unknown_gsis": {}, "unknown_vaults": {}, "unknown_plans": []},
        "scenarios": [
            {"nodeid": "features/o/t.feature::a", "name": "a", "consumer": "order_lambda", "outcome": "failed",
             "where": "features/o/t.feature:3", "findings": [
                 Finding(Kind.TABLE, Outcome.FAILED, "table orders", "orders-sit", "none", table="orders",
                         cause=Cause.TABLE, line=4).data(),
                 Finding(Kind.ACCESS_PATTERN, Outcome.NOT_RUN, "q", "r", "not run", not_run=NotRun.READ_ONLY).data(),
             ]},
            {"nodeid": "features/o/t.feature::b", "name": "b", "consumer": "order_lambda", "outcome": "passed",
             "where": "features/o/t.feature:9", "findings": [
                 Finding(Kind.PITR, Outcome.PASSED, "point-in-time recovery of table orders", "enabled", "enabled",
                         table="orders", line=10, expected_names=("orders",)).data()]}]}]}


def signed(content: Any) -> str:
    """`content` saved as a run saves it: with the digest of exactly that content (a JSON object) or as it is."""
    if isinstance(content, dict):
        content = {**content, "digest": digest(content)}
    return json.dumps(content)


def test_results_travel_as_json_and_come_back_the_same() -> None:
    data = json.loads(json.dumps(RESULTS))
    run = RunResults.from_data(data)
    assert copy_of(run.data()) == data
    finding = run.sources[0].results.scenarios[0].findings[0]
    assert finding.cause is Cause.TABLE
    assert run.sources[0].results.scenarios[0].findings[1].not_run is NotRun.READ_ONLY
    assert json.loads(run.dumps())["digest"] == digest(data)
    assert set(READERS) == {f.name for f in dataclasses.fields(Finding)}  # every field is read back
    assert set(environment.READERS) == {f.name for f in dataclasses.fields(environment.EnvironmentSummary)}


def rebuild(tmp_path: Path, content: str, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    results = tmp_path / "results.json"
    results.write_text(content)
    code = report_main([str(results), "--out", str(tmp_path / "out"), *args])
    return code, capsys.readouterr().err


def test_results_with_a_wrong_type_anywhere_are_a_clear_error_never_a_traceback(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 17.12: `"sources": "everything passed"` gave an AttributeError from steps/results/run.py. Each value
    of a results file, replaced by each kind of JSON value, with its digest made to match: either a report (the
    value was as good) or exit 2 saying where in the file and what is wrong; never an exception."""
    code, err = rebuild(tmp_path, signed({**RESULTS, "sources": "everything passed"}), capsys)
    assert (code, err.count("\n")) == (2, 1)
    assert "results.json: sources: expected a list, found a string ('everything passed')" in err

    def paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
        return [path, *(p for key, child in children for p in paths(child, (*path, key)))]

    def replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
        if not path:
            return new
        copy = copy_of(value)
        node = copy
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = new
        return copy

    tried = 0
    for path in paths(RESULTS):
        if path in ((), ("format",)):
            continue  # the format is checked first, with its own message (above)
        for new in (None, True, -1, "x", [1], {"x": 1}):
            code, err = rebuild(tmp_path, signed(replaced(RESULTS, path, new)), capsys)
            tried += 1
            assert code in (0, 1, 2), (path, new)
            if code == 2:
                assert err.startswith(f"error: {tmp_path / 'results.json'}: "), (path, new, err)
                assert "Traceback" not in err
    assert tried > 300
    for top in ([], "results", 3, None):
        code, err = rebuild(tmp_path, json.dumps(top), capsys)
        assert code == 2
        assert "not a results file of format 2" in err, (top, err)


def copy_of(value: Any) -> Any:
    return json.loads(json.dumps(value))


def test_results_edited_after_the_run_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 17.12: outcomes hand-edited to passed rebuilt a READY the run never said."""
    edited = copy_of(RESULTS)
    for scenario in edited["sources"][0]["scenarios"]:
        scenario["outcome"] = "passed"
        for finding in scenario["findings"]:
            finding["outcome"] = "passed"
    content = json.loads(signed(RESULTS))
    content.update({key: value for key, value in edited.items()})  # the run's digest, the edited content
    code, err = rebuild(tmp_path, json.dumps(content, indent=2), capsys)
    assert code == 2
    assert "its content does not match its digest: it was changed after the run wrote it" in err
    assert not (tmp_path / "out").exists()
    reformatted = json.dumps(json.loads(signed(RESULTS)), indent=4, sort_keys=True)  # the same content, laid out anew
    assert rebuild(tmp_path, reformatted, capsys)[0] == 1


@pytest.mark.slow
def test_a_real_runs_results_edited_to_passed_rebuild_nothing(brief_run: Path, tmp_path: Path) -> None:
    data = json.loads((brief_run / "results.json").read_text())
    for source in data["sources"]:
        for scenario in source["scenarios"]:
            scenario["outcome"] = "passed"
            for finding in scenario["findings"]:
                finding["outcome"] = "passed"
    (tmp_path / "results.json").write_text(json.dumps(data, indent=2))
    done = python("-m", "dynamo_contracts.steps.report", str(tmp_path / "results.json"))
    assert done.returncode == 2, done.stdout
    assert "does not match its digest" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "readiness.md").exists()


def test_a_report_that_cannot_be_written_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 17.12: `--out` into a folder that cannot be made gave a traceback."""
    (tmp_path / "a-file").write_text("")
    for out, says in ((tmp_path / "a-file" / "out", "Not a directory"), (tmp_path / "a-file", "is a file")):
        (tmp_path / "results.json").write_text(signed(RESULTS))
        code = report_main([str(tmp_path / "results.json"), "--out", str(out)])
        err = capsys.readouterr().err
        assert code == 2
        assert f"error: the report cannot be written into {out} (" in err
        assert says in err


def test_account_ids_are_masked_everywhere_in_the_results_but_their_last_four_digits() -> None:
    arn = "arn:aws:iam::222222222222:role/orders-api"
    finding = Finding(Kind.PERMISSION, Outcome.PASSED, f"order_lambda's role {arn} may dynamodb:Query", "allowed",
                      "allowed", reason="account 222222222222", warning=f"{arn} is over-privileged")
    data = {"format": 1, "environment": "sit", "generated_at": "2026-12-02T00:00:00+00:00",
            "requirements": {"tables": [], "gsis": [], "vaults": [], "plans": [], "scenarios": {}},
            "expected_vaults": [], "sources": [{"name": "live", "backend": "aws", "origin": "", "observed": None,
                                                "scenarios": [{"nodeid": "n", "name": "a", "consumer": "c",
                                                               "outcome": "passed", "where": "",
                                                               "findings": [finding.data()]}]}]}
    masked = mask_accounts(RunResults.from_data(data)).sources[0].results.scenarios[0].findings[0]
    assert (masked.subject, masked.reason, masked.warning) == (
        "order_lambda's role arn:aws:iam::********2222:role/orders-api may dynamodb:Query", "account ********2222",
        "arn:aws:iam::********2222:role/orders-api is over-privileged")
    assert mask("order 1234567890123 of 12345678901") == "order 1234567890123 of 12345678901"  # not 12 digits


@pytest.mark.slow
def test_show_accounts_without_a_report_is_refused(tmp_path: Path) -> None:
    done = python("-m", "pytest", "-p", "no:cacheprovider", "--against=schema", "--show-accounts",
                  cwd=copy_of_this_project(tmp_path))
    assert done.returncode == 4
    assert "--show-accounts is for the readiness report's files; give --readiness-report=DIR too" in done.stderr


# --- sources behind one interface, picked by name -------------------------------------------------------


@pytest.mark.usefixtures("spawn")
def test_against_the_schema_checks_every_contract_with_no_backend(tmp_path: Path) -> None:
    done = contracts(tmp_path, "--against=schema")
    assert done.returncode == 0, done.stdout[-3000:]
    assert "provisioned" not in done.stdout  # no backend was started or provisioned
    report = json.loads((tmp_path / "readiness.json").read_text())
    assert report["backend"] == "schema"  # what was read: contracts/ (the schema), not the environment's backend
    assert report["gaps"] == []
    not_run = [u for u in report["unverified"] if u["reason"].startswith("not run against schema")]
    assert len(not_run) == 12  # every access pattern: no query runs on the desired state
    assert "a run against the environment itself: `pytest --env=local`" in (tmp_path / "readiness.md").read_text()


@pytest.mark.parametrize(("args", "says"), [
    pytest.param(("--against=cloudformation",),
                 "--against cloudformation: no such source; choose one of: live, schema, terraform:DIR, plan:FILE",
                 id="unknown"),
    pytest.param(("--against=terraform",), "--against terraform: give the folder of .tf files to read after a colon, "
                 "e.g. --against terraform:infra/sit", id="no-folder"),
    pytest.param(("--against=schema:x",), "--against schema:x: schema takes no argument; write --against schema",
                 id="argument"),
    pytest.param(("--against=schema,live,schema",), "schema given twice", id="twice"),
    pytest.param(("--against=schema", "--tf-var-file=sit.tfvars"),
                 "--tf-var-file is for --against terraform:DIR", id="var-file-without-terraform"),
    pytest.param(("--against=schema", "--env=sit", "--provision"),
                 "--provision is for a live environment; --against schema reads no backend", id="provision"),
])
@pytest.mark.usefixtures("spawn")
def test_a_source_that_cannot_be_used_is_refused(tmp_path: Path, args: tuple[str, ...], says: str) -> None:
    done = contracts(tmp_path, *args)
    assert done.returncode == pytest.ExitCode.USAGE_ERROR
    assert says in done.stderr
