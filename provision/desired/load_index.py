"""Read and validate the parts a table and its indexes share: names, keys, capacity, and the indexes.

Part of the loader (`provision.desired.load_table`): every index rule DynamoDB would enforce is
checked here, before any call, with the file and line of the index or key at fault.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import Problem
from . import limits
from .fields import Fields, describe
from .model import (
    AttributeType,
    BillingMode,
    Capacity,
    GlobalIndex,
    KeyAttribute,
    KeySchema,
    LocalIndex,
    Projection,
    ProjectionType,
)
from .naming import conforming_name, follows_convention
from .yamlsrc import SourceDict

KEY_KEYS = ("name", "type")
GSI_KEYS = ("partition_key", "sort_key", "projection", "capacity")
LSI_KEYS = ("partition_key", "sort_key", "projection")
PROJECTION_KEYS = ("type", "attributes")
CAPACITY_KEYS = ("read", "write")


def name_problem(name: str, what: str) -> str | None:
    """Why DynamoDB would reject a table or index name (3 to 255 of A-Z a-z 0-9 _ . -); None if it is valid."""
    if len(name) > limits.NAME_MAX_LENGTH:
        return (f"{what} name '{name[:60]}...' has {len(name)} characters; DynamoDB needs "
                f"{limits.NAME_MIN_LENGTH} to {limits.NAME_MAX_LENGTH}: shorten the name")
    if len(name) < limits.NAME_MIN_LENGTH:
        return (f"{what} name '{name}' has {len(name)} characters; DynamoDB needs {limits.NAME_MIN_LENGTH} to "
                f"{limits.NAME_MAX_LENGTH}: use a longer name")
    if not limits.NAME_PATTERN.fullmatch(name):
        bad = sorted({char for char in name if not limits.NAME_PATTERN.fullmatch(char)})
        return (f"{what} name '{name}' contains {' '.join(repr(c) for c in bad)}; use only letters, digits, "
                "'_', '.' and '-'")
    return None


def check_name(problems: list[Problem], file: str, line: int, name: str, what: str) -> bool:
    """Report an invalid table or index name at `file:line`; whether the name is valid."""
    why = name_problem(name, what)
    if why is not None:
        problems.append(Problem(file, line, why))
    return why is None


def read_key(fields: Fields, key: str, required: bool = False) -> KeyAttribute | None:
    """A `{name: ..., type: S}` key; a key given but invalid is marked so dependent rules keep quiet."""
    data = fields.mapping(key, required=required, example="{name: tenantId, type: S}")
    if data is None:
        return None
    key_fields = Fields(data, f"{key} of {fields.what}", KEY_KEYS, fields.problems)
    name = key_fields.string("name", "tenantId", required=True)
    attribute_type = key_fields.choice("type", AttributeType, required=True)
    if name is not None and not 1 <= len(name) <= limits.ATTRIBUTE_NAME_MAX_LENGTH:
        key_fields.reject("name", f"attribute name in {key} must have 1 to {limits.ATTRIBUTE_NAME_MAX_LENGTH} "
                                  "characters; write a name such as 'tenantId'")
        name = None
    if name is None or attribute_type is None:
        fields.invalid.add(key)
        return None
    return KeyAttribute(name, attribute_type)


def read_capacity(fields: Fields, required: bool, mode: BillingMode | None) -> Capacity | None:
    """The capacity of a table or GSI; `mode` None means the billing mode was wrong (and reported)."""
    if mode is BillingMode.PAY_PER_REQUEST:
        if fields.has("capacity"):
            fields.reject("capacity", f"{fields.what} has capacity, but the table is billed PAY_PER_REQUEST "
                                      "(on demand); remove 'capacity' or set 'billing_mode: PROVISIONED' on "
                                      "the table")
        return None
    data = fields.mapping("capacity", required=required and mode is not None, example="{read: 5, write: 5}")
    if data is None:
        return None
    capacity = Fields(data, f"capacity of {fields.what}", CAPACITY_KEYS, fields.problems)
    read = capacity.integer("read", 1, "5", required=True)
    write = capacity.integer("write", 1, "5", required=True)
    return Capacity(read, write) if read and write else None


def index_data(fields: Fields, section: str, name: str) -> SourceDict | None:
    """The mapping of index `name` under `section` (global_indexes or local_indexes) of a table."""
    indexes = fields.raw(section)
    value = indexes.get(name) if isinstance(indexes, SourceDict) else None
    return value if isinstance(value, SourceDict) else None


class IndexReader:
    """Builds the GSIs and LSIs of one table, appending every mistake to `problems`."""

    def __init__(self, problems: list[Problem], index_naming: str | None) -> None:
        self.problems = problems
        self.index_naming = index_naming

    def global_indexes(self, fields: Fields, table: str, mode: BillingMode | None,
                       table_partition: KeyAttribute | None = None) -> list[GlobalIndex]:
        data = fields.mapping("global_indexes")
        result: list[GlobalIndex] = []
        for name, value in (data or {}).items():
            index = self._index_fields(fields, "global_indexes", name, value, table)
            if index is None:
                self._check_convention(fields, "global_indexes", name, table)
                continue
            partition = read_key(index, "partition_key", required=True)
            sort = read_key(index, "sort_key")
            keys = [k.name for k in (partition, sort) if k is not None]
            self._check_convention(fields, "global_indexes", name, table, keys,
                                   table_partition.name if table_partition else None)
            projection = self._projection(index)
            capacity = read_capacity(index, required=True, mode=mode)
            if partition and projection:
                result.append(GlobalIndex(name, KeySchema(partition, sort), projection, capacity))
        if data is not None and len(data) > limits.MAX_GLOBAL_INDEXES:
            fields.problem("global_indexes", f"{fields.what} has {len(data)} GSIs; DynamoDB allows at most "
                                             f"{limits.MAX_GLOBAL_INDEXES} per table: split the access patterns "
                                             "over fewer indexes (one GSI can serve several with a generic key), "
                                             "or use a second table")
        return result

    def local_indexes(self, fields: Fields, table: str, partition: KeyAttribute | None,
                      sort: KeyAttribute | None) -> list[LocalIndex]:
        data = fields.mapping("local_indexes")
        result: list[LocalIndex] = []
        if data and sort is None and not fields.doubtful("sort_key"):
            fields.problem("local_indexes", f"{fields.what} has local indexes but no sort key; an LSI needs a "
                                            "table with a sort key: add 'sort_key' or make them global_indexes")
        if data is not None and len(data) > limits.MAX_LOCAL_INDEXES:
            fields.problem("local_indexes", f"{fields.what} has {len(data)} LSIs; DynamoDB allows at most "
                                            f"{limits.MAX_LOCAL_INDEXES} per table: make the others global "
                                            "indexes (global_indexes)")
        for name, value in (data or {}).items():
            index = self._index_fields(fields, "local_indexes", name, value, table)
            if index is None:
                self._check_convention(fields, "local_indexes", name, table)
                continue
            own_partition = read_key(index, "partition_key")
            if own_partition is not None and partition is not None and own_partition != partition:
                index.problem("partition_key", f"LSI '{name}' has partition key {own_partition}, but an LSI "
                                               f"shares the table's partition key {partition}; remove "
                                               "'partition_key' or make it a global index")
            sort_key = read_key(index, "sort_key", required=True)
            keys = [k.name for k in (partition, sort_key) if k is not None]
            self._check_convention(fields, "local_indexes", name, table, keys if sort_key else [],
                                   partition.name if partition else None)
            projection = self._projection(index)
            if sort_key and projection:
                result.append(LocalIndex(name, sort_key, projection))
        self._check_shared_names(fields)
        return result

    def _check_shared_names(self, fields: Fields) -> None:
        """A GSI and an LSI may not share a name; reported at the LSI."""
        global_indexes, local_indexes = fields.raw("global_indexes"), fields.raw("local_indexes")
        if not isinstance(global_indexes, SourceDict) or not isinstance(local_indexes, SourceDict):
            return
        for name in local_indexes:
            if name in global_indexes:
                self.problems.append(Problem(local_indexes.file, local_indexes.line_of(name),
                                             f"index name '{name}' is used by a GSI and an LSI of {fields.what} "
                                             f"(the GSI on line {global_indexes.line_of(name)}); index names must "
                                             "be unique within a table: rename one of them"))

    def _index_fields(self, fields: Fields, section: str, name: str, value: Any, table: str) -> Fields | None:
        parent: SourceDict = fields.raw(section)
        kind, keys = ("GSI", GSI_KEYS) if section == "global_indexes" else ("LSI", LSI_KEYS)
        line = parent.line_of(name)
        check_name(self.problems, parent.file, line, name, kind)
        if not isinstance(value, SourceDict):
            self.problems.append(Problem(parent.file, line, f"{kind} '{name}' of {fields.what} must be a mapping "
                                         f"of its settings ({', '.join(keys)}), not {describe(value)}"))
            return None
        return Fields(value, f"{kind} '{name}' of {fields.what}", keys, self.problems)

    def _check_convention(self, fields: Fields, section: str, name: str, table: str, keys: Sequence[str] = (),
                          table_partition: str | None = None) -> None:
        """A valid name that breaks the convention, at its line, with a conforming name built from the index's own
        keys (or, when they cannot be read, its words), never a name of another index."""
        if not self.index_naming or name_problem(name, "index") or follows_convention(name, self.index_naming, table):
            return
        parent: SourceDict = fields.raw(section)
        taken = [n for other in ("global_indexes", "local_indexes")
                 if isinstance(names := fields.raw(other), SourceDict) for n in names]
        suggested = conforming_name(self.index_naming, table, name, keys, table_partition, taken)
        self.problems.append(Problem(parent.file, parent.line_of(name), f"index name '{name}' does not follow the "
                                     f"convention '{self.index_naming}'; name it '{suggested}' (from "
                                     f"{'its keys' if keys else 'its name'}; see docs/decisions)"))

    def _projection(self, fields: Fields) -> Projection | None:
        value = fields.raw("projection")
        if value is None:
            fields.require("projection", "ALL")
            return None
        if isinstance(value, str):
            return self._projection_word(fields, value)
        data = fields.mapping("projection")
        if data is None:
            return None
        projection = Fields(data, f"projection of {fields.what}", PROJECTION_KEYS, self.problems)
        kind = projection.choice("type", ProjectionType, required=True)
        attributes = projection.string_list("attributes", "[orderTotal, status]") or []
        if kind is ProjectionType.INCLUDE and not attributes and not projection.doubtful("attributes"):
            projection.problem("attributes" if projection.has("attributes") else "type",
                               f"projection INCLUDE in {fields.what} lists no attributes; add "
                               "'attributes: [a, b]' or use 'projection: KEYS_ONLY'")
            return None
        if kind in (ProjectionType.ALL, ProjectionType.KEYS_ONLY) and attributes:
            projection.problem("attributes", f"projection {kind} in {fields.what} takes no attributes; "
                                             "remove 'attributes' or use 'type: INCLUDE'")
            return None
        if len(set(attributes)) != len(attributes):
            twice = sorted({a for a in attributes if attributes.count(a) > 1})
            projection.problem("attributes", f"attribute {', '.join(repr(a) for a in twice)} is listed twice in "
                                             f"the projection of {fields.what}; list each attribute once")
        return Projection(kind, frozenset(attributes)) if kind else None

    def _projection_word(self, fields: Fields, value: str) -> Projection | None:
        kind = fields.enum_value("projection", value, ProjectionType)
        if kind is ProjectionType.INCLUDE:
            fields.problem("projection", f"projection INCLUDE in {fields.what} needs the attributes to include; "
                                         "write 'projection: {type: INCLUDE, attributes: [a, b]}'")
            return None
        return Projection(kind) if kind else None
