"""A DescribeTable (or another read) answered in part is a finding for that table, never a crash.

moto replaces a table's AttributeDefinitions with those an UpdateTable gives (AWS merges them): after
one that adds a GSI with only its own attribute, DescribeTable names key attributes it gives no type
for. The live reader reports the table with what could be read; a claim that needs what is missing
is unverifiable there, with the reason; a claim the rest of the answer settles is judged as ever.
Shown on moto as it really answers, with hand-built partial answers (botocore's Stubber), and in a
contract run as the user runs it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

pytest.register_assert_rewrite("tests.support.contract_project")
from dynamo_contracts.provision.backends import Backend, open_backend  # noqa: E402
from dynamo_contracts.provision.desired.model import (  # noqa: E402
    AttributeType,
    BackendKind,
    BillingMode,
    DesiredState,
    ProjectionType,
    StreamView,
)
from dynamo_contracts.provision.desired.stack import Stack  # noqa: E402
from dynamo_contracts.provision.observed.live import observe, read_tables  # noqa: E402
from dynamo_contracts.provision.observed.state import ObservedState, ObservedTable, Unverifiable  # noqa: E402
from dynamo_contracts.provision.planning.changes import DeleteIndex, Refused  # noqa: E402
from dynamo_contracts.provision.planning.diff import diff  # noqa: E402
from dynamo_contracts.provision.workflow import provision  # noqa: E402
from dynamo_contracts.steps import checks  # noqa: E402
from dynamo_contracts.steps.checks.target import Target  # noqa: E402
from dynamo_contracts.steps.results.findings import Finding, Outcome  # noqa: E402
from tests.support.contract_project import ContractProject, pytester_runner  # noqa: E402
from tests.support.origins import ON_AWS  # noqa: E402

pytest_plugins = ["pytester"]
QUIET = {"show": lambda _text: None}
STATUS_ONLY = [{"AttributeName": "status", "AttributeType": "S"}]
BY_STATUS = {"Create": {"IndexName": "OrdersByStatus", "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}],
                        "Projection": {"ProjectionType": "KEYS_ONLY"}}}


def unverifiable(found: Finding | list[Finding], *reason: str) -> None:
    """The claim (or each claim, where a check makes one per tag) is unverifiable, giving `reason`."""
    for finding in found if isinstance(found, list) else [found]:
        assert finding.outcome is Outcome.UNVERIFIABLE, finding
        for part in reason:
            assert part in finding.reason, finding.reason


# moto, as it answers ----------------------------------------------------------------------------


@pytest.fixture
def moto_after_update(desired: DesiredState, stack_for: Callable[[str], Stack]) -> Iterator[tuple[Backend, Stack]]:
    """The moto environment provisioned, then an UpdateTable on orders giving only its new GSI's attribute."""
    env = desired.environments["moto"]
    with open_backend(env) as backend:
        provision(backend, desired, env, **QUIET)  # type: ignore[arg-type]
        backend.client("dynamodb").update_table(TableName="orders-moto", AttributeDefinitions=STATUS_ONLY,
                                                GlobalSecondaryIndexUpdates=[BY_STATUS])
        yield backend, stack_for("moto")


def test_moto_forgets_the_definitions_an_update_table_does_not_repeat(
        moto_after_update: tuple[Backend, Stack]) -> None:
    """The behaviour this file is about, so the tests below stop meaning anything the day moto merges them."""
    backend, _ = moto_after_update
    table = backend.client("dynamodb").describe_table(TableName="orders-moto")["Table"]
    assert table["AttributeDefinitions"] == STATUS_ONLY
    assert {k["AttributeName"] for k in table["KeySchema"]} == {"tenantId", "orderId"}


