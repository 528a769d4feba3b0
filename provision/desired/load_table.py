"""Read and validate one table of the contracts (and the `defaults` every table inherits).

Part of the loader (`provision.desired.load`): every rule DynamoDB would enforce on a table is
checked here (its keys and indexes in `provision.desired.load_index`), before any call, with the
file and line of the mistake.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

from ..errors import Problem
from . import limits
from .fields import Fields, describe
from .load_alarms import read_alarms
from .load_index import IndexReader, check_name, index_data, read_capacity, read_key
from .load_replicas import read_replicas
from .model import (
    AlarmRule,
    AttributeType,
    Billing,
    BillingMode,
    Encryption,
    EncryptionType,
    KeyAttribute,
    KeySchema,
    Location,
    StreamView,
    TableClass,
    TableSpec,
)
from .stack import OWNERSHIP_TAG, OWNERSHIP_TAG_KEY, OWNERSHIP_TAG_VALUE
from .yamlsrc import SourceDict

T = TypeVar("T")

DEFAULT_KEYS = ("billing_mode", "stream", "encryption", "point_in_time_recovery", "deletion_protection",
                "table_class", "tags", "alarms")
TABLE_KEYS = ("description", "partition_key", "sort_key", "global_indexes", "local_indexes", "billing_mode",
              "capacity", "stream", "encryption", "point_in_time_recovery", "ttl_attribute",
              "deletion_protection", "table_class", "tags", "alarms", "replicas")
ENCRYPTION_KEYS = ("type", "kms_key")


@dataclass(frozen=True)
class TableDefaults:
    """What every table gets unless it says otherwise (the `defaults:` section)."""

    billing_mode: BillingMode | None = BillingMode.PAY_PER_REQUEST  # None: the defaults' one was wrong
    stream: StreamView | None = None
    encryption: Encryption = Encryption(EncryptionType.AWS_OWNED)
    point_in_time_recovery: bool = False
    deletion_protection: bool = False
    table_class: TableClass = TableClass.STANDARD
    tags: dict[str, str] = field(default_factory=dict)
    alarms: tuple[AlarmRule, ...] = ()


def check_tags(problems: list[Problem], file: str, line: int, tags: dict[str, str]) -> None:
    count = len({**tags, OWNERSHIP_TAG_KEY: OWNERSHIP_TAG_VALUE})  # the provisioner adds the ownership tag
    if count > limits.MAX_TAGS:
        problems.append(Problem(file, line, f"{count} tags with {OWNERSHIP_TAG}, which every table gets; AWS "
                                f"allows at most {limits.MAX_TAGS}: remove {count - limits.MAX_TAGS} of them"))
    for key, value in tags.items():
        if key.lower().startswith("aws:"):
            problems.append(Problem(file, line, f"tag '{key}' uses the reserved prefix 'aws:'; choose another key"))
        if len(key) > limits.TAG_KEY_MAX_LENGTH or len(value) > limits.TAG_VALUE_MAX_LENGTH:
            problems.append(Problem(file, line, f"tag '{key[:40]}' is too long: keys take at most "
                                    f"{limits.TAG_KEY_MAX_LENGTH} characters, values {limits.TAG_VALUE_MAX_LENGTH}; "
                                    "shorten it"))


def check_ownership_tag(problems: list[Problem], file: str, line: int, tags: dict[str, str]) -> None:
    """Tags written in one place may not give the ownership tag another value (checked where written, once)."""
    if tags.get(OWNERSHIP_TAG_KEY, OWNERSHIP_TAG_VALUE) != OWNERSHIP_TAG_VALUE:
        problems.append(Problem(file, line, f"tag {OWNERSHIP_TAG_KEY} is '{tags[OWNERSHIP_TAG_KEY]}', but the "
                                f"provisioner tags every table it manages {OWNERSHIP_TAG} (that is how it tells its "
                                f"tables from other teams'): remove {OWNERSHIP_TAG_KEY} here or set it to "
                                f"{OWNERSHIP_TAG_VALUE}"))


class TableReader:
    """Builds `TableSpec`s from YAML, appending every mistake to `problems`."""

    def __init__(self, problems: list[Problem], defaults: TableDefaults, index_naming: str | None) -> None:
        self.problems = problems
        self.defaults = defaults
        self.indexes = IndexReader(problems, index_naming)

    # --- the defaults section -------------------------------------------------------------

    @classmethod
    def read_defaults(cls, data: SourceDict, problems: list[Problem]) -> TableDefaults:
        fields = Fields(data, "defaults", DEFAULT_KEYS, problems)
        base = TableDefaults()
        reader = cls(problems, base, None)
        tags = fields.string_map("tags") or {}
        check_tags(problems, fields.file, fields.line("tags"), tags)
        check_ownership_tag(problems, fields.file, fields.line("tags"), tags)
        billing_mode = _or(fields.choice("billing_mode", BillingMode), base.billing_mode)
        return TableDefaults(
            billing_mode=None if fields.doubtful("billing_mode") else billing_mode,
            stream=reader._stream(fields) if fields.has("stream") else base.stream,
            encryption=_or(reader._encryption(fields), base.encryption),
            point_in_time_recovery=_or(fields.boolean("point_in_time_recovery"), base.point_in_time_recovery),
            deletion_protection=_or(fields.boolean("deletion_protection"), base.deletion_protection),
            table_class=_or(fields.choice("table_class", TableClass), base.table_class),
            tags=tags,
            alarms=read_alarms(fields),
        )

    # --- one table ------------------------------------------------------------------------

    def read(self, name: str, data: Any, where: Location) -> TableSpec | None:
        check_name(self.problems, where.file, where.line, name, "table")
        if not isinstance(data, SourceDict):
            self.problems.append(Problem(where.file, where.line, f"table '{name}' must be a mapping of its "
                                         f"settings (partition_key, ...), not {describe(data)}"))
            return None
        fields = Fields(data, f"table '{name}'", TABLE_KEYS, self.problems)
        partition = read_key(fields, "partition_key", required=True)
        sort = read_key(fields, "sort_key")
        billing, mode = self._billing(fields)
        gsis = self.indexes.global_indexes(fields, name, mode, partition)
        lsis = self.indexes.local_indexes(fields, name, partition, sort)
        own_tags = fields.string_map("tags") or {}
        check_ownership_tag(self.problems, fields.file, fields.line("tags"), own_tags)
        tags = {**self.defaults.tags, **own_tags}
        check_tags(self.problems, fields.file, fields.line("tags"), tags)
        if partition is None:
            return None
        encryption = _or(self._encryption(fields), self.defaults.encryption)
        spec = TableSpec(
            name=name,
            keys=KeySchema(partition, sort),
            global_indexes=tuple(gsis),
            local_indexes=tuple(lsis),
            billing=billing,
            stream=self._stream(fields) if fields.has("stream") else self.defaults.stream,
            encryption=encryption,
            point_in_time_recovery=_or(fields.boolean("point_in_time_recovery"),
                                       self.defaults.point_in_time_recovery),
            ttl_attribute=fields.string("ttl_attribute", "expiresAt"),
            deletion_protection=_or(fields.boolean("deletion_protection"), self.defaults.deletion_protection),
            table_class=_or(fields.choice("table_class", TableClass), self.defaults.table_class),
            tags=tags,
            alarms=read_alarms(fields, self.defaults.alarms),
            replicas=read_replicas(fields, encryption),
            description=fields.string("description", "what the table holds") or "",
            source=where,
        )
        self._check_table(fields, spec)
        return spec

    def _billing(self, fields: Fields) -> tuple[Billing, BillingMode | None]:
        """The table's billing, and its mode: None if the mode (or the defaults' one) was wrong and reported,
        so whether capacity is needed is not judged."""
        mode = _or(fields.choice("billing_mode", BillingMode), self.defaults.billing_mode)
        if fields.doubtful("billing_mode"):
            mode = None
        capacity = read_capacity(fields, required=True, mode=mode)
        return Billing(mode or BillingMode.PAY_PER_REQUEST, capacity), mode

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
        if kind is EncryptionType.CUSTOMER_MANAGED and not key and not encryption.doubtful("kms_key"):
            encryption.problem(None, "encryption CUSTOMER_MANAGED needs the key; add "
                                     "'kms_key: arn:aws:kms:REGION:ACCOUNT:key/ID'")
            return None
        if kind is not None and kind is not EncryptionType.CUSTOMER_MANAGED and key:
            encryption.problem("kms_key", f"a kms_key is only used with CUSTOMER_MANAGED, not {kind}; remove it "
                                          "or write 'type: CUSTOMER_MANAGED'")
            return None
        return Encryption(kind, key) if kind else None

    # --- rules across the whole table ----------------------------------------------------

    def _check_table(self, fields: Fields, spec: TableSpec) -> None:
        uses = self._key_uses(fields, spec)
        self._check_attribute_types(uses)
        self._check_ttl(fields, spec, uses)
        projections = [index.projection for index in spec.global_indexes] + [
            index.projection for index in spec.local_indexes]
        projected = sum(len(projection.attributes) for projection in projections)
        if projected > limits.MAX_PROJECTED_ATTRIBUTES:
            section = "global_indexes" if fields.has("global_indexes") else "local_indexes"
            fields.problem(section, f"{fields.what} projects {projected} non-key attributes over its indexes; "
                                    f"DynamoDB allows at most {limits.MAX_PROJECTED_ATTRIBUTES} (an attribute in "
                                    "two indexes counts twice): use projection ALL on an index that needs many "
                                    "attributes, or KEYS_ONLY where the keys are enough")

    def _check_attribute_types(self, uses: list[_KeyUse]) -> None:
        """A key schema has two different attributes, and an attribute one type in a table; a mistake is
        reported at the key that breaks the rule."""
        seen: dict[str, tuple[AttributeType, str]] = {}
        for use in uses:
            attribute = use.attribute
            if attribute.name == use.partition:
                self.problems.append(Problem(use.file, use.line, f"{use.owner} uses '{attribute.name}' as both "
                                             "partition key and sort key; DynamoDB needs two different attributes: "
                                             "choose another sort key, or remove 'sort_key'"))
                continue
            first = seen.setdefault(attribute.name, (attribute.type, use.owner))
            if first[0] != attribute.type:
                self.problems.append(Problem(use.file, use.line, f"attribute '{attribute.name}' is type {first[0]} "
                                             f"in {first[1]} but type {attribute.type} in {use.owner}; an attribute "
                                             f"has one type in a table: use the same type ({first[0]})"))

    def _check_ttl(self, fields: Fields, spec: TableSpec, uses: list[_KeyUse]) -> None:
        """TTL deletes an item once its TTL attribute holds a Number of epoch seconds in the past. A key
        attribute of type S or B always holds text or bytes (DynamoDB refuses any other type there), so
        with it as TTL attribute no item would ever expire."""
        name = spec.ttl_attribute
        key = next((use for use in uses if use.attribute.name == name and use.attribute.type is not AttributeType.N),
                   None)
        if key is None:
            return
        role = "partition key" if key.partition is None else "sort key"
        example = "expiresAt" if name != "expiresAt" else "expiresAtEpoch"
        fields.problem("ttl_attribute", f"ttl_attribute '{name}' is the {role} of {key.owner}, of type "
                                        f"{key.attribute.type}, so no item would ever expire: TTL needs a Number "
                                        f"of epoch seconds; use a separate Number attribute, e.g. "
                                        f"'ttl_attribute: {example}'")

    def _key_uses(self, fields: Fields, spec: TableSpec) -> list[_KeyUse]:
        """Every key attribute of the table and its indexes, with the line of its key."""
        uses = [_KeyUse("the table", spec.keys.partition, fields.file, fields.line("partition_key"))]
        if spec.keys.sort is not None:
            uses.append(_KeyUse("the table", spec.keys.sort, fields.file, fields.line("sort_key"),
                                spec.keys.partition.name))
        for gsi in spec.global_indexes:
            data = index_data(fields, "global_indexes", gsi.name)
            if data is not None:
                owner = f"GSI '{gsi.name}'"
                uses.append(_KeyUse(owner, gsi.keys.partition, data.file, data.line_of("partition_key")))
                if gsi.keys.sort is not None:
                    uses.append(_KeyUse(owner, gsi.keys.sort, data.file, data.line_of("sort_key"),
                                        gsi.keys.partition.name))
        for lsi in spec.local_indexes:
            data = index_data(fields, "local_indexes", lsi.name)
            if data is not None:
                uses.append(_KeyUse(f"LSI '{lsi.name}'", lsi.sort_key, data.file,
                                    data.line_of("sort_key"), spec.keys.partition.name))
        return uses


@dataclass(frozen=True)
class _KeyUse:
    """One key attribute of a table or index: whose, where it is written, and (for a sort key) its partition key."""

    owner: str
    attribute: KeyAttribute
    file: str
    line: int
    partition: str | None = None


def _or(value: T | None, default: T) -> T:
    return default if value is None else value
