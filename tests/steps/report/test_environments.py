"""Several environments side by side (issue 20, item 5): `python -m steps.report --env dev,sit,prod` on the
results their runs saved. Black-box: runs on a project copy save their results, then the command reads them."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from tests.support import spawn

pytest.register_assert_rewrite("tests.support.contract_project")
from tests.support.contract_project import ContractProject, inner_environment, subprocess_runner  # noqa: E402

pytest_plugins = ["pytester", "tests.support.contract_project"]

ENVS = ("dev", "sit", "prod")


def report(project: ContractProject, *args: str) -> spawn.CompletedProcess[str]:
    return spawn.run([sys.executable, "-m", "dynamo_contracts.steps.report", *args], cwd=project.path,
                     env=inner_environment(), capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.slow
def test_three_environments_side_by_side_from_their_saved_results(tmp_path: Path) -> None:
    project = ContractProject(tmp_path, subprocess_runner(tmp_path))
    project.copy_real_features()
    for env in ("dev", "prod"):
        project.run(f"--env={env}", "--against=schema", f"--readiness-report=readiness/{env}")
    project.remove_table("users")  # sit's run lacks a table: blocked there alone
    project.run("--env=sit", "--against=schema", "--readiness-report=readiness/sit")
    verdicts = {env: json.loads((tmp_path / "readiness" / env / "readiness.json").read_text())["verdict"]
                for env in ENVS}
    assert verdicts["sit"] == "BLOCKED"
    assert verdicts["dev"] != "BLOCKED"

    done = report(project, "--env", ",".join(ENVS), "--out", "side")
    assert done.returncode == 1, done.stdout + done.stderr  # one environment blocked
    data = json.loads((tmp_path / "side" / "environments.json").read_text())
    assert data["verdict"] == "BLOCKED"
    assert {env: data["environments"][env]["verdict"] for env in ENVS} == verdicts
    markdown = (tmp_path / "side" / "environments.md").read_text()
    header = next(line for line in markdown.splitlines() if line.startswith("|  | dev ("))
    assert [cell.split(" (")[0].strip() for cell in header.strip("|").split("|")[1:]] == list(ENVS)
    consumers = markdown.split("## Consumers", 1)[1]
    row = next(line for line in consumers.splitlines() if line.startswith("| tenant_management |"))
    cells = dict(zip(ENVS, row.strip("|").split("|")[1:], strict=True))
    assert "blocked: table users is missing" in cells["sit"]  # it needs users, which sit's run lacked
    assert "blocked" not in cells["dev"]

    shutil.rmtree(tmp_path / "readiness" / "prod")
    missing = report(project, "--env", ",".join(ENVS))
    assert missing.returncode == 2
    assert "readiness/prod/results.json" in missing.stderr
    wrong = report(project, "--env", "prod", "--results", "readiness/sit/results.json")
    assert wrong.returncode == 2
    assert "not 'prod'" in wrong.stderr
    no_placeholder = report(project, "--env", "dev,sit", "--results", "readiness/sit/results.json")
    assert no_placeholder.returncode == 2
    assert "{env}" in no_placeholder.stderr
