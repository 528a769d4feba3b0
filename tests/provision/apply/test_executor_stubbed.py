"""What apply does with the answers AWS gives and moto or DynamoDB Local never do, scripted with botocore's Stubber.

Each test queues DynamoDB's answers in order; a call the test did not expect (a retry that
should not happen) fails it at once. The Stubber answers before botocore's own retries: what it
queues is what reaches the apply once botocore has given up.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from dynamo_contracts.provision.apply.executor import ApplyError, ApplyOptions, ApplyResult, apply_plan
from dynamo_contracts.provision.backends import Backend
from dynamo_contracts.provision.desired.model import BackendKind
from dynamo_contracts.provision.desired.stack import Stack
from dynamo_contracts.provision.planning.changes import (
    Change,
    CreateBackupPlan,
    CreateSelection,
    CreateTable,
    DeleteSelection,
    UpdateDeletionProtection,
    UpdatePitr,
    UpdateTtl,
)
from dynamo_contracts.provision.planning.plan import Plan

TABLE = "orders-moto"
ARN = f"arn:aws:dynamodb:eu-west-1:123456789012:table/{TABLE}"


def table(status: str = "ACTIVE") -> dict[str, Any]:
    return {"Table": {"TableName": TABLE, "TableStatus": status, "TableArn": ARN,
                      "BillingModeSummary": {"BillingMode": "PAY_PER_REQUEST"},
                      "AttributeDefinitions": [{"AttributeName": "tenantId", "AttributeType": "S"}]}}


@pytest.fixture
def moto(stack_for: Callable[[str], Stack]) -> Stack:
    return stack_for("moto")


def stubbed_backend() -> tuple[Backend, Stubber]:
    """A backend whose DynamoDB client answers only what the test queues (activate the Stubber)."""
    session = boto3.Session(region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x")
    client = session.client("dynamodb")
    backend = Backend(BackendKind.MOTO, session)
    backend._clients["dynamodb"] = client
    return backend, Stubber(client)


@pytest.fixture
def dynamodb() -> Iterator[tuple[Backend, Stubber]]:
    """A stubbed backend that also checks every answer queued was asked for."""
    backend, stubber = stubbed_backend()
    with stubber:
        yield backend, stubber
        stubber.assert_no_pending_responses()


def apply(backend: Backend, stack: Stack, *changes: Change, timeout: float = 30) -> tuple[ApplyResult, list[str]]:
    lines: list[str] = []
    options = ApplyOptions(progress=lines.append, first_retry_delay=0.001, poll_interval=0.001, timeout=timeout)
    return apply_plan(backend, Plan(stack.environment, "moto", list(changes)), options), lines


def retried(lines: list[str]) -> list[str]:
    """The error codes the apply said it retried, in order."""
    return [line.split(": ")[1].split(",")[0] for line in lines if "retrying in" in line]


# --- CreateTable of a table another run created -------------------------------------------------------


def test_create_table_answered_resource_in_use_waits_for_the_table_and_counts_it_done(
        moto: Stack, dynamodb: tuple[Backend, Stubber]) -> None:
    """Two applies at once: the second's CreateTable meets the first's table. It must not retry for 30 minutes."""
    backend, stubber = dynamodb
    stubber.add_client_error("create_table", "ResourceInUseException", f"Table already exists: {TABLE}")
    stubber.add_response("describe_table", table("CREATING"))
    stubber.add_response("describe_table", table("ACTIVE"))
    started = time.monotonic()
    result, lines = apply(backend, moto, CreateTable(target=TABLE, spec=moto.tables[TABLE]), timeout=1800)
    assert time.monotonic() - started < 5
    assert [c.kind for c in result.done] == ["CreateTable"]
    assert retried(lines) == []
    assert any("already exists" in line and "next plan" in line for line in lines)


@pytest.mark.parametrize("code", ["ThrottlingException", "LimitExceededException"])
def test_throttling_or_limits_botocore_gave_up_on_are_not_retried_again(
        moto: Stack, dynamodb: tuple[Backend, Stubber], code: str) -> None:
    """botocore retries these inside the call (the Stubber answers past its retries): a second loop around
    it would only multiply the attempts and run past the deadline. One call, and that change fails."""
    backend, stubber = dynamodb
    stubber.add_client_error("create_table", code, "slow down")
    with pytest.raises(ApplyError, match=code) as failed:
        apply(backend, moto, CreateTable(target=TABLE, spec=moto.tables[TABLE]))
    assert [c.kind for c, _why in failed.value.result.failed] == ["CreateTable"]


def test_update_table_on_a_busy_table_is_retried(moto: Stack, dynamodb: tuple[Backend, Stubber]) -> None:
    backend, stubber = dynamodb
    stubber.add_client_error("update_table", "ResourceInUseException", "table is being updated")
    stubber.add_response("update_table", {})
    stubber.add_response("describe_table", table("ACTIVE"))
    result, lines = apply(backend, moto, UpdateDeletionProtection(target=TABLE, enabled=True))
    assert [c.kind for c in result.done] == ["UpdateDeletionProtection"]
    assert retried(lines) == ["ResourceInUseException"]


# --- PITR right after CreateTable ---------------------------------------------------------------------


def test_pitr_refused_right_after_create_table_is_retried_until_aws_allows_it(
        moto: Stack, dynamodb: tuple[Backend, Stubber]) -> None:
    backend, stubber = dynamodb
    for _ in range(2):
        stubber.add_client_error("update_continuous_backups", "ContinuousBackupsUnavailableException",
                                 "Backups are being enabled for the table")
    stubber.add_response("update_continuous_backups", {"ContinuousBackupsDescription": {
        "ContinuousBackupsStatus": "ENABLED"}})
    result, lines = apply(backend, moto, UpdatePitr(target=TABLE, enabled=True))
    assert [c.kind for c in result.done] == ["UpdatePitr"]
    assert retried(lines) == ["ContinuousBackupsUnavailableException"] * 2


def test_pitr_unavailable_until_the_deadline_fails_that_change(moto: Stack) -> None:
    backend, stubber = stubbed_backend()  # how many answers the deadline leaves unasked is not fixed
    for _ in range(200):
        stubber.add_client_error("update_continuous_backups", "ContinuousBackupsUnavailableException", "not yet")
    with stubber, pytest.raises(ApplyError, match="ContinuousBackupsUnavailableException when the time ran out"):
        apply(backend, moto, UpdatePitr(target=TABLE, enabled=True), timeout=0.05)


# --- backup selections: never a window without coverage -------------------------------------------------

PLAN_ID = "8f1c0a4e-0000-4000-8000-000000000001"
ROLE = "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole"


@pytest.fixture
def backup(dynamodb: tuple[Backend, Stubber]) -> Iterator[tuple[Backend, Stubber]]:
    """The stubbed backend with a stubbed AWS Backup client as well (its answers all asked for, in order)."""
    backend, _ = dynamodb
    client = backend.session.client("backup")
    backend._clients["backup"] = client
    with Stubber(client) as stubber:
        yield backend, stubber
        stubber.assert_no_pending_responses()


def replacement(stack: Stack) -> CreateSelection:
    name, plan = next(iter(stack.plans.items()))
    return CreateSelection(target=name, plan=plan, resources=(ARN,), iam_role_arn=ROLE, plan_id=PLAN_ID,
                           replaces_id="old-selection")


def test_a_changed_selection_is_created_before_the_old_one_is_deleted(
        moto: Stack, backup: tuple[Backend, Stubber]) -> None:
    """Deleting first left the tables with no backup coverage until the create; in prod too."""
    backend, stubber = backup
    change = replacement(moto)
    stubber.add_response("create_backup_selection", {"SelectionId": "new-selection", "BackupPlanId": PLAN_ID},
                         expected_params={"BackupPlanId": PLAN_ID, "BackupSelection": {
                             "SelectionName": change.selection_name, "IamRoleArn": ROLE, "Resources": [ARN]}})
    stubber.add_response("delete_backup_selection", {},
                         expected_params={"BackupPlanId": PLAN_ID, "SelectionId": "old-selection"})
    result, _ = apply(backend, moto, change)
    assert [c.kind for c in result.done] == ["CreateSelection"]
    assert change.selection_name != change.plan.selection_name, "the new one has a name of its own"


def test_a_selection_the_create_fails_for_is_not_deleted(moto: Stack, backup: tuple[Backend, Stubber]) -> None:
    backend, stubber = backup
    stubber.add_client_error("create_backup_selection", "InvalidParameterValueException", "bad role")
    stubber.add_response("list_backup_selections", {"BackupSelectionsList": [  # read again: not made meanwhile
        {"SelectionId": "old-selection", "SelectionName": "bbws-dynamodb-daily-moto-tables"}]},
                         expected_params={"BackupPlanId": PLAN_ID})
    with pytest.raises(ApplyError, match="bad role"):
        apply(backend, moto, replacement(moto))  # no delete_backup_selection queued: the Stubber fails if asked


def test_a_leftover_selection_of_ours_is_deleted(moto: Stack, backup: tuple[Backend, Stubber]) -> None:
    backend, stubber = backup
    name = next(iter(moto.plans))
    stubber.add_response("delete_backup_selection", {},
                         expected_params={"BackupPlanId": PLAN_ID, "SelectionId": "old-selection"})
    result, _ = apply(backend, moto, DeleteSelection(target=name, plan_id=PLAN_ID, selection_id="old-selection",
                                                     name=f"{name}-tables", kept=f"{name}-tables-abc123"))
    assert [c.kind for c in result.done] == ["DeleteSelection"]


# --- a stale plan: what another run made since the plan was read is done -------------------------------


def test_a_backup_plan_and_selection_another_run_made_are_found_by_name_and_counted_done(
        moto: Stack, backup: tuple[Backend, Stubber]) -> None:
    backend, stubber = backup
    name, plan = next(iter(moto.plans.items()))
    selection = CreateSelection(target=name, plan=plan, resources=(ARN,), iam_role_arn=ROLE)  # plan made just now
    stubber.add_client_error("create_backup_plan", "AlreadyExistsException", "Backup plan with the same plan "
                             "document already exists")
    stubber.add_response("list_backup_plans", {"BackupPlansList": [
        {"BackupPlanName": "someone-elses", "BackupPlanId": "other-id"},
        {"BackupPlanName": name, "BackupPlanId": PLAN_ID}]})
    stubber.add_client_error("create_backup_selection", "AlreadyExistsException", "already exists",
                             expected_params={"BackupPlanId": PLAN_ID, "BackupSelection": ANY})  # the id found
    stubber.add_response("list_backup_selections", {"BackupSelectionsList": [
        {"SelectionId": "theirs", "SelectionName": selection.selection_name}]},
                         expected_params={"BackupPlanId": PLAN_ID})
    result, lines = apply(backend, moto, CreateBackupPlan(target=name, plan=plan), selection)
    assert [c.kind for c in result.done] == ["CreateBackupPlan", "CreateSelection"]
    assert len([line for line in lines if "already so" in line]) == 2


def test_an_old_selection_another_run_deleted_is_counted_gone(moto: Stack, backup: tuple[Backend, Stubber]) -> None:
    backend, stubber = backup
    change = replacement(moto)
    stubber.add_response("create_backup_selection", {"SelectionId": "new-selection", "BackupPlanId": PLAN_ID})
    stubber.add_client_error("delete_backup_selection", "ResourceNotFoundException", "not found")
    stubber.add_response("list_backup_selections", {"BackupSelectionsList": [
        {"SelectionId": "new-selection", "SelectionName": change.selection_name}]})
    result, _ = apply(backend, moto, change)
    assert [c.kind for c in result.done] == ["CreateSelection"]


def test_an_error_is_an_error_unless_reading_again_shows_the_change_made(
        moto: Stack, dynamodb: tuple[Backend, Stubber]) -> None:
    """Decided by reading the table, never by the message: TTL on another attribute is not "already enabled"."""
    backend, stubber = dynamodb
    stubber.add_client_error("update_time_to_live", "ValidationException", "TimeToLive is already enabled")
    stubber.add_response("describe_time_to_live", {"TimeToLiveDescription": {
        "TimeToLiveStatus": "ENABLED", "AttributeName": "deleteAt"}})
    with pytest.raises(ApplyError, match="TimeToLive is already enabled"):
        apply(backend, moto, UpdateTtl(target=TABLE, attribute="expiresAt"))
