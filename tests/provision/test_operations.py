"""The catalogue of AWS operations (provision/operations.py): each role's IAM actions from the
code alone, and every call the tool makes on moto is an entry of the catalogue for the role that made it."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from dynamo_contracts.provision import operations as ops
from dynamo_contracts.provision.apply.safety import check_account
from dynamo_contracts.provision.backends import Backend, open_backend
from dynamo_contracts.provision.desired.model import DesiredState
from dynamo_contracts.provision.observed.live import observe, read_tables
from dynamo_contracts.provision.observed.state import ObservedTable
from dynamo_contracts.provision.operations import Role
from dynamo_contracts.provision.workflow import provision
from dynamo_contracts.steps.sentences.query import Marker, delete_items, key_condition, parse_condition, put_new, query


def test_the_reader_role_needs_exactly_these_actions() -> None:
    assert ops.actions(Role.READER) == [
        "backup:GetBackupPlan", "backup:GetBackupSelection", "backup:ListBackupPlans", "backup:ListBackupSelections",
        "backup:ListBackupVaults", "cloudwatch:DescribeAlarms", "dynamodb:DescribeContinuousBackups",
        "dynamodb:DescribeTable", "dynamodb:DescribeTimeToLive", "dynamodb:ListTables", "dynamodb:ListTagsOfResource",
        "iam:SimulatePrincipalPolicy", "kms:DescribeKey"]


def test_the_provisioner_reads_and_changes() -> None:
    actions = ops.actions(Role.PROVISIONER)
    assert set(ops.actions(Role.READER)) <= set(actions)
    assert {"dynamodb:CreateTable", "dynamodb:UpdateTable", "dynamodb:DeleteTable", "dynamodb:TagResource",
            "dynamodb:UpdateContinuousBackups", "dynamodb:UpdateTimeToLive", "backup:CreateBackupVault",
            "backup:CreateBackupPlan", "backup:UpdateBackupPlan", "backup:CreateBackupSelection",
            "backup:DeleteBackupSelection", "iam:PassRole"} <= set(actions)
    assert not any(a.startswith("dynamodb:") and a.endswith(("PutItem", "Query", "DeleteItem")) for a in actions)


def test_a_consumer_writes_queries_and_cleans_up_only() -> None:
    assert ops.actions(Role.CONSUMER) == ["dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:Query"]


def test_each_entry_is_one_operation_of_botocore_s_models() -> None:
    import boto3

    session = boto3.Session(region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x")
    for op in ops.CATALOGUE:
        model = session.client(op.service).meta.service_model  # type: ignore[call-overload]
        assert op.name in model.operation_names, op
    assert len({(op.service, op.name) for op in ops.CATALOGUE}) == len(ops.CATALOGUE)


class Recorder:
    """Every API call made through a session, as (service, operation), under the phase set when it was made."""

    def __init__(self) -> None:
        self.phase: Role | None = None
        self.calls: dict[Role, set[tuple[str, str]]] = {role: set() for role in Role}

    def __call__(self, event_name: str, **_: Any) -> None:
        _, service, operation = event_name.split(".")
        assert self.phase is not None, f"a call outside any phase: {service} {operation}"
        self.calls[self.phase].add((service, operation))


def allowed(role: Role) -> set[tuple[str, str]]:
    return {(op.service, op.name) for op in ops.operations(role)}


def test_every_call_on_moto_is_in_the_catalogue_for_the_role_that_makes_it(desired: DesiredState) -> None:
    env = desired.environments["moto"]
    recorder = Recorder()
    with open_backend(env) as backend:
        backend.session.events.register("before-call.*.*", recorder)  # before any client: each one copies it
        recorder.phase = Role.PROVISIONER
        provision(backend, desired, env, show=lambda _text: None)
        recorder.phase = Role.READER
        observe(backend, env)
        check_account(backend, dataclasses.replace(env, account_id="123456789012"))
        seen = read_tables(backend, [env.table_name("orders")])[env.table_name("orders")]
        recorder.phase = Role.CONSUMER
        _access_pattern(backend, seen)
    for role, calls in recorder.calls.items():
        assert calls, role
        assert calls <= allowed(role), (role, sorted(calls - allowed(role)))


def _access_pattern(backend: Backend, seen: ObservedTable) -> None:
    marker = Marker(seen)
    resource_table = backend.resource().Table(seen.name)
    item = {"tenantId": marker.mark("tenantId", "t1"), "orderId": "o1"}
    assert put_new(resource_table, item, "tenantId") is None
    condition = key_condition(parse_condition("tenantId = t1"), seen.attribute_types(), marker)
    assert query(resource_table, condition, None, False, None, marker) == [{"tenantId": "t1", "orderId": "o1"}]
    assert delete_items(backend.resource(), [(seen.name, item)]) == []


def test_an_operation_on_a_client_of_another_service_is_refused() -> None:
    import boto3

    sts = boto3.Session(region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x").client("sts")
    with pytest.raises(ValueError, match="an operation of dynamodb called on a client of sts"):
        ops.DESCRIBE_TABLE.call(sts, TableName="t")
