"""Whether the consumer's key values can have the types the desired state gives the keys.

A consumer writes its items and key conditions in plain values (`u1`, `2026-01-05`, `42`); their
types come from `contracts/`. When the desired state types a key N and the consumer's value for it
cannot be a number (`u1`), the two disagree: the consumer needs a string key where the platform's
contracts say number (a key's type changed under it). That is a gap the platform team closes, in
the table's file, not a consumer's typo: it is reported like any other gap and the run goes on. A
value that can be read either way (`42`) is no conflict; any text can be B.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from ...provision.desired.model import AttributeType, KeyAttribute, TableSpec
from ..results.findings import Finding, Kind, Outcome
from .target import Target


def is_number(raw: str) -> bool:
    """Whether a value as a feature writes it can be a DynamoDB number (a finite decimal)."""
    try:
        return Decimal(raw).is_finite()
    except InvalidOperation:
        return False


def strings_for_numbers(values: Mapping[str, Iterable[str]], types: Mapping[str, str]) -> dict[str, list[str]]:
    """The values, per attribute typed N in `types`, that cannot be numbers: each a type conflict, not a typo."""
    found = {name: [v for v in dict.fromkeys(raw) if not is_number(v)]
             for name, raw in values.items() if types.get(name) == AttributeType.N.value}
    return {name: wrong for name, wrong in found.items() if wrong}


def _roles(spec: TableSpec, attribute: str) -> list[str]:
    """Where `attribute` is a key in the desired state: "the partition key of GSI OrdersByUser", ..."""
    keyed: list[tuple[str, KeyAttribute | None, KeyAttribute | None]] = [
        ("the table", spec.keys.partition, spec.keys.sort)]
    keyed += [(f"GSI {index.name}", index.keys.partition, index.keys.sort) for index in spec.global_indexes]
    keyed += [(f"LSI {index.name}", None, index.sort_key) for index in spec.local_indexes]
    roles = []
    for owner, partition, sort in keyed:
        for role, key in (("partition", partition), ("sort", sort)):
            if key is not None and key.name == attribute:
                roles.append(f"the {role} key of {owner}")
    return roles


def key_type_conflicts(target: Target, table: str, values: Mapping[str, Iterable[str]]) -> list[Finding]:
    """One failed claim per key the desired state types N where the consumer's values (`values`: attribute ->
    the raw values its items or key condition give it, typed by the desired state) are strings."""
    spec = target.stack.spec(table)
    if spec is None:  # a table the consumer asks for: no type to disagree with yet
        return []
    types = {name: kind.value for name, kind in spec.attribute_types().items()}
    file = spec.source.file if spec.source else f"the definition of table {table}"
    found = []
    for name, strings in sorted(strings_for_numbers(values, types).items()):
        needed, defined = KeyAttribute(name, AttributeType.S), KeyAttribute(name, AttributeType.N)
        shown = ", ".join(repr(v) for v in strings[:3])
        roles = " and ".join(_roles(spec, name))
        found.append(Finding(
            Kind.KEY, Outcome.FAILED, f"type of key {name} of table {table}",
            f"{needed}, the type of the consumer's values ({shown}: not numbers)",
            f"{defined} in the desired state ({file}: {roles})", table=table, name=name,
            reason=f"the desired state makes {name} a number, but the consumer's items and queries use it as a string, "
                   "so they cannot be written or run until the two agree",
            action=f"the platform team: give {name} type S in {file} (its consumers' values are strings), or "
                   "agree the change to N with the consumers first"))
    return found


def _desired_key(spec: TableSpec, index_kind: str | None, index: str | None, role: str) -> KeyAttribute | None:
    if index_kind is None:
        return spec.keys.partition if role == "partition" else spec.keys.sort
    if index_kind == "GSI":
        gsi = spec.global_index(index or "")
        return None if gsi is None else gsi.keys.partition if role == "partition" else gsi.keys.sort
    lsi = next((i for i in spec.local_indexes if i.name == index), None)
    return None if lsi is None else spec.keys.partition if role == "partition" else lsi.sort_key


def redefined_key(target: Target, table: str, role: str, wanted: KeyAttribute, index_kind: str | None = None,
                  index: str | None = None) -> str:
    """Who must act when a consumer needs a key the desired state itself defines otherwise (its type changed,
    say): the platform team, in the table's file; "" when the desired state defines it as wanted (or not at all:
    provisioning, or asking for the table or index, closes that)."""
    spec = target.stack.spec(table)
    defined = None if spec is None else _desired_key(spec, index_kind, index, role)
    if spec is None or defined is None or defined == wanted:
        return ""
    file = spec.source.file if spec.source else f"the definition of table {table}"
    owner = f"{index_kind} {index}" if index_kind else f"table {table}"
    return (f"the desired state gives {owner} the {role} key {defined}: the platform team must make it {wanted} "
            f"in {file}, or agree the change with the consumers first")
