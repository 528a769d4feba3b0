"""The boto3 requests each change makes: pure functions from the model to request parameters.

Kept apart from the calls so that tests check them against the real service models with
botocore's Stubber, and so the IAM actions the tool needs can be listed from one place.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..desired.model import (
    BackupPlan,
    BackupVault,
    Billing,
    BillingMode,
    Capacity,
    Encryption,
    EncryptionType,
    GlobalIndex,
    KeyAttribute,
    KeySchema,
    Projection,
    ProjectionType,
    StreamView,
    TableSpec,
)

Request = dict[str, Any]


def key_schema(keys: KeySchema) -> list[dict[str, str]]:
    schema = [{"AttributeName": keys.partition.name, "KeyType": "HASH"}]
    if keys.sort is not None:
        schema.append({"AttributeName": keys.sort.name, "KeyType": "RANGE"})
    return schema


def attribute_definitions(attributes: Iterable[KeyAttribute]) -> list[dict[str, str]]:
    unique = {a.name: a.type.value for a in attributes}
    return [{"AttributeName": name, "AttributeType": kind} for name, kind in sorted(unique.items())]


def projection(value: Projection) -> dict[str, Any]:
    result: dict[str, Any] = {"ProjectionType": value.type.value}
    if value.type is ProjectionType.INCLUDE:
        result["NonKeyAttributes"] = sorted(value.attributes)
    return result


def throughput(capacity: Capacity) -> dict[str, int]:
    return {"ReadCapacityUnits": capacity.read, "WriteCapacityUnits": capacity.write}


def sse_specification(encryption: Encryption) -> dict[str, Any]:
    if encryption.type is EncryptionType.AWS_OWNED:
        return {"Enabled": False}
    spec: dict[str, Any] = {"Enabled": True, "SSEType": "KMS"}
    if encryption.type is EncryptionType.CUSTOMER_MANAGED and encryption.kms_key:
        spec["KMSMasterKeyId"] = encryption.kms_key
    return spec


def stream_specification(view: StreamView | None) -> dict[str, Any]:
    return {"StreamEnabled": False} if view is None else {"StreamEnabled": True, "StreamViewType": view.value}


def _gsi(index: GlobalIndex, provisioned: bool) -> dict[str, Any]:
    result: dict[str, Any] = {"IndexName": index.name, "KeySchema": key_schema(index.keys),
                              "Projection": projection(index.projection)}
    if provisioned and index.capacity is not None:
        result["ProvisionedThroughput"] = throughput(index.capacity)
    return result


def create_table(name: str, spec: TableSpec) -> Request:
    provisioned = spec.billing.mode is BillingMode.PROVISIONED
    request: Request = {
        "TableName": name,
        "KeySchema": key_schema(spec.keys),
        "AttributeDefinitions": attribute_definitions(
            [*spec.keys.attributes, *(a for i in spec.global_indexes for a in i.keys.attributes),
             *(i.sort_key for i in spec.local_indexes)]),
        "BillingMode": spec.billing.mode.value,
        "StreamSpecification": stream_specification(spec.stream),
        "TableClass": spec.table_class.value,
        "DeletionProtectionEnabled": spec.deletion_protection,
    }
    if spec.encryption.type is not EncryptionType.AWS_OWNED:
        request["SSESpecification"] = sse_specification(spec.encryption)
    if provisioned and spec.billing.capacity is not None:
        request["ProvisionedThroughput"] = throughput(spec.billing.capacity)
    if spec.global_indexes:
        request["GlobalSecondaryIndexes"] = [_gsi(i, provisioned) for i in spec.global_indexes]
    if spec.local_indexes:
        request["LocalSecondaryIndexes"] = [
            {"IndexName": i.name, "KeySchema": key_schema(KeySchema(spec.keys.partition, i.sort_key)),
             "Projection": projection(i.projection)} for i in spec.local_indexes]
    if spec.tags:
        request["Tags"] = [{"Key": k, "Value": v} for k, v in sorted(spec.tags.items())]
    return request


def create_index(name: str, index: GlobalIndex, provisioned: bool,
                 defined: Iterable[KeyAttribute] = ()) -> Request:
    """Add one GSI. `defined` are the table's attribute definitions: sent again with the new index's, as
    AWS merges them and moto replaces them (so sending only the new ones loses the table's)."""
    return {
        "TableName": name,
        "AttributeDefinitions": attribute_definitions([*defined, *index.keys.attributes]),
        "GlobalSecondaryIndexUpdates": [{"Create": _gsi(index, provisioned)}],
    }


def delete_index(name: str, index: str) -> Request:
    return {"TableName": name, "GlobalSecondaryIndexUpdates": [{"Delete": {"IndexName": index}}]}


def update_index_capacity(name: str, index: str, capacity: Capacity) -> Request:
    return {"TableName": name, "GlobalSecondaryIndexUpdates": [
        {"Update": {"IndexName": index, "ProvisionedThroughput": throughput(capacity)}}]}


def update_billing(name: str, billing: Billing, index_capacity: Mapping[str, Capacity]) -> Request:
    request: Request = {"TableName": name, "BillingMode": billing.mode.value}
    if billing.mode is BillingMode.PROVISIONED and billing.capacity is not None:
        request["ProvisionedThroughput"] = throughput(billing.capacity)
        if index_capacity:  # switching to PROVISIONED needs every GSI's capacity in the same call
            request["GlobalSecondaryIndexUpdates"] = [
                {"Update": {"IndexName": n, "ProvisionedThroughput": throughput(c)}}
                for n, c in sorted(index_capacity.items())]
    return request


def update_pitr(name: str, enabled: bool) -> Request:
    return {"TableName": name, "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": enabled}}


