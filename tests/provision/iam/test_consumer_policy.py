"""A consumer's access patterns, run by the contracts suite on moto, against its generated policy; and the
promotion's check after the apply, as the role promote.yml gives it, against the reader's."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from dynamo_contracts.provision.desired.stack import Stack
from tests.project.github import after_check, workflow
from tests.provision.iam.iam_cases import CONSUMER, MOTO_ACCOUNT, needs_node, policies_of
from tests.support import spawn
from tests.support.contract_project import CONFTEST, PYTEST_INI
from tests.support.iam import evaluate
from tests.support.iam.recorder import Call, load
from tests.support.paths import ROOT

# --- a consumer's access patterns, run by the contracts suite on moto ------------------------------------------


@pytest.fixture(scope="module")
def consumer_calls(tmp_path_factory: pytest.TempPathFactory) -> list[Call]:
    """The consumer's features alone, in a project of their own (the contracts copied), run on moto in a subprocess
    (moto is process-global) with every backend's calls recorded."""
    project = tmp_path_factory.mktemp("iam")
    shutil.copytree(ROOT / "contracts", project / "contracts")
    shutil.copytree(ROOT / "features" / CONSUMER, project / "features" / CONSUMER)
    (project / "conftest.py").write_text(CONFTEST)
    (project / "pytest.ini").write_text(PYTEST_INI)
    out = project / "calls.json"
    env = {**os.environ, "IAM_RECORD": str(out),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")]))}
    done = spawn.run([sys.executable, "-m", "pytest", "--env=moto", "-q", "-p", "tests.support.iam.record_plugin"],
                     cwd=project, env=env, capture_output=True, text=True, timeout=240, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    return load(out)


ACCESS_PATTERN_ACTIONS = {"dynamodb:PutItem", "dynamodb:Query", "dynamodb:DeleteItem"}


@pytest.mark.slow
@needs_node
def test_the_consumer_policy_allows_its_access_patterns_and_grants_nothing_else(
        consumer_calls: list[Call], moto_stack: Stack) -> None:
    """The consumer's own calls are the item calls; the rest is the suite provisioning and reading moto before the
    scenarios run (the provisioner's role)."""
    own = {c for c in consumer_calls if c.action in ACCESS_PATTERN_ACTIONS}
    assert {c.action for c in own} == ACCESS_PATTERN_ACTIONS
    assert [c for c in consumer_calls if c.action == "?"] == []
    policy = policies_of(moto_stack)[f"consumer:{CONSUMER}"].data()
    assert evaluate.not_allowed(policy, MOTO_ACCOUNT, own) == []
    assert evaluate.unused(policy, own) == []
    provisioner = policies_of(moto_stack)["provisioner"].data()
    assert evaluate.not_allowed(provisioner, MOTO_ACCOUNT, {c for c in consumer_calls if c not in own}) == []


# --- the promotion's check after the apply, as the role promote.yml gives it ------------------------------------

ROLE_OF_VARIABLE = {"${{ vars.AWS_READ_ROLE_ARN }}": "reader", "${{ vars.AWS_DEPLOY_ROLE_ARN }}": "provisioner"}


@pytest.mark.slow
@needs_node
def test_the_promotions_check_after_the_apply_may_make_every_call_it_makes(tmp_path: Path, moto_stack: Stack) -> None:
    """promote.yml's contracts after the apply, run on moto with every call recorded once the suite has provisioned
    it (an AWS environment is not provisioned by pytest), judged against the policy of the role promote.yml assumes
    for them. dev and sit allow writes, as moto does: a run without --read-only writes, queries and deletes items,
    which no generated policy of the tool grants (only the consumers' own)."""
    variable, args = after_check(workflow("promote.yml"))
    assert variable in ROLE_OF_VARIABLE, variable
    kept = [a for a in args if not a.startswith(("--env=", "--readiness-report"))]
    assert len(kept) == len(args) - 2, args  # the environment and the report folder, nothing else, are replaced
    project = tmp_path / "project"
    for name in ("contracts", "features"):
        shutil.copytree(ROOT / name, project / name)
    (project / "conftest.py").write_text(CONFTEST)
    (project / "pytest.ini").write_text(PYTEST_INI)
    out = project / "calls.json"
    env = {**os.environ, "IAM_RECORD": str(out), "IAM_RECORD_AFTER_PROVISIONING": "1",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")]))}
    done = spawn.run([sys.executable, "-m", "pytest", "-q", "-p", "tests.support.iam.record_plugin", "--env=moto",
                           *kept], cwd=project, env=env, capture_output=True, text=True, timeout=240, check=False)
    assert done.returncode in (0, 1), done.stdout[-3000:] + done.stderr[-2000:]  # UNVERIFIED or BLOCKED on moto
    calls = load(out)
    assert {"dynamodb:DescribeTable", "dynamodb:ListTables"} <= {c.action for c in calls}, "it read the environment"
    policy = policies_of(moto_stack)[ROLE_OF_VARIABLE[variable]].data()
    assert evaluate.not_allowed(policy, MOTO_ACCOUNT, set(calls)) == [], \
        f"the check after the apply runs as {variable} ({ROLE_OF_VARIABLE[variable]}) with `pytest {' '.join(args)}`"
