"""Read and validate one table of the contracts (and the `defaults` every table inherits).

Part of the loader (`provision.load`): every rule DynamoDB would enforce on a table is
checked here, before any call, with the file and line of the mistake.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

from provision import limits
from provision.errors import Problem
from provision.fields import Fields, describe
from provision.model import (
    AttributeType,
    Billing,
    BillingMode,
    Capacity,
    Encryption,
    EncryptionType,
    GlobalIndex,
    KeyAttribute,
    KeySchema,
    LocalIndex,
    Location,
    Projection,
    ProjectionType,
    StreamView,
    TableClass,
    TableSpec,
)
from provision.naming import example_name, follows_convention
from provision.yamlsrc import SourceDict

T = TypeVar("T")

DEFAULT_KEYS = ("billing_mode", "stream", "encryption", "point_in_time_recovery", "deletion_protection",
                "table_class", "tags")
TABLE_KEYS = ("description", "partition_key", "sort_key", "global_indexes", "local_indexes", "billing_mode",
              "capacity", "stream", "encryption", "point_in_time_recovery", "ttl_attribute",
              "deletion_protection", "table_class", "tags")
KEY_KEYS = ("name", "type")
GSI_KEYS = ("partition_key", "sort_key", "projection", "capacity")
LSI_KEYS = ("partition_key", "sort_key", "projection")
PROJECTION_KEYS = ("type", "attributes")
CAPACITY_KEYS = ("read", "write")
ENCRYPTION_KEYS = ("type", "kms_key")


@dataclass(frozen=True)
class TableDefaults:
    """What every table gets unless it says otherwise (the `defaults:` section)."""

    billing_mode: BillingMode = BillingMode.PAY_PER_REQUEST
    stream: StreamView | None = None
    encryption: Encryption = Encryption(EncryptionType.AWS_OWNED)
    point_in_time_recovery: bool = False
    deletion_protection: bool = False
    table_class: TableClass = TableClass.STANDARD
    tags: dict[str, str] = field(default_factory=dict)


def check_name(problems: list[Problem], file: str, line: int, name: str, what: str) -> None:
    """Table and index names: 3 to 255 characters of A-Z a-z 0-9 _ . -"""
    if not limits.NAME_MIN_LENGTH <= len(name) <= limits.NAME_MAX_LENGTH:
        problems.append(Problem(file, line, f"{what} name '{name[:60]}' has {len(name)} characters; DynamoDB "
                                f"needs {limits.NAME_MIN_LENGTH} to {limits.NAME_MAX_LENGTH}"))
    elif not limits.NAME_PATTERN.fullmatch(name):
        bad = sorted({char for char in name if not limits.NAME_PATTERN.fullmatch(char)})
        problems.append(Problem(file, line, f"{what} name '{name}' contains {' '.join(repr(c) for c in bad)}; "
                                "use only letters, digits, '_', '.' and '-'"))


def check_tags(problems: list[Problem], file: str, line: int, tags: dict[str, str]) -> None:
    if len(tags) > limits.MAX_TAGS:
        problems.append(Problem(file, line, f"{len(tags)} tags; AWS allows at most {limits.MAX_TAGS}"))
    for key, value in tags.items():
        if key.lower().startswith("aws:"):
            problems.append(Problem(file, line, f"tag '{key}' uses the reserved prefix 'aws:'; choose another key"))
        if len(key) > limits.TAG_KEY_MAX_LENGTH or len(value) > limits.TAG_VALUE_MAX_LENGTH:
            problems.append(Problem(file, line, f"tag '{key[:40]}' is too long: keys take at most "
                                    f"{limits.TAG_KEY_MAX_LENGTH} characters, values {limits.TAG_VALUE_MAX_LENGTH}"))


class TableReader:
    """Builds `TableSpec`s from YAML, appending every mistake to `problems`."""

    def __init__(self, problems: list[Problem], defaults: TableDefaults, index_naming: str | None) -> None:
        self.problems = problems
        self.defaults = defaults
        self.index_naming = index_naming

    # --- the defaults section -------------------------------------------------------------

    @classmethod
    def read_defaults(cls, data: SourceDict, problems: list[Problem]) -> TableDefaults:
        fields = Fields(data, "defaults", DEFAULT_KEYS, problems)
        base = TableDefaults()
        reader = cls(problems, base, None)
        tags = fields.string_map("tags") or {}
        check_tags(problems, fields.file, fields.line("tags"), tags)
        return TableDefaults(
            billing_mode=_or(fields.choice("billing_mode", BillingMode), base.billing_mode),
            stream=reader._stream(fields) if fields.has("stream") else base.stream,
            encryption=_or(reader._encryption(fields), base.encryption),
            point_in_time_recovery=_or(fields.boolean("point_in_time_recovery"), base.point_in_time_recovery),
            deletion_protection=_or(fields.boolean("deletion_protection"), base.deletion_protection),
            table_class=_or(fields.choice("table_class", TableClass), base.table_class),
            tags=tags,
        )

    # --- one table ------------------------------------------------------------------------

    def read(self, name: str, data: Any, where: Location) -> TableSpec | None:
        check_name(self.problems, where.file, where.line, name, "table")
        if not isinstance(data, SourceDict):
            self.problems.append(Problem(where.file, where.line, f"table '{name}' must be a mapping of its "
                                         f"settings (partition_key, ...), not {describe(data)}"))
            return None
        fields = Fields(data, f"table '{name}'", TABLE_KEYS, self.problems)
        partition = self._key(fields, "partition_key", required=True)
        sort = self._key(fields, "sort_key")
        billing = self._billing(fields)
        gsis = self._global_indexes(fields, billing.mode)
        lsis = self._local_indexes(fields, partition, sort)
        tags = {**self.defaults.tags, **(fields.string_map("tags") or {})}
        check_tags(self.problems, fields.file, fields.line("tags"), tags)
        if partition is None:
            return None
        spec = TableSpec(
            name=name,
            keys=KeySchema(partition, sort),
            global_indexes=tuple(gsis),
            local_indexes=tuple(lsis),
            billing=billing,
            stream=self._stream(fields) if fields.has("stream") else self.defaults.stream,
            encryption=_or(self._encryption(fields), self.defaults.encryption),
            point_in_time_recovery=_or(fields.boolean("point_in_time_recovery"),
                                       self.defaults.point_in_time_recovery),
            ttl_attribute=fields.string("ttl_attribute", "expiresAt"),
            deletion_protection=_or(fields.boolean("deletion_protection"), self.defaults.deletion_protection),
            table_class=_or(fields.choice("table_class", TableClass), self.defaults.table_class),
            tags=tags,
            description=fields.string("description", "what the table holds") or "",
            source=where,
        )
        self._check_table(fields, spec)
        return spec

    def _key(self, fields: Fields, key: str, required: bool = False) -> KeyAttribute | None:
        data = fields.mapping(key, required=required, example="{name: tenantId, type: S}")
        if data is None:
            return None
        key_fields = Fields(data, f"{key} of {fields.what}", KEY_KEYS, self.problems)
        name = key_fields.string("name", "tenantId", required=True)
        attribute_type = key_fields.choice("type", AttributeType, required=True)
        if name is not None and not 1 <= len(name) <= limits.ATTRIBUTE_NAME_MAX_LENGTH:
            key_fields.problem("name", f"attribute name in {key} must have 1 to 255 characters")
            return None
        return KeyAttribute(name, attribute_type) if name and attribute_type else None

    def _capacity(self, fields: Fields, required: bool, mode: BillingMode) -> Capacity | None:
        if mode is BillingMode.PAY_PER_REQUEST:
            if fields.has("capacity"):
                fields.problem("capacity", f"{fields.what} has capacity, but the table is billed "
                                           "PAY_PER_REQUEST (on demand); remove 'capacity' or set "
                                           "'billing_mode: PROVISIONED' on the table")
            return None
        data = fields.mapping("capacity", required=required, example="{read: 5, write: 5}")
        if data is None:
            return None
        capacity = Fields(data, f"capacity of {fields.what}", CAPACITY_KEYS, self.problems)
        read = capacity.integer("read", 1, "5", required=True)
        write = capacity.integer("write", 1, "5", required=True)
        return Capacity(read, write) if read and write else None

    def _billing(self, fields: Fields) -> Billing:
        mode = _or(fields.choice("billing_mode", BillingMode), self.defaults.billing_mode)
        return Billing(mode, self._capacity(fields, required=True, mode=mode))

    def _projection(self, fields: Fields) -> Projection | None:
        value = fields.raw("projection")
        if value is None:
            fields.require("projection", "ALL")
            return None
        if isinstance(value, str):
            kind = fields.enum_value("projection", value, ProjectionType)
            if kind is ProjectionType.INCLUDE:
                fields.problem("projection", f"projection INCLUDE in {fields.what} needs the attributes to "
                                             "include; write 'projection: {type: INCLUDE, attributes: [a, b]}'")
                return None
            return Projection(kind) if kind else None
        data = fields.mapping("projection")
        if data is None:
            return None
        projection = Fields(data, f"projection of {fields.what}", PROJECTION_KEYS, self.problems)
        kind = projection.choice("type", ProjectionType, required=True)
        attributes = projection.string_list("attributes", "[orderTotal, status]") or []
        if kind is ProjectionType.INCLUDE and not attributes:
            projection.problem("type", f"projection INCLUDE in {fields.what} lists no attributes; add "
                                       "'attributes: [a, b]' or use 'projection: KEYS_ONLY'")
            return None
        if kind in (ProjectionType.ALL, ProjectionType.KEYS_ONLY) and attributes:
            projection.problem("attributes", f"projection {kind} in {fields.what} takes no attributes; "
                                             "remove 'attributes' or use 'type: INCLUDE'")
            return None
        if len(set(attributes)) != len(attributes):
            projection.problem("attributes", f"an attribute is listed twice in the projection of {fields.what}")
        return Projection(kind, frozenset(attributes)) if kind else None

    def _global_indexes(self, fields: Fields, mode: BillingMode) -> list[GlobalIndex]:
        data = fields.mapping("global_indexes")
        result: list[GlobalIndex] = []
        for name, value in (data or {}).items():
            index = self._index_fields(data, name, value, "GSI", GSI_KEYS, fields.what)  # type: ignore[arg-type]
            if index is None:
                continue
            partition = self._key(index, "partition_key", required=True)
            sort = self._key(index, "sort_key")
            projection = self._projection(index)
            capacity = self._capacity(index, required=True, mode=mode)
            if partition and projection:
                result.append(GlobalIndex(name, KeySchema(partition, sort), projection, capacity))
        if data is not None and len(data) > limits.MAX_GLOBAL_INDEXES:
            fields.problem("global_indexes", f"{fields.what} has {len(data)} GSIs; DynamoDB allows at most "
                                             f"{limits.MAX_GLOBAL_INDEXES} per table")
        return result

    def _local_indexes(self, fields: Fields, partition: KeyAttribute | None,
                       sort: KeyAttribute | None) -> list[LocalIndex]:
        data = fields.mapping("local_indexes")
        result: list[LocalIndex] = []
        if data and sort is None:
            fields.problem("local_indexes", f"{fields.what} has local indexes but no sort key; an LSI needs a "
                                            "table with a sort key: add 'sort_key' or make them global_indexes")
        if data is not None and len(data) > limits.MAX_LOCAL_INDEXES:
            fields.problem("local_indexes", f"{fields.what} has {len(data)} LSIs; DynamoDB allows at most "
                                            f"{limits.MAX_LOCAL_INDEXES} per table")
        for name, value in (data or {}).items():
            index = self._index_fields(data, name, value, "LSI", LSI_KEYS, fields.what)  # type: ignore[arg-type]
            if index is None:
                continue
            own_partition = self._key(index, "partition_key")
            if own_partition is not None and partition is not None and own_partition != partition:
                index.problem("partition_key", f"LSI '{name}' has partition key {own_partition}, but an LSI "
                                               f"shares the table's partition key {partition}; remove "
                                               "'partition_key' or make it a global index")
            sort_key = self._key(index, "sort_key", required=True)
            projection = self._projection(index)
            if sort_key and projection:
                result.append(LocalIndex(name, sort_key, projection))
        return result

    def _index_fields(self, parent: SourceDict, name: str, value: Any, kind: str, keys: tuple[str, ...],
                      table: str) -> Fields | None:
        line = parent.line_of(name)
        check_name(self.problems, parent.file, line, name, f"{kind}")
        if not isinstance(value, SourceDict):
            self.problems.append(Problem(parent.file, line, f"{kind} '{name}' of {table} must be a mapping "
                                         f"of its settings ({', '.join(keys)}), not {describe(value)}"))
            return None
        return Fields(value, f"{kind} '{name}' of {table}", keys, self.problems)

    def _stream(self, fields: Fields) -> StreamView | None:
        value = fields.raw("stream")
        if value is None or value is False:
            return None
        return fields.enum_value("stream", value, StreamView)

    def _encryption(self, fields: Fields) -> Encryption | None:
        value = fields.raw("encryption")
        if value is None:
            return None
        if isinstance(value, str):
            kind = fields.enum_value("encryption", value, EncryptionType)
            if kind is EncryptionType.CUSTOMER_MANAGED:
                fields.problem("encryption", "encryption CUSTOMER_MANAGED needs the key; write "
                                             "'encryption: {type: CUSTOMER_MANAGED, kms_key: arn:aws:kms:...}'")
                return None
            return Encryption(kind) if kind else None
        data = fields.mapping("encryption")
        if data is None:
            return None
        encryption = Fields(data, f"encryption of {fields.what}", ENCRYPTION_KEYS, self.problems)
        kind = encryption.choice("type", EncryptionType, required=True)
        key = encryption.string("kms_key", "arn:aws:kms:REGION:ACCOUNT:key/ID")
        if kind is EncryptionType.CUSTOMER_MANAGED and not key:
            encryption.problem(None, "encryption CUSTOMER_MANAGED needs 'kms_key: arn:aws:kms:...'")
            return None
        if kind is not EncryptionType.CUSTOMER_MANAGED and key:
            encryption.problem("kms_key", f"a kms_key is only used with CUSTOMER_MANAGED, not {kind}; remove it "
                                          "or write 'type: CUSTOMER_MANAGED'")
            return None
        return Encryption(kind, key) if kind else None

    # --- rules across the whole table ----------------------------------------------------

    def _check_table(self, fields: Fields, spec: TableSpec) -> None:
        self._check_attribute_types(fields, spec)
        names = [index.name for index in spec.global_indexes] + [index.name for index in spec.local_indexes]
        for name in sorted({n for n in names if names.count(n) > 1}):
            fields.problem("local_indexes", f"index name '{name}' is used by a GSI and an LSI of {fields.what}; "
                                            "index names must be unique within a table")
        projections = [index.projection for index in spec.global_indexes] + [
            index.projection for index in spec.local_indexes]
        projected = sum(len(projection.attributes) for projection in projections)
        if projected > limits.MAX_PROJECTED_ATTRIBUTES:
            fields.problem("global_indexes", f"{fields.what} projects {projected} non-key attributes over its "
                                             f"indexes; DynamoDB allows at most {limits.MAX_PROJECTED_ATTRIBUTES} "
                                             "(an attribute in two indexes counts twice): use ALL where you "
                                             "need many")
        if self.index_naming:
            for name in names:
                if not follows_convention(name, self.index_naming, spec.name):
                    line_key = "global_indexes" if spec.global_index(name) else "local_indexes"
                    fields.problem(line_key, f"index name '{name}' does not follow the convention "
                                             f"'{self.index_naming}'; name it like "
                                             f"'{example_name(self.index_naming, spec.name)}' "
                                             "(see docs/decisions)")

    def _check_attribute_types(self, fields: Fields, spec: TableSpec) -> None:
        seen: dict[str, tuple[AttributeType, str]] = {}
        owners = [("the table", spec.keys.attributes)]
        owners += [(f"GSI '{gsi.name}'", gsi.keys.attributes) for gsi in spec.global_indexes]
        owners += [(f"LSI '{lsi.name}'", (lsi.sort_key,)) for lsi in spec.local_indexes]
        for owner, attributes in owners:
            for attribute in attributes:
                first = seen.setdefault(attribute.name, (attribute.type, owner))
                if first[0] != attribute.type:
                    fields.problem("global_indexes", f"attribute '{attribute.name}' is type {first[0]} in "
                                                     f"{first[1]} but type {attribute.type} in {owner}; an "
                                                     "attribute has one type in a table: use the same type")


def _or(value: T | None, default: T) -> T:
    return default if value is None else value