def test_the_table_is_read_with_what_moto_reports_and_the_types_it_forgot_are_unverifiable(
        moto_after_update: tuple[Backend, Stack]) -> None:
    backend, stack = moto_after_update
    observed = observe(backend, stack.environment)
    target = Target(stack.environment, observed, stack)
    unverifiable(checks.table_key(target, "orders", "partition", "tenantId", AttributeType.S, True),
                 "DescribeTable of orders-moto", "tenantId", "no type", "it defines status")
    unverifiable(checks.index_key(target, "GSI", "orders", "OrdersByUser", "partition", "userId", AttributeType.S,
                                  True), "GSI OrdersByUser's partition key userId")
    # What the answer does settle is judged as ever: a key named otherwise, the new index, the settings.
    other_name = checks.table_key(target, "orders", "sort", "orderDate", AttributeType.S, True)
    assert other_name.outcome is Outcome.FAILED
    assert other_name.actual == "orderId (type not reported)"
    assert checks.index_key(target, "GSI", "orders", "OrdersByStatus", "partition", "status", AttributeType.S,
                            True).outcome is Outcome.PASSED
    assert checks.table_exists(target, "orders", True).outcome is Outcome.PASSED
    assert checks.billing_mode(target, "orders", BillingMode.PAY_PER_REQUEST, True).outcome is Outcome.PASSED
    assert checks.index_projection(target, "GSI", "orders", "OrdersByDate", ProjectionType.ALL,
                                   True).outcome is Outcome.PASSED
    assert checks.table_key(target, "users", "partition", "tenantId", AttributeType.S, True).outcome is Outcome.PASSED
    # The plan does not call keys it cannot read different: nothing to refuse on orders, the extra GSI goes.
    changes = [c for c in diff(stack, observed, BackendKind.MOTO) if c.target == "orders-moto"]
    assert not [c for c in changes if isinstance(c, Refused)], changes
    assert [(type(c), getattr(c, "index", None)) for c in changes] == [(DeleteIndex, "OrdersByStatus")]


# Hand-built partial answers ------------------------------------------------------------------------

ARN = "arn:aws:dynamodb:eu-west-1:222222222222:table/orders-sit"


def full_answer() -> dict[str, Any]:
    """DescribeTable of orders-sit as AWS gives it: keys, one GSI, one LSI, on demand, a stream."""
    keys = [{"AttributeName": "tenantId", "KeyType": "HASH"}, {"AttributeName": "orderId", "KeyType": "RANGE"}]
    return {
        "TableName": "orders-sit", "TableStatus": "ACTIVE", "TableArn": ARN, "KeySchema": keys,
        "AttributeDefinitions": [{"AttributeName": n, "AttributeType": "S"}
                                 for n in ("tenantId", "orderId", "orderDate", "userId")],
        "BillingModeSummary": {"BillingMode": "PAY_PER_REQUEST"},
        "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        "GlobalSecondaryIndexes": [{
            "IndexName": "OrdersByDate", "IndexStatus": "ACTIVE", "Projection": {"ProjectionType": "ALL"},
            "KeySchema": [{"AttributeName": "tenantId", "KeyType": "HASH"},
                          {"AttributeName": "orderDate", "KeyType": "RANGE"}]}],
        "LocalSecondaryIndexes": [{
            "IndexName": "OrdersByUserLocal", "Projection": {"ProjectionType": "KEYS_ONLY"},
            "KeySchema": [{"AttributeName": "tenantId", "KeyType": "HASH"},
                          {"AttributeName": "userId", "KeyType": "RANGE"}]}],
    }


def read_one(sit: Stack, table: dict[str, Any], pitr: dict[str, Any] | None = None,
             ttl: dict[str, Any] | None = None) -> ObservedTable:
    """orders-sit read by the live reader on AWS from these answers (every call it makes, in order)."""
    session = boto3.Session(region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x")
    backend = Backend(BackendKind.AWS, session)
    client = backend._clients["dynamodb"] = session.client("dynamodb")
    with Stubber(client) as stubber:
        stubber.add_response("describe_table", {"Table": table})
        enabled = {"PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": "ENABLED"}}
        enabled = {"PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": "ENABLED"}}
        stubber.add_response("describe_continuous_backups", pitr if pitr is not None else {
            "ContinuousBackupsDescription": {"ContinuousBackupsStatus": "ENABLED", **enabled}})
        stubber.add_response("describe_time_to_live", ttl if ttl is not None else {"TimeToLiveDescription": {}})
        if "TableArn" in table:
            stubber.add_response("list_tags_of_resource", {"Tags": [{"Key": "team", "Value": "orders"}]})
        tables = read_tables(backend, ["orders-sit"], listed=True)
        stubber.assert_no_pending_responses()
    return tables["orders-sit"]


def target_with(sit: Stack, table: ObservedTable) -> Target:
    return Target(sit.environment, ObservedState(ON_AWS, "sit", {"orders-sit": table}), sit)


@pytest.fixture
def sit(stack_for: Callable[[str], Stack]) -> Stack:
    return stack_for("sit")


