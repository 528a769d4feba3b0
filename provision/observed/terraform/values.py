"""Reading a Terraform resource's plan-shaped values: typed fields, what is unknown, references followed.

`Block` reads one resource's (or nested block's) values with the type each field must have; a value
not known yet raises `NotKnown`, which `known` turns into the field's `Unverifiable`; a wrong one is a
`TerraformError` naming the resource and what to write. `References` follows a `Reference` to another
resource of the configuration (a table's ARN, a vault's name). Shared by `to_observed` (tables) and
`to_observed_backups` (vaults, plans, selections).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from ..state import ObservedTable, Unresolved, Unverifiable, input_unknown
from .records import Reference, Resource, TerraformError, Unknown

T = TypeVar("T")

TABLE = "aws_dynamodb_table"
GSI = "aws_dynamodb_global_secondary_index"
VAULT = "aws_backup_vault"
PLAN = "aws_backup_plan"
SELECTION = "aws_backup_selection"
ALARM = "aws_cloudwatch_metric_alarm"
KMS_KEYS = ("aws_kms_key", "aws_kms_replica_key", "aws_kms_external_key", "aws_kms_replica_external_key")
INSTANCE_KEY = re.compile(r'\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\]')
FOLLOW_LIMIT = 10  # references to references: deeper than this is a cycle, not a configuration


# Reading values --------------------------------------------------------------------------------------------------


class NotKnown(Exception):
    """An `Unknown` met while reading: caught where one field, one index or one resource becomes unknown."""

    def __init__(self, where: str, field_name: str, reason: str, pattern: str | None = None) -> None:
        super().__init__(f"{where}: {field_name}: {reason}")
        self.where = where
        self.field_name = field_name
        self.reason = reason
        self.pattern = pattern  # the values it may have, where a template knows part of it

    @property
    def full(self) -> str:
        """The reason an `Unverifiable` gives: the resource's `where`, the field, and why it is not known."""
        return str(self)

    def unresolved(self, address: str, advice: str, kind: str, names: tuple[str, ...] | None = None) -> Unresolved:
        """What a resource whose identity (name, keys) is not known may define: unknown there, not missing; of the
        `names` (fnmatch patterns) where they are known (given, or what a template of its name knows), or any."""
        if names is None and self.field_name == "name" and self.pattern is not None:
            names = (self.pattern,)
        return Unresolved(address, self.where, f"{self.field_name} is not known ({self.reason}); {advice}", (kind,),
                          names)


def describe(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", int: "a number",
            float: "a number", type(None): "null"}.get(type(value), type(value).__name__) + f" ({value!r:.40})"


@dataclass(frozen=True)
class Block:
    """One resource's values, or one nested block's: each argument read with the type the provider gives it.

    Every reader raises `NotKnown` at an `Unknown` (or a `Reference` where a plain value is wanted), and
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
        """The value as given, `Reference` included; `NotKnown` at an `Unknown`."""
        value = self.values.get(key)
        if isinstance(value, Unknown):
            raise NotKnown(self.where, self.name(key), value.reason, value.pattern)
        return value

    def _plain(self, key: str, kinds: tuple[type, ...], what: str) -> Any:
        value = self.raw(key)
        if isinstance(value, Reference):
            raise NotKnown(self.where, self.name(key), f"it is {value}, known only after apply")
        if value is not None and (isinstance(value, bool) != (bool in kinds) or not isinstance(value, kinds)):
            raise self.wrong(key, value, what)
        return value

    def wrong(self, key: str, value: Any, what: str) -> TerraformError:
        return TerraformError(f"{self.where}: {self.name(key)} should be {what}, not {describe(value)}")

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

    def real(self, key: str) -> float | None:
        value = self._plain(key, (int, float), "a number")
        return None if value is None else float(value)

    def items(self, key: str) -> tuple[Any, ...]:
        """A list argument's elements (a set is a list in plan JSON); `NotKnown` at an unknown element."""
        value = self.raw(key)
        if value is None:
            return ()
        if not isinstance(value, list | tuple):
            raise self.wrong(key, value, "a list")
        for position, item in enumerate(value):
            if isinstance(item, Unknown):
                raise NotKnown(self.where, f"{self.name(key)}[{position}]", item.reason)
        return tuple(value)

    def strings(self, key: str) -> tuple[str, ...]:
        found = self.items(key)
        for position, item in enumerate(found):
            if isinstance(item, Reference):
                raise NotKnown(self.where, f"{self.name(key)}[{position}]", f"it is {item}, known only after apply")
            if not isinstance(item, str):
                raise self.wrong(f"{key}[{position}]", item, "a string")
        return found

    def tags(self, key: str, source: str) -> dict[str, str | Unverifiable]:
        """A map of strings; a value not known yet is that one tag's `Unverifiable`, the others stay known (a map
        whose keys are not known is `NotKnown` as a whole). A bool or number is a string, as Terraform converts it."""
        value = self.raw(key)
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            raise self.wrong(key, value, "a map of strings")
        found: dict[str, str | Unverifiable] = {}
        for name, item in value.items():
            if isinstance(item, Unknown | Reference):
                why = item.reason if isinstance(item, Unknown) else f"it is {item}, known only after apply"
                found[str(name)] = input_unknown(source, f"{self.where}: {self.name(key)}[{name!r}]: {why}")
                continue
            if not isinstance(item, str):
                raise self.wrong(f"{key}[{name!r}]", item, "a string")
            found[str(name)] = item
        return found

    def blocks(self, key: str) -> tuple[Block, ...]:
        """A nested block's instances (plan JSON writes every block as a list of objects)."""
        found = []
        for position, item in enumerate(self.items(key)):
            if not isinstance(item, Mapping):
                raise self.wrong(f"{key}[{position}]", item, "an object (a block)")
            found.append(Block(item, self.where, f"{self.name(key)}[{position}]"))
        return tuple(found)

    def each(self, key: str) -> tuple[Block | NotKnown, ...]:
        """A nested block's instances, each one not known yet (`dynamic` over an unknown element) as its `NotKnown`;
        `NotKnown` only when how many there are is not known."""
        value = self.raw(key)
        if value is None:
            return ()
        if not isinstance(value, list | tuple):
            raise self.wrong(key, value, "a list")
        found: list[Block | NotKnown] = []
        for position, item in enumerate(value):
            if isinstance(item, Unknown):
                found.append(NotKnown(self.where, f"{self.name(key)}[{position}]", item.reason))
            elif not isinstance(item, Mapping):
                raise self.wrong(f"{key}[{position}]", item, "an object (a block)")
            else:
                found.append(Block(item, self.where, f"{self.name(key)}[{position}]"))
        return tuple(found)

    def first(self, key: str) -> Block | None:
        found = self.blocks(key)
        return found[0] if found else None


