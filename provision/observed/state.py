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
from typing import TypeVar

from provision.desired.model import (
    Billing,
    Capacity,
    EncryptionType,
    KeyAttribute,
    KeySchema,
    Projection,
    StreamView,
    TableClass,
)

T = TypeVar("T")


@dataclass(frozen=True)
class Unverifiable:
    """A fact this source cannot report, and why (`unverifiable on moto: ...`)."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"unverifiable on {self.source}: {self.reason}"


def known(value: T | Unverifiable) -> bool:
    return not isinstance(value, Unverifiable)


@dataclass(frozen=True)
class ObservedIndex:
    name: str
    keys: KeySchema
    projection: Projection
    status: str = "ACTIVE"
    capacity: Capacity | None = None


@dataclass(frozen=True)
class ObservedLocalIndex:
    name: str
    sort_key: KeyAttribute
    projection: Projection


@dataclass(frozen=True)
class ObservedEncryption:
    """Encryption at rest as reported: an AWS owned key, or a KMS key managed by AWS or a customer."""

    kms_key_arn: str | None = None  # None: the AWS owned key
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
        return f"{kind} ({self.kms_key_arn})"


@dataclass(frozen=True)
class ObservedTable:
    name: str
    status: str
    keys: KeySchema
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
    tags: Mapping[str, str] | Unverifiable = field(default_factory=dict)
    defined_at: str = ""  # where a static source defines it: "infra/sit/dynamodb.tf:12 (aws_dynamodb_table.orders)"
    other_indexes: Unverifiable | None = None  # the source may hold GSIs it cannot name (a `dynamic` block over
    # an unknown value): an index not in `global_indexes` is then unknown, not missing

    @property
    def active(self) -> bool:
        return self.status == "ACTIVE" and all(i.status == "ACTIVE" for i in self.global_indexes.values())

    def attribute_types(self) -> dict[str, str]:
        """The type of every key attribute of the table and its indexes."""
        found = {a.name: a.type.value for a in self.keys.attributes}
        for index in self.global_indexes.values():
            found.update({a.name: a.type.value for a in index.keys.attributes})
        for local in self.local_indexes.values():
            found[local.sort_key.name] = local.sort_key.type.value
        return found


@dataclass(frozen=True)
class TagCondition:
    """One tag test of a backup selection: `aws:ResourceTag/KEY` compared with VALUE."""

    key: str
    value: str
    operator: str = "StringEquals"  # StringEquals | StringLike | StringNotEquals | StringNotLike


@dataclass(frozen=True)
class ObservedSelection:
    """A backup selection: the resources it names (ARN, wildcard) and its tag conditions."""

    name: str
    selection_id: str = ""
    resources: tuple[str, ...] = ()
    not_resources: tuple[str, ...] = ()
    any_tags: tuple[TagCondition, ...] = ()  # ListOfTags: a resource matching any is selected
    all_tags: tuple[TagCondition, ...] = ()  # Conditions: a selected resource must match all
    iam_role_arn: str = ""


@dataclass(frozen=True)
class ObservedRule:
    name: str
    vault: str
    schedule: str
    retention_days: int | None
    cold_storage_after_days: int | None = None


@dataclass(frozen=True)
class ObservedPlan:
    name: str
    plan_id: str
    rules: tuple[ObservedRule, ...]
    selections: tuple[ObservedSelection, ...] | Unverifiable = ()


@dataclass(frozen=True)
class ObservedVault:
    name: str
    kms_key_arn: str | None = None


@dataclass(frozen=True)
class ObservedBackups:
    vaults: Mapping[str, ObservedVault] | Unverifiable = field(default_factory=dict)
    plans: Mapping[str, ObservedPlan] | Unverifiable = field(default_factory=dict)


@dataclass(frozen=True)
class ObservedAlarm:
    """A CloudWatch alarm on one DynamoDB metric of a table, as read."""

    name: str
    metric: str
    table: str | None  # the TableName dimension
    threshold: float
    period_seconds: int
    evaluation_periods: int
    comparison: str
    statistic: str
    actions: tuple[str, ...] = ()
    state: str = "INSUFFICIENT_DATA"  # OK | ALARM | INSUFFICIENT_DATA


@dataclass(frozen=True)
class Unresolved:
    """Something a static source could not follow and that may define more (a Terraform module call, a
    data source, a `for_each` over an unknown value): what it may define is unknown there, not missing."""

    construct: str  # 'module "dynamodb"', 'aws_dynamodb_table.orders (for_each over var.tables)'
    where: str  # file:line
    reason: str  # why, and what to do instead
    types: tuple[str, ...] = ()  # the kinds it may define: "table", "vault", "plan"; empty: any
    names: str | None = None  # the physical names it may define, as a regular expression; None: any

    def may_define(self, kind: str, name: str | None = None) -> bool:
        """Whether it may define a `kind` (of that physical name): a table named "${terraform.workspace}-orders"
        may be orders-sit, never users-sit."""
        if name is not None and self.names is not None and re.fullmatch(self.names, name, re.DOTALL) is None:
            return False
        return not self.types or kind in self.types

    def __str__(self) -> str:
        return f"{self.construct} at {self.where}: {self.reason}"


@dataclass(frozen=True)
class ObservedState:
    """One environment as read at one moment: its tables (by physical name) and backups."""

    source: str  # who read it: dynamodb-local, moto, aws, contracts, terraform, plan
    environment: str
    tables: Mapping[str, ObservedTable]
    backups: ObservedBackups = ObservedBackups()
    unresolved: tuple[Unresolved, ...] = ()  # what a static source could not follow
    alarms: Mapping[str, ObservedAlarm] | Unverifiable | None = None  # None: this source reads no alarms
    origin: str = ""  # what a static source read: the Terraform folder, the plan file
    notes: tuple[str, ...] = ()  # what a static source wants said that is no check's finding (two tables of a name)

    def unread_alarms(self) -> Unverifiable:
        """Why a source that reads no alarms (alarms is None) cannot tell them."""
        if self.source in ("terraform", "plan"):
            return Unverifiable(self.source, "CloudWatch alarms (aws_cloudwatch_metric_alarm) are not read from "
                                             "Terraform yet: check them against the environment (--against live)")
        return Unverifiable(self.source, "this source reads no CloudWatch alarms")

    def hidden(self, kind: str, name: str | None = None) -> Unverifiable | None:
        """Why something of `kind` ("table", "vault", "plan"; of that physical name if given) that is not here may
        still be defined, or None."""
        found = [u for u in self.unresolved if u.may_define(kind, name)]
        if not found:
            return None
        return Unverifiable(self.source, "; ".join(str(u) for u in found))
