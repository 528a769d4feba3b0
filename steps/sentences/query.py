"""Access patterns: the consumer's items, its key condition, its query, run on the real backend.

Plain functions, no pytest. A key condition is written the way a Lambda developer reads it:

    tenantId = t1
    tenantId = t1 and orderDate between 2026-01-01 and 2026-01-31
    userId = u1 and orderDate >= 2026-02-01
    categoryId = books and begins_with(productName, 'The ')

Values are bare words or 'single-quoted'; their types come from the table's key schema.
Items are written under a marker unique to the scenario (appended to every string partition
key), so scenarios never see each other's items and what a run wrote can be found and removed.
An item is only ever written where its key holds none (`put_new`): a contract never overwrites
an item, and `delete_all` removes only what it wrote, trying every one whatever fails (a Ctrl-C
included: it is held until every item was tried).
"""

from __future__ import annotations

import base64
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Clamped, Context, Decimal, Inexact, InvalidOperation, Overflow, Rounded, Underflow
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from dynamo_contracts.provision import operations as ops
from dynamo_contracts.provision.observed.state import ObservedTable, Unverifiable

if TYPE_CHECKING:  # boto3 is imported where a query is built: a run of static sources never needs it
    from boto3.dynamodb.conditions import ConditionBase

Value = str | Decimal | bytes
TYPES = ("S", "N", "B")
# The numbers DynamoDB stores, as boto3 checks them before sending (boto3.dynamodb.types.DYNAMODB_CONTEXT, kept
# equal to it by tests/test_query.py): 38 significant digits, magnitudes from 1E-130 to below 1E+126.
DYNAMODB_NUMBERS = Context(Emin=-128, Emax=126, prec=38, traps=[Clamped, Overflow, Inexact, Rounded, Underflow])
CONDITION_FAILED = "ConditionalCheckFailedException"
COMPARISONS = {"=": "eq", "<": "lt", "<=": "lte", ">": "gt", ">=": "gte"}
_TOKEN = r"(?:'[^']*'|[^\s',()]+)"
_PARTITION = re.compile(rf"^\s*(?P<name>[\w.-]+)\s*=\s*(?P<value>{_TOKEN})\s*(?:\band\b\s+(?P<rest>.+))?$", re.I)
_BETWEEN = re.compile(rf"^(?P<name>[\w.-]+)\s+between\s+(?P<low>{_TOKEN})\s+and\s+(?P<high>{_TOKEN})\s*$", re.I)
_BEGINS = re.compile(rf"^begins_with\(\s*(?P<name>[\w.-]+)\s*,\s*(?P<value>{_TOKEN})\s*\)\s*$", re.I)
_COMPARE = re.compile(rf"^(?P<name>[\w.-]+)\s*(?P<op><=|>=|=|<|>)\s*(?P<value>{_TOKEN})\s*$")
EXAMPLES = ("tenantId = t1", "tenantId = t1 and orderDate between 2026-01-01 and 2026-01-31",
            "categoryId = books and begins_with(productName, 'The ')")


class ConditionError(ValueError):
    """A key condition the parser cannot read; the message shows how to write one."""


@dataclass(frozen=True)
class SortCondition:
    name: str
    operator: str  # =, <, <=, >, >=, between, begins_with
    values: tuple[str, ...]


@dataclass(frozen=True)
class KeyCondition:
    partition: str
    value: str
    sort: SortCondition | None = None

    @property
    def attributes(self) -> tuple[str, ...]:
        return (self.partition,) if self.sort is None else (self.partition, self.sort.name)


def _unquote(token: str) -> str:
    return token[1:-1] if len(token) >= 2 and token[0] == token[-1] == "'" else token


