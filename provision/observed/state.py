"""The observed state: what an environment holds, as typed values, whoever read it.

A backend reader (`provision.observed.live`) builds it today from boto3 responses; a Terraform
reader can build the same thing from HCL or plan JSON later. Checks and the diff only
ever see this model, never raw API responses.

A field the source cannot report holds `Unverifiable(reason)` instead of a guess.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import TypeVar

from ..desired.model import (
    Billing,
    Capacity,
    EncryptionType,
    KeyAttribute,
    KeySchema,
    Projection,
    StreamView,
    TableClass,
)
from .origin import Origin
from .unverifiable import (
    Maybe as Maybe,  # re-exported: the model's users find them here
)
from .unverifiable import Unknowable as Unknowable
from .unverifiable import Unverifiable as Unverifiable
from .unverifiable import all_of as all_of
from .unverifiable import any_of as any_of
from .unverifiable import input_unknown as input_unknown
from .unverifiable import known as known
from .unverifiable import known_tags as known_tags
from .unverifiable import negated as negated

T = TypeVar("T")


@dataclass(frozen=True)
class UnreadKey:
    """A key attribute a source reported only in part: its name without its type (moto, after an UpdateTable
    that gave other AttributeDefinitions), or not even its name (`name` None). A claim on what is missing is
    unverifiable, with `why`; one on a name known to differ is not."""

    name: str | None
    why: Unverifiable

    @property
    def type(self) -> Unverifiable:
        return self.why

    def __str__(self) -> str:
        return "a key not reported" if self.name is None else f"{self.name} (type not reported)"


@dataclass(frozen=True)
class PartialKeys:
    """A key schema read in part: some key's type or name was not reported. `sort` None: no sort key."""

    partition: KeyAttribute | UnreadKey
    sort: KeyAttribute | UnreadKey | None = None

    @property
    def attributes(self) -> tuple[KeyAttribute | UnreadKey, ...]:
        return (self.partition,) if self.sort is None else (self.partition, self.sort)

    @property
    def unread(self) -> Unverifiable:
        """Why the schema is not known in full (the first key read in part)."""
        return next(a.why for a in self.attributes if isinstance(a, UnreadKey))

    @property
    def names_known(self) -> bool:
        return all(a.name is not None for a in self.attributes)

    def __str__(self) -> str:
        return f"partition {self.partition}" + ("" if self.sort is None else f", sort {self.sort}")


Keys = KeySchema | PartialKeys


def key_schema(partition: KeyAttribute | UnreadKey, sort: KeyAttribute | UnreadKey | None = None) -> Keys:
    """The keys as read: a `KeySchema` when every key is known in full, else `PartialKeys`."""
    if isinstance(partition, UnreadKey) or isinstance(sort, UnreadKey):
        return PartialKeys(partition, sort)
    return KeySchema(partition, sort)


def key_agrees(seen: KeyAttribute | UnreadKey | None, wanted: KeyAttribute | None) -> bool:
    """Whether what was read of a key contradicts nothing of `wanted` (an unread name or type contradicts
    nothing); for a plan, which changes no key in place either way."""
    if isinstance(seen, UnreadKey):
        return wanted is not None and seen.name in (None, wanted.name)
    return seen == wanted


def keys_agree(seen: Keys, wanted: KeySchema) -> bool:
    if isinstance(seen, KeySchema):
        return seen == wanted
    if isinstance(seen.sort, UnreadKey) and seen.sort.name is None and wanted.sort is None:
        return key_agrees(seen.partition, wanted.partition)  # whether there is a sort key is not known
    return key_agrees(seen.partition, wanted.partition) and key_agrees(seen.sort, wanted.sort)


@dataclass(frozen=True)
class ObservedIndex:
    """A GSI as read; a static source may know its name but not its keys, projection or capacity."""

    name: str
    keys: Keys | Unverifiable
    projection: Projection | Unverifiable
    status: str = "ACTIVE"
    capacity: Capacity | Unverifiable | None = None


