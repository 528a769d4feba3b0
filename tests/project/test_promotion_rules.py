"""The promotion rules (.github/scripts/promotion-rules.sh), run here on sample refs and canned GitHub API answers,
the same script the workflow runs: which ref goes where, the environments' required reviewers, prod only from a
commit whose sit promotion succeeded."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path
from typing import Any

import pytest

from tests.project.github import BIN, GITHUB, run, tool, workflow

RULES = GITHUB / "scripts" / "promotion-rules.sh"


# --- the promotion rules -------------------------------------------------------------------------


@pytest.mark.parametrize(("env", "ref", "accepted"), [
    ("dev", "refs/heads/main", True),
    ("dev", "refs/heads/feature/x", False),
    ("dev", "refs/tags/v1.0.0", False),
    ("sit", "refs/heads/main", True),
    ("sit", "refs/tags/v1.0.0-sit", True),
    ("sit", "refs/tags/v1.0.0", False),
    ("sit", "refs/heads/feature/x", False),
    ("sit", "refs/heads/v1.0.0-sit", False),  # a branch named like a tag is no tag
    ("prod", "refs/tags/v1.0.0", True),
    ("prod", "refs/tags/v2.3.4-rc1", True),
    ("prod", "refs/tags/v1.0.0-sit", False),
    ("prod", "refs/heads/main", False),
    ("prod", "refs/heads/feature/x", False),
    ("prod", "refs/tags/x", False),
    ("prod", "refs/tags/version-1", False),
    ("prod", "refs/heads/v1.0.0", False),
    ("qa", "refs/heads/main", False),
])
@pytest.mark.usefixtures("spawn")
def test_a_ref_is_promoted_only_where_the_rules_allow(env: str, ref: str, accepted: bool) -> None:
    done = run("bash", str(RULES), "ref", env, ref)
    if accepted:
        assert done.returncode == 0, done.stdout + done.stderr
        assert "::error" not in done.stdout
    else:
        assert done.returncode == 1, done.stdout + done.stderr
        assert done.stdout.startswith("::error"), done.stdout
        assert ref in done.stdout or env == "qa"


def environment_answer(*, reviewers: int = 1, self_review: bool = True, admins_bypass: bool = False,
                       branch_policy: bool = True) -> dict[str, Any]:
    rules: list[dict[str, Any]] = [{"id": 1, "node_id": "a", "type": "wait_timer", "wait_timer": 0}]
    if reviewers >= 0:
        rules.append({"id": 2, "node_id": "b", "type": "required_reviewers", "prevent_self_review": self_review,
                      "reviewers": [{"type": "Team", "reviewer": {"id": i, "slug": f"team-{i}"}}
                                    for i in range(reviewers)]})
    return {"id": 9, "node_id": "e", "name": "prod", "can_admins_bypass": admins_bypass, "protection_rules": rules,
            "deployment_branch_policy": ({"protected_branches": False, "custom_branch_policies": True}
                                         if branch_policy else None)}


class FakeApi:
    """A `curl` first on PATH that answers the environments endpoint with a canned status and body, and
    records the arguments it was called with (URL and headers)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def __call__(self, status: int, body: dict[str, Any] | str) -> dict[str, str]:
        """The environment of a step that gets this answer."""
        (self.folder / "body").write_text(body if isinstance(body, str) else json.dumps(body))
        curl = self.folder / "bin" / "curl"
        curl.parent.mkdir(exist_ok=True)
        curl.write_text(f"""#!/usr/bin/env bash
printf '%s\\n' "$@" > {self.folder}/args
while [ $# -gt 0 ]; do
  case "$1" in --output) out=$2; shift ;; esac
  shift
done
cp {self.folder}/body "$out"
printf '%s' {status}
""")
        curl.chmod(curl.stat().st_mode | stat.S_IEXEC)
        return {"PATH": f"{curl.parent}{os.pathsep}{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
                "GITHUB_TOKEN": "ghs_test", "GITHUB_REPOSITORY": "bbws/dynamo-contracts",
                "GITHUB_API_URL": "https://api.example.test"}

    def args(self) -> list[str]:
        return (self.folder / "args").read_text().splitlines()


@pytest.fixture
def fake_api(tmp_path: Path) -> FakeApi:
    return FakeApi(tmp_path)


