"""Plan and apply against a real DynamoDB Local: the stack, idempotency, one GSI at a time, resuming.

Most tests share the session's DynamoDB Local (`dynamodb_local`) and keep apart from the others by table
names (`unique_environment`); those that create or delete a GSI (marked `own_jvm`) get one of their own: in a JVM
that has served many tests, DynamoDB Local's asynchronous index worker was seen to hang, in CI too (an index
DELETING or CREATING for good, the apply waiting out its 300 s), and it then stays hung for every test after.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from dynamo_contracts.provision.apply.executor import ApplyOptions, apply_plan
from dynamo_contracts.provision.backends import Backend, open_backend
from dynamo_contracts.provision.desired.model import (
    AttributeType,
    DesiredState,
    Environment,
    GlobalIndex,
    KeyAttribute,
    KeySchema,
    Projection,
    ProjectionType,
    StreamView,
    TableSpec,
)
from dynamo_contracts.provision.desired.stack import resolve
from dynamo_contracts.provision.errors import RefusedError
from dynamo_contracts.provision.observed.live import list_tables, observe
from dynamo_contracts.provision.workflow import destroy_plan, make_plan, provision

pytestmark = pytest.mark.slow

QUIET = ApplyOptions(progress=lambda _line: None, first_retry_delay=0.05, timeout=300)
LOGICAL_TABLES = ["campaigns", "orders", "products", "tenants", "users"]
READ_ONLY_PREFIXES = ("Describe", "List")


OWN_JVM = "own_jvm"  # the marker of a test that changes GSIs: a DynamoDB Local of its own, as `fresh_local`


@pytest.fixture
def local(unique_environment: Environment, dynamodb_local: str, request: pytest.FixtureRequest) -> Iterator[Backend]:
    """The session's DynamoDB Local; for a test marked `own_jvm`, one of its own (see the module's docstring)."""
    own = request.node.get_closest_marker(OWN_JVM) is not None
    with open_backend(unique_environment, None if own else dynamodb_local, start_local=own) as backend:
        yield backend


@pytest.fixture
def fresh_local(unique_environment: Environment) -> Iterator[Backend]:
    """A DynamoDB Local of its own: in a JVM that has served many tests, DynamoDB Local 3.3.1 was seen to
    leave a GSI created by an interrupted client CREATING for good, which a fresh JVM never did."""
    with open_backend(unique_environment, None, start_local=True) as backend:
        yield backend


def quiet_provision(backend: Backend, desired: DesiredState, env: Environment, **options: Any) -> list[str]:
    """Provision without output; the kinds of the changes done."""
    result = provision(backend, desired, env, options=dataclasses.replace(QUIET, **options), show=lambda _text: None)
    return [change.kind for change in result.done]


def with_table(desired: DesiredState, name: str, change: Callable[[TableSpec], TableSpec]) -> DesiredState:
    assert desired.table(name) is not None
    return dataclasses.replace(desired, tables=tuple(change(t) if t.name == name else t for t in desired.tables))


def record_calls(backend: Backend) -> list[str]:
    """The names of the DynamoDB operations the backend's client makes from now on."""
    calls: list[str] = []

    def record(model: Any, **_: Any) -> None:
        calls.append(model.name)

    backend.client("dynamodb").meta.events.register("before-call.dynamodb.*", record)
    return calls


def physical(env: Environment, logical: str) -> str:
    return env.table_name(logical)


S = AttributeType.S
ORDERS_BY_STATUS = GlobalIndex("OrdersByStatus", KeySchema(KeyAttribute("status", S), KeyAttribute("orderDate", S)),
                               Projection(ProjectionType.ALL))
ORDERS_BY_TOTAL = GlobalIndex(
    "OrdersByTotal", KeySchema(KeyAttribute("tenantId", S), KeyAttribute("orderTotal", AttributeType.N)),
    Projection(ProjectionType.KEYS_ONLY))