@dataclass(frozen=True)
class ObservedLocalIndex:
    name: str
    sort_key: KeyAttribute | UnreadKey
    projection: Projection | Unverifiable


@dataclass(frozen=True)
class ObservedEncryption:
    """Encryption at rest as reported: an AWS owned key, or a KMS key managed by AWS or a customer."""

    kms_key_arn: str | Unverifiable | None = None  # None: the AWS owned key; Unverifiable: a KMS key, which one
    # is known only after apply (a key created in the same Terraform, `aws_kms_key.x.arn`)
    key_manager: str | Unverifiable | None = None  # "AWS" or "CUSTOMER", for a KMS key

    @property
    def type(self) -> EncryptionType | Unverifiable:
        if self.kms_key_arn is None:
            return EncryptionType.AWS_OWNED
        if isinstance(self.key_manager, Unverifiable):
            return self.key_manager
        return EncryptionType.AWS_MANAGED if self.key_manager == "AWS" else EncryptionType.CUSTOMER_MANAGED

    def __str__(self) -> str:
        if self.kms_key_arn is None:
            return EncryptionType.AWS_OWNED.value
        kind = "KMS" if isinstance(self.type, Unverifiable) else self.type.value
        key = "its ARN known only after apply" if isinstance(self.kms_key_arn, Unverifiable) else self.kms_key_arn
        return f"{kind} ({key})"


@dataclass(frozen=True)
class ObservedReplica:
    """A global table's replica in another region, as read; what a source cannot tell is `Unverifiable`."""

    region: str
    status: str = "ACTIVE"
    kms_key_arn: str | Unverifiable | None = None  # None: the table's kind of key, AWS's in that region
    point_in_time_recovery: bool | Unverifiable = False
    propagate_tags: bool | Unverifiable = False


# The settings of a table a static source may give elsewhere than where the table is written (`given_at`).
SETTINGS = ("keys", "gsis", "billing", "stream", "encryption", "pitr", "ttl", "deletion_protection", "table_class",
            "tags", "replicas")


@dataclass(frozen=True)
class ObservedTable:
    name: str
    status: str | Unverifiable
    keys: Keys
    arn: str = ""
    global_indexes: Mapping[str, ObservedIndex] = field(default_factory=dict)
    local_indexes: Mapping[str, ObservedLocalIndex] = field(default_factory=dict)
    billing: Billing | Unverifiable | None = None
    stream: StreamView | Unverifiable | None = None
    encryption: ObservedEncryption | Unverifiable | None = None
    point_in_time_recovery: bool | Unverifiable = False
    ttl_attribute: str | Unverifiable | None = None
    deletion_protection: bool | Unverifiable = False
    table_class: TableClass | Unverifiable = TableClass.STANDARD
    tags: Mapping[str, str | Unverifiable] | Unverifiable = field(default_factory=dict)  # one tag's value may be
    # unknown (Unverifiable) where the others are known; the whole map, where its keys are not known
    defined_at: str = ""  # where a static source defines it: "infra/sit/dynamodb.tf:12 (aws_dynamodb_table.orders)"
    other_indexes: Unverifiable | None = None  # the source may hold GSIs it cannot name (a `dynamic` block over
    # an unknown value): an index not in `global_indexes` is then unknown, not missing
    other_local_indexes: Unverifiable | None = None  # the same for LSIs (an answer naming an LSI without its name)
    replicas: tuple[ObservedReplica | Unverifiable, ...] | Unverifiable = ()  # an Unverifiable among them: replicas
    # in regions not known (a `dynamic "replica"` over an unknown value); whole: the source cannot report replicas
    given_at: Mapping[str, str] = field(default_factory=dict)  # where a static source gives a setting's value, where
    # not at `defined_at` (a module's argument): by setting (SETTINGS), "main.tf:78 (argument gsis of module.users)"

    @property
    def active(self) -> bool:
        return self.status == "ACTIVE" and all(i.status == "ACTIVE" for i in self.global_indexes.values())

    def attribute_types(self) -> dict[str, str]:
        """The type of every key attribute of the table and its indexes whose type the source reported."""
        keys = [*self.keys.attributes,
                *(a for i in self.global_indexes.values() if not isinstance(i.keys, Unverifiable)
                  for a in i.keys.attributes),
                *(i.sort_key for i in self.local_indexes.values())]
        return {a.name: a.type.value for a in keys if isinstance(a, KeyAttribute)}

    def unread_keys(self, index: str | None = None) -> Unverifiable | None:
        """Why the names of the table's keys (or of `index`'s, GSI or LSI) are not all known, or None."""
        found = self.global_indexes.get(index) if index else None
        local = self.local_indexes.get(index) if index else None
        keys = found.keys if found else key_schema(self.keys.partition, local.sort_key) if local else self.keys
        if isinstance(keys, Unverifiable):
            return keys
        if isinstance(keys, PartialKeys) and not keys.names_known:
            return keys.unread
        return None


