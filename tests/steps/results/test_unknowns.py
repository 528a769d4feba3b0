"""Unknowns in the input fail the gate (issue 20, item 3): the project's own Terraform for sit, with the
environment's name made a variable, read without its var file exits 6 and says to give it; with
`--allow-unknown` it exits 0 and lists what could not be read; with the var file every claim is known again.
A limit of the source (an alarm's state, which only CloudWatch knows) never fails the gate. Gaps keep exit 1."""

from __future__ import annotations

import dataclasses
import datetime
import json
import shutil
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from dynamo_contracts.provision.desired.waivers import Waiver
from dynamo_contracts.provision.observed.state import Unknowable
from dynamo_contracts.steps.results.findings import Finding, Kind, Outcome
from dynamo_contracts.steps.results.unknowns import INPUT_UNKNOWN_EXIT, blocking_unknowns
from dynamo_contracts.steps.results.waivers import waive
from tests.steps.report.test_library import ROOT, copy_of_this_project, python
from tests.support import spawn


def run(out: Path, *args: str) -> spawn.CompletedProcess[str]:
    return python("-m", "pytest", "-p", "no:cacheprovider", "-q", "--env=sit", f"--readiness-report={out}", *args,
                  SOURCE_DATE_EPOCH="0")


def findings(out: Path) -> list[dict[str, Any]]:
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    return [f for source in data["sources"] for s in source["scenarios"] for f in s["findings"]]


@pytest.fixture(scope="module")
def root_with_a_variable(tmp_path_factory: pytest.TempPathFactory, spawn: ModuleType) -> Path:
    """infra/ copied, its sit root naming every resource by `var.env`, with the sit.tfvars that gives it."""
    infra = tmp_path_factory.mktemp("infra")
    shutil.copytree(ROOT / "infra" / "modules", infra / "modules")
    shutil.copytree(ROOT / "infra" / "envs" / "sit", infra / "envs" / "sit")
    main = infra / "envs" / "sit" / "main.tf"
    text = main.read_text(encoding="utf-8")
    changed = text.replace('environment = "sit"', "environment = var.env").replace('-sit"', '-${var.env}"')
    assert changed != text
    main.write_text('variable "env" {\n  type = string\n}\n\n' + changed, encoding="utf-8")
    (infra / "envs" / "sit" / "sit.tfvars").write_text('env = "sit"\n', encoding="utf-8")
    return infra / "envs" / "sit"


def test_without_its_var_file_the_run_exits_6_and_says_to_give_it(root_with_a_variable: Path,
                                                                    tmp_path: Path) -> None:
    done = run(tmp_path, f"--against=terraform:{root_with_a_variable}")
    assert done.returncode == INPUT_UNKNOWN_EXIT == 6, done.stdout[-3000:]
    assert "Unknown in the input" in done.stdout
    assert "--tf-var-file=FILE" in done.stdout
    assert "TF_VAR_<name>" in done.stdout
    assert "because the input leaves them unknown" in done.stdout
    unknown = [f for f in findings(tmp_path) if f["outcome"] == "unverifiable"]
    assert unknown
    assert all(f["unknown"] == "input" for f in unknown if "var.env" in f["reason"])


def test_with_allow_unknown_it_exits_0_and_lists_what_could_not_be_read(root_with_a_variable: Path,
                                                                         tmp_path: Path) -> None:
    done = run(tmp_path, f"--against=terraform:{root_with_a_variable}", "--allow-unknown")
    assert done.returncode == 0, done.stdout[-3000:]
    listed = done.stdout.split("Unknown in the input", 1)[1].split("Not verified here", 1)[0]
    assert "var.env" in listed
    assert "has no default and no value is given" in listed


def test_with_its_var_file_nothing_is_left_unknown_and_limits_do_not_block(root_with_a_variable: Path,
                                                                           tmp_path: Path) -> None:
    done = run(tmp_path, f"--against=terraform:{root_with_a_variable}",
               f"--tf-var-file={root_with_a_variable / 'sit.tfvars'}")
    assert done.returncode == 0, done.stdout[-3000:]
    assert "Unknown in the input" not in done.stdout
    limits = [f for f in findings(tmp_path) if f["outcome"] == "unverifiable"]
    assert limits
    assert all(f["unknown"] == "limit" for f in limits)


def test_gaps_keep_exit_1_when_the_input_also_has_unknowns(tmp_path: Path, spawn: ModuleType) -> None:
    done = run(tmp_path, "--against=terraform:tests/brief/terraform")  # the brief's Terraform, no sit.tfvars
    assert done.returncode == 1, done.stdout[-3000:]
    assert "--tf-var-file=FILE" in done.stdout


def test_the_category_survives_the_saved_results() -> None:
    finding = Finding(Kind.GSI, Outcome.UNVERIFIABLE, "GSI X of table t", "GSI X", "cannot be read here",
                      reason="var.env has no value", unknown=Unknowable.INPUT)
    again = Finding.from_data(json.loads(json.dumps(finding.data())))
    assert again == finding
    assert again.input_unknown


def test_the_readiness_report_lists_input_unknowns_apart(root_with_a_variable: Path, tmp_path: Path) -> None:
    run(tmp_path, f"--against=terraform:{root_with_a_variable}", "--allow-unknown")
    data = json.loads((tmp_path / "readiness.json").read_text(encoding="utf-8"))
    marked = [u for u in data["unverified"] if u.get("unknown") == "input"]
    assert marked
    assert all("var.env" in u["reason"] for u in marked)
    assert "what the input lacks" in (tmp_path / "readiness.md").read_text(encoding="utf-8")


