"""Terraform resources as an observed state: what a configuration or a plan says an environment will hold.

`observe` is the one place that knows the AWS provider's schemas: the tables here (`aws_dynamodb_table`, the
separate `aws_dynamodb_global_secondary_index`), the backups in `to_observed_backups`, both reading values
through `values`.
It reads plan-shaped values (see `records`) and builds the same `ObservedState` a live backend gives,
so the same checks run on a plan before anything is applied. What Terraform does not know yet becomes
`Unverifiable` (one field) or `Unresolved` (a whole table or plan), never a guess; what no Terraform
would accept (an attribute of type "X", a key not declared) is a `TerraformError` saying what to write.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ...desired.model import (
    AttributeType,
    Billing,
    BillingMode,
    Capacity,
    Environment,
    KeyAttribute,
    KeySchema,
    Projection,
    ProjectionType,
    StreamView,
    TableClass,
)
from ..origin import Origin, SourceKind
from ..state import (
    ObservedBackups,
    ObservedEncryption,
    ObservedIndex,
    ObservedLocalIndex,
    ObservedState,
    ObservedTable,
    Unresolved,
    Unverifiable,
    input_unknown,
    only,
)
from .records import (
    Configuration,
    Reference,
    Resource,
    TerraformError,
    Unknown,
)
from .to_observed_alarms import alarms_of
from .to_observed_backups import plans_of, vaults_of
from .to_observed_replicas import replicas_of
from .values import (
    ALARM,
    GSI,
    KMS_KEYS,
    TABLE,
    VAULT,
    Block,
    NotKnown,
    References,
    choice,
    joined,
    known,
    resource_type,
)

__all__ = ["observe"]


# Each argument or block of aws_dynamodb_table, as the setting of the observed table it gives (state.SETTINGS).
SETTING_OF = {"hash_key": "keys", "range_key": "keys", "attribute": "keys", "global_secondary_index": "gsis",
              "billing_mode": "billing", "read_capacity": "billing", "write_capacity": "billing",
              "stream_enabled": "stream", "stream_view_type": "stream", "server_side_encryption": "encryption",
              "point_in_time_recovery": "pitr", "ttl": "ttl", "deletion_protection_enabled": "deletion_protection",
              "table_class": "table_class", "tags": "tags", "replica": "replicas"}
TABLE_ADVICE = ("its tables cannot be checked from this plan: give it a value known before apply "
                "(a literal or a variable) or check the environment after apply")


def observe(config: Configuration, env: Environment) -> ObservedState:
    """What `config` will build in `env`: its tables (by physical name), vaults and plans, and what it hides."""
    source = config.source
    resources = {r.address: r for r in config.resources}
    tables, by_address, unresolved, notes = _tables(config.of_type(TABLE), source, env, References(resources, {}))
    index = References(resources, by_address)
    tables = _add_index_resources(tables, config.of_type(GSI), index, source)
    vaults, hidden_vaults = vaults_of(config.of_type(VAULT), index, source)
    plans, hidden_plans = plans_of(config, index, source)
    alarms, hidden_alarms = alarms_of(config.of_type(ALARM), index, source)
    return ObservedState(Origin(SourceKind(source), where=config.origin), env.name, tables,
                         ObservedBackups(vaults, plans),
                         (*config.unresolved, *unresolved, *hidden_vaults, *hidden_plans, *hidden_alarms),
                         alarms=alarms, notes=(*config.notes, *notes))




# Tables --------------------------------------------------------------------------------------------------------


def _tables(resources: Iterable[Resource], source: str, env: Environment, refs: References
            ) -> tuple[dict[str, ObservedTable], dict[str, ObservedTable], list[Unresolved], list[str]]:
    """Every table by physical name and by address, those whose name or keys are not known, and what to say of
    resources that share a physical name. Terraform keys resources by address, so two of one name are two
    resources; only AWS refuses the second, at apply, where both are in one account and region."""
    tables: dict[str, ObservedTable] = {}
    firsts: dict[str, Resource] = {}
    by_address: dict[str, ObservedTable] = {}
    unresolved: list[Unresolved] = []
    notes: list[str] = []
    for resource in resources:
        table = _table(resource, source, env, refs)
        if isinstance(table, Unresolved):
            unresolved.append(table)
            continue
        by_address[resource.address] = table
        first = firsts.get(table.name)
        if first is None:
            tables[table.name], firsts[table.name] = table, resource
            continue
        here, there = _region(resource, env), _region(first, env)
        if isinstance(here, str) and isinstance(there, str) and here != there:
            notes.append(f"{_named(resource)} and {_named(first)} both define table {table.name!r}, in {here} and "
                         f"{there}: two tables; the one in {env.region} (the environment's region) is checked here")
            if here == env.region:
                tables[table.name], firsts[table.name] = table, resource
            continue
        conflict = (f"{_named(resource)} and {_named(first)} both define table {table.name!r} in one account and "
                    f"region{'' if here == there else ' (as far as is known here)'}: AWS creates one and refuses the "
                    "other at apply, and which one Terraform creates first is not known; the owners of the Terraform: "
                    "give each its own name, or remove one")
        notes.append(conflict)
        # the one of the two the state cannot hold: what it defines is that table only, as far as it is read
        unresolved.append(Unresolved(resource.address, resource.where, conflict, ("table",), (only(table.name),)))
        if table.name not in tables:  # its definitions already disagree on the keys: unresolved
            continue
        kept = _either(tables[table.name], table, source, conflict, resource)
        if isinstance(kept, Unresolved):
            unresolved.append(kept)
            del tables[table.name]
        else:
            tables[table.name] = kept
    return tables, by_address, unresolved, notes


def _region(resource: Resource, env: Environment) -> str | None:
    """The region a resource is in: its provider configuration's, else the environment's; None if not known."""
    if resource.region is None:
        return env.region
    return resource.region if isinstance(resource.region, str) else None


def _named(resource: Resource) -> str:
    return resource.where if resource.address in resource.where else f"{resource.where} ({resource.address})"


_SETTINGS = ("billing", "stream", "encryption", "point_in_time_recovery", "ttl_attribute", "deletion_protection",
             "table_class", "tags")


def _either(first: ObservedTable, other: ObservedTable, source: str, conflict: str, resource: Resource
            ) -> ObservedTable | Unresolved:
    """The table two definitions of one name make, either of which AWS may create: a setting both give alike is
    known, one they give differently is unverifiable; different keys make the table itself unknown."""
    if first.keys != other.keys or first.local_indexes != other.local_indexes:
        return Unresolved(f"table {first.name}", resource.where, f"{conflict} (their keys differ)", ("table",),
                          (only(first.name),))
    why = input_unknown(source, conflict)
    changed: dict[str, Any] = {name: why for name in _SETTINGS if getattr(first, name) != getattr(other, name)}
    same = {n: i for n, i in first.global_indexes.items() if other.global_indexes.get(n) == i}
    if len(same) != len(first.global_indexes) or len(same) != len(other.global_indexes):
        changed.update(global_indexes=same, other_indexes=joined(
            source, [*([first.other_indexes.reason] if first.other_indexes else []), conflict]))
    return replace(first, **changed)


@dataclass(frozen=True)
class _Attributes:
    """A table's `attribute` blocks: the type of each, and the first not known (a key may be that one)."""

    types: Mapping[str, AttributeType]
    where: str
    unknown: NotKnown | None = None

    @classmethod
    def of(cls, table: Block) -> _Attributes:
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


