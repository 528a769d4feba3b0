"""Unknowns in the input fail the gate (issue 20, item 3): the project's own Terraform for sit, with the
environment's name made a variable, read without its var file exits 6 and says to give it; with
`--allow-unknown` it exits 0 and lists what could not be read; with the var file every claim is known again.
A limit of the source (an alarm's state, which only CloudWatch knows) never fails the gate. Gaps keep exit 1."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from provision.observed.state import Unknowable
from steps.results.findings import Finding, Kind, Outcome
from steps.results.unknowns import INPUT_UNKNOWN_EXIT
from tests import spawn
from tests.test_report_library import ROOT, python


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