def with_new_order_indexes(desired: DesiredState, *indexes: GlobalIndex) -> DesiredState:
    return with_table(desired, "orders", lambda t: dataclasses.replace(t, global_indexes=(*t.global_indexes, *indexes)))


# --- the whole stack ------------------------------------------------------------------------------


def test_apply_builds_five_tables_and_eight_active_gsis_and_skips_only_what_local_cannot_hold(
        local: Backend, desired: DesiredState, unique_environment: Environment) -> None:
    env = unique_environment
    done = quiet_provision(local, desired, env)
    assert Counter(done) == {"CreateTable": 5, "UpdateTtl": 1}

    observed = observe(local, env)
    assert sorted(observed.tables) == sorted(physical(env, t) for t in LOGICAL_TABLES)
    assert sum(len(t.global_indexes) for t in observed.tables.values()) == 8
    assert {i for t in observed.tables.values() for i in t.global_indexes} == {
        i.name for t in desired.tables for i in t.global_indexes}
    for table in observed.tables.values():
        assert table.status == "ACTIVE", table.name
        assert {i.status for i in table.global_indexes.values()} == {"ACTIVE"}, table.name
    assert observed.tables[physical(env, "campaigns")].ttl_attribute == "expiresAt"

    second = make_plan(local, desired, env)
    assert second.pending == []
    assert second.refused == []
    per_table = {(kind, physical(env, t)) for t in LOGICAL_TABLES for kind in ("UpdatePitr", "TagTable",
                                                                              "UpdateEncryption")}
    backups = {("CreateVault", env.backup_name("bbws-dynamodb")),
               ("CreateBackupPlan", env.backup_name("bbws-dynamodb-daily")),
               ("CreateSelection", env.backup_name("bbws-dynamodb-daily"))}
    alarms = {("PutAlarm", name) for name in resolve(desired, env).alarms}  # DynamoDB Local has no CloudWatch
    assert sorted((c.kind, c.target) for c in second.skipped) == sorted(per_table | backups | alarms)
    for change in second.skipped:
        assert str(change.skipped).startswith("unverifiable on dynamodb-local"), change.describe()


def test_a_second_apply_makes_no_mutating_call(local: Backend, desired: DesiredState,
                                              unique_environment: Environment) -> None:
    quiet_provision(local, desired, unique_environment)
    calls = record_calls(local)
    assert quiet_provision(local, desired, unique_environment) == []
    assert calls, "the second apply reads the environment"
    assert [c for c in calls if not c.startswith(READ_ONLY_PREFIXES)] == []


# --- indexes ---------------------------------------------------------------------------------------


@pytest.mark.own_jvm
def test_dynamodb_local_refuses_two_gsi_creations_in_one_update(local: Backend, desired: DesiredState,
                                                                unique_environment: Environment) -> None:
    """The premise of the next test: DynamoDB Local, like AWS, takes one GSI change per UpdateTable."""
    quiet_provision(local, desired, unique_environment)
    client = local.session.client("dynamodb", endpoint_url=local.endpoint_url,
                                  config=Config(retries={"total_max_attempts": 1}))  # botocore would retry it
    creates = [{"Create": {"IndexName": i.name, "Projection": {"ProjectionType": "KEYS_ONLY"},
                           "KeySchema": [{"AttributeName": a.name, "KeyType": kind}
                                         for a, kind in zip(i.keys.attributes, ("HASH", "RANGE"), strict=False)]}}
               for i in (ORDERS_BY_STATUS, ORDERS_BY_TOTAL)]
    with pytest.raises(ClientError) as refused:
        client.update_table(TableName=physical(unique_environment, "orders"), GlobalSecondaryIndexUpdates=creates,
                            AttributeDefinitions=[{"AttributeName": "status", "AttributeType": "S"},
                                                  {"AttributeName": "orderDate", "AttributeType": "S"},
                                                  {"AttributeName": "tenantId", "AttributeType": "S"},
                                                  {"AttributeName": "orderTotal", "AttributeType": "N"}])
    assert refused.value.response["Error"]["Code"] == "LimitExceededException"


