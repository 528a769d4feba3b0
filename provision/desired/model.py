"""The desired state: what `contracts/` says the DynamoDB stack must be.

Frozen, typed values built only by `provision.desired.load`, which validates them. Nothing here
talks to AWS. The observed state (what a backend holds) lives in `provision.observed.state` and
reuses the value types defined here (keys, projections, billing, ...), so a check can
compare the two field by field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from .backups import (
    BackupPlan as BackupPlan,  # re-exported, as the rest of the model is found here
)
from .backups import BackupRule as BackupRule
from .backups import BackupVault as BackupVault
from .backups import Coverage as Coverage
from .lambda_roles import LambdaRole, LambdaRoles
from .location import (
    Location as Location,  # re-exported: where most of its users find it
)

DEFAULT_ACCOUNT = "123456789012"  # moto's, and what ARNs say where an environment names no account
ALARM_COMPARISON, ALARM_STATISTIC = "GreaterThanOrEqualToThreshold", "Sum"  # how every alarm of the stack compares
DEFAULT_BACKUP_ROLE = "role/service-role/AWSBackupDefaultServiceRole"  # of the account, where no backup_role_arn


class AttributeType(StrEnum):
    S = "S"
    N = "N"
    B = "B"


class ProjectionType(StrEnum):
    ALL = "ALL"
    KEYS_ONLY = "KEYS_ONLY"
    INCLUDE = "INCLUDE"


class BillingMode(StrEnum):
    PAY_PER_REQUEST = "PAY_PER_REQUEST"
    PROVISIONED = "PROVISIONED"


class StreamView(StrEnum):
    KEYS_ONLY = "KEYS_ONLY"
    NEW_IMAGE = "NEW_IMAGE"
    OLD_IMAGE = "OLD_IMAGE"
    NEW_AND_OLD_IMAGES = "NEW_AND_OLD_IMAGES"


class EncryptionType(StrEnum):
    AWS_OWNED = "AWS_OWNED"
    AWS_MANAGED = "AWS_MANAGED"
    CUSTOMER_MANAGED = "CUSTOMER_MANAGED"


class TableClass(StrEnum):
    STANDARD = "STANDARD"
    STANDARD_INFREQUENT_ACCESS = "STANDARD_INFREQUENT_ACCESS"


class ReadConsistency(StrEnum):
    STRONG = "strong"  # a strongly consistent read of up to 4 KB: one read request unit
    EVENTUAL = "eventual"  # half of that


class BackendKind(StrEnum):
    DYNAMODB_LOCAL = "dynamodb-local"
    MOTO = "moto"
    AWS = "aws"


@dataclass(frozen=True)
class KeyAttribute:
    name: str
    type: AttributeType

    def __str__(self) -> str:
        return f"{self.name} ({self.type})"


@dataclass(frozen=True)
class KeySchema:
    partition: KeyAttribute
    sort: KeyAttribute | None = None

    @property
    def attributes(self) -> tuple[KeyAttribute, ...]:
        return (self.partition,) if self.sort is None else (self.partition, self.sort)

    def __str__(self) -> str:
        return f"partition {self.partition}" + ("" if self.sort is None else f", sort {self.sort}")


@dataclass(frozen=True)
class Projection:
    type: ProjectionType
    attributes: frozenset[str] = frozenset()

    def __str__(self) -> str:
        if self.type is ProjectionType.INCLUDE:
            return f"INCLUDE {', '.join(sorted(self.attributes))}"
        return self.type.value


@dataclass(frozen=True)
class Capacity:
    read: int
    write: int

    def __str__(self) -> str:
        return f"{self.read} read / {self.write} write"


@dataclass(frozen=True)
class GlobalIndex:
    name: str
    keys: KeySchema
    projection: Projection
    capacity: Capacity | None = None


@dataclass(frozen=True)
class LocalIndex:
    name: str
    sort_key: KeyAttribute
    projection: Projection


@dataclass(frozen=True)
class Billing:
    mode: BillingMode
    capacity: Capacity | None = None

    def __str__(self) -> str:
        return self.mode.value if self.capacity is None else f"{self.mode.value} ({self.capacity})"


@dataclass(frozen=True)
class Encryption:
    type: EncryptionType
    kms_key: str | None = None

    def __str__(self) -> str:
        return self.type.value if self.kms_key is None else f"{self.type.value} ({self.kms_key})"


class AlarmKind(StrEnum):
    """An alarm on one DynamoDB metric of a table (namespace AWS/DynamoDB, dimension TableName)."""

    READ_THROTTLES = "read_throttles"
    WRITE_THROTTLES = "write_throttles"
    SYSTEM_ERRORS = "system_errors"
    CONSUMED_READ_CAPACITY = "consumed_read_capacity"
    CONSUMED_WRITE_CAPACITY = "consumed_write_capacity"

    @property
    def metric(self) -> str:
        return {"read_throttles": "ReadThrottleEvents", "write_throttles": "WriteThrottleEvents",
                "system_errors": "SystemErrors", "consumed_read_capacity": "ConsumedReadCapacityUnits",
                "consumed_write_capacity": "ConsumedWriteCapacityUnits"}[self.value]


@dataclass(frozen=True)
class AlarmRule:
    """Alarm when the metric's Sum over `period_seconds` reaches `threshold`, `evaluation_periods` times in a row."""

    kind: AlarmKind
    threshold: float
    period_seconds: int = 60
    evaluation_periods: int = 1

    def alarm_name(self, physical_table: str) -> str:
        return f"{physical_table}-{self.kind.value.replace('_', '-')}"

    def __str__(self) -> str:
        return (f"{self.kind.metric} >= {self.threshold:g} over {self.period_seconds} s, "
                f"{self.evaluation_periods} period(s)")


