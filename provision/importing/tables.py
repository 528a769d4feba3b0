"""One observed table as the settings of a contracts table: each a value, or a placeholder saying why not.

Keys and indexes are the table's own; the settings a `defaults:` section may hold (`DEFAULTABLE`) are kept apart,
so `provision.importing.stack` can move those every table shares into the defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..desired.model import (
    Billing,
    BillingMode,
    Capacity,
    EncryptionType,
    KeyAttribute,
    KeySchema,
    Projection,
    ProjectionType,
    StreamView,
    TableClass,
)
from ..desired.stack import OWNERSHIP_TAG_KEY, OWNERSHIP_TAG_VALUE
from ..observed.state import ObservedEncryption, ObservedTable, Unverifiable
from .document import Block, Entry, Node, Placeholder, Value

DEFAULTABLE = ("billing_mode", "stream", "encryption", "point_in_time_recovery", "deletion_protection", "table_class")
Setting = Value | Placeholder


def unknown(key: str, value: Unverifiable | None, what: str = "this source does not report it") -> Placeholder:
    return Placeholder(key, f"unknown here: {value.reason if isinstance(value, Unverifiable) else what}")


def why_not(*values: object) -> Unverifiable | None:
    """The first reason one of `values` is not known: itself, or what a key read in part says (`unread`, `why`)."""
    for value in values:
        for reason in (value, getattr(value, "unread", None), getattr(value, "why", None)):
            if isinstance(reason, Unverifiable):
                return reason
    return None


@dataclass
class TableDraft:
    """A table read for the contracts: its own nodes, its defaultable settings, its tags and its alarms."""

    logical: str
    physical: str
    defined_at: str
    keys: list[Node]
    capacity: list[Node]
    indexes: list[Node]
    settings: dict[str, Setting]
    ttl: list[Node]
    tags: dict[str, str] = field(default_factory=dict)
    tag_nodes: list[Node] = field(default_factory=list)  # placeholders of tags not known
    alarms: dict[str, Setting] = field(default_factory=dict)  # alarm kind -> rule, or why it is not written


def key(attribute: KeyAttribute) -> dict[str, Value]:
    return {"name": attribute.name, "type": attribute.type.value}


def _keys(keys: object) -> list[Node]:
    """A key schema's entries; one a source read in part (no type reported) is a placeholder."""
    if not isinstance(keys, KeySchema):
        return [unknown("partition_key", why_not(keys))]
    nodes: list[Node] = [Entry("partition_key", key(keys.partition))]
    return nodes + ([Entry("sort_key", key(keys.sort))] if keys.sort is not None else [])


def projection(value: Projection) -> Value:
    if value.type is ProjectionType.INCLUDE:
        return {"type": value.type.value, "attributes": sorted(value.attributes)}
    return value.type.value


def capacity(value: Capacity) -> dict[str, Value]:
    return {"read": value.read, "write": value.write}


def _billing(billing: Billing | Unverifiable | None) -> tuple[Setting, list[Node]]:
    if not isinstance(billing, Billing):
        return unknown("billing_mode", billing), []
    if billing.mode is BillingMode.PAY_PER_REQUEST:
        return billing.mode.value, []
    if billing.capacity is None:
        return billing.mode.value, [Placeholder("capacity", "unknown here: read_capacity and write_capacity are "
                                                            "not both known")]
    return billing.mode.value, [Entry("capacity", capacity(billing.capacity))]


def _indexes(table: ObservedTable, provisioned: bool) -> list[Node]:
    gsis: list[Node] = []
    for name, index in table.global_indexes.items():  # as the source orders them (the contracts, in an export)
        keys, shown = index.keys, index.projection
        if not isinstance(keys, KeySchema) or not isinstance(shown, Projection):
            gsis.append(unknown(name, why_not(keys, shown)))
            continue
        body: list[Node] = [*_keys(keys), Entry("projection", projection(shown))]
        if provisioned:
            units = index.capacity
            body.append(Entry("capacity", capacity(units)) if isinstance(units, Capacity) else unknown(
                "capacity", units if isinstance(units, Unverifiable) else None,
                "read_capacity and write_capacity are not both known"))
        gsis.append(Entry(name, Block(tuple(body))))
    if table.other_indexes is not None:
        gsis.append(unknown("other GSIs", table.other_indexes))
    lsis: list[Node] = []
    for name, lsi in table.local_indexes.items():
        sort, shown = lsi.sort_key, lsi.projection
        if not isinstance(sort, KeyAttribute) or not isinstance(shown, Projection):
            lsis.append(unknown(name, why_not(sort, shown)))
            continue
        lsis.append(Entry(name, Block((Entry("sort_key", key(sort)), Entry("projection", projection(shown))))))
    found: list[Node] = [Entry("global_indexes", Block(tuple(gsis)))] if gsis else []
    return found + ([Entry("local_indexes", Block(tuple(lsis)))] if lsis else [])