@pytest.mark.own_jvm
def test_two_new_gsis_on_one_table_are_created_one_per_update(local: Backend, desired: DesiredState,
                                                               unique_environment: Environment) -> None:
    env = unique_environment
    quiet_provision(local, desired, env)
    more = with_new_order_indexes(desired, ORDERS_BY_STATUS, ORDERS_BY_TOTAL)
    updates: list[dict[str, Any]] = []

    def record(params: dict[str, Any], **_: Any) -> None:
        updates.append(params)

    local.client("dynamodb").meta.events.register("provide-client-params.dynamodb.UpdateTable", record)
    assert quiet_provision(local, more, env) == ["CreateIndex", "CreateIndex"]

    assert [len(u.get("GlobalSecondaryIndexUpdates", [])) for u in updates] == [1, 1]
    created = sorted(u["GlobalSecondaryIndexUpdates"][0]["Create"]["IndexName"] for u in updates)
    assert created == ["OrdersByStatus", "OrdersByTotal"]
    indexes = observe(local, env).tables[physical(env, "orders")].global_indexes
    assert sorted(indexes) == ["OrdersByDate", "OrdersByStatus", "OrdersByTotal", "OrdersByUser"]
    assert {i.status for i in indexes.values()} == {"ACTIVE"}
    assert make_plan(local, more, env).pending == []


@pytest.mark.own_jvm
def test_a_gsi_created_by_update_table_answers_queries(local: Backend, desired: DesiredState,
                                                       unique_environment: Environment) -> None:
    env = unique_environment
    quiet_provision(local, desired, env)
    table = local.resource().Table(physical(env, "orders"))
    before = {"tenantId": "t1", "orderId": "o1", "status": "SHIPPED", "orderDate": "2024-01-01", "userId": "u1"}
    table.put_item(Item=before)  # there before the index: the backfill must index it
    assert quiet_provision(local, with_new_order_indexes(desired, ORDERS_BY_STATUS), env) == ["CreateIndex"]
    after = {"tenantId": "t1", "orderId": "o2", "status": "SHIPPED", "orderDate": "2024-02-01", "userId": "u1"}
    table.put_item(Item=after)
    table.put_item(Item={**after, "orderId": "o3", "status": "OPEN"})

    response = table.query(IndexName="OrdersByStatus", KeyConditionExpression="#s = :s",
                           ExpressionAttributeNames={"#s": "status"}, ExpressionAttributeValues={":s": "SHIPPED"})
    assert [item["orderId"] for item in response["Items"]] == ["o1", "o2"]  # sorted by orderDate
    assert response["Items"][0] == before  # projection ALL


@pytest.mark.own_jvm
def test_a_gsi_removed_from_the_contracts_is_deleted_and_the_apply_waits_until_it_is_gone(
        local: Backend, desired: DesiredState, unique_environment: Environment) -> None:
    env = unique_environment
    quiet_provision(local, desired, env)
    fewer = with_table(desired, "orders", lambda t: dataclasses.replace(
        t, global_indexes=tuple(i for i in t.global_indexes if i.name != "OrdersByUser")))
    plan = make_plan(local, fewer, env)
    assert [(c.kind, c.describe()) for c in plan.pending] == [
        ("DeleteIndex", f"DELETE GSI OrdersByUser of table {physical(env, 'orders')} (not in the contracts)")]
    calls = record_calls(local)
    assert quiet_provision(local, fewer, env) == ["DeleteIndex"]

    update = calls.index("UpdateTable")
    assert "DescribeTable" in calls[update + 1:], "the apply waits after deleting"
    description = local.client("dynamodb").describe_table(TableName=physical(env, "orders"))["Table"]
    assert [i["IndexName"] for i in description.get("GlobalSecondaryIndexes", [])] == ["OrdersByDate"]
    assert make_plan(local, fewer, env).pending == []


