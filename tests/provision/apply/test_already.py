"""Whether a change is already made, read from DynamoDB's answers: what makes a stale plan's change done."""

from __future__ import annotations

from dynamo_contracts.provision.apply import already
from dynamo_contracts.provision.desired.model import (
    AttributeType,
    GlobalIndex,
    KeyAttribute,
    KeySchema,
    Projection,
    ProjectionType,
    StreamView,
)
from dynamo_contracts.provision.planning.changes import CreateIndex, DeleteIndex, UpdateDeletionProtection, UpdateStream

KEYS = KeySchema(KeyAttribute("tenantId", AttributeType.S), KeyAttribute("status", AttributeType.S))
BY_STATUS = GlobalIndex("OrdersByStatus", KEYS, Projection(ProjectionType.INCLUDE, frozenset({"total", "userId"})))
KEY_SCHEMA = [{"AttributeName": "tenantId", "KeyType": "HASH"}, {"AttributeName": "status", "KeyType": "RANGE"}]


def table(*indexes: dict[str, object], **fields: object) -> dict[str, object]:
    return {"TableName": "orders", "GlobalSecondaryIndexes": list(indexes), **fields}


def gsi(projection: dict[str, object], status: str = "ACTIVE", keys: object = KEY_SCHEMA) -> dict[str, object]:
    return {"IndexName": "OrdersByStatus", "KeySchema": keys, "Projection": projection, "IndexStatus": status}


def test_an_index_of_that_name_counts_only_with_the_same_keys_and_projection() -> None:
    create = CreateIndex(target="orders", index=BY_STATUS)
    include = {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["userId", "total"]}
    assert already.holds(create, table(gsi(include)))
    assert already.holds(create, table(gsi(include, status="CREATING"))), "made, and still being built"
    assert not already.holds(create, table(gsi({"ProjectionType": "ALL"})))
    assert not already.holds(create, table(gsi(include, keys=KEY_SCHEMA[:1])))
    assert not already.holds(create, table())


def test_an_index_gone_or_going_is_deleted() -> None:
    delete = DeleteIndex(target="orders", index="OrdersByStatus")
    assert already.holds(delete, table())
    assert already.holds(delete, table(gsi({"ProjectionType": "ALL"}, status="DELETING")))
    assert not already.holds(delete, table(gsi({"ProjectionType": "ALL"})))


def test_stream_and_protection_are_read_as_described() -> None:
    on = table(StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
    assert already.holds(UpdateStream(target="orders", view=StreamView.KEYS_ONLY), on)
    assert not already.holds(UpdateStream(target="orders", view=StreamView.NEW_IMAGE), on)
    assert already.holds(UpdateStream(target="orders", view=None), table())
    assert already.holds(UpdateDeletionProtection(target="orders", enabled=False), table())
    assert not already.holds(UpdateDeletionProtection(target="orders", enabled=True), table())


def test_ttl_counts_only_on_the_wanted_attribute() -> None:
    enabled = {"TimeToLiveStatus": "ENABLED", "AttributeName": "expiresAt"}
    assert already.ttl_holds("expiresAt", True, enabled)
    assert not already.ttl_holds("deleteAt", True, enabled)
    assert not already.ttl_holds("expiresAt", False, enabled)
    assert already.ttl_holds("expiresAt", False, {"TimeToLiveStatus": "DISABLED"})
    assert already.ttl_holds("expiresAt", False, {})


def test_pitr_is_read_from_its_status() -> None:
    assert already.pitr_holds(True, {"PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": "ENABLED"}})
    assert already.pitr_holds(False, {"PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": "DISABLED"}})
    assert not already.pitr_holds(True, {})