def _encryption(value: ObservedEncryption | Unverifiable | None) -> Setting:
    if not isinstance(value, ObservedEncryption):
        return unknown("encryption", value)
    kind = value.type
    if isinstance(kind, Unverifiable):
        return unknown("encryption", kind)
    if kind is not EncryptionType.CUSTOMER_MANAGED:
        return kind.value
    arn = value.kms_key_arn
    if not isinstance(arn, str):
        return unknown("encryption", arn if isinstance(arn, Unverifiable) else None, "a customer managed key, "
                       "which one is not known")
    return {"type": kind.value, "kms_key": arn}


def _flag(name: str, value: object) -> Setting:
    return value if isinstance(value, bool) else unknown(name, value if isinstance(value, Unverifiable) else None)


def _stream(value: StreamView | Unverifiable | None) -> Setting:
    if isinstance(value, Unverifiable):
        return unknown("stream", value)
    return False if value is None else value.value


def _table_class(value: TableClass | Unverifiable) -> Setting:
    return value.value if isinstance(value, TableClass) else unknown("table_class", value)


def _ttl(value: str | Unverifiable | None) -> list[Node]:
    if isinstance(value, Unverifiable):
        return [unknown("ttl_attribute", value)]
    return [Entry("ttl_attribute", value)] if value else []


def _tags(table: ObservedTable) -> tuple[dict[str, str], list[Node]]:
    tags = table.tags
    if isinstance(tags, Unverifiable):
        return {}, [unknown("tags", tags)]
    known: dict[str, str] = {}
    nodes: list[Node] = []
    for name, value in sorted(tags.items()):
        if isinstance(value, str):
            known[name] = value
        else:
            nodes.append(unknown(f"tags.{name}", value if isinstance(value, Unverifiable) else None))
    return known, nodes


def tag_nodes(tags: Mapping[str, str], where: str) -> list[Node]:
    """A tags mapping, with an ownership tag of another value left out, saying why (the loader refuses it)."""
    own = {k: v for k, v in tags.items() if not (k == OWNERSHIP_TAG_KEY and v != OWNERSHIP_TAG_VALUE)}
    nodes: list[Node] = [Entry("tags", dict(own))] if own else []
    if OWNERSHIP_TAG_KEY in tags and tags[OWNERSHIP_TAG_KEY] != OWNERSHIP_TAG_VALUE:
        nodes.append(Placeholder(f"tags.{OWNERSHIP_TAG_KEY}", f"{tags[OWNERSHIP_TAG_KEY]} in {where}, not written: "
                                 f"the provisioner tags every table it manages {OWNERSHIP_TAG_KEY}="
                                 f"{OWNERSHIP_TAG_VALUE}, and contracts/ may give it no other value"))
    return nodes


def _replicas(table: ObservedTable) -> list[Node]:
    """Replicas, where a reader gives them: not written by this import (say so, never drop them silently)."""
    replicas = getattr(table, "replicas", ())
    if isinstance(replicas, Unverifiable):
        return [unknown("replicas", replicas)]
    if not replicas:
        return []
    regions = ", ".join(str(getattr(r, "region", "a region not known")) for r in replicas)
    return [Placeholder("replicas", f"replicas in {regions} (in Terraform) are not written by this import: add "
                                    "them by hand")]


def draft(table: ObservedTable, logical: str) -> TableDraft:
    billing, capacity_nodes = _billing(table.billing)
    provisioned = isinstance(table.billing, Billing) and table.billing.mode is BillingMode.PROVISIONED
    settings: dict[str, Setting] = {
        "billing_mode": billing, "stream": _stream(table.stream), "encryption": _encryption(table.encryption),
        "point_in_time_recovery": _flag("point_in_time_recovery", table.point_in_time_recovery),
        "deletion_protection": _flag("deletion_protection", table.deletion_protection),
        "table_class": _table_class(table.table_class)}
    tags, unknown_tags = _tags(table)
    return TableDraft(logical, table.name, table.defined_at, _keys(table.keys), capacity_nodes,
                      _indexes(table, provisioned), settings, [*_ttl(table.ttl_attribute), *_replicas(table)],
                      tags, unknown_tags)
