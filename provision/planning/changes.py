"""The changes a plan is made of: small typed values, in a fixed order, with a text and a JSON form.

The diff creates them (`provision.planning.diff`), the plan orders and checks them
(`provision.planning.plan`), the apply carries them out (`provision.apply.executor`, dispatching on the type).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, ClassVar

from provision.desired.model import (
    BackupPlan,
    BackupVault,
    Billing,
    Capacity,
    Encryption,
    GlobalIndex,
    StreamView,
    TableClass,
    TableSpec,
)
from provision.desired.stack import OWNERSHIP_TAG, Alarm
from provision.observed.state import Unverifiable


@dataclass(frozen=True, kw_only=True)
class Change:
    """One thing to do to one resource (`target`: a physical table, vault or plan name)."""

    target: str
    skipped: Unverifiable | None = None  # the backend cannot do or report this: shown, never done

    order: ClassVar[int] = 50
    symbol: ClassVar[str] = "~"
    destructive: ClassVar[bool] = False
    is_backup: ClassVar[bool] = False
    informational: ClassVar[bool] = False  # shown in the plan, never done (nothing to do)
    topic: ClassVar[str] = "change"  # what it is about, to group skipped changes in a plan

    @property
    def kind(self) -> str:
        return type(self).__name__

    @property
    def lowers_protection(self) -> bool:
        """Whether it takes a protection away from a table (deletion protection, point-in-time recovery).

        Treated like a delete by the plan: it is how data becomes deletable, or unrecoverable.
        """
        return False

    def describe(self) -> str:
        raise NotImplementedError

    def as_terraform(self, desired: str) -> str | None:
        """The difference as a Terraform source has it, where the provisioner's words would say something else (a
        table Terraform would create is no live table whose data is lost); `desired`: the contracts' folder."""
        return None

    def data(self) -> dict[str, Any]:
        """A JSON-ready form, for `plan --format json` and reports."""
        fields = {f.name: plain(getattr(self, f.name)) for f in dataclasses.fields(self) if f.name != "skipped"}
        result = {"kind": self.kind, **fields, "summary": self.describe()}
        if self.lowers_protection:
            result["lowers_protection"] = True
        if self.skipped is not None:
            result["skipped"] = str(self.skipped)
        return result


def plain(value: Any) -> Any:
    """A value as JSON data: dataclasses by field (where a thing is written left out), enums by value, sets sorted."""
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value) if f.name != "source"}
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, frozenset | set):
        items = [plain(v) for v in value]
        return sorted(items, key=lambda v: v if isinstance(v, str) else json.dumps(v, sort_keys=True, default=str))
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


@dataclass(frozen=True, kw_only=True)
class Refused(Change):
    """A difference that is not made (AWS cannot, or it is unsafe); nothing is done, `how` says what to do."""

    what: str
    how: str
    subject: str = "table"  # what `target` names: a table, a backup plan
    order: ClassVar[int] = 0
    symbol: ClassVar[str] = "!"
    topic: ClassVar[str] = "refusal"

    def describe(self) -> str:
        return f"refused on {self.subject} {self.target}: {self.what}. {self.how}"


@dataclass(frozen=True, kw_only=True)
class LeftAlone(Change):
    """A table in the environment that is not in the contracts and not provably ours: never deleted.

    Shown in the plan so nobody wonders why it stays; it is not pending, so it alone never makes
    `plan` exit 2.
    """

    why: str
    order: ClassVar[int] = 95
    symbol: ClassVar[str] = "="
    topic: ClassVar[str] = "foreign table"
    informational: ClassVar[bool] = True

    def describe(self) -> str:
        return f"left alone: {self.target} — {self.why}"

    def as_terraform(self, desired: str) -> str | None:
        return f"Terraform would create table {self.target}, which {desired} does not define"


@dataclass(frozen=True, kw_only=True)
class CreateTable(Change):
    spec: TableSpec
    order: ClassVar[int] = 10
    symbol: ClassVar[str] = "+"
    topic: ClassVar[str] = "table"

    def describe(self) -> str:
        indexes = [i.name for i in self.spec.global_indexes] + [i.name for i in self.spec.local_indexes]
        with_indexes = f" with indexes {', '.join(indexes)}" if indexes else ""
        return f"create table {self.target} ({self.spec.keys}){with_indexes}, {self.spec.billing}"


@dataclass(frozen=True, kw_only=True)
class AwaitActive(Change):
    """A table or index still changing (say, a GSI an interrupted apply created): wait until it is ACTIVE."""

    waiting_for: tuple[str, ...]
    order: ClassVar[int] = 5
    symbol: ClassVar[str] = "…"
    topic: ClassVar[str] = "wait"

    def describe(self) -> str:
        return f"wait until table {self.target} is ACTIVE ({', '.join(self.waiting_for)})"