def without(*path: str | int) -> dict[str, Any]:
    """The full answer without the part at `path` (keys and list positions)."""
    answer = full_answer()
    here: Any = answer
    for step in path[:-1]:
        here = here[step]
    del here[path[-1]]
    return answer


def test_the_full_answer_reads_whole(sit: Stack) -> None:
    """The base of the cases below: every claim they make unverifiable passes on the full answer."""
    target = target_with(sit, read_one(sit, full_answer()))
    for finding in (checks.table_key(target, "orders", "partition", "tenantId", AttributeType.S, True),
                    checks.table_exists(target, "orders", True),
                    checks.index_key(target, "GSI", "orders", "OrdersByDate", "sort", "orderDate", AttributeType.S,
                                     True),
                    checks.index_projection(target, "GSI", "orders", "OrdersByDate", ProjectionType.ALL, True),
                    checks.index_key(target, "LSI", "orders", "OrdersByUserLocal", "sort", "userId", AttributeType.S,
                                     True),
                    checks.billing_mode(target, "orders", BillingMode.PAY_PER_REQUEST, True)):
        assert finding.outcome is Outcome.PASSED, finding


PARTIAL: dict[str, tuple[Callable[[], dict[str, Any]], Callable[[Target], Finding], tuple[str, ...]]] = {
    "no AttributeDefinitions": (
        lambda: without("AttributeDefinitions"),
        lambda t: checks.table_key(t, "orders", "partition", "tenantId", AttributeType.S, True),
        ("the type of table orders-sit's partition key tenantId", "it defines none")),
    "a key type DynamoDB has not": (
        lambda: {**full_answer(), "AttributeDefinitions": [{"AttributeName": "tenantId", "AttributeType": "X"},
                                                           {"AttributeName": "orderId", "AttributeType": "S"}]},
        lambda t: checks.table_key(t, "orders", "partition", "tenantId", AttributeType.S, True),
        ("the type 'X'",)),
    "no KeySchema": (
        lambda: without("KeySchema"),
        lambda t: checks.table_key(t, "orders", "sort", "orderId", AttributeType.S, True),
        ("the key schema of table orders-sit (KeySchema has no HASH key)",)),
    "no TableStatus": (
        lambda: without("TableStatus"),
        lambda t: checks.table_exists(t, "orders", True),
        ("its status (no TableStatus)",)),
    "a GSI without Projection": (
        lambda: without("GlobalSecondaryIndexes", 0, "Projection"),
        lambda t: checks.index_projection(t, "GSI", "orders", "OrdersByDate", ProjectionType.ALL, True),
        ("the projection of GSI OrdersByDate (no Projection)",)),
    "a GSI projection without its type": (
        lambda: without("GlobalSecondaryIndexes", 0, "Projection", "ProjectionType"),
        lambda t: checks.index_projects(t, "GSI", "orders", "OrdersByDate", ["orderTotal"], True),
        ("no ProjectionType",)),
    "a GSI without KeySchema": (
        lambda: without("GlobalSecondaryIndexes", 0, "KeySchema"),
        lambda t: checks.index_key(t, "GSI", "orders", "OrdersByDate", "partition", "tenantId", AttributeType.S, True),
        ("the key schema of GSI OrdersByDate",)),
    "a GSI without IndexName": (
        lambda: without("GlobalSecondaryIndexes", 0, "IndexName"),
        lambda t: checks.index_exists(t, "GSI", "orders", "OrdersByDate", True),
        ("the name of 1 GSI(s)",)),
    "an LSI without its sort key": (
        lambda: without("LocalSecondaryIndexes", 0, "KeySchema", 1),
        lambda t: checks.index_key(t, "LSI", "orders", "OrdersByUserLocal", "sort", "userId", AttributeType.S, True),
        ("the sort key of LSI OrdersByUserLocal",)),
    "an LSI without IndexName": (
        lambda: without("LocalSecondaryIndexes", 0, "IndexName"),
        lambda t: checks.index_exists(t, "LSI", "orders", "OrdersByUserLocal", True),
        ("the name of 1 LSI(s)",)),
    "a billing mode DynamoDB has not": (
        lambda: {**full_answer(), "BillingModeSummary": {"BillingMode": "FREE"}},
        lambda t: checks.billing_mode(t, "orders", BillingMode.PAY_PER_REQUEST, True),
        ("the billing mode", "FREE")),
    "a stream without its view type": (
        lambda: without("StreamSpecification", "StreamViewType"),
        lambda t: checks.stream_view(t, "orders", StreamView.NEW_AND_OLD_IMAGES, True),
        ("the stream's view type (no StreamViewType)",)),
    "no TableArn": (
        lambda: without("TableArn"),
        lambda t: checks.tags(t, "orders", {"team": "orders"}, True),
        ("its ARN (no TableArn)",)),
}


