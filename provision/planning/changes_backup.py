"""The changes of a plan to backups and alarms: vaults, plans, their selections, CloudWatch alarms.

Re-exported from `provision.planning.changes`, where the apply and the plan find every change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..desired.model import BackupPlan, BackupVault
from ..desired.stack import Alarm
from .change import Change


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
