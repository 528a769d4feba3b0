"""Terraform resources as an observed state: what a configuration or a plan says an environment will hold.

`observe` is the one place that knows the AWS provider's schemas (`aws_dynamodb_table`, the separate
`aws_dynamodb_global_secondary_index`, `aws_backup_vault`, `aws_backup_plan`, `aws_backup_selection`).
It reads plan-shaped values (see `records`) and builds the same `ObservedState` a live backend gives,
so the same checks run on a plan before anything is applied. What Terraform does not know yet becomes
`Unverifiable` (one field) or `Unresolved` (a whole table or plan), never a guess; what no Terraform
would accept (an attribute of type "X", a key not declared) is a `TerraformError` saying what to write.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from provision.desired.model import (
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
from provision.observed.state import (
    ObservedBackups,
    ObservedEncryption,
    ObservedIndex,
    ObservedLocalIndex,
    ObservedPlan,
    ObservedRule,
    ObservedSelection,
    ObservedState,
    ObservedTable,
    ObservedVault,
    TagCondition,
    Unresolved,
    Unverifiable,
)
from provision.observed.terraform.records import Configuration, Reference, Resource, TerraformError, Unknown

__all__ = ["observe"]

T = TypeVar("T")

TABLE = "aws_dynamodb_table"
GSI = "aws_dynamodb_global_secondary_index"
VAULT = "aws_backup_vault"
PLAN = "aws_backup_plan"
SELECTION = "aws_backup_selection"
TAG_KEY_PREFIX = "aws:ResourceTag/"
CONDITIONS = (("string_equals", "StringEquals"), ("string_like", "StringLike"),
              ("string_not_equals", "StringNotEquals"), ("string_not_like", "StringNotLike"))
INSTANCE_KEY = re.compile(r'\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\]')
FOLLOW_LIMIT = 10  # references to references: deeper than this is a cycle, not a configuration
TABLE_ADVICE = ("its tables cannot be checked from this plan: give it a value known before apply "
                "(a literal or a variable) or check the environment after apply")
PLAN_ADVICE = "its backup plan cannot be checked from this plan: give it a value known before apply"


def observe(config: Configuration, env: Environment) -> ObservedState:
    """What `config` will build in `env`: its tables (by physical name), vaults and plans, and what it hides."""
    source = config.source
    tables, by_address, unresolved = _tables(config.of_type(TABLE), source, env)
    index = _Index({r.address: r for r in config.resources}, by_address)
    tables = _add_index_resources(tables, config.of_type(GSI), index, source)
    vaults, hidden_vaults = _vaults(config.of_type(VAULT))
    plans, hidden_plans = _plans(config, index, source)
    return ObservedState(source, env.name, tables, ObservedBackups(vaults, plans),
                         (*config.unresolved, *unresolved, *hidden_vaults, *hidden_plans), origin=config.origin)


# Reading values --------------------------------------------------------------------------------------------------


class _NotKnown(Exception):
    """An `Unknown` met while reading: caught where one field, one index or one resource becomes unknown."""

    def __init__(self, where: str, field_name: str, reason: str) -> None:
        super().__init__(f"{where}: {field_name}: {reason}")
        self.where = where
        self.field_name = field_name
        self.reason = reason

    @property
    def full(self) -> str:
        """The reason an `Unverifiable` gives: the resource's `where`, the field, and why it is not known."""
        return str(self)

    def unresolved(self, address: str, advice: str, kind: str) -> Unresolved:
        """What a resource whose identity (name, keys) is not known may define: unknown there, not missing."""
        return Unresolved(address, self.where, f"{self.field_name} is not known ({self.reason}); {advice}", (kind,))


def _describe(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", int: "a number",
            float: "a number", type(None): "null"}.get(type(value), type(value).__name__) + f" ({value!r:.40})"


