"""The instances `count` or `for_each` make of a resource or module call, with their addresses and bindings.

A block with neither is one instance at its own address; with `count`, one per index (`aws_x.t[0]`, with
`count.index`); with `for_each`, one per key of a map or set of strings (`aws_x.t["orders"]`, with `each.key`
and `each.value`). A count or set of keys not known here makes the instances `Unknown`; a value Terraform
refuses (both meta-arguments, a count that is no whole number, a for_each over anything but a map or a set
of strings) is an `EvalError`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .hcl_eval import evaluate
from .hcl_scope import EvalError, Scope, hidden
from .hcl_syntax import Attribute, Block, Source
from .records import Unknown


@dataclass(frozen=True)
class Instance:
    """One instance of a resource or module call: its address and its `count.index` or `each` bindings."""

    address: str
    bindings: Mapping[str, Any]


def expand(address: str, block: Block, scope: Callable[[Source], Scope]) -> list[Instance] | Unknown:
    """The instances of a resource or module call: one, `count` of them, or one per `for_each` key (in
    lexical order, as Terraform does); Unknown where the count or the keys are not known here."""
    count, for_each = block.body.attribute("count"), block.body.attribute("for_each")
    if count is not None and for_each is not None:
        raise EvalError(f"{block.where}: {address} has both count and for_each: keep one")
    if count is None and for_each is None:
        return [Instance(address, {})]
    meta = count or for_each
    assert meta is not None
    value = evaluate(meta.expr, scope(meta.source))
    if (unknown := hidden(value)) is not None:
        return unknown
    if isinstance(value, list) and (unknown := next((u for v in value if (u := hidden(v))), None)) is not None:
        return unknown  # the keys of for_each are not known
    if count is not None:
        return [Instance(f"{address}[{i}]", {"count": {"index": i}}) for i in range(_count(value, count.where))]
    return [
        Instance(f"{address}[{json.dumps(k)}]", {"each": {"key": k, "value": v}}) for k, v in _each(value, meta)
    ]


def _count(value: Any, where: str) -> int:
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise EvalError(f"{where}: count must be a whole number of 0 or more, not {value!r}")
    return value


def _each(value: Any, attribute: Attribute) -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return [(k, value[k]) for k in sorted(value)]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [(v, v) for v in sorted(set(value))]  # a set of strings: each.key is each.value
    raise EvalError(
        f"{attribute.where}: for_each must be a map or a set of strings, not {value!r}: use toset([...]) or a map"
    )