@dataclass(frozen=True)
class Replica:
    """A copy of the table in another region: a global table (version 2019.11.21) replica."""

    region: str
    kms_key: str | None = None  # a customer managed key in that region (with CUSTOMER_MANAGED encryption only)
    point_in_time_recovery: bool | None = None  # None: as the table has it
    propagate_tags: bool = False  # the table's tags copied to the replica (Terraform's propagate_tags)
    source: Location | None = field(default=None, compare=False)

    def __str__(self) -> str:
        return f"replica in {self.region}"


@dataclass(frozen=True)
class TableSpec:
    """One table as the contracts want it, under its logical name (`orders`)."""

    name: str
    keys: KeySchema
    global_indexes: tuple[GlobalIndex, ...] = ()
    local_indexes: tuple[LocalIndex, ...] = ()
    billing: Billing = Billing(BillingMode.PAY_PER_REQUEST)
    stream: StreamView | None = None
    encryption: Encryption = Encryption(EncryptionType.AWS_OWNED)
    point_in_time_recovery: bool = False
    ttl_attribute: str | None = None
    deletion_protection: bool = False
    table_class: TableClass = TableClass.STANDARD
    tags: Mapping[str, str] = field(default_factory=dict)
    alarms: tuple[AlarmRule, ...] = ()
    replicas: tuple[Replica, ...] | None = None  # a global table's copies in other regions; None: not declared
    # (replicas made elsewhere are left alone), () declares that there are none
    description: str = ""
    source: Location | None = field(default=None, compare=False)

    def global_index(self, name: str) -> GlobalIndex | None:
        return next((index for index in self.global_indexes if index.name == name), None)

    def replica(self, region: str) -> Replica | None:
        return next((replica for replica in self.replicas or () if replica.region == region), None)

    def replica_pitr(self, replica: Replica) -> bool:
        """Whether a replica has point-in-time recovery: as written, else as the table has it."""
        return self.point_in_time_recovery if replica.point_in_time_recovery is None else replica.point_in_time_recovery

    def attribute_types(self) -> dict[str, AttributeType]:
        """Every key attribute of the table and its indexes, with its type."""
        found = {attr.name: attr.type for attr in self.keys.attributes}
        for gsi in self.global_indexes:
            found.update({attr.name: attr.type for attr in gsi.keys.attributes})
        for lsi in self.local_indexes:
            found[lsi.sort_key.name] = lsi.sort_key.type
        return found


@dataclass(frozen=True)
class TableOverrides:
    """What one environment changes for every table (deletion protection in sit and prod)."""

    deletion_protection: bool | None = None
    point_in_time_recovery: bool | None = None
    table_class: TableClass | None = None
    tags: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TableUsage:
    """The usage a table is expected to have in a month, for the cost estimate (`provision.cost`).

    Reads and writes are of one item of `item_size_kb` each; `storage_gb` is the table's data as
    DynamoDB reports its size; `stream_reads_per_month` counts GetRecords calls by stream consumers
    other than Lambda triggers (whose reads AWS does not charge).
    """

    reads_per_month: float = 0
    writes_per_month: float = 0
    storage_gb: float = 0
    item_size_kb: float = 1
    stream_reads_per_month: float = 0
    read_consistency: ReadConsistency = ReadConsistency.STRONG
    source: Location | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Usage:
    """An environment's expected usage: defaults for every table, and each table's own (defaults filled in)."""

    defaults: TableUsage = TableUsage()
    tables: Mapping[str, TableUsage] = field(default_factory=dict)  # logical table name -> its usage
    declared: bool = False  # whether the environment says anything about its usage
    source: Location | None = field(default=None, compare=False)

    def of(self, logical_table: str) -> TableUsage:
        return self.tables.get(logical_table, self.defaults)