def parse_condition(text: str) -> KeyCondition:
    match = _PARTITION.match(text)
    if match is None:
        raise ConditionError(f"cannot read the key condition {text!r}; write it like "
                             + " or ".join(repr(e) for e in EXAMPLES))
    rest = match.group("rest")
    sort = None
    if rest:
        if between := _BETWEEN.match(rest):
            sort = SortCondition(between["name"], "between", (_unquote(between["low"]), _unquote(between["high"])))
        elif begins := _BEGINS.match(rest):
            sort = SortCondition(begins["name"], "begins_with", (_unquote(begins["value"]),))
        elif compare := _COMPARE.match(rest):
            sort = SortCondition(compare["name"], compare["op"], (_unquote(compare["value"]),))
        else:
            raise ConditionError(f"cannot read the sort key part {rest!r} of {text!r}; use =, <, <=, >, >=, "
                                 "'between A and B' or 'begins_with(name, prefix)'")
    return KeyCondition(match["name"], _unquote(match["value"]), sort)


def typed(raw: str, attribute_type: str) -> Value:
    if attribute_type == "N":
        try:
            number = Decimal(raw)
        except InvalidOperation:
            raise ConditionError(f"{raw!r} is not a number, but the attribute is of type N") from None
        try:  # what boto3 would refuse to send: not finite, more than 38 digits, or out of DynamoDB's range
            if not number.is_finite():
                raise InvalidOperation
            DYNAMODB_NUMBERS.create_decimal(number)
        except (ArithmeticError, InvalidOperation):
            raise ConditionError(f"{raw!r} is a number DynamoDB cannot store (at most 38 significant digits, "
                                 "magnitude from 1E-130 to below 1E+126)") from None
        return number
    if attribute_type == "B":
        return raw.encode()
    return raw


def render(value: Any) -> str:
    """A value as a datatable cell shows it: 10 not Decimal('10'), text as is."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, set | frozenset):
        return ", ".join(sorted(render(v) for v in value))
    return str(value)


class Marker:
    """A suffix unique to one scenario on every string partition key it writes or queries."""

    def __init__(self, table: ObservedTable, run: str | None = None) -> None:
        self.suffix = f"#contract-{run or uuid.uuid4().hex[:12]}"
        types = table.attribute_types()
        partitions = [table.keys.partition, *(i.keys.partition for i in table.global_indexes.values()
                                              if not isinstance(i.keys, Unverifiable))]
        self.attributes = {a.name for a in partitions if a.name is not None and types.get(a.name) == "S"}

    def mark(self, name: str, value: Value) -> Value:
        return f"{value}{self.suffix}" if name in self.attributes and isinstance(value, str) else value

    def unmark(self, item: Mapping[str, Any]) -> dict[str, Any]:
        return {k: v.removesuffix(self.suffix) if k in self.attributes and isinstance(v, str) else v
                for k, v in item.items()}


def _column(header: str, types: Mapping[str, str]) -> tuple[str, str]:
    name, _, declared = header.partition(":")
    name, declared = name.strip(), declared.strip()
    if declared and declared.upper() not in TYPES:
        raise ConditionError(f"the column {header!r} has the type {declared!r}; a type is one of S (string), N "
                             f"(number) or B (binary), written like '{name}:N'")
    return name, (declared.upper() or types.get(name, "S"))


def column_types(header: Sequence[str], types: Mapping[str, str]) -> dict[str, str]:
    """Each column's attribute and the type its values are written in: its `:N`/`:B` suffix, else `types`."""
    return dict(_column(h, types) for h in header)


def items_from_table(rows: Sequence[Sequence[str]], types: Mapping[str, str]) -> list[dict[str, Value]]:
    """A datatable (header row, then one row per item) as items; an empty cell leaves the attribute out."""
    if len(rows) < 2:
        raise ConditionError("the items table needs a header row and at least one item")
    columns = [_column(h, types) for h in rows[0]]
    return [{name: typed(cell, kind) for (name, kind), cell in zip(columns, row, strict=True) if cell != ""}
            for row in rows[1:]]