# --- refusals and resuming ----------------------------------------------------------------------------


def test_a_key_schema_change_is_refused_and_nothing_changes(local: Backend, desired: DesiredState,
                                                            unique_environment: Environment) -> None:
    env = unique_environment
    quiet_provision(local, desired, env)
    orders = physical(env, "orders")
    before = local.client("dynamodb").describe_table(TableName=orders)["Table"]
    rekeyed = with_table(desired, "orders", lambda t: dataclasses.replace(
        t, keys=KeySchema(KeyAttribute("tenantId", S), KeyAttribute("orderNumber", AttributeType.N))))
    calls = record_calls(local)
    with pytest.raises(RefusedError, match="key schema") as refused:
        quiet_provision(local, rekeyed, env)

    assert orders in str(refused.value)
    assert [c for c in calls if not c.startswith(READ_ONLY_PREFIXES)] == []
    after = local.client("dynamodb").describe_table(TableName=orders)["Table"]
    assert after["KeySchema"] == before["KeySchema"]
    assert after["AttributeDefinitions"] == before["AttributeDefinitions"]
    spec = desired.table("orders")
    assert spec is not None
    assert observe(local, env).tables[orders].keys == spec.keys
    assert make_plan(local, desired, env).pending == []


def test_an_apply_killed_half_way_converges_when_run_again(local: Backend, desired: DesiredState,
                                                           unique_environment: Environment) -> None:
    env = unique_environment
    client = local.client("dynamodb")
    asked: list[str] = []

    def killed_at_the_third_table(params: dict[str, Any], **_: Any) -> None:
        asked.append(params["TableName"])
        if len(asked) >= 3:  # a killed process makes no further call
            raise KeyboardInterrupt("killed")

    event = "provide-client-params.dynamodb.CreateTable"
    client.meta.events.register(event, killed_at_the_third_table)
    with pytest.raises(KeyboardInterrupt):
        quiet_provision(local, desired, env, table_threads=1)
    client.meta.events.unregister(event, killed_at_the_third_table)

    ours = [name for name in list_tables(local) if env.logical_table_name(name) is not None]
    assert ours == asked[:2]
    resumed = quiet_provision(local, desired, env)
    assert Counter(resumed)["CreateTable"] == 3
    assert make_plan(local, desired, env).pending == []
    observed = observe(local, env)
    assert sorted(observed.tables) == sorted(physical(env, t) for t in LOGICAL_TABLES)
    assert all(t.active for t in observed.tables.values())


def test_an_apply_killed_while_a_new_gsi_is_creating_is_finished_by_the_next_apply(
        fresh_local: Backend, desired: DesiredState, unique_environment: Environment) -> None:
    """ApplyError says "run apply again to finish": the next apply must leave every index ACTIVE.

    DynamoDB Local keeps a new GSI CREATING for a moment (AWS: until the backfill ends, often longer
    than the apply's timeout), so the interrupted apply leaves one that is not queryable yet.
    """
    env = unique_environment
    orders = physical(env, "orders")
    quiet_provision(fresh_local, desired, env)
    more = with_new_order_indexes(desired, ORDERS_BY_STATUS)
    client = fresh_local.client("dynamodb")

    def killed_once_the_update_is_sent(**_: Any) -> None:
        raise KeyboardInterrupt("killed")

    event = "after-call.dynamodb.UpdateTable"
    client.meta.events.register(event, killed_once_the_update_is_sent)
    with pytest.raises(KeyboardInterrupt):
        quiet_provision(fresh_local, more, env)
    client.meta.events.unregister(event, killed_once_the_update_is_sent)
    assert "OrdersByStatus" in observe(fresh_local, env).tables[orders].global_indexes, "the UpdateTable was made"

    quiet_provision(fresh_local, more, env)
    statuses = {name: index.status for name, index in observe(fresh_local, env).tables[orders].global_indexes.items()}
    assert statuses == dict.fromkeys(["OrdersByDate", "OrdersByStatus", "OrdersByUser"], "ACTIVE")