# --- a waiver covers an input unknown (issue 20, item 3: "unless --allow-unknown is given or a waiver covers it") --

UNKNOWNS_WAIVER = """\
waivers:
  - kind: input_unknown
    environment: sit
    approved_by: Platform team
    reason: "the sit var file is being moved to the pipeline"
    expires: 2026-03-31
"""


def waived_run(folder: Path, terraform: Path, waivers: str, today: str) -> spawn.CompletedProcess[str]:
    """The project copied into `folder` with `waivers` as contracts/waivers.yaml, run on `terraform` on `today`."""
    project = copy_of_this_project(folder / "project")
    (project / "contracts" / "waivers.yaml").write_text(waivers, encoding="utf-8")
    return python("-m", "pytest", "-p", "no:cacheprovider", "-q", "--env=sit", f"--readiness-report={folder}",
                  f"--against=terraform:{terraform}", f"--today={today}", cwd=project, SOURCE_DATE_EPOCH="0")


@pytest.mark.slow  # pytest in a subprocess, twice
def test_a_waiver_in_force_accepts_the_unknowns_it_covers_and_the_day_after_they_block(root_with_a_variable: Path,
                                                                                        tmp_path: Path) -> None:
    done = waived_run(tmp_path / "in-force", root_with_a_variable, UNKNOWNS_WAIVER, "2026-03-31")
    assert done.returncode == 0, done.stdout[-3000:]
    assert "because the input leaves them unknown" not in done.stdout
    said = ("accepted as risk, waived by contracts/waivers.yaml:2 (kind input_unknown, in sit): approved by Platform "
            "team, until 2026-03-31: the sit var file is being moved to the pipeline")
    assert said in done.stdout.split("Unknown in the input", 1)[1], done.stdout[-3000:]
    unknown = [f for f in findings(tmp_path / "in-force") if f["outcome"] == "unverifiable" and f["unknown"] == "input"]
    assert unknown
    assert all(f["waiver"].startswith("waived by contracts/waivers.yaml:2") for f in unknown)
    report = json.loads((tmp_path / "in-force" / "readiness.json").read_text(encoding="utf-8"))
    listed = [u for u in report["unverified"] if u.get("unknown") == "input"]
    assert listed
    assert all(said in u["reason"] for u in listed)  # still unverified (never a pass), with who, why, until when
    assert report["verdict"] == "UNVERIFIED"

    after = waived_run(tmp_path / "expired", root_with_a_variable, UNKNOWNS_WAIVER, "2026-04-01")
    assert after.returncode == INPUT_UNKNOWN_EXIT, after.stdout[-3000:]
    assert "because the input leaves them unknown" in after.stdout
    assert ("Waiver expired: contracts/waivers.yaml:2: this waiver expired on 2026-03-31 (today is 2026-04-01)"
            in after.stdout)
    assert not [f for f in findings(tmp_path / "expired") if f["waiver"]]


@pytest.mark.slow  # pytest in a subprocess
def test_a_waiver_of_one_table_accepts_only_that_tables_unknowns(root_with_a_variable: Path, tmp_path: Path) -> None:
    one_table = UNKNOWNS_WAIVER.replace("  - kind: input_unknown\n", "  - table: orders\n")
    done = waived_run(tmp_path, root_with_a_variable, one_table, "2026-03-31")
    assert done.returncode == INPUT_UNKNOWN_EXIT, done.stdout[-3000:]  # the other tables' unknowns still block
    unknown = [f for f in findings(tmp_path) if f["outcome"] == "unverifiable" and f["unknown"] == "input"]
    assert {f["table"] for f in unknown if f["waiver"]} == {"orders"}
    assert {f["table"] for f in unknown if not f["waiver"]} - {None, "orders"}


def test_the_gate_accepts_an_unknown_only_when_allowed_or_waived() -> None:
    unknown = Finding(Kind.GSI, Outcome.UNVERIFIABLE, "GSI OrdersByUser of table orders", "GSI OrdersByUser",
                      "cannot be read here", table="orders", name="OrdersByUser",
                      reason="var.env has no default and no value is given", unknown=Unknowable.INPUT)
    limit = dataclasses.replace(unknown, unknown=Unknowable.LIMIT, reason="DynamoDB Local has no CloudWatch")
    day = datetime.date(2026, 3, 31)
    waiver = Waiver("contracts/waivers.yaml", 2, "Platform team", "moving the var file", day, kind="input_unknown")
    in_force = waive([waiver], "order_lambda", "O2", "sit", day)
    assert blocking_unknowns([unknown, limit], allow_unknown=False) == [unknown]
    assert blocking_unknowns([unknown], allow_unknown=True) == []
    assert blocking_unknowns([in_force(unknown), in_force(limit)], allow_unknown=False) == []
    assert in_force(limit) == limit  # a limit of the source is no input unknown: nothing to waive
    assert in_force(unknown).outcome is Outcome.UNVERIFIABLE  # accepted, never a pass
    expired = waive([waiver], "order_lambda", "O2", "sit", day + datetime.timedelta(days=1))
    assert blocking_unknowns([expired(unknown)], allow_unknown=False) == [unknown]
    failed = dataclasses.replace(unknown, outcome=Outcome.FAILED, unknown=None, reason="")
    assert in_force(failed) == failed  # `kind: input_unknown` covers no failure
