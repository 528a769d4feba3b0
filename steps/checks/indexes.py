"""Checks on a table's indexes: a GSI or LSI by name, its keys, its projection."""

from __future__ import annotations

from collections.abc import Iterable

from ...provision.desired.model import AttributeType, KeyAttribute, Projection, ProjectionType
from ...provision.observed.state import (
    Keys,
    ObservedIndex,
    ObservedLocalIndex,
    ObservedTable,
    UnreadKey,
    Unverifiable,
    key_schema,
)
from ..results.findings import Cause, Finding, Kind, Outcome, unknown_of, verdict
from .key_types import redefined_key
from .tables import key_outcome, missing_table
from .target import Target

GSI, LSI = "GSI", "LSI"


def _kind(index_kind: str) -> Kind:
    return Kind.GSI if index_kind == GSI else Kind.LSI


def _find(seen: ObservedTable, index_kind: str, index: str) -> ObservedIndex | ObservedLocalIndex | None:
    return (seen.global_indexes if index_kind == GSI else seen.local_indexes).get(index)


def _keys(seen: ObservedTable, found: ObservedIndex | ObservedLocalIndex) -> Keys | Unverifiable:
    return found.keys if isinstance(found, ObservedIndex) else key_schema(seen.keys.partition, found.sort_key)


def _others(target: Target, seen: ObservedTable, index_kind: str) -> Unverifiable | None:
    """Why indexes of this kind the source could not name may be there (a GSI: also something not read that may
    add one to the table)."""
    return target.observed.unseen_indexes(seen) if index_kind == GSI else seen.other_local_indexes


def _unknown(kind: Kind, subject: str, expected: str, table: str, index: str, must: bool,
             why: Unverifiable) -> Finding:
    return Finding(kind, Outcome.UNVERIFIABLE, subject, expected, "cannot be read here", table=table, name=index,
                   required=must, reason=str(why), unknown=unknown_of(why))


def _missing_index(target: Target, seen: ObservedTable, table: str, index_kind: str, index: str, kind: Kind,
                   subject: str, expected: str, must: bool) -> Finding:
    present = sorted(seen.global_indexes if index_kind == GSI else seen.local_indexes)
    others = _others(target, seen, index_kind)
    if others is not None:
        return Finding(kind, Outcome.UNVERIFIABLE, subject, expected,
                       f"no {index_kind} {index} among those {target.where()} could read "
                       f"({', '.join(present) or 'none'})", table=table, name=index, required=must,
                       reason=str(others), unknown=unknown_of(others))
    closest = target.closest_index(table, index) if index_kind == GSI else None
    hint = f"; {closest} looks like the same index under another name" if closest else ""
    return Finding(kind, Outcome.FAILED, subject, expected,
                   f"no {index_kind} {index} on {seen.name} ({index_kind}s here: {', '.join(present) or 'none'})",
                   table=table, name=index, required=must, closest=closest, cause=Cause.INDEX,
                   reason=f"queries on {index_kind} {index} of table {table} would fail{hint}",
                   action=target.undefined(table, index_kind, index)
                   or target.to_build(f"{index_kind} {index} on {seen.name}", table))


def index_exists(target: Target, index_kind: str, table: str, index: str, must: bool) -> Finding:
    subject = f"{index_kind} {index} of table {table}"
    expected = f"{index_kind} {index}, ACTIVE" if must else f"no {index_kind} {index}"
    kind = _kind(index_kind)
    seen = target.table(table)
    if seen is None:
        return missing_table(target, table, kind, subject, expected, must, index)
    found = _find(seen, index_kind, index)
    if found is None:
        if not must and _others(target, seen, index_kind) is None:
            return Finding(kind, Outcome.PASSED, subject, expected, f"no {index_kind} {index}", table=table,
                           name=index, required=False)
        return _missing_index(target, seen, table, index_kind, index, kind, subject, expected, must)
    status = found.status if isinstance(found, ObservedIndex) else "ACTIVE"
    holds = status == "ACTIVE" if must else True
    return Finding(kind, verdict(holds, must), subject, expected, f"{index_kind} {index}, {status}", table=table,
                   name=index, required=must)