@dataclass(frozen=True)
class Budget:
    """What an environment may cost a month, in US dollars."""

    monthly_usd: float
    source: Location | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Environment:
    name: str
    backend: BackendKind
    region: str = "us-east-1"
    account_id: str | None = None
    profile: str | None = None
    role_arn: str | None = None
    endpoint_url: str | None = None
    table_name_pattern: str = "{table}-{env}"
    backup_name_pattern: str = "{name}-{env}"
    backup_role_arn: str | None = None
    overrides: TableOverrides = TableOverrides()
    writes_allowed: bool = False
    destroy_allowed: bool = False
    protected: bool = False
    usage: Usage = Usage()
    budget: Budget | None = None
    alarm_actions: tuple[str, ...] = ()  # SNS topics (or other actions) every alarm notifies
    lambda_roles: LambdaRoles = LambdaRoles()  # the IAM role each consumer's Lambda runs as
    record_verdicts: bool = False  # runs record each consumer's verdict in the tool's own table (own_tables.py)
    source: Location | None = field(default=None, compare=False)

    @property
    def is_aws(self) -> bool:
        return self.backend is BackendKind.AWS

    def table_name(self, logical: str) -> str:
        return self.table_name_pattern.format(table=logical, env=self.name)

    def table_arn(self, physical: str, region: str | None = None) -> str:
        """The ARN a table of this name has, or will have (local and moto: moto's default account), in the
        environment's region or the one given (a Terraform provider configured for another)."""
        return f"arn:aws:dynamodb:{region or self.region}:{self.account_id or DEFAULT_ACCOUNT}:table/{physical}"

    @property
    def backup_role(self) -> str | None:
        """The role AWS Backup uses: backup_role_arn, else the account's default service role (None: no account)."""
        if self.backup_role_arn:
            return self.backup_role_arn
        return f"arn:aws:iam::{self.account_id}:{DEFAULT_BACKUP_ROLE}" if self.account_id else None

    def lambda_role(self, consumer: str) -> LambdaRole | None:
        """The role the consumer's Lambda runs as here, as declared (None: none declared)."""
        return self.lambda_roles.of(consumer, self.name, self.account_id or DEFAULT_ACCOUNT)

    def backup_name(self, logical: str) -> str:
        return self.backup_name_pattern.format(name=logical, env=self.name)

    def logical_table_name(self, physical: str) -> str | None:
        """The logical name the pattern would have made `physical` from, or None if it could not have.

        Only the name's shape: another team's `payments-team-sit` matches `{table}-{env}` too. Whether a
        table is ours is told by the contracts naming it or by its ownership tag (`provision.planning.diff`).
        """
        return _logical(self.table_name_pattern.format(table="\0", env=self.name), physical)

    def logical_backup_name(self, physical: str) -> str | None:
        """The logical vault or plan name `backup_name_pattern` would have made `physical` from, if any."""
        return _logical(self.backup_name_pattern.format(name="\0", env=self.name), physical)


def _logical(template: str, physical: str) -> str | None:
    """What stands for NUL in `template` (a name pattern with the logical name as NUL), if `physical` fits it."""
    prefix, _, suffix = template.partition("\0")
    if physical.startswith(prefix) and physical.endswith(suffix) and len(physical) > len(prefix + suffix):
        return physical[len(prefix) : len(physical) - len(suffix)]
    return None


@dataclass(frozen=True)
class DesiredState:
    """Everything in `contracts/`, validated."""

    tables: tuple[TableSpec, ...]
    vaults: tuple[BackupVault, ...]
    plans: tuple[BackupPlan, ...]
    environments: Mapping[str, Environment]
    index_naming: str | None = None

    def table(self, name: str) -> TableSpec | None:
        return next((table for table in self.tables if table.name == name), None)

    def environment(self, name: str) -> Environment:
        return self.environments[name]