def _table(resource: Resource, source: str, env: Environment, refs: References) -> ObservedTable | Unresolved:
    """One `aws_dynamodb_table`, or why its name or key schema (what makes it this table) is not known."""
    block = Block(resource.values, resource.where)
    try:
        name = block.required("name")
    except NotKnown as unknown:
        named = None if resource.name_pattern is None else (resource.name_pattern,)
        return unknown.unresolved(resource.address, TABLE_ADVICE, "table", named)
    try:
        attributes = _Attributes.of(block)
        keys = attributes.keys(block)
        local_indexes = {lsi.name: lsi for lsi in (_local_index(b, attributes)
                                                   for b in block.blocks("local_secondary_index"))}
    except NotKnown as unknown:  # a table of this name, whose keys are not known: it is no other table
        return unknown.unresolved(resource.address, TABLE_ADVICE, "table", (only(name),))
    billing = known(source, lambda: _billing(block))
    mode = known(source, lambda: _billing_mode(block))  # known where the capacity is not (ignore_changes, after apply)
    provisioned = mode is BillingMode.PROVISIONED
    global_indexes, other = _global_indexes(block, attributes, provisioned, source)
    return ObservedTable(
        name=name, status="ACTIVE", keys=keys, global_indexes=global_indexes,
        arn=env.table_arn(name, resource.region if isinstance(resource.region, str) else None),
        local_indexes=local_indexes, billing=billing, stream=known(source, lambda: _stream(block)),
        encryption=known(source, lambda: _encryption(block, env, refs, source)),
        point_in_time_recovery=known(source, lambda: _enabled(block.first("point_in_time_recovery"))),
        ttl_attribute=known(source, lambda: _ttl(block)),
        deletion_protection=known(source, lambda: bool(block.flag("deletion_protection_enabled"))),
        table_class=known(source, lambda: _table_class(block)),
        tags=known(source, lambda: block.tags("tags_all" if block.has("tags_all") else "tags", source)),
        defined_at=_defined_at(resource),
        other_indexes=other,
        replicas=replicas_of(block, source),
        given_at=_given_at(resource))


def _given_at(resource: Resource) -> dict[str, str]:
    """Where each setting's value is given, where that is not where the table is written (a module's argument)."""
    found: dict[str, str] = {}
    for name, where in resource.given_at.items():
        if name in SETTING_OF:
            found.setdefault(SETTING_OF[name], where)
    return found