@dataclass(frozen=True)
class _Block:
    """One resource's values, or one nested block's: each argument read with the type the provider gives it.

    Every reader raises `_NotKnown` at an `Unknown` (or a `Reference` where a plain value is wanted), and
    `TerraformError` at a value of the wrong type, so no odd input ends in a traceback.
    """

    values: Mapping[str, Any]
    where: str
    path: str = ""

    def name(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def has(self, key: str) -> bool:
        return self.values.get(key) is not None

    def raw(self, key: str) -> Any:
        """The value as given, `Reference` included; `_NotKnown` at an `Unknown`."""
        value = self.values.get(key)
        if isinstance(value, Unknown):
            raise _NotKnown(self.where, self.name(key), value.reason)
        return value

    def _plain(self, key: str, kinds: tuple[type, ...], what: str) -> Any:
        value = self.raw(key)
        if isinstance(value, Reference):
            raise _NotKnown(self.where, self.name(key), f"it is {value}, known only after apply")
        if value is not None and (isinstance(value, bool) != (bool in kinds) or not isinstance(value, kinds)):
            raise self.wrong(key, value, what)
        return value

    def wrong(self, key: str, value: Any, what: str) -> TerraformError:
        return TerraformError(f"{self.where}: {self.name(key)} should be {what}, not {_describe(value)}")

    def text(self, key: str) -> str | None:
        return self._plain(key, (str,), "a string")

    def required(self, key: str) -> str:
        value = self.text(key)
        if not value:
            raise TerraformError(f"{self.where}: {self.name(key)} is missing; the provider requires it")
        return value

    def flag(self, key: str) -> bool | None:
        return self._plain(key, (bool,), "true or false")

    def number(self, key: str) -> int | None:
        value = self._plain(key, (int, float), "a whole number")
        if isinstance(value, float):
            if not value.is_integer():
                raise self.wrong(key, value, "a whole number")
            return int(value)
        return value

    def items(self, key: str) -> tuple[Any, ...]:
        """A list argument's elements (a set is a list in plan JSON); `_NotKnown` at an unknown element."""
        value = self.raw(key)
        if value is None:
            return ()
        if not isinstance(value, list | tuple):
            raise self.wrong(key, value, "a list")
        for position, item in enumerate(value):
            if isinstance(item, Unknown):
                raise _NotKnown(self.where, f"{self.name(key)}[{position}]", item.reason)
        return tuple(value)

    def strings(self, key: str) -> tuple[str, ...]:
        found = self.items(key)
        for position, item in enumerate(found):
            if isinstance(item, Reference):
                raise _NotKnown(self.where, f"{self.name(key)}[{position}]", f"it is {item}, known only after apply")
            if not isinstance(item, str):
                raise self.wrong(f"{key}[{position}]", item, "a string")
        return found

    def tags(self, key: str) -> dict[str, str]:
        """A map of strings; one unknown value makes the whole map unknown (a check compares all tags)."""
        value = self.raw(key)
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            raise self.wrong(key, value, "a map of strings")
        found = {}
        for name, item in value.items():
            if isinstance(item, Unknown | Reference):
                why = item.reason if isinstance(item, Unknown) else f"it is {item}, known only after apply"
                raise _NotKnown(self.where, f"{self.name(key)}[{name!r}]", why)
            if not isinstance(item, str):
                raise self.wrong(f"{key}[{name!r}]", item, "a string")
            found[str(name)] = item
        return found

    def blocks(self, key: str) -> tuple[_Block, ...]:
        """A nested block's instances (plan JSON writes every block as a list of objects)."""
        found = []
        for position, item in enumerate(self.items(key)):
            if not isinstance(item, Mapping):
                raise self.wrong(f"{key}[{position}]", item, "an object (a block)")
            found.append(_Block(item, self.where, f"{self.name(key)}[{position}]"))
        return tuple(found)

    def first(self, key: str) -> _Block | None:
        found = self.blocks(key)
        return found[0] if found else None


def _known(source: str, read: Callable[[], T]) -> T | Unverifiable:
    """One setting read, or why this source cannot say it: the reader names the resource and the field."""
    try:
        return read()
    except _NotKnown as unknown:
        return Unverifiable(source, unknown.full)


def _choice(block: _Block, key: str, kind: type[T], value: str, instead: str) -> T:
    try:
        return kind(value)  # type: ignore[call-arg]
    except ValueError:
        raise TerraformError(f"{block.where}: {block.name(key)} is {value!r}; write {instead}") from None


# Following references ------------------------------------------------------------------------------------------


def _base(address: str) -> str:
    return INSTANCE_KEY.sub("", address)


@dataclass(frozen=True)
class _Index:
    """Every resource by address, and the tables read, to follow a `Reference` to the value it stands for."""

    resources: Mapping[str, Resource]
    tables: Mapping[str, ObservedTable]  # by address

    def find(self, ref: Reference) -> Resource | Unknown:
        """The resource `ref` names: by its address, else the one instance of that resource (config has no keys)."""
        if ref.address in self.resources:
            return self.resources[ref.address]
        found = [r for a, r in self.resources.items() if _base(a) == _base(ref.address)]
        if len(found) == 1:
            return found[0]
        if found:
            return Unknown(f"it is {ref}, one of {len(found)} instances: name one")
        return Unknown(f"it is {ref}, which is not a managed resource read here")

    def resolve(self, ref: Reference, depth: int = 0) -> str | Unknown:
        """The value `ref` stands for, as the other sources write it: a table's ARN as `schema` makes it, a plan's
        id as its address here; anything else only if the resource's values know it."""
        resource = self.find(ref)
        if isinstance(resource, Unknown):
            return resource
        table = self.tables.get(resource.address)
        if table is not None and ref.attribute in ("name", "id", "arn"):
            return table.arn if ref.attribute == "arn" else table.name
        if resource.type == PLAN and ref.attribute == "id":
            return resource.address  # the plan_id `observe` gives the plan
        attribute = "name" if resource.type == VAULT and ref.attribute == "id" else ref.attribute
        value = resource.values.get(attribute)
        if isinstance(value, Reference) and depth < FOLLOW_LIMIT:
            return self.resolve(value, depth + 1)
        if isinstance(value, str):
            return value
        why = value.reason if isinstance(value, Unknown) else "known only after apply"
        return Unknown(f"it is {ref}, {why}")

    def text(self, block: _Block, key: str) -> str | None:
        """A string argument that may be a `Reference` (to a vault's name, a table's name): its value."""
        value = block.raw(key)
        if not isinstance(value, Reference):
            return block.text(key)
        resolved = self.resolve(value)
        if isinstance(resolved, Unknown):
            raise _NotKnown(block.where, block.name(key), resolved.reason)
        return resolved

    def texts(self, block: _Block, key: str) -> tuple[str, ...]:
        """A list of strings that may hold References (a selection's `resources`): each one's value."""
        found = []
        for position, item in enumerate(block.items(key)):
            value = self.resolve(item) if isinstance(item, Reference) else item
            if isinstance(value, Unknown):
                raise _NotKnown(block.where, f"{block.name(key)}[{position}]", value.reason)
            if not isinstance(value, str):
                raise block.wrong(f"{key}[{position}]", value, "a string")
            found.append(value)
        return tuple(found)


# Tables --------------------------------------------------------------------------------------------------------


def _tables(resources: Iterable[Resource], source: str, env: Environment
            ) -> tuple[dict[str, ObservedTable], dict[str, ObservedTable], list[Unresolved]]:
    """Every table by physical name and by address, and those whose name or keys are not known."""
    tables: dict[str, ObservedTable] = {}
    wheres: dict[str, str] = {}
    by_address: dict[str, ObservedTable] = {}
    unresolved: list[Unresolved] = []
    for resource in resources:
        table = _table(resource, source, env)
        if isinstance(table, Unresolved):
            unresolved.append(table)
            continue
        if table.name in tables:
            raise TerraformError(f"{wheres[table.name]} and {resource.where} both define table {table.name!r}; "
                                 "give each its own name (or remove one)")
        tables[table.name], wheres[table.name], by_address[resource.address] = table, resource.where, table
    return tables, by_address, unresolved


@dataclass(frozen=True)
class _Attributes:
    """A table's `attribute` blocks: the type of each, and the first not known (a key may be that one)."""

    types: Mapping[str, AttributeType]
    where: str
    unknown: _NotKnown | None = None

    @classmethod
    def of(cls, table: _Block) -> _Attributes:
        """Read every block now, so a wrong type is an error even on an attribute no key uses."""
        try:
            blocks = table.blocks("attribute")
        except _NotKnown as unknown:
            return cls({}, table.where, unknown)
        types: dict[str, AttributeType] = {}
        first: _NotKnown | None = None
        for block in blocks:
            try:
                name, kind = block.required("name"), block.required("type")
            except _NotKnown as not_known:
                first = first or not_known
                continue
            types[name] = _choice(block, "type", AttributeType, kind,
                                  f'S (string), N (number) or B (binary) for attribute "{name}"')
        return cls(types, table.where, first)

    def key(self, block: _Block, key: str) -> KeyAttribute:
        """The key attribute `block.key` names, with its declared type."""
        name = block.required(key)
        if name in self.types:
            return KeyAttribute(name, self.types[name])
        if self.unknown is not None:
            raise _NotKnown(self.unknown.where, self.unknown.field_name, self.unknown.reason)
        raise TerraformError(f'{self.where}: {block.name(key)} is "{name}", which no attribute block declares; add '
                             f'attribute {{ name = "{name}" type = "S" }} (S, N or B) to the table')

    def keys(self, block: _Block, hash_key: str = "hash_key", range_key: str = "range_key") -> KeySchema:
        sort = self.key(block, range_key) if block.text(range_key) else None
        return KeySchema(self.key(block, hash_key), sort)


def _table(resource: Resource, source: str, env: Environment) -> ObservedTable | Unresolved:
    """One `aws_dynamodb_table`, or why its name or key schema (what makes it this table) is not known."""
    block = _Block(resource.values, resource.where)
    try:
        name = block.required("name")
        attributes = _Attributes.of(block)
        keys = attributes.keys(block)
        local_indexes = {lsi.name: lsi for lsi in (_local_index(b, attributes)
                                                   for b in block.blocks("local_secondary_index"))}
    except _NotKnown as unknown:
        return unknown.unresolved(resource.address, TABLE_ADVICE, "table")
    billing = _known(source, lambda: _billing(block))
    provisioned = isinstance(billing, Billing) and billing.mode is BillingMode.PROVISIONED
    global_indexes, other = _global_indexes(block, attributes, provisioned, source)
    return ObservedTable(
        name=name, status="ACTIVE", keys=keys, arn=env.table_arn(name), global_indexes=global_indexes,
        local_indexes=local_indexes, billing=billing, stream=_known(source, lambda: _stream(block)),
        encryption=_known(source, lambda: _encryption(block, env)),
        point_in_time_recovery=_known(source, lambda: _enabled(block.first("point_in_time_recovery"))),
        ttl_attribute=_known(source, lambda: _ttl(block)),
        deletion_protection=_known(source, lambda: bool(block.flag("deletion_protection_enabled"))),
        table_class=_known(source, lambda: _table_class(block)),
        tags=_known(source, lambda: block.tags("tags_all" if block.has("tags_all") else "tags")),
        defined_at=resource.where if resource.address in resource.where else f"{resource.where} ({resource.address})",
        other_indexes=other)


def _projection(block: _Block) -> Projection:
    kind = _choice(block, "projection_type", ProjectionType, block.required("projection_type"),
                   "ALL, KEYS_ONLY or INCLUDE")
    attributes = frozenset(block.strings("non_key_attributes"))
    return Projection(kind, attributes if kind is ProjectionType.INCLUDE else frozenset())


def _capacity(block: _Block, read: str, write: str) -> Capacity | None:
    """Provisioned throughput, when both halves are given and known (an index's is None when unknown)."""
    try:
        units = block.number(read), block.number(write)
    except _NotKnown:
        return None
    return Capacity(units[0], units[1]) if units[0] is not None and units[1] is not None else None


def _local_index(block: _Block, attributes: _Attributes) -> ObservedLocalIndex:
    return ObservedLocalIndex(block.required("name"), attributes.key(block, "range_key"), _projection(block))


def _global_indexes(block: _Block, attributes: _Attributes, provisioned: bool, source: str
                    ) -> tuple[dict[str, ObservedIndex], Unverifiable | None]:
    """The table's `global_secondary_index` blocks that are known, and why others may exist."""
    try:
        blocks = block.blocks("global_secondary_index")
    except _NotKnown as unknown:
        return {}, Unverifiable(source, unknown.full)
    found: dict[str, ObservedIndex] = {}
    hidden: list[str] = []
    for gsi in blocks:
        try:
            name = gsi.required("name")
            index = ObservedIndex(name, attributes.keys(gsi), _projection(gsi), "ACTIVE",
                                  _capacity(gsi, "read_capacity", "write_capacity") if provisioned else None)
        except _NotKnown as unknown:
            hidden.append(unknown.full)
            continue
        if name in found:
            raise TerraformError(f"{block.where}: two global_secondary_index blocks are named {name!r}; rename one")
        found[name] = index
    return found, _joined(source, hidden)


def _joined(source: str, reasons: Iterable[str]) -> Unverifiable | None:
    found = list(dict.fromkeys(reasons))
    return Unverifiable(source, "; ".join(found)) if found else None


def _billing(block: _Block) -> Billing:
    mode = _choice(block, "billing_mode", BillingMode, block.text("billing_mode") or BillingMode.PROVISIONED.value,
                   "PROVISIONED or PAY_PER_REQUEST")
    if mode is BillingMode.PAY_PER_REQUEST:
        return Billing(mode)
    units = block.number("read_capacity"), block.number("write_capacity")
    return Billing(mode, Capacity(units[0], units[1]) if units[0] is not None and units[1] is not None else None)


def _stream(block: _Block) -> StreamView | None:
    """The stream's view, None when off. Known to be disabled is off, whatever the view (older plans mark the
    view unknown when the HCL omits it); an unknown `stream_enabled` is unknown."""
    if not block.flag("stream_enabled"):
        return None
    view = block.text("stream_view_type")
    if not view:
        raise TerraformError(f"{block.where}: stream_enabled is true but stream_view_type is not set; set it to "
                             "KEYS_ONLY, NEW_IMAGE, OLD_IMAGE or NEW_AND_OLD_IMAGES")
    return _choice(block, "stream_view_type", StreamView, view, "KEYS_ONLY, NEW_IMAGE, OLD_IMAGE or NEW_AND_OLD_IMAGES")


def _encryption(block: _Block, env: Environment) -> ObservedEncryption:
    """Absent or disabled: the AWS owned key; enabled without a key: AWS managed (as `schema`); else the customer's."""
    sse = block.first("server_side_encryption")
    if sse is None or not sse.flag("enabled"):
        return ObservedEncryption(None)
    key = sse.text("kms_key_arn")
    if not key:
        return ObservedEncryption(f"arn:aws:kms:{env.region}:aws-managed:key/dynamodb", "AWS")
    return ObservedEncryption(key, "CUSTOMER")


def _enabled(block: _Block | None) -> bool:
    return block is not None and bool(block.flag("enabled"))


def _ttl(block: _Block) -> str | None:
    ttl = block.first("ttl")
    if ttl is None or not _enabled(ttl):
        return None
    return ttl.text("attribute_name") or None


def _table_class(block: _Block) -> TableClass:
    value = block.text("table_class") or TableClass.STANDARD.value
    return _choice(block, "table_class", TableClass, value, "STANDARD or STANDARD_INFREQUENT_ACCESS")


# The separate aws_dynamodb_global_secondary_index resource ----------------------------------------------------


@dataclass
class _IndexesFor:
    """What the separate index resources add to one table, or to every table when their table is unknown."""

    found: dict[str, ObservedIndex] = field(default_factory=dict)
    hidden: list[str] = field(default_factory=list)


def _add_index_resources(tables: dict[str, ObservedTable], resources: Iterable[Resource], index: _Index,
                         source: str) -> dict[str, ObservedTable]:
    """Each table with the indexes separate resources give it; one whose table is unknown may be on any table."""
    added: dict[str, _IndexesFor] = {name: _IndexesFor() for name in tables}
    anywhere: list[str] = []
    for resource in resources:
        block = _Block(resource.values, resource.where)
        try:
            table = index.text(block, "table_name" if block.has("table_name") else "table") or ""
        except _NotKnown as unknown:
            anywhere.append(f"{unknown.full}: it may add an index to any table")
            continue
        if table not in tables:
            continue  # a table this configuration does not define (or could not read: that one is unresolved)
        _add_index(added[table], block, tables[table])
    return {name: _with_indexes(table, added[name], anywhere, source) for name, table in tables.items()}


def _add_index(into: _IndexesFor, block: _Block, table: ObservedTable) -> None:
    """One index resource added to its table; an unknown key or name leaves the table's other indexes unknown."""
    try:
        gsi = _index_resource(block)
    except _NotKnown as unknown:
        into.hidden.append(unknown.full)
        return
    if gsi.name in table.global_indexes or gsi.name in into.found:
        raise TerraformError(f"{block.where}: table {table.name!r} already has an index {gsi.name!r}; the provider "
                             "takes global_secondary_index blocks or aws_dynamodb_global_secondary_index, not both")
    into.found[gsi.name] = gsi


def _index_resource(block: _Block) -> ObservedIndex:
    """One `aws_dynamodb_global_secondary_index`: its key_schema carries the attribute types itself."""
    name = block.required("index_name" if block.has("index_name") else "name")
    keys: dict[str, KeyAttribute] = {}
    for key in block.blocks("key_schema"):
        kind = key.required("key_type")
        if kind not in ("HASH", "RANGE"):
            raise TerraformError(f"{key.where}: {key.name('key_type')} is {kind!r}; write HASH or RANGE")
        keys[kind] = KeyAttribute(key.required("attribute_name"), _choice(
            key, "attribute_type", AttributeType, key.required("attribute_type"), "S, N or B"))
    if "HASH" not in keys:
        raise TerraformError(f"{block.where}: key_schema has no HASH key; add key_schema {{ key_type = \"HASH\" ... }}")
    projection = block.first("projection") or block
    throughput = block.first("provisioned_throughput")
    capacity = None if throughput is None else _capacity(throughput, "read_capacity_units", "write_capacity_units")
    return ObservedIndex(name, KeySchema(keys["HASH"], keys.get("RANGE")), _projection(projection), "ACTIVE", capacity)


def _with_indexes(table: ObservedTable, added: _IndexesFor, anywhere: list[str], source: str) -> ObservedTable:
    reasons = [*([table.other_indexes.reason] if table.other_indexes else []), *added.hidden, *anywhere]
    if not added.found and not reasons:
        return table
    return replace(table, global_indexes={**table.global_indexes, **added.found},
                   other_indexes=_joined(source, reasons))


# Backups -------------------------------------------------------------------------------------------------------


def _unique(kind: str, seen: dict[str, str], name: str, where: str) -> None:
    if name in seen:
        raise TerraformError(f"{seen[name]} and {where} both define {kind} {name!r}; give each its own name")
    seen[name] = where


def _vaults(resources: Iterable[Resource]) -> tuple[dict[str, ObservedVault], list[Unresolved]]:
    """The vaults by physical name; one of unknown name may be any vault, so it is unresolved."""
    vaults: dict[str, ObservedVault] = {}
    seen: dict[str, str] = {}
    hidden: list[Unresolved] = []
    for resource in resources:
        block = _Block(resource.values, resource.where)
        try:
            name = block.required("name")
        except _NotKnown as unknown:
            hidden.append(unknown.unresolved(resource.address, "its vault cannot be checked from this plan", "vault"))
            continue
        _unique("backup vault", seen, name, resource.where)
        try:
            key = block.text("kms_key_arn")
        except _NotKnown:
            key = None  # ObservedVault cannot say "unknown" (see the report of this module's author)
        vaults[name] = ObservedVault(name, key or None)
    return vaults, hidden


def _plans(config: Configuration, index: _Index, source: str) -> tuple[dict[str, ObservedPlan], list[Unresolved]]:
    """The plans by physical name, each with its selections (or why they are not known), and what is unresolved."""
    drafts: dict[str, ObservedPlan] = {}
    seen: dict[str, str] = {}
    hidden: list[Unresolved] = []
    for resource in config.of_type(PLAN):
        plan = _plan(resource, index)
        if isinstance(plan, Unresolved):
            hidden.append(plan)
            continue
        _unique("backup plan", seen, plan.name, resource.where)
        drafts[resource.address] = plan
    selections, reasons, unresolved = _selections(config.of_type(SELECTION), index, drafts)
    plans = {}
    for address, plan in drafts.items():
        unknown = _joined(source, reasons.get(address, []))
        plans[plan.name] = replace(plan, selections=unknown or tuple(selections.get(address, [])))
    return plans, [*hidden, *unresolved]


def _plan(resource: Resource, index: _Index) -> ObservedPlan | Unresolved:
    """One `aws_backup_plan` (plan_id: its address), or why its name or rules are not known."""
    block = _Block(resource.values, resource.where)
    try:
        return ObservedPlan(block.required("name"), resource.address,
                            tuple(_rule(rule, index) for rule in block.blocks("rule")))
    except _NotKnown as unknown:
        return unknown.unresolved(resource.address, PLAN_ADVICE, "plan")


def _rule(block: _Block, index: _Index) -> ObservedRule:
    lifecycle = block.first("lifecycle")
    vault = index.text(block, "target_vault_name")
    if not vault:
        raise TerraformError(f"{block.where}: {block.name('target_vault_name')} is missing; name the backup vault")
    return ObservedRule(block.required("rule_name"), vault, block.text("schedule") or "",
                        _days(lifecycle, "delete_after"), _days(lifecycle, "cold_storage_after"))


def _days(lifecycle: _Block | None, key: str) -> int | None:
    """A lifecycle's days; a state writes 0 for "not set", which AWS Backup reports as no value at all."""
    return None if lifecycle is None else lifecycle.number(key) or None


def _selections(resources: Iterable[Resource], index: _Index, plans: Mapping[str, ObservedPlan]
                ) -> tuple[dict[str, list[ObservedSelection]], dict[str, list[str]], list[Unresolved]]:
    """Each selection by the address of its plan; why some plan's selections are not known; plans not followed."""
    found: dict[str, list[ObservedSelection]] = {}
    reasons: dict[str, list[str]] = {}
    unresolved: list[Unresolved] = []
    for resource in resources:
        block = _Block(resource.values, resource.where)
        try:
            plan = _selection_plan(block, index, plans)
        except _NotKnown as unknown:
            unresolved.append(unknown.unresolved(resource.address, "the plan it adds tables to cannot be told", "plan"))
            continue
        if plan is None:
            continue  # a plan this configuration does not define
        try:
            found.setdefault(plan, []).append(_selection(block, resource.address, index))
        except _NotKnown as unknown:
            reasons.setdefault(plan, []).append(unknown.full)
    return found, reasons, unresolved


def _selection_plan(block: _Block, index: _Index, plans: Mapping[str, ObservedPlan]) -> str | None:
    """The address of the plan a selection's `plan_id` names (a Reference, or a state's literal id)."""
    value = block.raw("plan_id")
    if isinstance(value, Reference):
        resource = index.find(value)
        if isinstance(resource, Unknown):
            raise _NotKnown(block.where, "plan_id", resource.reason)
        if resource.type != PLAN:
            raise TerraformError(f"{block.where}: plan_id refers to {value}, not to an aws_backup_plan")
        if resource.address not in plans:
            raise _NotKnown(block.where, "plan_id", f"it is {value}, whose name is not known")
        return resource.address
    plan_id = block.required("plan_id")
    return next((address for address in plans if address == plan_id
                 or index.resources[address].values.get("id") == plan_id), None)


def _selection(block: _Block, address: str, index: _Index) -> ObservedSelection:
    """One selection as the live reader gives it: tag keys without `aws:ResourceTag/`, ARNs as the tables have."""
    any_tags = tuple(TagCondition(_tag_key(tag.required("key")), tag.text("value") or "")
                     for tag in block.blocks("selection_tag") if (tag.text("type") or "").upper() == "STRINGEQUALS")
    try:
        role = index.text(block, "iam_role_arn") or ""
    except _NotKnown:
        role = ""  # a role created in the same plan: which role it is does not change what is selected
    return ObservedSelection(block.required("name"), address, index.texts(block, "resources"),
                             index.texts(block, "not_resources"), any_tags, _conditions(block), role)


def _tag_key(key: str) -> str:
    return key.removeprefix(TAG_KEY_PREFIX)


def _conditions(block: _Block) -> tuple[TagCondition, ...]:
    """`condition` blocks as the tag conditions every selected resource must meet, in the API's operator order."""
    conditions = block.blocks("condition")
    return tuple(TagCondition(_tag_key(test.required("key")), test.text("value") or "", operator)
                 for key, operator in CONDITIONS for condition in conditions for test in condition.blocks(key))
