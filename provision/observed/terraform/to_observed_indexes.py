"""A table's keys and indexes in Terraform as observed: its `attribute` blocks (the type of each key), its
`local_secondary_index` and `global_secondary_index` blocks, and the separate
`aws_dynamodb_global_secondary_index` resource, added to the table it names. An index whose name is not known
leaves the table's other indexes `Unverifiable`; one whose keys or projection is not known is that index, with
those unknown; a key no `attribute` block declares is a `TerraformError`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from ...desired.model import (
    AttributeType,
    Capacity,
    KeyAttribute,
    KeySchema,
    Projection,
    ProjectionType,
)
from ..state import (
    ObservedIndex,
    ObservedLocalIndex,
    ObservedTable,
    Unverifiable,
    input_unknown,
)
from .records import Resource, TerraformError
from .values import (
    Block,
    NotKnown,
    References,
    choice,
    joined,
    known,
)

# The table's own blocks ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attributes:
    """A table's `attribute` blocks: the type of each, and the first not known (a key may be that one)."""

    types: Mapping[str, AttributeType]
    where: str
    unknown: NotKnown | None = None

    @classmethod
    def of(cls, table: Block) -> Attributes:
        """Read every block now, so a wrong type is an error even on an attribute no key uses."""
        try:
            blocks = table.blocks("attribute")
        except NotKnown as unknown:
            return cls({}, table.where, unknown)
        types: dict[str, AttributeType] = {}
        first: NotKnown | None = None
        for block in blocks:
            try:
                name, kind = block.required("name"), block.required("type")
            except NotKnown as not_known:
                first = first or not_known
                continue
            types[name] = choice(block, "type", AttributeType, kind,
                                  f'S (string), N (number) or B (binary) for attribute "{name}"')
        return cls(types, table.where, first)

    def key(self, block: Block, key: str) -> KeyAttribute:
        """The key attribute `block.key` names, with its declared type."""
        name = block.required(key)
        if name in self.types:
            return KeyAttribute(name, self.types[name])
        if self.unknown is not None:
            raise NotKnown(self.unknown.where, self.unknown.field_name, self.unknown.reason)
        raise TerraformError(f'{self.where}: {block.name(key)} is "{name}", which no attribute block declares; add '
                             f'attribute {{ name = "{name}" type = "S" }} (S, N or B) to the table')

    def keys(self, block: Block, hash_key: str = "hash_key", range_key: str = "range_key") -> KeySchema:
        sort = self.key(block, range_key) if block.text(range_key) else None
        return KeySchema(self.key(block, hash_key), sort)


def _projection(block: Block) -> Projection:
    kind = choice(block, "projection_type", ProjectionType, block.required("projection_type"),
                   "ALL, KEYS_ONLY or INCLUDE")
    attributes = frozenset(block.strings("non_key_attributes"))
    return Projection(kind, attributes if kind is ProjectionType.INCLUDE else frozenset())


def _capacity(block: Block, read: str, write: str, source: str) -> Capacity | Unverifiable | None:
    """Provisioned throughput, when both halves are given; unknown when one is known only after apply."""
    try:
        units = block.number(read), block.number(write)
    except NotKnown as unknown:
        return input_unknown(source, unknown.full)
    return Capacity(units[0], units[1]) if units[0] is not None and units[1] is not None else None


def local_index_of(block: Block, attributes: Attributes) -> ObservedLocalIndex:
    return ObservedLocalIndex(block.required("name"), attributes.key(block, "range_key"), _projection(block))


def global_indexes_of(block: Block, attributes: Attributes, provisioned: bool, source: str
                    ) -> tuple[dict[str, ObservedIndex], Unverifiable | None]:
    """The table's `global_secondary_index` blocks that are known, and why others may exist. An index whose name
    is known is that index, its keys or projection unknown if they are; one of unknown name may be any other."""
    try:
        blocks = block.each("global_secondary_index")
    except NotKnown as unknown:
        return {}, input_unknown(source, unknown.full)
    found: dict[str, ObservedIndex] = {}
    hidden: list[str] = []
    for gsi in blocks:
        try:
            if isinstance(gsi, NotKnown):
                raise gsi
            name = gsi.required("name")
        except NotKnown as unknown:
            hidden.append(unknown.full)
            continue
        if name in found:
            raise TerraformError(f"{block.where}: two global_secondary_index blocks are named {name!r}; rename one")
        found[name] = _global_index(gsi, name, attributes, provisioned, source)
    return found, joined(source, hidden)


