"""The diff of backups: vaults, plans (their rule) and selections, from the desired stack to the observed state.

Part of `provision.planning.diff`. A selection cannot be updated: it is replaced (created, then the old one
deleted). What the source cannot know of a rule or a selection (known only after apply) is shown skipped.
"""

from __future__ import annotations

import dataclasses

from ..desired.model import DEFAULT_BACKUP_ROLE, BackendKind, BackupPlan
from ..desired.stack import Stack
from ..observed.capabilities import Feature, gap
from ..observed.state import (
    ObservedPlan,
    ObservedRule,
    ObservedSelection,
    ObservedState,
    TagCondition,
    Unverifiable,
)
from .changes import (
    Change,
    CreateBackupPlan,
    CreateSelection,
    CreateVault,
    DeleteSelection,
    Refused,
    UpdateBackupPlan,
)


def backups(stack: Stack, observed: ObservedState, backend: BackendKind) -> list[Change]:
    changes: list[Change] = []
    vaults, plans = observed.backups.vaults, observed.backups.plans
    # What the backend cannot hold is skipped even when the reader was not asked (a state built elsewhere).
    vaults = gap(backend, Feature.BACKUP_VAULTS) or vaults
    plans = gap(backend, Feature.BACKUP_PLANS) or plans
    for name, vault in stack.vaults.items():
        if isinstance(vaults, Unverifiable):
            changes.append(CreateVault(target=name, vault=vault, skipped=vaults))
        elif name not in vaults:
            changes.append(CreateVault(target=name, vault=vault, skipped=observed.hidden("vault", name)))
    role = _backup_role(stack, observed)
    for name, plan in stack.plans.items():
        resources = _selection_resources(stack, observed, plan)
        selection = CreateSelection(target=name, plan=plan, resources=resources, iam_role_arn=role)
        if isinstance(plans, Unverifiable):
            changes += [CreateBackupPlan(target=name, plan=plan, skipped=plans),
                        CreateSelection(target=name, plan=plan, resources=resources, iam_role_arn=role,
                                        skipped=plans)]
            continue
        current = plans.get(name)
        hidden = observed.hidden("plan", name)
        if current is None and hidden is not None:
            changes += [CreateBackupPlan(target=name, plan=plan, skipped=hidden),
                        CreateSelection(target=name, plan=plan, resources=resources, iam_role_arn=role,
                                        skipped=hidden)]
            continue
        if current is None:
            changes.append(CreateBackupPlan(target=name, plan=plan))
            changes.append(_without_role_refused(_unless_unsupported(selection, backend), stack))
            continue
        if (update := _rule_change(name, plan, current)) is not None:
            changes.append(update)
        changes += [_without_role_refused(c, stack) for c in _selection_change(selection, current, backend)]
    return changes


def _rule_change(name: str, plan: BackupPlan, current: ObservedPlan) -> UpdateBackupPlan | None:
    """The plan's rules brought to the contracts' one; where a value the source cannot know is all that may
    differ (known only after apply), the update is shown skipped with why."""
    rule = plan.rule
    wanted = (rule.vault, rule.schedule, rule.retention_days, rule.cold_storage_after_days)
    unknown: Unverifiable | None = None
    differs = len(current.rules) != 1
    for seen in current.rules:
        values = seen if isinstance(seen, Unverifiable) else (
            seen.vault, seen.schedule, seen.retention_days, seen.cold_storage_after_days)
        if isinstance(values, Unverifiable):
            unknown = unknown or values
            continue
        unknown = unknown or next((v for v in values if isinstance(v, Unverifiable)), None)
        differs = differs or any(not isinstance(v, Unverifiable) and v != w for v, w in zip(values, wanted,
                                                                                              strict=True))
    if not differs and unknown is None:
        return None
    was = "; ".join(_rule_text(r) for r in current.rules)
    return UpdateBackupPlan(target=name, plan=plan, plan_id=current.plan_id, was=was,
                            skipped=None if differs else unknown)


def _rule_text(rule: ObservedRule | Unverifiable) -> str:
    if isinstance(rule, Unverifiable):
        return "rules not known here"
    shown = ["(not known here)" if isinstance(v, Unverifiable) else v
             for v in (rule.schedule, rule.vault, rule.retention_days)]
    return f"{shown[0]} into {shown[1]}, keep {shown[2]} days"


def _account(stack: Stack, observed: ObservedState) -> str | None:
    """The environment's account: as the contracts give it, else as the observed tables' ARNs show it."""
    return stack.environment.account_id or next(
        (t.arn.split(":")[4] for t in observed.tables.values() if t.arn.count(":") >= 5 and t.arn.split(":")[4]),
        None)


