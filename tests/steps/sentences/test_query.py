"""Key conditions as a Lambda developer writes them, parsed and turned into boto3 expressions."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import boto3
import moto
import pytest
from boto3.dynamodb.conditions import ConditionExpressionBuilder

from dynamo_contracts.provision.desired.model import AttributeType, KeyAttribute, KeySchema, Projection, ProjectionType
from dynamo_contracts.provision.observed.state import ObservedIndex, ObservedTable
from dynamo_contracts.steps.sentences.query import (
    ConditionError,
    KeyCondition,
    Marker,
    SortCondition,
    delete_all,
    items_from_table,
    key_condition,
    parse_condition,
    put_new,
    render,
)

KEYS = KeySchema(KeyAttribute("tenantId", AttributeType.S), KeyAttribute("orderId", AttributeType.S))
TABLE = ObservedTable(
    "orders-x", "ACTIVE", KEYS,
    global_indexes={"OrdersByUser": ObservedIndex(
        "OrdersByUser", KeySchema(KeyAttribute("userId", AttributeType.S), KeyAttribute("total", AttributeType.N)),
        Projection(ProjectionType.ALL))})


@pytest.mark.parametrize(("text", "expected"), [
    ("tenantId = t1", KeyCondition("tenantId", "t1")),
    ("tenantId = 't 1'", KeyCondition("tenantId", "t 1")),
    ("tenantId = t1 and orderDate between 2026-01-01 and 2026-01-31",
     KeyCondition("tenantId", "t1", SortCondition("orderDate", "between", ("2026-01-01", "2026-01-31")))),
    ("categoryId = books AND begins_with(productName, 'The ')",
     KeyCondition("categoryId", "books", SortCondition("productName", "begins_with", ("The ",)))),
    ("userId = u1 and total >= 10", KeyCondition("userId", "u1", SortCondition("total", ">=", ("10",)))),
    ("userId = u1 and total < 10", KeyCondition("userId", "u1", SortCondition("total", "<", ("10",)))),
])
def test_conditions_are_read(text: str, expected: KeyCondition) -> None:
    assert parse_condition(text) == expected


@pytest.mark.parametrize("text", ["tenantId", "tenantId > t1", "tenantId = t1 and orderDate ~ 3",
                                  "tenantId = t1 and begins_with(orderDate)"])
def test_unreadable_conditions_say_how_to_write_one(text: str) -> None:
    with pytest.raises(ConditionError, match="cannot read"):
        parse_condition(text)


def test_the_expression_types_values_from_the_key_schema_and_marks_partition_keys() -> None:
    marker = Marker(TABLE, run="r1")
    expression = key_condition(parse_condition("userId = u1 and total between 5 and 10"),
                               TABLE.attribute_types(), marker)
    built = ConditionExpressionBuilder().build_expression(expression, is_key_condition=True)
    assert sorted(built.attribute_value_placeholders.values(), key=str) == sorted(
        ["u1#contract-r1", Decimal("5"), Decimal("10")], key=str)


def test_a_number_key_with_text_is_a_clear_error() -> None:
    with pytest.raises(ConditionError, match="not a number"):
        key_condition(parse_condition("userId = u1 and total > lots"), TABLE.attribute_types(), Marker(TABLE))


def test_the_marker_keeps_scenarios_apart_and_comes_off_results() -> None:
    marker = Marker(TABLE, run="r2")
    assert marker.attributes == {"tenantId", "userId"}
    assert marker.mark("tenantId", "t1") == "t1#contract-r2"
    assert marker.mark("orderId", "o1") == "o1"
    assert marker.unmark({"tenantId": "t1#contract-r2", "orderId": "o1"}) == {"tenantId": "t1", "orderId": "o1"}


def test_items_take_key_types_from_the_table_and_declared_types_from_the_header() -> None:
    rows = [["tenantId", "orderId", "total", "note", "price:N"], ["t1", "o1", "12", "", "3.5"]]
    assert items_from_table(rows, TABLE.attribute_types()) == [
        {"tenantId": "t1", "orderId": "o1", "total": Decimal("12"), "price": Decimal("3.5")}]


@pytest.mark.parametrize(("value", "shown"), [
    (Decimal("10"), "10"), (Decimal("40.5"), "40.5"), (Decimal("1E+1"), "10"), ("x", "x"), (True, "true"),
    ({"b", "a"}, "a, b"),
])
def test_values_render_as_a_datatable_shows_them(value: object, shown: str) -> None:
    assert render(value) == shown


@pytest.mark.parametrize("header", ["orderTotal:X", "orderTotal:int", "orderTotal:SS"])
def test_an_unknown_type_in_a_column_header_is_refused_with_the_allowed_ones(header: str) -> None:
    with pytest.raises(ConditionError, match=r"a type is one of S \(string\), N \(number\) or B \(binary\)"):
        items_from_table([["tenantId", header], ["t1", "3"]], TABLE.attribute_types())


def test_a_type_in_a_column_header_may_be_lower_case() -> None:
    assert items_from_table([["tenantId", "total:n"], ["t1", "3"]], {}) == [{"tenantId": "t1", "total": Decimal("3")}]


@pytest.fixture
def orders() -> Iterator[Any]:
    with moto.mock_aws():
        resource = boto3.resource("dynamodb", region_name="eu-west-1")
        resource.create_table(TableName="orders", BillingMode="PAY_PER_REQUEST",
                              KeySchema=[{"AttributeName": "tenantId", "KeyType": "HASH"},
                                         {"AttributeName": "orderId", "KeyType": "RANGE"}],
                              AttributeDefinitions=[{"AttributeName": "tenantId", "AttributeType": "S"},
                                                    {"AttributeName": "orderId", "AttributeType": "S"}])
        yield resource


def test_an_item_is_never_put_over_another(orders: Any) -> None:
    table = orders.Table("orders")
    assert put_new(table, {"tenantId": "t1", "orderId": "o1", "owner": "someone"}, "tenantId") is None
    assert put_new(table, {"tenantId": "t1", "orderId": "o1", "owner": "contract"}, "tenantId") == (
        "ConditionalCheckFailedException")
    assert table.get_item(Key={"tenantId": "t1", "orderId": "o1"})["Item"]["owner"] == "someone"
    assert put_new(table, {"tenantId": "t1"}, "tenantId") is not None  # refused: the sort key is missing


@pytest.mark.parametrize("batched", [False, True])
def test_every_written_item_is_deleted_even_when_one_delete_fails(orders: Any, batched: bool) -> None:
    table = orders.Table("orders")
    for order in ("o1", "o2"):
        put_new(table, {"tenantId": "t1", "orderId": order}, "tenantId")
    written = [("orders", {"tenantId": "t1", "orderId": "o1"}), ("gone", {"tenantId": "t1", "orderId": "o9"}),
               ("orders", {"tenantId": "t1", "orderId": "o2"})]
    failures = delete_all(orders, written, batched=batched).failures
    assert len(failures) == 1
    assert failures[0].startswith("{'tenantId': 't1', 'orderId': 'o9'} in gone: ")
    assert table.scan()["Items"] == []


def test_a_batched_cleanup_deletes_every_item_in_batches_of_25(orders: Any) -> None:
    table = orders.Table("orders")
    written = [("orders", {"tenantId": "t1", "orderId": f"o{n}"}) for n in range(30)]
    for _, key in written:
        put_new(table, key, "tenantId")
    calls: list[str] = []
    orders.meta.client.meta.events.register("before-call.dynamodb.*", lambda event_name, **_: calls.append(
        event_name.rpartition(".")[2]))
    assert delete_all(orders, written, batched=True).failures == []
    assert calls == ["BatchWriteItem", "BatchWriteItem"]
    assert table.scan()["Items"] == []


def test_the_numbers_dynamodb_stores_are_those_boto3_checks() -> None:
    from boto3.dynamodb.types import DYNAMODB_CONTEXT

    from dynamo_contracts.steps.sentences.query import DYNAMODB_NUMBERS

    assert (DYNAMODB_NUMBERS.Emin, DYNAMODB_NUMBERS.Emax, DYNAMODB_NUMBERS.prec) == (
        DYNAMODB_CONTEXT.Emin, DYNAMODB_CONTEXT.Emax, DYNAMODB_CONTEXT.prec)
    ours = {t for t, on in DYNAMODB_NUMBERS.traps.items() if on}
    assert ours == {t for t, on in DYNAMODB_CONTEXT.traps.items() if on}
