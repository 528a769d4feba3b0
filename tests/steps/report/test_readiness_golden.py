"""The readiness report, end to end: the real consumer contracts run on moto against the real
stack (UNVERIFIED: no gap, but moto cannot report backup selections) and against the brief's
environment (BLOCKED), compared with golden files.

The tests only compare: after a deliberate change, rewrite the golden files with `python tests/brief/goldens.py`
and read the diff.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.brief import goldens
from tests.brief.goldens import compare_with_golden
from tests.support import spawn
from tests.support.paths import ROOT

BRIEF = ROOT / "tests" / "brief"


def run_contracts(out: Path, *args: str) -> spawn.CompletedProcess[str]:
    return goldens.run(out, "--env=moto", *args)


@pytest.fixture(scope="module")
def ready(tmp_path_factory: pytest.TempPathFactory) -> tuple[spawn.CompletedProcess[str], Path]:
    out = tmp_path_factory.mktemp("ready")
    return goldens.run(out, *goldens.RUNS["golden-ready"]), out


@pytest.fixture(scope="module")
def brief(tmp_path_factory: pytest.TempPathFactory) -> tuple[spawn.CompletedProcess[str], Path]:
    out = tmp_path_factory.mktemp("brief")
    return goldens.run(out, *goldens.RUNS["golden"]), out


def load(out: Path) -> dict[str, Any]:
    return json.loads((out / "readiness.json").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_the_real_stack_on_moto_has_no_gap_but_is_not_ready_while_moto_cannot_verify_some(
        ready: tuple[spawn.CompletedProcess[str], Path]) -> None:
    """Never READY while something is unchecked: moto cannot report backup selections (issue 7)."""
    result, out = ready
    assert result.returncode == 0, result.stdout[-3000:]
    report = load(out)
    assert report["verdict"] == "UNVERIFIED"
    assert report["environment"] == "moto"
    assert report["counts"]["tables"] == {"expected": 5, "actual": 5}
    assert report["counts"]["gsis"] == {"expected": 8, "actual": 8}
    assert report["counts"]["backup_plans"] == {"expected": 1, "actual": 1}
    assert report["gaps"] == []
    assert {c["status"] for c in report["consumers"].values()} <= {"ready", "unverified"}
    assert report["unverified"]
    assert all("unverifiable on moto" in u["reason"] for u in report["unverified"])
    assert "readiness report: UNVERIFIED" in result.stdout
    compare_with_golden(out, BRIEF / "golden-ready")


@pytest.mark.slow
def test_the_brief_environment_is_blocked_with_its_findings(
        brief: tuple[spawn.CompletedProcess[str], Path]) -> None:
    result, out = brief
    assert result.returncode != 0
    report = load(out)
    assert report["verdict"] == "BLOCKED"
    assert report["counts"]["tables"] == {"expected": 5, "actual": 3}
    # the consumers' 8 GSIs and the 7 the brief's own desired state (what Terraform defined) holds
    assert report["counts"]["gsis"] == {"expected": 15, "actual": 7}
    assert report["counts"]["backup_plans"] == {"expected": 1, "actual": 0}
    gaps = {(g["kind"], g["table"], g["name"]): g for g in report["gaps"]}
    assert ("table", "orders", None) in gaps
    assert ("table", "users", None) in gaps
    assert gaps[("backup_vault", None, "bbws-dynamodb")]["consumers"] == [
        "campaigns_lambda", "product_lambda", "tenant_management"]
    assert gaps[("gsi", "campaigns", "CampaignsByStatus")]["closest"] == "CampaignActiveIndex"
    assert gaps[("gsi", "products", "ProductsByStatus")]["closest"] == "ActiveProductsIndex"
    assert gaps[("table", "orders", None)]["consumers"] == ["order_lambda"]
    assert gaps[("table", "users", None)]["consumers"] == ["tenant_management"]
    # what the consumers need and the desired state lacks says who must add it, and where
    assert gaps[("table", "orders", None)]["action"] == (
        "the desired state defines no table orders: the platform team must add it (tests/brief/contracts/orders.yaml)")
    assert gaps[("gsi", "campaigns", "CampaignsByStatus")]["action"] == (
        "the desired state defines no GSI CampaignsByStatus on table campaigns: the platform team must add it to "
        "tests/brief/contracts/terraform.yaml")
    consumers = report["consumers"]
    assert consumers["order_lambda"]["status"] == "blocked"
    assert consumers["tenant_management"]["status"] == "blocked"
    assert "table orders is missing" in consumers["order_lambda"]["gaps"]
    assert "table users is missing" in consumers["tenant_management"]["gaps"]
    compare_with_golden(out, BRIEF / "golden")


@pytest.mark.slow
def test_the_report_is_the_same_under_xdist(
        tmp_path: Path, brief: tuple[spawn.CompletedProcess[str], Path]) -> None:
    _, serial = brief
    result = run_contracts(tmp_path, "--contracts", str(BRIEF / "contracts"), "-n", "2")
    assert result.returncode != 0
    assert load(tmp_path) == load(serial)


@pytest.mark.slow
def test_the_report_is_written_beside_junit_and_cucumber_json(tmp_path: Path) -> None:
    junit, cucumber = tmp_path / "junit.xml", tmp_path / "cucumber.json"
    result = run_contracts(tmp_path / "out", "-m", "platform", f"--junitxml={junit}", f"--cucumberjson={cucumber}")
    assert result.returncode == 1, result.stdout[-2000:]  # the other consumers were not checked: BLOCKED
    consumers = load(tmp_path / "out")["consumers"]
    assert consumers["platform"] == {"status": "unverified", "failed": [], "gaps": [], "checked": "3 of 3",
                                     "accepted": []}
    assert {c["status"] for name, c in consumers.items() if name != "platform"} == {"not checked"}
    assert "<testsuite" in junit.read_text(encoding="utf-8")
    features = json.loads(cucumber.read_text(encoding="utf-8"))
    assert {f["name"] for f in features} == {
        "the platform team's promise: exactly the stack contracts/ defines, and nothing drifted"}


@pytest.mark.slow
def test_the_markdown_goes_to_the_github_job_summary(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "0", "PYTHONPATH": str(ROOT), "GITHUB_STEP_SUMMARY": str(summary)}
    spawn.run([sys.executable, "-m", "pytest", "--env=moto", "-p", "no:cacheprovider", "-q",
                    f"--readiness-report={tmp_path / 'out'}", "-m", "order_lambda"],
              cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n# Readiness: DynamoDB stack in moto: BLOCKED\n")
    assert "**Status**: ❌ **BLOCKED**: 4 of 5 consumers not checked in this run" in text
    assert "| Tables | 5 | 5 | none |" in text  # the key findings
    assert "| Table / GSI | campaigns_lambda | order_lambda |" in text  # the matrix, a column per consumer
    assert "| orders.OrdersByDate | ? | ✓ |" in text  # campaigns_lambda not checked: unverifiable, never "not needed"
    assert "## Detail" not in text  # the full report is the folder, not the summary


OTHERS = ["campaigns_lambda", "platform", "product_lambda", "tenant_management"]


@pytest.mark.slow
def test_a_run_of_one_consumer_is_not_ready_and_names_the_consumers_not_checked(tmp_path: Path) -> None:
    result = run_contracts(tmp_path, "-m", "order_lambda")
    assert result.returncode == 1, result.stdout[-2000:]
    report = load(tmp_path)
    assert report["verdict"] == "BLOCKED"
    assert report["consumers"]["order_lambda"]["status"] == "unverified"
    assert [c for c, s in report["consumers"].items() if s["status"] == "not checked"] == OTHERS
    # expected counts come from every contract, not from the scenarios that ran
    assert report["counts"] == {"tables": {"expected": 5, "actual": 5}, "gsis": {"expected": 8, "actual": 8},
                                "backup_plans": {"expected": 1, "actual": 1}}
    assert report["unexpected"] == {"tables": [], "gsis": []}
    markdown = (tmp_path / "readiness.md").read_text(encoding="utf-8")
    assert ("**Status**: ❌ **BLOCKED**: 4 of 5 consumers not checked in this run (campaigns_lambda, platform, "
            "product_lambda, tenant_management)") in markdown
    assert "every check verified" not in markdown
    assert "| Tables | 5 | 5 | none |" in markdown
    assert "not in any contract" not in markdown


@pytest.mark.slow
def test_a_run_of_one_consumer_on_the_brief_environment_still_counts_every_contract(tmp_path: Path) -> None:
    result = run_contracts(tmp_path, "--contracts", str(BRIEF / "contracts"), "-m", "order_lambda")
    assert result.returncode != 0
    report = load(tmp_path)
    assert report["counts"]["tables"] == {"expected": 5, "actual": 3}
    assert report["counts"]["gsis"] == {"expected": 15, "actual": 7}
    assert report["unexpected"]["tables"] == []  # campaigns, products, tenants are in other consumers' contracts
    assert report["missing"]["tables"] == ["orders", "users"]  # users too, though tenant_management did not run
    assert [c for c, s in report["consumers"].items() if s["status"] == "not checked"] == OTHERS


# --- the goldens are rewritten by their command only (issue 17, "Done when") ---------------------------------


def test_a_golden_test_never_rewrites_its_golden_whatever_the_environment(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    golden, out = tmp_path / "golden", tmp_path / "out"
    for folder, text in ((golden, "what the golden holds\n"), (out, "what this run wrote\n")):
        folder.mkdir()
        for name in goldens.FILES:
            (folder / name).write_text(text)
    monkeypatch.setenv("UPDATE_GOLDEN", "1")  # it used to make the comparison write the run's report and pass
    with pytest.raises(AssertionError, match=r"run `python tests/brief/goldens.py golden` and read the diff"):
        compare_with_golden(out, golden)
    assert {(golden / name).read_text() for name in goldens.FILES} == {"what the golden holds\n"}
    with pytest.raises(AssertionError, match="does not exist"):
        compare_with_golden(out, tmp_path / "nothing")


def test_the_goldens_command_writes_each_folder_from_its_own_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    ran: list[tuple[str, ...]] = []

    def fake_run(out: Path, *args: str) -> spawn.CompletedProcess[str]:
        ran.append(args)
        out.mkdir(parents=True)
        for name in goldens.FILES:
            (out / name).write_text(f"{name} of {' '.join(args)}\n")
        return spawn.CompletedProcess(args, 1, "", "")

    monkeypatch.setattr(goldens, "run", fake_run)
    assert goldens.main(["--into", str(tmp_path), "golden"]) == 0
    assert ran == [goldens.RUNS["golden"]]
    assert (tmp_path / "golden" / "readiness.md").read_text() == f"readiness.md of {' '.join(ran[0])}\n"
    compare_with_golden(tmp_path / "golden", tmp_path / "golden")
    goldens.main(["--into", str(tmp_path), "golden"])
    assert capsys.readouterr().out.splitlines() == ["golden: rewrote readiness.md, readiness.json", "golden: unchanged"]
    with pytest.raises(SystemExit) as refused:
        goldens.main(["--into", str(tmp_path), "golden-everything"])
    assert refused.value.code == 2


@pytest.mark.slow
def test_with_the_tables_missing_the_report_says_one_thing_and_their_settings_are_no_gaps_of_their_own(
        tmp_path: Path) -> None:
    """Issue 17.3, as a user meets it: moto left empty (`--no-provision`), so every table the desired state
    defines is missing. The report used to tick "All GSIs created and ACTIVE" beside "GSIs 8 expected, 0
    actual", and list the plan's "turn point-in-time recovery on for table orders-moto" (and TTL, and each
    alarm) as gaps of their own."""
    result = run_contracts(tmp_path, "--no-provision")
    assert result.returncode == 1, result.stdout[-3000:]
    report = load(tmp_path)
    assert report["counts"]["gsis"] == {"expected": 8, "actual": 0}
    assert {(g["kind"], g["table"]) for g in report["gaps"] if g["table"]} == {
        ("table", t) for t in ("campaigns", "orders", "products", "tenants", "users")}
    assert not [g["subject"] for g in report["gaps"] if g["kind"] in ("pitr", "ttl", "alarm", "stream", "tags")]
    markdown = (tmp_path / "readiness.md").read_text(encoding="utf-8")
    assert "- [ ] All GSIs created and ACTIVE" in markdown
    assert "- [ ] All required tables created and ACTIVE" in markdown
    pitr = "| Point-in-time recovery | enabled where required | 10 table missing | 10 on missing tables (see Tables) |"
    assert pitr in markdown