def known(source: str, read: Callable[[], T]) -> T | Unverifiable:
    """One setting read, or why this source cannot say it: the reader names the resource and the field."""
    try:
        return read()
    except NotKnown as unknown:
        return input_unknown(source, unknown.full)


def choice(block: Block, key: str, kind: type[T], value: str, instead: str) -> T:
    try:
        return kind(value)  # type: ignore[call-arg]
    except ValueError:
        raise TerraformError(f"{block.where}: {block.name(key)} is {value!r}; write {instead}") from None


# Following references ------------------------------------------------------------------------------------------


def base_address(address: str) -> str:
    return INSTANCE_KEY.sub("", address)


def resource_type(ref: Reference) -> str:
    """The type of the resource a reference names (`aws_kms_key` of `module.m.aws_kms_key.k[0].arn`)."""
    parts = base_address(ref.address).split(".")
    return parts[-2] if len(parts) >= 2 else ""


@dataclass(frozen=True)
class References:
    """Every resource by address, and the tables read, to follow a `Reference` to the value it stands for."""

    resources: Mapping[str, Resource]
    tables: Mapping[str, ObservedTable]  # by address

    def find(self, ref: Reference) -> Resource | Unknown:
        """The resource `ref` names: by its address, else the one instance of that resource (config has no keys)."""
        if ref.address in self.resources:
            return self.resources[ref.address]
        found = [r for a, r in self.resources.items() if base_address(a) == base_address(ref.address)]
        if len(found) == 1:
            return found[0]
        if found:
            return Unknown(f"it is {ref}, one of {len(found)} instances: name one")
        return Unknown(f"it is {ref}, known only after apply")  # a resource of a type not read here (a KMS key)

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

    def text(self, block: Block, key: str) -> str | None:
        """A string argument that may be a `Reference` (to a vault's name, a table's name): its value."""
        value = block.raw(key)
        if not isinstance(value, Reference):
            return block.text(key)
        resolved = self.resolve(value)
        if isinstance(resolved, Unknown):
            raise NotKnown(block.where, block.name(key), resolved.reason)
        return resolved

    def entries(self, block: Block, key: str, source: str) -> tuple[str | Unverifiable, ...]:
        """A list of strings that may hold References (a selection's `resources`): each one's value, one not known
        yet as its `Unverifiable` (a list not known at all: one `Unverifiable` for whatever it holds)."""
        try:
            items = block.raw(key)
        except NotKnown as unknown:
            return (input_unknown(source, unknown.full),)
        if items is None:
            return ()
        if not isinstance(items, list | tuple):
            raise block.wrong(key, items, "a list")
        found: list[str | Unverifiable] = []
        for position, item in enumerate(items):
            value = self.resolve(item) if isinstance(item, Reference) else item
            if isinstance(value, Unknown):
                found.append(input_unknown(source, f"{block.where}: {block.name(key)}[{position}]: {value.reason}"))
            elif not isinstance(value, str):
                raise block.wrong(f"{key}[{position}]", value, "a string")
            else:
                found.append(value)
        return tuple(found)


def unique(kind: str, seen: dict[str, str], name: str, where: str) -> None:
    if name in seen:
        raise TerraformError(f"{seen[name]} and {where} both define {kind} {name!r}; give each its own name")
    seen[name] = where


def joined(source: str, reasons: Iterable[str]) -> Unverifiable | None:
    found = list(dict.fromkeys(reasons))
    return input_unknown(source, "; ".join(found)) if found else None
