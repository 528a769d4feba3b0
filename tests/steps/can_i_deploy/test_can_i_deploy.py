"""can-i-deploy (issue 20, item 5): verdicts a real run recorded on DynamoDB Local, answered by the command.

Black-box: a project copy is run with `--record-verdicts` on a real DynamoDB Local, then `python -m
steps.can_i_deploy` is run as a consumer's pipeline would, and its answers and exit codes are read.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.support import spawn

pytest.register_assert_rewrite("tests.support.contract_project")
from dynamo_contracts.provision.desired.load import load_contracts  # noqa: E402
from dynamo_contracts.provision.desired.own_tables import VERDICTS_TABLE  # noqa: E402
from dynamo_contracts.provision.errors import ContractError  # noqa: E402
from dynamo_contracts.steps.deployments.version import contract_version  # noqa: E402
from tests.support.contract_project import ContractProject, inner_environment, subprocess_runner  # noqa: E402
from tests.support.paths import ROOT  # noqa: E402

pytest_plugins = ["pytester", "tests.support.contract_project"]

HOLDS = """Feature: what holds on DynamoDB Local
  Scenario: the orders table and its keys
    Then the table "orders" must exist
    And the table "orders" must have the partition key "tenantId" of type S
"""
FAILS = """Feature: an index that is not there
  Scenario: an index nobody made
    Then the table "orders" must have the GSI "OrdersByCoupon"
