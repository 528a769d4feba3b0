"""Checks against the desired state itself: the platform team's own contract is `contracts/`.

The exact table and GSI sets come from the desired state, so adding an index is one edit in one
file. "The environment must match the desired state" is the plan: every change
`python -m provision plan` would make is a difference, one failed claim each, with the plan's
line and the change's kind; a change the backend cannot report or hold (skipped in the plan) is
unverifiable there, never a pass.
"""

from __future__ import annotations

from ...provision.desired.model import GlobalIndex
from ...provision.planning.changes import (
    Change,
    CreateIndex,
    CreateTable,
    CreateVault,
    DeleteIndex,
    DeleteTable,
    LeftAlone,
    PutAlarm,
    Refused,
)
from ...provision.planning.diff import diff
from ...provision.planning.plan import Plan
from ..results.findings import Cause, Finding, Kind, Outcome, unknown_of
from .inventory import exact_indexes, exact_tables
from .target import SETTING_OF_KIND, Target

KIND_OF_TOPIC = {
    "table": Kind.TABLE, "GSI": Kind.GSI, "GSI capacity": Kind.BILLING, "billing": Kind.BILLING,
    "stream": Kind.STREAM, "encryption": Kind.ENCRYPTION, "deletion protection": Kind.DELETION_PROTECTION,
    "table class": Kind.TABLE_CLASS, "point-in-time recovery": Kind.PITR, "TTL": Kind.TTL, "tags": Kind.TAGS,
    "backup vault": Kind.BACKUP_VAULT, "backup plan": Kind.BACKUP_PLAN, "backup selection": Kind.BACKUP_COVERAGE,
    "wait": Kind.TABLE, "alarm": Kind.ALARM,
}
CAUSE = {CreateTable: Cause.TABLE, CreateIndex: Cause.INDEX, CreateVault: Cause.VAULT}


def desired_tables(target: Target) -> list[str]:
    return sorted(spec.name for spec in target.stack.tables.values())


def exact_desired_tables(target: Target, must: bool) -> list[Finding]:
    return exact_tables(target, desired_tables(target), must)


def exact_desired_indexes(target: Target, must: bool) -> list[Finding]:
    found: list[Finding] = []
    for spec in sorted(target.stack.tables.values(), key=lambda s: s.name):
        found += exact_indexes(target, spec.name, [i.name for i in spec.global_indexes], must)
    return found


def plan_of(target: Target) -> Plan:
    return Plan(target.environment, target.backend, diff(target.stack, target.observed, target.capabilities))


def matches_desired_state(target: Target, must: bool) -> list[Finding]:
    """One claim per change the plan holds (none: one passing claim); "must not" holds when some change is pending."""
    plan = plan_of(target)
    # A table Terraform defines and the desired state does not is one Terraform would create, whatever its tags.
    open_changes = [c for c in plan.changes if not c.informational
                    or (target.terraform and c.as_terraform(target.desired_folder) is not None)]
    subject = f"the desired state of {target.environment.name}"
    if not must:
        pending = bool(plan.pending or plan.refused)
        return [Finding(Kind.DRIFT, Outcome.PASSED if pending else Outcome.FAILED, subject,
                        "some change pending", f"{len(plan.pending)} changes pending", required=False)]
    if not open_changes:
        return [Finding(Kind.DRIFT, Outcome.PASSED, subject, "nothing to change", "nothing to change")]
    return [_difference(target, change) for change in open_changes]


def _where(target: Target, change: Change) -> str:
    stack = target.stack
    source = None
    if change.target in stack.tables:
        source = stack.tables[change.target].source
    elif change.target in stack.plans:
        source = stack.plans[change.target].source
    elif change.target in stack.vaults:
        source = stack.vaults[change.target].source
    return str(source) if source is not None else "the desired state"


def _names(target: Target, change: Change) -> tuple[str | None, str | None]:
    """The logical names of the table, and of the index, vault or plan, a change is about."""
    env = target.environment
    if change.is_backup:
        return None, env.logical_backup_name(change.target) or change.target
    if isinstance(change, PutAlarm):  # its target is the alarm's name: the table is the one it watches
        return env.logical_table_name(change.alarm.table), change.alarm.rule.kind.value
    index = getattr(change, "index", None)
    return env.logical_table_name(change.target), index.name if isinstance(index, GlobalIndex) else index


def _kind(change: Change) -> Kind:
    if isinstance(change, DeleteTable):
        return Kind.TABLE_SET
    if isinstance(change, DeleteIndex):
        return Kind.GSI_SET
    if isinstance(change, LeftAlone):
        return Kind.TABLE_SET
    if isinstance(change, Refused):
        return Kind.DRIFT
    return KIND_OF_TOPIC.get(change.topic, Kind.DRIFT)


def _difference(target: Target, change: Change) -> Finding:
    table, name = _names(target, change)
    where = _where(target, change)
    line = f"{change.symbol} {change.describe()}"
    subject = f"table {change.target}" if change.topic in ("table", "refusal", "wait", "foreign table") else (
        f"{change.topic} of {change.target}")
    expected = f"as the desired state defines it ({where})"
    if change.skipped is not None:
        return Finding(_kind(change), Outcome.UNVERIFIABLE, subject, expected, "cannot be read here", table=table,
                       name=name, reason=str(change.skipped), change=change.kind, unknown=unknown_of(change.skipped))
    env = target.environment.name
    said = change.as_terraform(target.desired_folder) if target.terraform else None
    if said is not None:
        return Finding(_kind(change), Outcome.FAILED, subject, expected, said, table=table, name=name,
                       reason=f"the Terraform defines more than the desired state ({change.kind})",
                       action=target.to_remove(change.target, getattr(change, "index", None)), change=change.kind)
    if target.terraform:
        action = target.to_change(table, where, SETTING_OF_KIND.get(_kind(change)))
    elif isinstance(change, Refused):
        action = f"the platform team: {change.how}"
    else:
        action = (f"the platform team: apply the plan (`dynamo-contracts apply --env {env}`), or change "
                  f"the desired state ({where})")
    return Finding(_kind(change), Outcome.FAILED, subject, expected, f"a difference: the plan says '{line}'",
                   table=table, name=name, reason=f"{env} has drifted from the desired state ({change.kind})",
                   cause=CAUSE.get(type(change)), action=action, change=change.kind)