needs_jq = pytest.mark.skipif(shutil.which("jq") is None, reason="jq reads the API's answer (GitHub's runners have it)")


@pytest.mark.usefixtures("spawn")
@needs_jq
@pytest.mark.parametrize("env", ["sit", "prod", "dev"])
def test_an_environment_with_required_reviewers_is_accepted(env: str, fake_api: FakeApi) -> None:
    done = run("bash", str(RULES), "environment", env, env=fake_api(200, environment_answer()))
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"'{env}' has required reviewers" in done.stdout
    assert "::error" not in done.stdout
    assert "::warning" not in done.stdout
    args = fake_api.args()
    assert f"https://api.example.test/repos/bbws/dynamo-contracts/environments/{env}" in args
    assert "Authorization: Bearer ghs_test" in args


@needs_jq
@pytest.mark.parametrize("answer", [
    environment_answer(reviewers=-1),  # no required_reviewers rule at all
    environment_answer(reviewers=0),  # a rule naming nobody
    {**environment_answer(), "protection_rules": []},
    {key: value for key, value in environment_answer().items() if key != "protection_rules"},
])
@pytest.mark.usefixtures("spawn")
@pytest.mark.parametrize("env", ["sit", "prod"])
def test_sit_and_prod_without_required_reviewers_are_refused(env: str, answer: dict[str, Any],
                                                             fake_api: FakeApi) -> None:
    done = run("bash", str(RULES), "environment", env, env=fake_api(200, answer))
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.startswith(f"::error title=promotion refused::the GitHub environment '{env}' has no "
                                  "required reviewers"), done.stdout


@pytest.mark.usefixtures("spawn")
@needs_jq
def test_dev_without_required_reviewers_goes_on_with_a_notice(fake_api: FakeApi) -> None:
    done = run("bash", str(RULES), "environment", "dev", env=fake_api(200, environment_answer(reviewers=-1)))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "::notice::the GitHub environment 'dev' has no required reviewers" in done.stdout


@pytest.mark.usefixtures("spawn")
@needs_jq
def test_weaker_protection_is_warned_about(fake_api: FakeApi) -> None:
    answer = environment_answer(self_review=False, admins_bypass=True, branch_policy=False)
    done = run("bash", str(RULES), "environment", "prod", env=fake_api(200, answer))
    assert done.returncode == 0, done.stdout + done.stderr
    warnings = [line for line in done.stdout.splitlines() if line.startswith("::warning::")]
    assert len(warnings) == 3, done.stdout
    assert any("Prevent self-review" in w for w in warnings)
    assert any("bypass" in w for w in warnings)
    assert any("Deployment branches and tags" in w for w in warnings)


@needs_jq
@pytest.mark.parametrize(("status", "body", "says"), [
    (403, {"message": "Resource not accessible by integration"}, "actions: read"),
    (401, {"message": "Bad credentials"}, "actions: read"),
    (404, {"message": "Not Found"}, "does not exist (HTTP 404)"),
    (500, "oops", "(HTTP 500)"),
    (200, "<html>not json</html>", "not the JSON of an environment"),
])
@pytest.mark.usefixtures("spawn")
@pytest.mark.parametrize("env", ["dev", "prod"])
def test_an_environment_that_cannot_be_read_is_refused(env: str, status: int, body: Any, says: str,
                                                       fake_api: FakeApi) -> None:
    """Fail closed: what cannot be confirmed is refused, for dev too (its environment must exist)."""
    done = run("bash", str(RULES), "environment", env, env=fake_api(status, body))
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.startswith("::error title=promotion refused::"), done.stdout
    assert says in done.stdout
    assert "ghs_test" not in done.stdout + done.stderr


@pytest.mark.usefixtures("spawn")
def test_the_environment_check_needs_the_token(fake_api: FakeApi) -> None:
    env = fake_api(200, environment_answer())
    env["GITHUB_TOKEN"] = ""
    done = run("bash", str(RULES), "environment", "prod", env=env)
    assert done.returncode != 0
    assert "GITHUB_TOKEN" in done.stderr


SHA = "0123456789abcdef0123456789abcdef01234567"


