"""The nightly drift workflow (issue 20, item 6): what it runs where, and its issue step's script run for real,
with a stand-in `gh` on PATH that records what it was asked and answers as GitHub would."""

from __future__ import annotations

import json
import os
import shutil
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from dynamo_contracts.provision.desired.load import load_contracts
from tests.support import spawn
from tests.support.paths import ROOT

DRIFT = ROOT / ".github" / "workflows" / "drift.yml"


def drift() -> dict[str, Any]:
    return dict(yaml.safe_load(DRIFT.read_text()))


def test_nightly_every_aws_environment_read_only_against_contracts_and_its_terraform() -> None:
    workflow = drift()
    assert workflow[True]["schedule"]  # YAML 1.1 reads the key `on` as true[0]["cron"].endswith("* * *")  # every day
    assert workflow["permissions"] == {}
    check = workflow["jobs"]["check"]
    aws = [name for name, env in load_contracts(ROOT / "contracts").environments.items() if env.is_aws]
    assert check["strategy"]["matrix"]["environment"] == aws
    assert check["environment"] == "${{ matrix.environment }}-plan", "the read-only role's GitHub environment"
    [role] = [s["with"]["role-to-assume"] for s in check["steps"] if "configure-aws-credentials" in s.get("uses", "")]
    assert role == "${{ vars.AWS_READ_ROLE_ARN }}"
    [pytest_step] = [s for s in check["steps"] if "pytest " in s.get("run", "")]
    assert "--read-only" in pytest_step["run"]
    assert '--against="live,terraform:infra/envs/$TARGET_ENV"' in pytest_step["run"]
    issue = workflow["jobs"]["issue"]
    assert issue["permissions"] == {"contents": "read", "issues": "write"}
    assert not any("aws" in s.get("uses", "") for s in issue["steps"])


FAKE_GH = """#!/usr/bin/env bash
printf '%s\\0' "$@" >> "$GH_LOG"; printf '\\036' >> "$GH_LOG"
case "$1 $2" in
  "issue list") printf '%s' "${FAKE_NUMBER:-}" ;;
  "issue view") printf '%s\\n' "${FAKE_BODY:-}" ;;
esac
"""


def issue_step(tmp_path: Path, verdicts: dict[str, str], number: str = "", body: str = "") -> list[list[str]]:
    """Run the workflow's issue script in `tmp_path` with reports of these verdicts; what it asked gh."""
    if shutil.which("jq") is None:
        pytest.skip("jq (which GitHub's runners have) is not installed here")
    script = next(s["run"] for s in drift()["jobs"]["issue"]["steps"] if "gh issue" in s.get("run", ""))
    for env, verdict in verdicts.items():
        folder = tmp_path / "reports" / f"drift-{env}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "readiness.json").write_text(json.dumps({"verdict": verdict}))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "gh").write_text(FAKE_GH)
    (bin_dir / "gh").chmod(0o755)
    log = tmp_path / "gh.log"
    log.unlink(missing_ok=True)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "GH_LOG": str(log),
           "FAKE_NUMBER": number, "FAKE_BODY": body, "RUN_URL": "https://github.example/run/7",
           "TITLE": "Nightly drift of the AWS environments"}
    done = spawn.run(["bash", "-e", "-c", textwrap.dedent(script)], cwd=tmp_path, env=env, capture_output=True,
                     text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    calls = log.read_text().split("\x1e")[:-1] if log.exists() else []  # each call's arguments, NUL-separated
    return [call.split("\0")[:-1] for call in calls]


@pytest.mark.usefixtures("spawn")
def test_the_first_night_opens_the_issue_with_every_verdict(tmp_path: Path) -> None:
    calls = issue_step(tmp_path, {"dev": "READY", "sit": "BLOCKED"})  # prod wrote no report
    assert calls[0][:2] == ["issue", "list"]
    [create] = [c for c in calls if c[:2] == ["issue", "create"]]
    body = create[create.index("--body") + 1]
    assert body.startswith("<!-- drift-verdicts: dev=READY sit=BLOCKED prod=NO-REPORT -->")
    assert "- sit: BLOCKED\n" in body


@pytest.mark.usefixtures("spawn")
def test_the_same_verdicts_touch_nothing_and_a_changed_one_updates_and_comments(tmp_path: Path) -> None:
    same = "<!-- drift-verdicts: dev=READY sit=READY prod=UNVERIFIED -->\n\nVerdicts ..."
    calls = issue_step(tmp_path, {"dev": "READY", "sit": "READY", "prod": "UNVERIFIED"}, "12", same)
    assert [c[1] for c in calls] == ["list", "view"]

    calls = issue_step(tmp_path, {"dev": "READY", "sit": "BLOCKED", "prod": "UNVERIFIED"}, "12", same)
    assert [c[:3] for c in calls[2:]] == [["issue", "edit", "12"], ["issue", "comment", "12"]]
    assert "<!-- drift-verdicts: dev=READY sit=BLOCKED prod=UNVERIFIED -->" in calls[2][-1]
    assert "was `<!-- drift-verdicts: dev=READY sit=READY prod=UNVERIFIED -->`" in calls[3][-1]
