"""The key-condition language of the access-pattern sentences, and the items of their datatables: pure text to
values, no backend. A key condition is written the way a Lambda developer reads it:

    tenantId = t1
    tenantId = t1 and orderDate between 2026-01-01 and 2026-01-31
    userId = u1 and orderDate >= 2026-02-01
    categoryId = books and begins_with(productName, 'The ')

Values are bare words or 'single-quoted'; their types come from the table's key schema. The authoring checks
(steps.gherkin.authoring) read features with it before any run; the query runner and the item writer
(steps.sentences.query) use it on the backend.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Clamped, Context, Decimal, Inexact, InvalidOperation, Overflow, Rounded, Underflow
from typing import Any

Value = str | Decimal | bytes

TYPES = ("S", "N", "B")
# The numbers DynamoDB stores, as boto3 checks them before sending (boto3.dynamodb.types.DYNAMODB_CONTEXT, kept
# equal to it by tests/steps/sentences/test_query.py): 38 significant digits, magnitudes from 1E-130 to below 1E+126.
DYNAMODB_NUMBERS = Context(Emin=-128, Emax=126, prec=38, traps=[Clamped, Overflow, Inexact, Rounded, Underflow])
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
