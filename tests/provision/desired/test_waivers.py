"""`python -m provision validate` checks the `waivers:` section too (issue 20, item 1): a waiver missing its owner,
reason or expiry, with a date that is none, a field it does not have, or naming a table, index, kind or environment
that does not exist, and one that has expired, is an error at its file:line, exit 1, no traceback. The consumers and
scenarios a waiver names are the features' (the contracts suite checks them: tests/steps/results/test_waivers.py).

In-process through `provision.cli.main`, as the subprocess runs it, but one test (slow) as people type it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dynamo_contracts.provision import cli
from tests.provision.test_cli import CONTRACTS, assert_clean_error, run_as_typed

IN_FORCE = ("  - table: orders\n    environment: sit\n    approved_by: Tech Lead\n    reason: Phase 2\n"
            "    expires: 2026-03-31\n")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the contracts in the working directory, so files are named as people see them."""
    shutil.copytree(CONTRACTS, tmp_path / "contracts")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DYNAMO_CONTRACTS_TODAY", raising=False)
    return tmp_path


def validate(project: Path, waivers: str, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    (project / "contracts" / "waivers.yaml").write_text("waivers:\n" + waivers, encoding="utf-8")
    code = cli.main(["validate", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_waivers_in_force_are_valid_and_counted(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = validate(project, IN_FORCE, capsys, "--today", "2026-03-31")
    assert (code, err) == (0, "")
    assert "contracts are valid: 5 tables" in out
    assert "; 1 waiver(s) in force on 2026-03-31" in out


@pytest.mark.parametrize(("waiver", "said"), [
    (IN_FORCE.replace("    approved_by: Tech Lead\n", ""),
     "contracts/waivers.yaml:2: this waiver has no 'approved_by': give who approved it (a person or team)"),
    (IN_FORCE.replace("    reason: Phase 2\n", ""),
     "contracts/waivers.yaml:2: this waiver has no 'reason': give why the risk is accepted"),
    (IN_FORCE.replace("    expires: 2026-03-31\n", ""),
     "contracts/waivers.yaml:2: this waiver has no 'expires': give until when (a date, YYYY-MM-DD)"),
    (IN_FORCE.replace("2026-03-31", "2026-13-31"),
     "contracts/waivers.yaml:6: expires: '2026-13-31' is not a date; write YYYY-MM-DD"),
    (IN_FORCE.replace("2026-03-31", "next spring"),
     "contracts/waivers.yaml:6: expires: 'next spring' is not a date; write YYYY-MM-DD"),
    (IN_FORCE.replace("table: orders", "table: ordrs"),
     "contracts/waivers.yaml:2: table 'ordrs' does not exist; did you mean 'orders'?"),
    (IN_FORCE.replace("table: orders", "index: OrdersByDat"),
     "contracts/waivers.yaml:2: index 'OrdersByDat' does not exist; did you mean 'OrdersByDate'?"),
    (IN_FORCE.replace("table: orders", "kind: gsii"), "contracts/waivers.yaml:2: kind 'gsii' does not exist"),
    (IN_FORCE.replace("environment: sit", "environment: stage"),
     "contracts/waivers.yaml:3: environment 'stage' does not exist"),
    (IN_FORCE.replace("table: orders", "tabel: orders"), "contracts/waivers.yaml:2: a waiver has no field 'tabel'"),
    (IN_FORCE.replace("table: orders\n    environment", "environment"),
     "contracts/waivers.yaml:2: this waiver covers nothing"),
])
def test_a_malformed_waiver_is_an_error_at_its_line(project: Path, capsys: pytest.CaptureFixture[str], waiver: str,
                                                    said: str) -> None:
    code, out, err = validate(project, waiver, capsys, "--today", "2026-03-01")
    assert code == 1
    assert out == ""
    assert said in err, err
    assert err.startswith("error: ")


def test_an_expired_waiver_is_an_error_at_its_line(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = validate(project, IN_FORCE, capsys, "--today", "2026-04-01")
    assert (code, out) == (1, "")
    assert ("contracts/waivers.yaml:2: this waiver expired on 2026-03-31 (today is 2026-04-01): what it covered "
            "(table orders, in sit) blocks again; renew it with a new date (approved by Tech Lead) or close the gap"
            in err), err


def test_today_comes_from_the_environment_variable_when_not_given(project: Path, capsys: pytest.CaptureFixture[str],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DYNAMO_CONTRACTS_TODAY", "2026-04-01")
    assert validate(project, IN_FORCE, capsys)[0] == 1
    monkeypatch.setenv("DYNAMO_CONTRACTS_TODAY", "2026-03-31")
    assert validate(project, IN_FORCE, capsys)[0] == 0
    code, _, err = validate(project, IN_FORCE, capsys, "--today", "31/03/2026")
    assert code == 1
    assert "--today=31/03/2026: not a date; write YYYY-MM-DD" in err


@pytest.mark.slow  # a subprocess
def test_as_typed_a_bad_date_is_one_clean_error(project: Path) -> None:
    (project / "contracts" / "waivers.yaml").write_text(
        "waivers:\n" + IN_FORCE.replace("2026-03-31", "2026-02-30"), encoding="utf-8")
    done = run_as_typed("validate", cwd=project)
    assert_clean_error(done, "contracts/waivers.yaml:6: expires: '2026-02-30' is not a date")