def update_ttl(name: str, attribute: str, enabled: bool) -> Request:
    return {"TableName": name, "TimeToLiveSpecification": {"Enabled": enabled, "AttributeName": attribute}}


def tag_table(arn: str, tags: Mapping[str, str]) -> Request:
    return {"ResourceArn": arn, "Tags": [{"Key": k, "Value": v} for k, v in sorted(tags.items())]}


def create_vault(vault: BackupVault) -> Request:
    request: Request = {"BackupVaultName": vault.name}
    if vault.kms_key:
        request["EncryptionKeyArn"] = vault.kms_key
    return request


def backup_plan_body(plan: BackupPlan) -> dict[str, Any]:
    rule = plan.rule
    lifecycle: dict[str, int] = {"DeleteAfterDays": rule.retention_days}
    if rule.cold_storage_after_days is not None:
        lifecycle["MoveToColdStorageAfterDays"] = rule.cold_storage_after_days
    return {"BackupPlanName": plan.name, "Rules": [{
        "RuleName": rule.name, "TargetBackupVaultName": rule.vault,
        "ScheduleExpression": rule.schedule, "Lifecycle": lifecycle}]}


def create_backup_plan(plan: BackupPlan) -> Request:
    return {"BackupPlan": backup_plan_body(plan)}


def update_backup_plan(plan: BackupPlan, plan_id: str) -> Request:
    return {"BackupPlanId": plan_id, "BackupPlan": backup_plan_body(plan)}


def create_selection(plan: BackupPlan, plan_id: str, resources: Iterable[str], iam_role_arn: str) -> Request:
    resources = tuple(resources)
    selection: dict[str, Any] = {"SelectionName": plan.selection_name_for(resources), "IamRoleArn": iam_role_arn}
    if plan.covers.tags:
        selection["ListOfTags"] = [{"ConditionType": "STRINGEQUALS", "ConditionKey": k, "ConditionValue": v}
                                   for k, v in sorted(plan.covers.tags.items())]
    else:
        selection["Resources"] = list(resources)
    return {"BackupPlanId": plan_id, "BackupSelection": selection}