@dataclass(frozen=True)
class TagCondition:
    """One tag test of a backup selection: `aws:ResourceTag/KEY` compared with VALUE."""

    key: str
    value: str
    operator: str = "StringEquals"  # StringEquals | StringLike | StringNotEquals | StringNotLike


@dataclass(frozen=True)
class ObservedSelection:
    """A backup selection: the resources it names (ARN, wildcard) and its tag conditions.

    An entry a static source cannot know (a Terraform reference known only after apply, a `dynamic` block over an
    unknown value) is an `Unverifiable` in its place: it could be any resource, or any condition, and no other.
    """

    name: str
    selection_id: str = ""
    resources: tuple[str | Unverifiable, ...] = ()
    not_resources: tuple[str | Unverifiable, ...] = ()
    any_tags: tuple[TagCondition | Unverifiable, ...] = ()  # ListOfTags: a resource matching any is selected
    all_tags: tuple[TagCondition | Unverifiable, ...] = ()  # Conditions: a selected resource must match all
    iam_role_arn: str = ""

    @property
    def unknown(self) -> Unverifiable | None:
        """Why some entry of the selection is not known, or None when all are."""
        entries = (*self.resources, *self.not_resources, *self.any_tags, *self.all_tags)
        return next((e for e in entries if isinstance(e, Unverifiable)), None)


@dataclass(frozen=True)
class ObservedRule:
    """A backup rule; a static source may not know some of its values (a `dynamic "lifecycle"` over an unknown)."""

    name: str | Unverifiable
    vault: str | Unverifiable
    schedule: str | Unverifiable
    retention_days: int | Unverifiable | None
    cold_storage_after_days: int | Unverifiable | None = None

    @property
    def unknown(self) -> Unverifiable | None:
        values = (self.name, self.vault, self.schedule, self.retention_days, self.cold_storage_after_days)
        return next((v for v in values if isinstance(v, Unverifiable)), None)


@dataclass(frozen=True)
class ObservedPlan:
    """A backup plan: its rules (an `Unverifiable` stands for rules a static source cannot see, a `dynamic "rule"`
    over an unknown value) and its selections."""

    name: str
    plan_id: str
    rules: tuple[ObservedRule | Unverifiable, ...]
    selections: tuple[ObservedSelection, ...] | Unverifiable = ()
    defined_at: str = ""  # where a static source defines it: "infra/backup.tf:5 (aws_backup_plan.daily)"


@dataclass(frozen=True)
class ObservedVault:
    name: str
    kms_key_arn: str | Unverifiable | None = None  # None: AWS Backup's own key; Unverifiable: a key known after apply


@dataclass(frozen=True)
class ObservedBackups:
    vaults: Mapping[str, ObservedVault] | Unverifiable = field(default_factory=dict)
    plans: Mapping[str, ObservedPlan] | Unverifiable = field(default_factory=dict)


