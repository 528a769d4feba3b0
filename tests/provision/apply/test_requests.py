"""The requests the provisioner sends, checked against the real AWS service models with botocore's Stubber.

moto does not implement backup selections and accepts invalid schemas, so these tests are
how the backup vault, plan and selection requests (and every CreateTable) are known to be
what AWS accepts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ParamValidationError
from botocore.stub import Stubber

from dynamo_contracts.provision.apply import requests
from dynamo_contracts.provision.apply.executor import ApplyError, ApplyOptions, apply_plan
from dynamo_contracts.provision.backends import Backend
from dynamo_contracts.provision.desired.model import BackendKind, DesiredState
from dynamo_contracts.provision.desired.stack import Stack
from dynamo_contracts.provision.observed.state import ObservedState
from dynamo_contracts.provision.planning.changes import CreateBackupPlan, CreateSelection, CreateTable, CreateVault
from dynamo_contracts.provision.planning.diff import diff
from dynamo_contracts.provision.planning.plan import Plan
from tests.support.origins import ON_AWS

QUIET = ApplyOptions(progress=lambda _line: None, first_retry_delay=0.001)
PLAN_ID = "8f1c0a4e-0000-4000-8000-000000000001"


def offline_client(service: str) -> Any:
    return boto3.Session(region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x").client(service)


@pytest.fixture
def stubbed() -> Iterator[Callable[[str], tuple[Any, Stubber]]]:
    stubbers: list[Stubber] = []

    def make(service: str) -> tuple[Any, Stubber]:
        client = offline_client(service)
        stubber = Stubber(client)
        stubber.activate()
        stubbers.append(stubber)
        return client, stubber

    yield make
    for stubber in stubbers:
        stubber.assert_no_pending_responses()
        stubber.deactivate()


def backups_of(stack: Stack) -> list[Any]:
    empty = ObservedState(ON_AWS, stack.environment.name, {})
    return [c for c in diff(stack, empty, BackendKind.AWS) if c.is_backup]


def test_the_sit_backup_changes_are_a_vault_a_plan_and_a_selection(stack_for: Callable[[str], Stack]) -> None:
    assert [type(c) for c in backups_of(stack_for("sit"))] == [CreateVault, CreateBackupPlan, CreateSelection]


def test_apply_sends_vault_plan_and_selection_requests_aws_accepts(
        stack_for: Callable[[str], Stack], stubbed: Callable[[str], tuple[Any, Stubber]]) -> None:
    stack = stack_for("sit")
    changes = backups_of(stack)
    backup, stubber = stubbed("backup")
    vault, plan, selection = changes
    stubber.add_response("create_backup_vault", {"BackupVaultName": vault.target},
                         expected_params={"BackupVaultName": "bbws-dynamodb-sit"})
    stubber.add_response("create_backup_plan", {"BackupPlanId": PLAN_ID}, expected_params={"BackupPlan": {
        "BackupPlanName": "bbws-dynamodb-daily-sit",
        "Rules": [{"RuleName": "bbws-dynamodb-daily-rule", "TargetBackupVaultName": "bbws-dynamodb-sit",
                   "ScheduleExpression": "cron(0 3 * * ? *)", "Lifecycle": {"DeleteAfterDays": 14}}]}})
    tables = ["campaigns", "orders", "products", "tenants", "users"]
    resources = [f"arn:aws:dynamodb:eu-west-1:222222222222:table/{t}-sit" for t in tables]
    name = plan.plan.selection_name_for(resources)  # the base name and a digest of what it selects
    assert re.fullmatch(r"bbws-dynamodb-daily-sit-tables-[0-9a-f]{6}", name)
    stubber.add_response("create_backup_selection", {"SelectionId": "sel-1", "BackupPlanId": PLAN_ID},
                         expected_params={"BackupPlanId": PLAN_ID, "BackupSelection": {
                             "SelectionName": name,
                             "IamRoleArn": "arn:aws:iam::222222222222:role/service-role/AWSBackupDefaultServiceRole",
                             "Resources": resources,
                         }})
    sts, sts_stubber = stubbed("sts")
    sts_stubber.add_response("get_caller_identity", {"Account": "222222222222"})  # the account check comes first
    aws = Backend(BackendKind.AWS, boto3.Session(region_name="eu-west-1"))
    aws._clients.update(backup=backup, sts=sts, dynamodb=offline_client("dynamodb"))
    result = apply_plan(aws, Plan(stack.environment, "aws", [vault, plan, selection]), QUIET)
    assert [c.kind for c in result.done] == ["CreateVault", "CreateBackupPlan", "CreateSelection"]


def test_a_selection_by_tag_uses_list_of_tags(desired: DesiredState, stubbed: Callable[[str], tuple[Any, Stubber]],
                                              stack_for: Callable[[str], Stack]) -> None:
    import dataclasses

    from dynamo_contracts.provision.desired.model import Coverage

    plan = dataclasses.replace(next(iter(stack_for("sit").plans.values())), covers=Coverage(tags={"Backup": "daily"}))
    request = requests.create_selection(plan, PLAN_ID, [], "arn:aws:iam::222222222222:role/backup")
    backup, stubber = stubbed("backup")
    stubber.add_response("create_backup_selection", {"SelectionId": "s"}, expected_params=request)
    backup.create_backup_selection(**request)
    assert request["BackupSelection"]["ListOfTags"] == [
        {"ConditionType": "STRINGEQUALS", "ConditionKey": "Backup", "ConditionValue": "daily"}]
    assert "Resources" not in request["BackupSelection"]


def test_the_service_model_rejects_a_malformed_selection() -> None:
    """The checks above can fail: a request missing IamRoleArn is stopped before any stubbed answer."""
    backup = offline_client("backup")
    with Stubber(backup) as stubber:
        stubber.add_response("create_backup_selection", {"SelectionId": "s"})
        with pytest.raises(ParamValidationError, match="IamRoleArn"):
            backup.create_backup_selection(BackupPlanId=PLAN_ID, BackupSelection={"SelectionName": "s"})


@pytest.mark.parametrize("env", ["local", "sit"])
def test_every_create_table_request_is_valid_for_dynamodb(env: str, stack_for: Callable[[str], Stack],
                                                          stubbed: Callable[[str], tuple[Any, Stubber]]) -> None:
    stack = stack_for(env)
    dynamodb, stubber = stubbed("dynamodb")
    for name, spec in stack.tables.items():
        request = requests.create_table(name, spec)
        stubber.add_response("create_table", {}, expected_params=request)
        dynamodb.create_table(**request)
        assert request["SSESpecification"] == {"Enabled": True, "SSEType": "KMS"}
        assert request["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
        assert request["DeletionProtectionEnabled"] is (env == "sit")
        assert {a["AttributeName"] for a in request["AttributeDefinitions"]} == set(spec.attribute_types())


def test_create_table_throttled_past_botocores_own_retries_is_not_sent_again(
        stack_for: Callable[[str], Stack], stubbed: Callable[[str], tuple[Any, Stubber]]) -> None:
    """botocore retries throttling and limits inside the call (the Stubber answers past those retries);
    the apply adds no loop of its own around them (tests/provision/apply/test_on_moto.py shows botocore's)."""
    stack = stack_for("local")
    name, spec = next(iter(stack.tables.items()))
    dynamodb, stubber = stubbed("dynamodb")
    stubber.add_client_error("create_table", "ThrottlingException", "rate exceeded",
                             expected_params=requests.create_table(name, spec))
    backend = Backend(BackendKind.DYNAMODB_LOCAL, boto3.Session(region_name="eu-west-1"))
    backend._clients["dynamodb"] = dynamodb
    lines: list[str] = []
    with pytest.raises(ApplyError, match="ThrottlingException: rate exceeded"):
        apply_plan(backend, Plan(stack.environment, "dynamodb-local", [CreateTable(target=name, spec=spec)]),
                   ApplyOptions(progress=lines.append, first_retry_delay=0.001))
    assert [line for line in lines if "retrying" in line] == []