@dataclass(frozen=True, kw_only=True)
class DeleteTable(Change):
    because: str = f"not in the contracts, tagged {OWNERSHIP_TAG}"
    order: ClassVar[int] = 90
    symbol: ClassVar[str] = "-"
    destructive: ClassVar[bool] = True
    topic: ClassVar[str] = "table"

    def describe(self) -> str:
        return f"DELETE table {self.target} ({self.because}): its data is lost"

    def as_terraform(self, desired: str) -> str | None:
        return f"Terraform would create table {self.target}, which {desired} does not define"


@dataclass(frozen=True, kw_only=True)
class DeleteIndex(Change):
    index: str
    order: ClassVar[int] = 20
    symbol: ClassVar[str] = "-"
    destructive: ClassVar[bool] = True
    topic: ClassVar[str] = "GSI"

    def describe(self) -> str:
        return f"DELETE GSI {self.index} of table {self.target} (not in the contracts)"

    def as_terraform(self, desired: str) -> str | None:
        return f"Terraform would create GSI {self.index} on table {self.target}, which {desired} does not define"


@dataclass(frozen=True, kw_only=True)
class CreateIndex(Change):
    index: GlobalIndex
    order: ClassVar[int] = 30
    symbol: ClassVar[str] = "+"
    topic: ClassVar[str] = "GSI"

    def describe(self) -> str:
        return f"add GSI {self.index.name} to table {self.target} ({self.index.keys}; {self.index.projection})"


@dataclass(frozen=True, kw_only=True)
class UpdateBilling(Change):
    billing: Billing
    index_capacity: Mapping[str, Capacity]  # every GSI's capacity when switching to PROVISIONED
    was: Billing | None = None
    topic: ClassVar[str] = "billing"

    def describe(self) -> str:
        return f"set billing of table {self.target} to {self.billing} (was {self.was})"


@dataclass(frozen=True, kw_only=True)
class UpdateIndexCapacity(Change):
    index: str
    capacity: Capacity
    was: Capacity | None = None
    topic: ClassVar[str] = "GSI capacity"

    def describe(self) -> str:
        return f"set capacity of GSI {self.index} of table {self.target} to {self.capacity} (was {self.was})"


@dataclass(frozen=True, kw_only=True)
class UpdateStream(Change):
    view: StreamView | None
    was: StreamView | None = None
    topic: ClassVar[str] = "stream"

    def describe(self) -> str:
        now = "off" if self.view is None else self.view.value
        return f"set stream of table {self.target} to {now} (was {'off' if self.was is None else self.was.value})"


@dataclass(frozen=True, kw_only=True)
class UpdateEncryption(Change):
    encryption: Encryption
    was: str = ""
    topic: ClassVar[str] = "encryption"

    def describe(self) -> str:
        return f"set encryption of table {self.target} to {self.encryption} (was {self.was or 'unknown'})"


@dataclass(frozen=True, kw_only=True)
class UpdateDeletionProtection(Change):
    enabled: bool
    topic: ClassVar[str] = "deletion protection"

    @property
    def lowers_protection(self) -> bool:
        return not self.enabled

    def describe(self) -> str:
        if not self.enabled:
            return f"LOWER PROTECTION: turn deletion protection off for table {self.target} (it can then be deleted)"
        return f"turn deletion protection on for table {self.target}"


@dataclass(frozen=True, kw_only=True)
class UpdateTableClass(Change):
    table_class: TableClass
    topic: ClassVar[str] = "table class"

    def describe(self) -> str:
        return f"set table class of table {self.target} to {self.table_class.value}"


@dataclass(frozen=True, kw_only=True)
class UpdatePitr(Change):
    enabled: bool
    order: ClassVar[int] = 60
    topic: ClassVar[str] = "point-in-time recovery"

    @property
    def lowers_protection(self) -> bool:
        return not self.enabled

    def describe(self) -> str:
        if not self.enabled:
            return (f"LOWER PROTECTION: turn point-in-time recovery off for table {self.target} (its continuous "
                    "backups are lost)")
        return f"turn point-in-time recovery on for table {self.target}"


@dataclass(frozen=True, kw_only=True)
class UpdateTtl(Change):
    """TTL on (`attribute`) or off (`was`): one UpdateTimeToLive. Never a move from one attribute to another,
    which AWS refuses (one TTL change per table per hour); the diff refuses that with the way to do it."""

    attribute: str | None
    was: str | None = None
    order: ClassVar[int] = 60
    topic: ClassVar[str] = "TTL"

    def __post_init__(self) -> None:
        if self.attribute is None and self.was is None:
            raise ValueError(f"UpdateTtl of {self.target}: give the attribute to turn TTL on, or the one to turn off")
        if self.attribute is not None and self.was is not None:
            raise ValueError(f"UpdateTtl of {self.target}: TTL cannot move from {self.was} to {self.attribute} in "
                             "one change; turn it off, then on at least an hour later")

    @property
    def switch(self) -> tuple[str, bool]:
        """The attribute UpdateTimeToLive names, and whether it turns TTL on."""
        return (self.attribute, True) if self.attribute is not None else (self.was or "", False)

    def describe(self) -> str:
        if self.attribute is None:
            return f"turn TTL off for table {self.target} (was on {self.was})"
        was = f" (was on {self.was})" if self.was else ""
        return f"turn TTL on for table {self.target}, attribute {self.attribute}{was}"