def _backup_role(stack: Stack, observed: ObservedState) -> str | None:
    """The role AWS Backup uses: the environment's backup_role_arn, else the account's default service role.

    None when neither is known: the account is never guessed.
    """
    if stack.environment.backup_role_arn:
        return stack.environment.backup_role_arn
    account = _account(stack, observed)
    return None if account is None else f"arn:aws:iam::{account}:{DEFAULT_BACKUP_ROLE}"


def _without_role_refused(change: Change, stack: Stack) -> Change:
    """A selection to make whose role is unknown cannot be planned: say how to name the role."""
    if not isinstance(change, CreateSelection) or change.skipped is not None or change.iam_role_arn:
        return change
    env = stack.environment.name
    return Refused(target=change.target, subject="backup plan",
                   what=f"its selection needs the IAM role AWS Backup uses, and environment '{env}' names no "
                        "account_id and no table shows one",
                   how=f"set account_id (the default role is then {DEFAULT_BACKUP_ROLE} of that account) or "
                       f"backup_role_arn for environment '{env}' in the contracts")


def _unless_unsupported(selection: CreateSelection, backend: BackendKind) -> CreateSelection:
    not_held = gap(backend, Feature.BACKUP_SELECTIONS)
    return selection if not_held is None else CreateSelection(
        target=selection.target, plan=selection.plan, resources=selection.resources,
        iam_role_arn=selection.iam_role_arn, skipped=not_held)


def _selection_change(selection: CreateSelection, current: ObservedPlan, backend: BackendKind) -> list[Change]:
    """The plan's own selections (by name: `BackupPlan.owns_selection`) brought to exactly one of this content.

    A selection cannot be updated: a new one is created first, then the old ones are deleted, so the
    tables stay covered throughout. Selections of other names (made by hand) are left alone.
    """
    if isinstance(current.selections, Unverifiable):
        return [CreateSelection(target=selection.target, plan=selection.plan, resources=selection.resources,
                                iam_role_arn=selection.iam_role_arn, skipped=current.selections)]
    ours = [s for s in current.selections if selection.plan.owns_selection(s.name)]
    if not ours and any(_same_content(s, selection) for s in current.selections):
        return []  # one of another name (Terraform's, or made by hand) selects exactly the same: nothing to do
    matching = next((s for s in ours if _same_content(s, selection)), None)
    if matching is not None:  # an interrupted replacement: the new one exists, an old one too
        return [DeleteSelection(target=selection.target, plan_id=current.plan_id, selection_id=s.selection_id,
                                name=s.name, kept=matching.name) for s in ours if s is not matching]
    unknown = next((s.unknown for s in current.selections if s.unknown is not None), None)
    if not ours and unknown is not None:  # one whose entries are known only after apply may select the same
        return [dataclasses.replace(selection, plan_id=current.plan_id, skipped=unknown)]
    if not ours:
        return [_unless_unsupported(dataclasses.replace(selection, plan_id=current.plan_id), backend)]
    replaced, *others = ours
    return [CreateSelection(target=selection.target, plan=selection.plan, resources=selection.resources,
                            iam_role_arn=selection.iam_role_arn, plan_id=current.plan_id,
                            replaces_id=replaced.selection_id),
            *(DeleteSelection(target=selection.target, plan_id=current.plan_id, selection_id=s.selection_id,
                              name=s.name, kept=selection.selection_name) for s in others)]


def _same_content(existing: ObservedSelection, wanted: CreateSelection) -> bool:
    """Whether a selection selects exactly what the contracts want (one with an entry not known is not told so)."""
    if existing.unknown is not None:
        return False
    return (sorted(str(r) for r in existing.resources) == sorted(wanted.resources)
            and sorted((t.key, t.value) for t in existing.any_tags if isinstance(t, TagCondition))
            == sorted(wanted.plan.covers.tags.items()))


def _selection_resources(stack: Stack, observed: ObservedState, plan: BackupPlan) -> tuple[str, ...]:
    """The ARNs a selection names: the observed ARN of each table, or the one it will get."""
    env = stack.environment
    account = _account(stack, observed) or ""
    arns = []
    for table in plan.covers.tables:
        seen = observed.tables.get(table)
        arns.append(seen.arn if seen is not None and seen.arn else
                    f"arn:aws:dynamodb:{env.region}:{account}:table/{table}")
    return tuple(arns)