def _with_index(target: Target, index_kind: str, table: str, index: str, kind: Kind, subject: str,
                expected: str, must: bool) -> tuple[ObservedTable, ObservedIndex | ObservedLocalIndex] | Finding:
    seen = target.table(table)
    if seen is None:
        return missing_table(target, table, kind, subject, expected, must, index)
    found = _find(seen, index_kind, index)
    if found is None:
        return _missing_index(target, seen, table, index_kind, index, kind, subject, expected, must)
    return seen, found


def index_key(target: Target, index_kind: str, table: str, index: str, role: str, attribute: str,
              attribute_type: AttributeType, must: bool) -> Finding:
    subject = f"{role} key of {index_kind} {index} of table {table}"
    wanted = KeyAttribute(attribute, attribute_type)
    expected = f"{'' if must else 'not '}{wanted}"
    found = _with_index(target, index_kind, table, index, Kind.KEY, subject, expected, must)
    if isinstance(found, Finding):
        return found
    keys = _keys(*found)
    if isinstance(keys, Unverifiable):
        return _unknown(Kind.KEY, subject, expected, table, index, must, keys)
    outcome, actual, unread = key_outcome(keys.partition if role == "partition" else keys.sort, wanted, must)
    because = f"a query with {attribute} as the {role} key cannot use {index}" if must else ""
    return Finding(Kind.KEY, outcome, subject, expected, actual, table=table, name=index, required=must,
                   reason=str(unread) if unread else because,
                   action=redefined_key(target, table, role, wanted, index_kind, index)
                   if must and outcome is Outcome.FAILED else "")


def index_projection(target: Target, index_kind: str, table: str, index: str, projection: ProjectionType,
                     must: bool) -> Finding:
    subject = f"projection of {index_kind} {index} of table {table}"
    expected = f"{'' if must else 'not '}{projection}"
    found = _with_index(target, index_kind, table, index, Kind.PROJECTION, subject, expected, must)
    if isinstance(found, Finding):
        return found
    actual = found[1].projection
    if isinstance(actual, Unverifiable):
        return _unknown(Kind.PROJECTION, subject, expected, table, index, must, actual)
    return Finding(Kind.PROJECTION, verdict(actual.type is projection, must), subject, expected, str(actual),
                   table=table, name=index, required=must)


def projects(keys: Iterable[KeyAttribute | UnreadKey], projection: Projection, attribute: str) -> bool:
    """Whether an index with this projection returns `attribute` (key attributes always come back)."""
    return (projection.type is ProjectionType.ALL or attribute in {k.name for k in keys}
            or attribute in projection.attributes)


def index_projects(target: Target, index_kind: str, table: str, index: str, attributes: list[str],
                   must: bool) -> Finding:
    subject = f"attributes {', '.join(attributes)} in {index_kind} {index} of table {table}"
    expected = "all of them projected" if must else "none of them projected"
    found = _with_index(target, index_kind, table, index, Kind.PROJECTION, subject, expected, must)
    if isinstance(found, Finding):
        return found
    seen, index_found = found
    index_keys = _keys(seen, index_found)
    if isinstance(index_keys, Unverifiable):
        return _unknown(Kind.PROJECTION, subject, expected, table, index, must, index_keys)
    keys = [*seen.keys.attributes, *index_keys.attributes]
    projection = index_found.projection
    if isinstance(projection, Unverifiable):
        return _unknown(Kind.PROJECTION, subject, expected, table, index, must, projection)
    unnamed = next((k.why for k in keys if isinstance(k, UnreadKey) and k.name is None), None)
    if unnamed is not None and not all(projects(keys, projection, a) for a in attributes):
        return _unknown(Kind.PROJECTION, subject, expected, table, index, must, unnamed)  # a key not named may be it
    projected = [a for a in attributes if projects(keys, projection, a)]
    missing = [a for a in attributes if a not in projected]
    # "must": every attribute comes back; "must not": none does.
    outcome = verdict(not missing, True) if must else verdict(bool(projected), False)
    actual = f"{projection}" + (f"; missing {', '.join(missing)}" if must and missing else "")
    return Finding(Kind.PROJECTION, outcome, subject,
                   expected, actual, table=table, name=index, required=must,
                   reason=f"items read through {index} would lack {', '.join(missing)}" if missing else "")