@pytest.mark.parametrize("case", list(PARTIAL))
def test_a_part_missing_from_describe_table_is_unverifiable_for_that_claim(sit: Stack, case: str) -> None:
    answer, claim, reason = PARTIAL[case]
    unverifiable(claim(target_with(sit, read_one(sit, answer()))), *reason)


def test_no_billing_mode_summary_is_a_provisioned_table_as_aws_documents(sit: Stack) -> None:
    """AWS leaves BillingModeSummary out for a table provisioned since before there was one: not a gap."""
    answer = without("BillingModeSummary")
    answer["ProvisionedThroughput"] = {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
    target = target_with(sit, read_one(sit, answer))
    assert checks.billing_mode(target, "orders", BillingMode.PROVISIONED, True).outcome is Outcome.PASSED


def test_other_reads_answered_in_part_are_unverifiable_too(sit: Stack) -> None:
    table = read_one(sit, full_answer(), pitr={"ContinuousBackupsDescription": {"ContinuousBackupsStatus": "ENABLED"}},
                     ttl={"TimeToLiveDescription": {"TimeToLiveStatus": "ENABLED"}})
    assert isinstance(table.point_in_time_recovery, Unverifiable)
    assert "PointInTimeRecoveryDescription" in table.point_in_time_recovery.reason
    assert isinstance(table.ttl_attribute, Unverifiable)
    assert "AttributeName" in table.ttl_attribute.reason
    assert table.tags == {"team": "orders"}  # the rest of the table as read


# As the user runs it -------------------------------------------------------------------------------

BREAK_ORDERS = '''
import pytest


@pytest.fixture(scope="session", autouse=True)
def orders_updated_elsewhere(request):
    """After provisioning, someone's UpdateTable gives orders only its new GSI's attribute (moto keeps only those)."""
    backend = request.getfixturevalue("contract_backend")
    backend.client("dynamodb").update_table(TableName="orders-moto", AttributeDefinitions={definitions!r},
                                            GlobalSecondaryIndexUpdates=[{index!r}])
'''

FEATURE = '''@order_lambda
Feature: orders as moto reports it after that UpdateTable

  Scenario: The orders table is keyed by tenant and order
    Then the table "orders" must exist
    And the table "orders" must have the partition key "tenantId" of type S
    And the table "orders" must have billing mode PAY_PER_REQUEST

  Scenario: A sort key named otherwise
    Then the table "orders" must have the sort key "orderDate" of type S

  Scenario: What the answer holds is read
    Then the table "orders" must have point-in-time recovery
    And the table "orders" must have the GSI "OrdersByUser"

  Scenario: A query still runs on the keys as moto holds them
    Given the table "orders" holds the items:
      | tenantId | orderId | orderDate  |
      | t1       | o1      | 2026-01-05 |
    When querying the GSI "OrdersByDate" of table "orders" where "tenantId = t1"
    Then the query must return exactly, in order:
      | orderId |
      | o1      |
'''


def test_a_contract_run_on_moto_reports_the_forgotten_types_as_unverifiable_without_a_traceback(
        pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    project = ContractProject(pytester.path, pytester_runner(pytester, monkeypatch))
    conftest = project.path / "conftest.py"
    conftest.write_text(conftest.read_text() + BREAK_ORDERS.format(definitions=STATUS_ONLY, index=BY_STATUS))
    project.feature("order_lambda", FEATURE)
    run = project.run("--env=moto")
    assert "Traceback" not in run.output, run.output
    assert "KeyError" not in run.output, run.output
    keyed = run.scenario("The orders table is keyed by tenant and order")
    assert keyed.outcome == "skipped", run.output
    assert "DescribeTable of orders-moto does not report the type of table orders-moto's partition key " \
           "tenantId" in keyed.message, keyed.message
    assert run.scenario("A sort key named otherwise").outcome == "failed"
    assert "orderId (type not reported)" in run.scenario("A sort key named otherwise").message
    assert run.scenario("What the answer holds is read").outcome == "passed"
    assert run.scenario("A query still runs on the keys as moto holds them").outcome == "passed", run.output
    assert run.result.ret == 1
