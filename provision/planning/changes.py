"""The changes a plan is made of: small typed values, in a fixed order, with a text and a JSON form.

The diff creates them (`provision.planning.diff`), the plan orders and checks them
(`provision.planning.plan`), the apply carries them out (`provision.apply.executor`, dispatching on the type).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from ..desired.model import (
    Billing,
    Capacity,
    Encryption,
    GlobalIndex,
    StreamView,
    TableClass,
    TableSpec,
)
from ..desired.stack import OWNERSHIP_TAG
from .change import Change as Change  # re-exported: every change is found here
from .change import plain as plain
from .changes_backup import CreateBackupPlan as CreateBackupPlan
from .changes_backup import CreateSelection as CreateSelection
from .changes_backup import CreateVault as CreateVault
from .changes_backup import DeleteSelection as DeleteSelection
from .changes_backup import PutAlarm as PutAlarm
from .changes_backup import UpdateBackupPlan as UpdateBackupPlan


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