@dataclass(frozen=True)
class ObservedAlarm:
    """A CloudWatch alarm on one DynamoDB metric of a table, as read; a static source may not know some values
    (an `Unverifiable` in their place: a threshold from a variable with no value, a topic created with the alarm)."""

    name: str
    metric: str | Unverifiable
    table: str | Unverifiable | None  # the TableName dimension
    threshold: float | Unverifiable
    period_seconds: int | Unverifiable
    evaluation_periods: int | Unverifiable
    comparison: str | Unverifiable
    statistic: str | Unverifiable
    actions: tuple[str | Unverifiable, ...] = ()
    state: str = "INSUFFICIENT_DATA"  # OK | ALARM | INSUFFICIENT_DATA
    defined_at: str = ""  # where a static source defines it: "infra/alarms.tf:3 (aws_cloudwatch_metric_alarm.x)"


def only(name: str) -> str:
    """The fnmatch pattern that matches `name` and nothing else."""
    return re.sub(r"([*?[])", r"[\1]", name)


@dataclass(frozen=True)
class Unresolved:
    """Something a static source could not follow and that may define more (a Terraform module call, a
    data source, a `for_each` over an unknown value): what it may define is unknown there, not missing."""

    construct: str  # 'module "dynamodb"', 'aws_dynamodb_table.orders (for_each over var.tables)'
    where: str  # file:line
    reason: str  # why, and what to do instead
    types: tuple[str, ...] = ()  # the kinds it may define: "table", "gsi", "vault", "plan", "alarm"; empty: any
    names: tuple[str, ...] | None = None  # the physical names of what it may define, as fnmatch patterns
    # ("audit-*-sit", from a name known but for each.key); None: any name. For "gsi": the names of the tables it may
    # add indexes to

    def may_define(self, kind: str, name: str | None = None) -> bool:
        """Whether it may define something of `kind` (named `name`, where the thing is looked up by its name)."""
        if self.types and kind not in self.types:
            return False
        return name is None or self.names is None or any(fnmatchcase(name, p) for p in self.names)

    @property
    def short(self) -> str:
        """The construct and where it is: 'module "extra" at infra/main.tf:3'."""
        return f"{self.construct} at {self.where}"

    def __str__(self) -> str:
        return f"{self.construct} at {self.where}: {self.reason}"


@dataclass(frozen=True)
class ObservedState:
    """One environment as read at one moment: its tables (by physical name) and backups."""

    origin: Origin  # where it came from: the kind of source, the backend read, the folder or file
    environment: str
    tables: Mapping[str, ObservedTable]
    backups: ObservedBackups = ObservedBackups()
    unresolved: tuple[Unresolved, ...] = ()  # what a static source could not follow
    alarms: Mapping[str, ObservedAlarm] | Unverifiable | None = None  # None: this source reads no alarms
    notes: tuple[str, ...] = ()  # what its reader wants said that is no check's finding ("... is a Terraform state",
    # two tables of one name)

    @property
    def source(self) -> str:
        """The word the outputs use for where it came from (moto, schema, terraform): `origin.label`."""
        return self.origin.label

    def unread_alarms(self) -> Unverifiable:
        """Why a source that reads no alarms (alarms is None) cannot tell them."""
        return Unverifiable(self.source, "this source reads no CloudWatch alarms")

    def hiding(self, kind: str, name: str | None = None) -> list[Unresolved]:
        """What the source could not follow that may define something of `kind` not here (named `name`: a table,
        vault or plan looked up by its physical name; a GSI by its table's)."""
        return [u for u in self.unresolved if u.may_define(kind, name)]

    def unseen_indexes(self, table: ObservedTable) -> Unverifiable | None:
        """Why a table may have GSIs not among those read: a `dynamic` block over an unknown value, or something
        not followed that may add indexes to it (an index resource over an unknown `for_each`, a module call)."""
        return table.other_indexes or self.hidden("gsi", table.name)

    def hidden(self, kind: str, name: str | None = None) -> Unverifiable | None:
        """Why something of `kind` ("table", "gsi", "vault", "plan", "alarm") not here, named `name` where it is
        looked up by name, may still be defined, or None."""
        found = self.hiding(kind, name)
        if not found:
            return None
        return input_unknown(self.source, "; ".join(str(u) for u in found))  # only Terraform readers leave these