@dataclass(frozen=True, kw_only=True)
class TagTable(Change):
    tags: Mapping[str, str]
    order: ClassVar[int] = 60
    topic: ClassVar[str] = "tags"

    def describe(self) -> str:
        return f"tag table {self.target}: " + ", ".join(f"{k}={v}" for k, v in sorted(self.tags.items()))


@dataclass(frozen=True, kw_only=True)
class CreateVault(Change):
    vault: BackupVault
    order: ClassVar[int] = 70
    symbol: ClassVar[str] = "+"
    is_backup: ClassVar[bool] = True
    topic: ClassVar[str] = "backup vault"

    def describe(self) -> str:
        key = f" encrypted with {self.vault.kms_key}" if self.vault.kms_key else ""
        return f"create backup vault {self.target}{key}"


@dataclass(frozen=True, kw_only=True)
class CreateBackupPlan(Change):
    plan: BackupPlan
    order: ClassVar[int] = 71
    symbol: ClassVar[str] = "+"
    is_backup: ClassVar[bool] = True
    topic: ClassVar[str] = "backup plan"

    def describe(self) -> str:
        rule = self.plan.rule
        return (f"create backup plan {self.target}: {rule.schedule} into vault {rule.vault}, "
                f"keep {rule.retention_days} days")


@dataclass(frozen=True, kw_only=True)
class UpdateBackupPlan(Change):
    plan: BackupPlan
    plan_id: str
    was: str = ""
    order: ClassVar[int] = 71
    is_backup: ClassVar[bool] = True
    topic: ClassVar[str] = "backup plan"

    def describe(self) -> str:
        rule = self.plan.rule
        return (f"update backup plan {self.target}: {rule.schedule} into vault {rule.vault}, keep "
                f"{rule.retention_days} days (was {self.was})")


@dataclass(frozen=True, kw_only=True)
class CreateSelection(Change):
    plan: BackupPlan
    resources: tuple[str, ...]
    iam_role_arn: str | None  # None only when skipped: the account, so the default role, is unknown
    plan_id: str | None = None  # None: the plan is created by the same apply
    replaces_id: str | None = None  # one of the plan's own selections that differs: deleted once this one exists
    order: ClassVar[int] = 72
    symbol: ClassVar[str] = "+"
    is_backup: ClassVar[bool] = True
    topic: ClassVar[str] = "backup selection"

    @property
    def selection_name(self) -> str:
        """Its name carries a digest of its content: a replacement never shares the old one's name."""
        return self.plan.selection_name_for(self.resources)

    def describe(self) -> str:
        role = f", as role {self.iam_role_arn}" if self.iam_role_arn else ""
        if self.replaces_id:
            return (f"replace backup selection of plan {self.target} by {self.selection_name} (created before the "
                    f"old one is deleted): {self.plan.covers}{role}")
        return f"create backup selection {self.selection_name} of plan {self.target}: {self.plan.covers}{role}"


@dataclass(frozen=True, kw_only=True)
class DeleteSelection(Change):
    """One of the plan's own selections that another one of ours, created first, takes the place of."""

    plan_id: str
    selection_id: str
    name: str
    kept: str  # the selection that covers the tables instead
    order: ClassVar[int] = 73
    symbol: ClassVar[str] = "-"
    is_backup: ClassVar[bool] = True
    topic: ClassVar[str] = "backup selection"

    def describe(self) -> str:
        return f"remove backup selection {self.name} of plan {self.target} (replaced by {self.kept})"


@dataclass(frozen=True, kw_only=True)
class PutAlarm(Change):
    """Create a table's CloudWatch alarm, or bring it back to the contracts (PutMetricAlarm replaces it whole)."""

    alarm: Alarm
    was: str | None = None  # what differs in the alarm there is; None: there is none
    order: ClassVar[int] = 80  # its own target (the alarm's name): applied beside the tables, needing none of them
    topic: ClassVar[str] = "alarm"

    @property
    def symbol(self) -> str:  # type: ignore[override]
        return "+" if self.was is None else "~"

    def describe(self) -> str:
        verb = "create" if self.was is None else "update"
        actions = f", notifying {', '.join(self.alarm.actions)}" if self.alarm.actions else ""
        was = f" (was: {self.was})" if self.was else ""
        return f"{verb} alarm {self.target} on table {self.alarm.table}: {self.alarm.rule}{actions}{was}"
