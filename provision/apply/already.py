"""Whether what a change was to do holds already, read from DynamoDB's own answers.

Two applies at once (or an apply and a hand change) both work from a plan read before either
started, so one finds some of its changes made by the other: AWS then answers "already enabled",
"an index which already exists", "not found". That is done, not an error. The apply decides by
reading the table again and checking the wanted state with these pure functions, never by the
error's text.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import singledispatch
from typing import Any

from ..desired.model import BillingMode, EncryptionType, GlobalIndex, StreamView
from ..planning.changes import (
    Change,
    CreateIndex,
    DeleteIndex,
    UpdateBilling,
    UpdateDeletionProtection,
    UpdateEncryption,
    UpdateIndexCapacity,
    UpdateStream,
    UpdateTableClass,
)
from . import requests

Description = Mapping[str, Any]  # DescribeTable's "Table"

_ON = ("ENABLED", "ENABLING", "UPDATING")


def index(description: Description, name: str) -> Mapping[str, Any] | None:
    return next((i for i in description.get("GlobalSecondaryIndexes", []) if i["IndexName"] == name), None)


def index_matches(found: Mapping[str, Any], wanted: GlobalIndex) -> bool:
    """The same keys and projection: what AWS cannot change in place, so what makes it the same index."""
    projection = found.get("Projection", {})
    return (found.get("KeySchema") == requests.key_schema(wanted.keys)
            and {**projection, "NonKeyAttributes": sorted(projection.get("NonKeyAttributes", []))}
            == {"NonKeyAttributes": [], **requests.projection(wanted.projection)})


def stream(description: Description) -> StreamView | None:
    spec = description.get("StreamSpecification") or {}
    return StreamView(spec["StreamViewType"]) if spec.get("StreamEnabled") else None


@singledispatch
def holds(change: Change, description: Description) -> bool:
    """Whether the table, as described now, is as `change` was to make it (UpdateTable's changes)."""
    raise NotImplementedError(f"{change.kind} is not read from DescribeTable")


@holds.register
def _(change: CreateIndex, description: Description) -> bool:
    found = index(description, change.index.name)
    return found is not None and index_matches(found, change.index)


@holds.register
def _(change: DeleteIndex, description: Description) -> bool:
    found = index(description, change.index)
    return found is None or found.get("IndexStatus") == "DELETING"


@holds.register
def _(change: UpdateIndexCapacity, description: Description) -> bool:
    found = index(description, change.index)
    return found is not None and _capacity(found.get("ProvisionedThroughput")) == requests.throughput(change.capacity)


@holds.register
def _(change: UpdateBilling, description: Description) -> bool:
    mode = description.get("BillingModeSummary", {}).get("BillingMode", BillingMode.PROVISIONED.value)
    if mode != change.billing.mode.value:
        return False
    capacity = change.billing.capacity
    return capacity is None or _capacity(description.get("ProvisionedThroughput")) == requests.throughput(capacity)


@holds.register
def _(change: UpdateStream, description: Description) -> bool:
    return stream(description) == change.view


@holds.register
def _(change: UpdateDeletionProtection, description: Description) -> bool:
    return bool(description.get("DeletionProtectionEnabled", False)) is change.enabled


@holds.register
def _(change: UpdateTableClass, description: Description) -> bool:
    return str(description.get("TableClassSummary", {}).get("TableClass", "STANDARD")) == change.table_class.value


@holds.register
def _(change: UpdateEncryption, description: Description) -> bool:
    """A KMS key's manager (AWS or customer) is not in DescribeTable: the next plan tells those apart."""
    sse = description.get("SSEDescription") or {}
    if change.encryption.type is EncryptionType.AWS_OWNED:
        return sse.get("Status") not in _ON
    key = change.encryption.kms_key
    return sse.get("Status") in _ON and (key is None or sse.get("KMSMasterKeyArn") == key)


def _capacity(throughput: Mapping[str, Any] | None) -> dict[str, int]:
    throughput = throughput or {}
    return {"ReadCapacityUnits": int(throughput.get("ReadCapacityUnits", 0)),
            "WriteCapacityUnits": int(throughput.get("WriteCapacityUnits", 0))}


def pitr_holds(enabled: bool, description: Mapping[str, Any]) -> bool:
    """From DescribeContinuousBackups' ContinuousBackupsDescription."""
    status = description.get("PointInTimeRecoveryDescription", {}).get("PointInTimeRecoveryStatus")
    return (status in _ON) is enabled


def ttl_holds(attribute: str, enabled: bool, description: Mapping[str, Any]) -> bool:
    """From DescribeTimeToLive's TimeToLiveDescription: on for that attribute, or off."""
    status = description.get("TimeToLiveStatus", "DISABLED")
    if enabled:
        return status in ("ENABLED", "ENABLING") and description.get("AttributeName") == attribute
    return status in ("DISABLED", "DISABLING")