def _defined_at(resource: Resource) -> str:
    """Where a table is written, its address, and the module calls it is made through (where its values are given)."""
    if resource.address in resource.where:  # a plan names the resource by its address already
        return resource.where
    calls = f", called at {' -> '.join(resource.called_at)}" if resource.called_at else ""
    return f"{resource.where} ({resource.address}{calls})"


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


def _local_index(block: Block, attributes: _Attributes) -> ObservedLocalIndex:
    return ObservedLocalIndex(block.required("name"), attributes.key(block, "range_key"), _projection(block))


def _global_indexes(block: Block, attributes: _Attributes, provisioned: bool, source: str
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


def _global_index(gsi: Block, name: str, attributes: _Attributes, provisioned: bool, source: str) -> ObservedIndex:
    return ObservedIndex(name, known(source, lambda: attributes.keys(gsi)), known(source, lambda: _projection(gsi)),
                         "ACTIVE", _capacity(gsi, "read_capacity", "write_capacity", source) if provisioned else None)


def _billing_mode(block: Block) -> BillingMode:
    return choice(block, "billing_mode", BillingMode, block.text("billing_mode") or BillingMode.PROVISIONED.value,
                  "PROVISIONED or PAY_PER_REQUEST")


def _billing(block: Block) -> Billing:
    mode = _billing_mode(block)
    if mode is BillingMode.PAY_PER_REQUEST:
        return Billing(mode)
    units = block.number("read_capacity"), block.number("write_capacity")
    return Billing(mode, Capacity(units[0], units[1]) if units[0] is not None and units[1] is not None else None)


def _stream(block: Block) -> StreamView | None:
    """The stream's view, None when off. Known to be disabled is off, whatever the view (older plans mark the
    view unknown when the HCL omits it); an unknown `stream_enabled` is unknown."""
    if not block.flag("stream_enabled"):
        return None
    view = block.text("stream_view_type")
    if not view:
        raise TerraformError(f"{block.where}: stream_enabled is true but stream_view_type is not set; set it to "
                             "KEYS_ONLY, NEW_IMAGE, OLD_IMAGE or NEW_AND_OLD_IMAGES")
    return choice(block, "stream_view_type", StreamView, view, "KEYS_ONLY, NEW_IMAGE, OLD_IMAGE or NEW_AND_OLD_IMAGES")


def _encryption(block: Block, env: Environment, refs: References, source: str) -> ObservedEncryption:
    """Absent or disabled: the AWS owned key; enabled without a key: AWS managed (as `schema`); else a KMS key. A key
    created in the same configuration (`aws_kms_key.x.arn`) is a customer managed key whose ARN is known only after
    apply; any other key not known yet is a KMS key of unknown ARN and manager, never "no key"."""
    sse = block.first("server_side_encryption")
    if sse is None or not sse.flag("enabled"):
        return ObservedEncryption(None)
    try:
        value = sse.raw("kms_key_arn")
    except NotKnown as unknown:
        why = input_unknown(source, unknown.full)
        return ObservedEncryption(why, why)
    if isinstance(value, Reference):
        why = input_unknown(source, f"{sse.where}: {sse.name('kms_key_arn')}: it is {value}, known only after apply")
        if resource_type(value) in KMS_KEYS:  # a key created in this configuration: a customer's
            return ObservedEncryption(why, "CUSTOMER")
        resolved = refs.resolve(value)
        if isinstance(resolved, Unknown):
            return ObservedEncryption(why, why)
        value = resolved
    key = sse.text("kms_key_arn") if not isinstance(value, str) else value
    if not key:
        return ObservedEncryption(f"arn:aws:kms:{env.region}:aws-managed:key/dynamodb", "AWS")
    return ObservedEncryption(key, "CUSTOMER")


def _enabled(block: Block | None) -> bool:
    return block is not None and bool(block.flag("enabled"))


def _ttl(block: Block) -> str | None:
    ttl = block.first("ttl")
    if ttl is None or not _enabled(ttl):
        return None
    return ttl.text("attribute_name") or None


def _table_class(block: Block) -> TableClass:
    value = block.text("table_class") or TableClass.STANDARD.value
    return choice(block, "table_class", TableClass, value, "STANDARD or STANDARD_INFREQUENT_ACCESS")


# The separate aws_dynamodb_global_secondary_index resource ----------------------------------------------------


@dataclass
class _IndexesFor:
    """What the separate index resources add to one table, or to every table when their table is unknown."""

    found: dict[str, ObservedIndex] = field(default_factory=dict)
    hidden: list[str] = field(default_factory=list)


def _add_index_resources(tables: dict[str, ObservedTable], resources: Iterable[Resource], index: References,
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


# Backups -------------------------------------------------------------------------------------------------------

