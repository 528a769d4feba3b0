"""What the tool calls, recorded on moto (and, where moto has no API, on botocore's Stubber), against the generated
policies as an IAM evaluator judges them, matching Resource and Condition as AWS does; a new call without its
permission fails the check. Marked `slow`: they run node with @cloud-copilot/iam-simulate."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from dynamo_contracts.provision import operations as ops
from dynamo_contracts.provision.apply.executor import apply_plan
from dynamo_contracts.provision.backends import Backend, local_session, open_backend
from dynamo_contracts.provision.desired.model import BackendKind, DesiredState, Environment
from dynamo_contracts.provision.desired.stack import OWNERSHIP_TAG_KEY, OWNERSHIP_TAG_VALUE, Stack
from dynamo_contracts.provision.iam.access import AccessRequest, AwsSimulation
from dynamo_contracts.provision.iam.arns import of_stack
from dynamo_contracts.provision.iam.policy import role_policy
from dynamo_contracts.provision.observed import capabilities
from dynamo_contracts.provision.observed.capabilities import Feature
from dynamo_contracts.provision.observed.live import observe, read_backups
from dynamo_contracts.provision.operations import Role, Touches
from dynamo_contracts.provision.planning.changes import CreateSelection, CreateVault, UpdateBackupPlan
from dynamo_contracts.provision.planning.plan import Plan
from dynamo_contracts.provision.workflow import provision
from tests.provision.iam.iam_cases import CONSUMER, MOTO_ACCOUNT, QUIET, needs_node, policies_of
from tests.support.iam import evaluate
from tests.support.iam.recorder import Call, Recorder

PLAN_ID = "8f1c0a4e-0000-4000-8000-000000000001"

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