def key_condition(condition: KeyCondition, types: Mapping[str, str], marker: Marker) -> ConditionBase:
    """The condition as boto3's Key expression (which also serializes the values)."""
    from boto3.dynamodb.conditions import Key

    partition = Key(condition.partition).eq(
        marker.mark(condition.partition, typed(condition.value, types.get(condition.partition, "S"))))
    if condition.sort is None:
        return partition
    sort = condition.sort
    values = [typed(v, types.get(sort.name, "S")) for v in sort.values]
    key = Key(sort.name)
    if sort.operator == "between":
        return partition & key.between(values[0], values[1])
    if sort.operator == "begins_with":
        return partition & key.begins_with(values[0])
    return partition & getattr(key, COMPARISONS[sort.operator])(values[0])


def query(table: Any, condition: ConditionBase, index: str | None, reverse: bool, limit: int | None,
          marker: Marker) -> list[dict[str, Any]]:
    """Run the query through every page (up to `limit` items), as a consumer would."""
    kwargs: dict[str, Any] = {"KeyConditionExpression": condition, "ScanIndexForward": not reverse}
    if index:
        kwargs["IndexName"] = index
    if limit:
        kwargs["Limit"] = limit
    items: list[dict[str, Any]] = []
    while True:
        page = ops.QUERY.call(table, **kwargs)
        items += [marker.unmark(item) for item in page.get("Items", [])]
        if (limit and len(items) >= limit) or "LastEvaluatedKey" not in page:
            return items[:limit] if limit else items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def key_of(item: Mapping[str, Any], table: ObservedTable) -> dict[str, Any]:
    """The item's key (on a table whose key names are known: access patterns run on no other)."""
    return {a.name: item[a.name] for a in table.keys.attributes if a.name is not None}


def rows_of(items: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> list[list[str]]:
    return [[render(item[c]) if c in item else "" for c in columns] for item in items]


def put_new(table: Any, item: Mapping[str, Any], partition_key: str) -> str | None:
    """Write `item` only where its key holds no item yet; None when written, else why DynamoDB refused it."""
    from boto3.dynamodb.conditions import Attr

    try:
        ops.PUT_ITEM.call(table, Item=dict(item), ConditionExpression=Attr(partition_key).not_exists())
    except ClientError as error:
        if error.response["Error"].get("Code") == CONDITION_FAILED:
            return CONDITION_FAILED
        return str(error.response["Error"].get("Message") or error)
    return None


@dataclass(frozen=True)
class Deletion:
    """What deleting a scenario's items left: each failure, in words, and the Ctrl-C held until every one was tried."""

    failures: list[str]
    interrupted: KeyboardInterrupt | None = None


def delete_all(resource: Any, written: Iterable[tuple[str, Mapping[str, Any]]]) -> Deletion:
    """Delete every (table, key) written, trying each one whatever fails. A Ctrl-C during a delete is held until
    the loop ends (raising it is the caller's part): the delete it cut short is sent once more, and the rest are
    sent too, so an interrupted run leaves no contract item behind. Bounded: two attempts per item at most."""
    failures: list[str] = []
    interrupted: KeyboardInterrupt | None = None
    for table, key in written:
        failure: str | None = f"{dict(key)} in {table}: not deleted, its delete was interrupted twice (Ctrl-C)"
        for _ in range(2):
            try:
                failure = _delete(resource, table, key)
            except KeyboardInterrupt as error:
                interrupted = error
                continue
            break
        if failure is not None:
            failures.append(failure)
    return Deletion(failures, interrupted)


def _delete(resource: Any, table: str, key: Mapping[str, Any]) -> str | None:
    """Delete one item; None when done, else why not."""
    try:
        ops.DELETE_ITEM.call(resource.Table(table), Key=dict(key))
    except (BotoCoreError, ClientError) as error:
        return f"{dict(key)} in {table}: {error}"
    return None


def delete_items(resource: Any, written: Iterable[tuple[str, Mapping[str, Any]]]) -> list[str]:
    """`delete_all`, then the Ctrl-C it held (if any) raised again; each failure, in words."""
    deletion = delete_all(resource, written)
    if deletion.interrupted is not None:
        raise deletion.interrupted
    return deletion.failures