def promotion_run(*, title: str = "promote sit from v1.0.0-sit", conclusion: str = "success", sha: str = SHA,
                  path: str = ".github/workflows/promote.yml") -> dict[str, Any]:
    return {"id": 7, "name": "promote", "display_title": title, "head_sha": sha, "event": "workflow_dispatch",
            "status": "completed", "conclusion": conclusion, "path": path}


def runs_answer(*runs: dict[str, Any]) -> dict[str, Any]:
    return {"total_count": len(runs), "workflow_runs": list(runs)}


def promote_run_name() -> str:
    return str(workflow("promote.yml")["run-name"])


@pytest.mark.usefixtures("spawn")
@needs_jq
def test_prod_is_promoted_from_a_commit_a_sit_promotion_of_which_succeeded(fake_api: FakeApi) -> None:
    done = run("bash", str(RULES), "passed-sit", "prod", SHA,
               env=fake_api(200, runs_answer(promotion_run(title="promote dev from main"), promotion_run())))
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"commit {SHA} passed sit (1 successful sit promotion(s))" in done.stdout
    url = next(a for a in fake_api.args() if a.startswith("https://"))
    assert url == (f"https://api.example.test/repos/bbws/dynamo-contracts/actions/workflows/promote.yml/runs?"
                   f"head_sha={SHA}&status=success&event=workflow_dispatch&per_page=100")
    assert promote_run_name() == "promote ${{ inputs.environment }} from ${{ github.ref_name }}", \
        "the script finds a sit promotion by the run-name it gives itself ('promote sit from ')"


@needs_jq
@pytest.mark.parametrize("answer", [
    pytest.param(runs_answer(), id="never promoted"),
    pytest.param(runs_answer(promotion_run(title="promote dev from main")), id="dev only"),
    pytest.param(runs_answer(promotion_run(title="promote prod from v1.0.0")), id="prod only"),
    pytest.param(runs_answer(promotion_run(conclusion="failure")), id="sit failed"),
    pytest.param(runs_answer(promotion_run(sha="f" * 40)), id="another commit"),
    pytest.param(runs_answer(promotion_run(path=".github/workflows/other.yml")), id="another workflow"),
])
@pytest.mark.usefixtures("spawn")
def test_prod_from_a_commit_that_did_not_pass_sit_is_refused(answer: dict[str, Any], fake_api: FakeApi) -> None:
    done = run("bash", str(RULES), "passed-sit", "prod", SHA, env=fake_api(200, answer))
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.startswith("::error title=promotion refused::prod is promoted only from a commit that passed "
                                  f"sit, and no sit promotion of {SHA} succeeded"), done.stdout


@needs_jq
@pytest.mark.parametrize(("status", "body", "says"), [
    (403, {"message": "Resource not accessible by integration"}, "actions: read"),
    (500, "oops", "(HTTP 500"),
    (200, "<html>not json</html>", "not the JSON of workflow runs"),
])
@pytest.mark.usefixtures("spawn")
def test_prod_whose_sit_promotion_cannot_be_read_is_refused(status: int, body: Any, says: str,
                                                            fake_api: FakeApi) -> None:
    done = run("bash", str(RULES), "passed-sit", "prod", SHA, env=fake_api(status, body))
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.startswith("::error title=promotion refused::"), done.stdout
    assert says in done.stdout
    assert "ghs_test" not in done.stdout + done.stderr


@pytest.mark.usefixtures("spawn")
@pytest.mark.parametrize("env", ["dev", "sit"])
def test_dev_and_sit_need_no_earlier_promotion(env: str, fake_api: FakeApi) -> None:
    done = run("bash", str(RULES), "passed-sit", env, SHA, env=fake_api(500, "never asked"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert not (fake_api.folder / "args").exists()


@pytest.mark.usefixtures("spawn")
def test_a_ref_that_is_not_a_commit_is_refused_for_prod(fake_api: FakeApi) -> None:
    done = run("bash", str(RULES), "passed-sit", "prod", "v1.0.0", env=fake_api(200, runs_answer(promotion_run())))
    assert done.returncode == 1
    assert "'v1.0.0' is not a commit SHA" in done.stdout


@pytest.mark.usefixtures("spawn")
def test_the_rules_script_is_shellcheck_clean() -> None:
    done = run(tool("shellcheck"), "--severity=style", str(RULES))
    assert done.returncode == 0, done.stdout + done.stderr