# --- a plan gone stale: another apply made its changes first ---------------------------------------------


def changed_tables(desired: DesiredState) -> DesiredState:
    """Every kind of change DynamoDB Local can make to existing tables, and one table more."""
    def change(table: TableSpec) -> TableSpec:
        if table.name == "orders":
            kept = tuple(i for i in table.global_indexes if i.name != "OrdersByUser")
            return dataclasses.replace(table, global_indexes=(*kept, ORDERS_BY_STATUS))
        if table.name == "campaigns":
            return dataclasses.replace(table, ttl_attribute=None)
        if table.name == "users":
            return dataclasses.replace(table, ttl_attribute="expiresAt")
        if table.name == "products":
            return dataclasses.replace(table, stream=None)
        if table.name == "tenants":
            return dataclasses.replace(table, stream=StreamView.KEYS_ONLY, deletion_protection=True)
        return table

    users = desired.table("users")
    assert users is not None
    return dataclasses.replace(desired, tables=(*(change(t) for t in desired.tables),
                                                dataclasses.replace(change(users), name="audits")))


def test_a_stale_plan_applied_after_another_finds_its_changes_done(
        fresh_local: Backend, desired: DesiredState, unique_environment: Environment) -> None:
    """DynamoDB Local answers as AWS does: "TimeToLive is already enabled", "Attempting to create an index which
    already exists", "Requested resource not found", "Table already has an enabled stream". Two plans read the
    same state; the second, applied after the first, must find its changes done and succeed.

    On a DynamoDB Local of its own: in the session's, after the other tests of this module, the GSI the
    first plan deletes was seen to stay DELETING for over 60 s (a fresh JVM deletes it in about 1 s).
    """
    env, local = unique_environment, fresh_local
    quiet_provision(local, desired, env)
    target = changed_tables(desired)
    first, stale = make_plan(local, target, env), make_plan(local, target, env)
    assert Counter(c.kind for c in stale.pending) == {"CreateTable": 1, "CreateIndex": 1, "DeleteIndex": 1,
                                                      "UpdateTtl": 3, "UpdateStream": 2,
                                                      "UpdateDeletionProtection": 1}
    apply_plan(local, first, QUIET)
    lines: list[str] = []
    result = apply_plan(local, stale, dataclasses.replace(QUIET, progress=lines.append))
    assert len(result.done) == len(stale.pending)
    assert len([line for line in lines if line.startswith("  already so: ")]) >= 7, "\n".join(lines)
    assert make_plan(local, target, env).pending == []
    observed = observe(local, env)
    orders = observed.tables[physical(env, "orders")]
    assert sorted(orders.global_indexes) == ["OrdersByDate", "OrdersByStatus"]
    assert {i.status for i in orders.global_indexes.values()} == {"ACTIVE"}
    tenants = observed.tables[physical(env, "tenants")]
    assert (tenants.stream, tenants.deletion_protection) == (StreamView.KEYS_ONLY, True)
    local.client("dynamodb").update_table(TableName=tenants.name, DeletionProtectionEnabled=False)  # for cleanup


def test_a_stale_destroy_plan_finds_the_tables_gone(local: Backend, desired: DesiredState,
                                                    unique_environment: Environment) -> None:
    env = unique_environment
    quiet_provision(local, desired, env)
    first, stale = destroy_plan(local, desired, env), destroy_plan(local, desired, env)
    apply_plan(local, first, QUIET)
    result = apply_plan(local, stale, QUIET)
    assert Counter(c.kind for c in result.done) == {"DeleteTable": 5}
    assert [name for name in list_tables(local) if env.logical_table_name(name) is not None] == []