"""


def can_i_deploy(project: ContractProject, endpoint: str, *args: str) -> spawn.CompletedProcess[str]:
    return spawn.run([sys.executable, "-m", "dynamo_contracts.steps.can_i_deploy", *args, "--endpoint-url", endpoint],
                     cwd=project.path, env=inner_environment(), capture_output=True, text=True, timeout=120,
                     check=False)


@pytest.mark.slow
def test_can_i_deploy_answers_from_the_verdicts_a_run_recorded(tmp_path: Path, dynamodb_local_endpoint: str) -> None:
    project = ContractProject(tmp_path, subprocess_runner(tmp_path))
    project.isolate_local()
    ready, blocked = f"ready_{project.tag}", f"blocked_{project.tag}"
    project.feature(ready, HOLDS)
    project.feature(blocked, FAILS)
    project.feature("platform", (ROOT / "features/platform/stack.feature").read_text(),
                    "stack.feature")

    run = project.run("--endpoint-url", dynamodb_local_endpoint, "--record-verdicts")
    assert "verdicts: 3 consumers' verdicts recorded" in run.output, run.output
    # the verdict store is the tool's own: the platform's exact set of tables still holds beside it
    assert run.scenario("Exactly the tables and GSIs of the desired state, one naming convention").outcome == "passed"

    yes = can_i_deploy(project, dynamodb_local_endpoint, "--consumer", ready, "--to", "local")
    assert yes.returncode == 0, yes.stdout + yes.stderr
    assert yes.stdout.startswith(f"yes: {ready} version sha256:")
    assert "is ready on local (last verified 20" in yes.stdout

    no = can_i_deploy(project, dynamodb_local_endpoint, "--consumer", blocked, "--to", "local")
    assert no.returncode == 1, no.stdout + no.stderr
    assert no.stdout.startswith(f"no: {blocked}")
    assert "is blocked on local" in no.stdout
    assert "OrdersByCoupon" in no.stdout

    other = can_i_deploy(project, dynamodb_local_endpoint, "--consumer", ready, "--to", "local",
                         "--version", "sha256:0123")
    assert other.returncode == 1, other.stdout
    assert "was never verified on local" in other.stdout

    project.feature(ready, HOLDS + "    And the table \"orders\" must have the sort key \"orderId\" of type S\n")
    edited = can_i_deploy(project, dynamodb_local_endpoint, "--consumer", ready, "--to", "local")
    assert edited.returncode == 1, edited.stdout
    assert "was never verified on local" in edited.stdout

    version = contract_version(tmp_path / "features", blocked)
    noted = can_i_deploy(project, dynamodb_local_endpoint, "record-deployment", "--consumer", blocked,
                         "--to", "local", "--version", version)
    assert noted.returncode == 0, noted.stderr
    again = can_i_deploy(project, dynamodb_local_endpoint, "--consumer", blocked, "--to", "local")
    assert f"Live in local: version {version[:19]}" in again.stdout

    unknown = can_i_deploy(project, dynamodb_local_endpoint, "--consumer", "nobody", "--to", "local")
    assert unknown.returncode == 2
    assert "no such consumer" in unknown.stderr
    wrong_env = can_i_deploy(project, dynamodb_local_endpoint, "--consumer", ready, "--to", "staging")
    assert wrong_env.returncode == 2
    assert "no such environment" in wrong_env.stderr
    project.feature(f"never_{project.tag}", HOLDS)
    never = can_i_deploy(project, dynamodb_local_endpoint, "--consumer", f"never_{project.tag}", "--to", "local")
    assert never.returncode == 2
    assert "no verdict of" in never.stderr

    project.set_environment("local", record_verdicts=True)  # the store is planned, and there already
    planned = spawn.run([sys.executable, "-m", "dynamo_contracts.provision", "plan", "--env", "local", "--endpoint-url",
                              dynamodb_local_endpoint], cwd=tmp_path, env=inner_environment(), capture_output=True,
                        text=True, timeout=120, check=False)
    assert planned.returncode == 0, planned.stdout + planned.stderr  # nothing to do, nothing deleted


def test_no_table_of_the_contracts_may_take_the_reserved_prefix(tmp_path: Path) -> None:
    project = ContractProject(tmp_path, subprocess_runner(tmp_path))
    project.set_environment("local", table_name_pattern="dynamo-contracts-{table}")
    with pytest.raises(ContractError, match="prefix 'dynamo-contracts-' the tool keeps for its own tables"):
        load_contracts(project.contracts)


def test_the_store_is_planned_only_where_verdicts_are_recorded(tmp_path: Path) -> None:
    from dynamo_contracts.provision.backends import open_backend
    from dynamo_contracts.provision.workflow import make_plan

    project = ContractProject(tmp_path, subprocess_runner(tmp_path))
    for recorded in (False, True):
        project.set_environment("moto", record_verdicts=recorded)
        desired = load_contracts(project.contracts)
        with open_backend(desired.environments["moto"]) as backend:
            targets = {change.target for change in make_plan(backend, desired, desired.environments["moto"]).pending}
        assert (VERDICTS_TABLE in targets) is recorded


def test_the_store_is_no_table_of_the_stack_even_where_the_pattern_could_name_it(tmp_path: Path) -> None:
    """A pattern of `{table}` names every table `dynamo-contracts-verdicts` could be: the store is still left out
    of the environment's tables, so the platform's exact set holds, and no plan touches it once it is there."""
    from dynamo_contracts.provision.backends import open_backend
    from dynamo_contracts.provision.desired.stack import resolve
    from dynamo_contracts.provision.observed.live import observe
    from dynamo_contracts.provision.workflow import make_plan, provision
    from dynamo_contracts.steps.checks.desired import exact_desired_tables
    from dynamo_contracts.steps.checks.target import Target
    from dynamo_contracts.steps.results.findings import Outcome

    project = ContractProject(tmp_path, subprocess_runner(tmp_path))
    project.set_environment("moto", record_verdicts=True, table_name_pattern="{table}")
    desired = load_contracts(project.contracts)
    env = desired.environments["moto"]
    with open_backend(env) as backend:
        provision(backend, desired, env, show=lambda _text: None)
        assert VERDICTS_TABLE in backend.client("dynamodb").list_tables()["TableNames"]
        observed = observe(backend, env)
        assert VERDICTS_TABLE not in observed.tables
        findings = exact_desired_tables(Target(env, observed, resolve(desired, env)), True)
        assert [f.outcome for f in findings] == [Outcome.PASSED], findings
        assert not make_plan(backend, desired, env).pending


@pytest.mark.usefixtures("spawn")
@pytest.mark.parametrize("args", [("--env=moto",), ("--against=schema", "--env=sit")], ids=["throwaway", "static"])
def test_recording_where_no_verdict_would_last_or_none_is_the_environments_is_refused(
        tmp_path: Path, args: tuple[str, ...]) -> None:
    project = ContractProject(tmp_path, subprocess_runner(tmp_path))
    project.feature("alpha", HOLDS)
    run = project.run(*args, "--record-verdicts")
    assert run.result.ret != 0
    assert ("needs a lasting backend" if "--env=moto" in args else "--against live alone") in run.output
    assert "verdicts:" not in run.output


def test_the_newest_verdict_of_the_version_answers_and_only_ready_is_yes() -> None:
    from dynamo_contracts.steps.deployments.answer import answer
    from dynamo_contracts.steps.deployments.records import VerdictRecord
    from dynamo_contracts.steps.deployments.store import History

    def verdict(status: str, at: str, version: str = "sha256:aa") -> VerdictRecord:
        return VerdictRecord("sit", "order_lambda", version, "", status, f"{status} because", "3 of 3", at, "aws")

    newest_first = [verdict("blocked", "2026-12-07T03:00:00+00:00"), verdict("ready", "2026-12-06T03:00:00+00:00")]
    said = answer(History(newest_first, []), "order_lambda", "sit", "sha256:aa")
    assert not said.yes
    assert "is blocked on sit (last verified 2026-12-07T03:00:00+00:00" in said.text
    assert answer(History(newest_first[1:], []), "order_lambda", "sit", "sha256:aa").yes
    assert answer(History([verdict("ready with accepted risk", "2026-12-07T03:00:00+00:00")], []),
                  "order_lambda", "sit", "sha256:aa").yes
    for status in ("unverified", "not checked"):
        assert not answer(History([verdict(status, "2026-12-07T03:00:00+00:00")], []),
                          "order_lambda", "sit", "sha256:aa").yes
    other = answer(History(newest_first, []), "order_lambda", "sit", "sha256:bb")
    assert not other.yes
    assert "never verified on sit" in other.text