def _global_index(gsi: Block, name: str, attributes: Attributes, provisioned: bool, source: str) -> ObservedIndex:
    return ObservedIndex(name, known(source, lambda: attributes.keys(gsi)), known(source, lambda: _projection(gsi)),
                         "ACTIVE", _capacity(gsi, "read_capacity", "write_capacity", source) if provisioned else None)


# The separate aws_dynamodb_global_secondary_index resource ----------------------------------------------------


@dataclass
class _IndexesFor:
    """What the separate index resources add to one table, or to every table when their table is unknown."""

    found: dict[str, ObservedIndex] = field(default_factory=dict)
    hidden: list[str] = field(default_factory=list)


def add_index_resources(tables: dict[str, ObservedTable], resources: Iterable[Resource], index: References,
                         source: str) -> dict[str, ObservedTable]:
    """Each table with the indexes separate resources give it; one whose table is unknown may be on any table."""
    added: dict[str, _IndexesFor] = {name: _IndexesFor() for name in tables}
    anywhere: list[str] = []
    for resource in resources:
        block = Block(resource.values, resource.where)
        try:
            table = index.text(block, "table_name" if block.has("table_name") else "table") or ""
        except NotKnown as unknown:
            anywhere.append(f"{unknown.full}: it may add an index to any table")
            continue
        if table not in tables:
            continue  # a table this configuration does not define (or could not read: that one is unresolved)
        _add_index(added[table], block, tables[table], source)
    return {name: _with_indexes(table, added[name], anywhere, source) for name, table in tables.items()}


def _add_index(into: _IndexesFor, block: Block, table: ObservedTable, source: str) -> None:
    """One index resource added to its table; one of unknown name leaves the table's other indexes unknown."""
    try:
        name = block.required("index_name" if block.has("index_name") else "name")
    except NotKnown as unknown:
        into.hidden.append(unknown.full)
        return
    if name in table.global_indexes or name in into.found:
        raise TerraformError(f"{block.where}: table {table.name!r} already has an index {name!r}; the provider "
                             "takes global_secondary_index blocks or aws_dynamodb_global_secondary_index, not both")
    projection = block.first("projection") or block
    throughput = block.first("provisioned_throughput")
    capacity = None if throughput is None else _capacity(throughput, "read_capacity_units", "write_capacity_units",
                                                         source)
    into.found[name] = ObservedIndex(name, known(source, lambda: _index_keys(block)),
                                     known(source, lambda: _projection(projection)), "ACTIVE", capacity)


def _index_keys(block: Block) -> KeySchema:
    """An `aws_dynamodb_global_secondary_index`'s key_schema, which carries the attribute types itself."""
    keys: dict[str, KeyAttribute] = {}
    for key in block.blocks("key_schema"):
        kind = key.required("key_type")
        if kind not in ("HASH", "RANGE"):
            raise TerraformError(f"{key.where}: {key.name('key_type')} is {kind!r}; write HASH or RANGE")
        keys[kind] = KeyAttribute(key.required("attribute_name"), choice(
            key, "attribute_type", AttributeType, key.required("attribute_type"), "S, N or B"))
    if "HASH" not in keys:
        raise TerraformError(f"{block.where}: key_schema has no HASH key; add key_schema {{ key_type = \"HASH\" ... }}")
    return KeySchema(keys["HASH"], keys.get("RANGE"))


def _with_indexes(table: ObservedTable, added: _IndexesFor, anywhere: list[str], source: str) -> ObservedTable:
    reasons = [*([table.other_indexes.reason] if table.other_indexes else []), *added.hidden, *anywhere]
    if not added.found and not reasons:
        return table
    return replace(table, global_indexes={**table.global_indexes, **added.found},
                   other_indexes=joined(source, reasons))

