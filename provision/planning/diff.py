"""The diff: pure code from (desired stack, observed state) to the changes that close the gap.

No I/O. What the backend cannot report or hold (an `Unverifiable` field, or a gap in
`provision.observed.capabilities`) becomes a change marked skipped, so the plan shows it with the
reason instead of silently dropping it.
"""

from __future__ import annotations

import dataclasses

from provision.desired.model import (
    ALARM_COMPARISON,
    ALARM_STATISTIC,
    BackendKind,
    BackupPlan,
    Billing,
    BillingMode,
    EncryptionType,
    TableClass,
    TableSpec,
)
from provision.desired.stack import OWNERSHIP_TAG, OWNERSHIP_TAG_KEY, OWNERSHIP_TAG_VALUE, Alarm, Stack
from provision.observed.capabilities import Feature, gap
from provision.observed.state import (
    ObservedAlarm,
    ObservedPlan,
    ObservedSelection,
    ObservedState,
    ObservedTable,
    Unverifiable,
)
from provision.planning.changes import (
    AwaitActive,
    Change,
    CreateBackupPlan,
    CreateIndex,
    CreateSelection,
    CreateTable,
    CreateVault,
    DeleteIndex,
    DeleteSelection,
    DeleteTable,
    LeftAlone,
    PutAlarm,
    Refused,
    TagTable,
    UpdateBackupPlan,
    UpdateBilling,
    UpdateDeletionProtection,
    UpdateEncryption,
    UpdateIndexCapacity,
    UpdatePitr,
    UpdateStream,
    UpdateTableClass,
    UpdateTtl,
)

REPLACE_TABLE = ("AWS cannot change this in place: create a table under a new name with the new schema, "
                 "copy the data, move the consumers, then remove the old table from the contracts")
REPLACE_INDEX = ("AWS cannot change a GSI's keys or projection in place: add a GSI under a new name, move the "
                 "consumers to it, then remove the old one (deleting it needs "
                 "--destroy-removed-tables-and-indexes outside local and moto)")
MOVE_TTL = ("AWS takes one TTL change per table and then refuses the next for about an hour, so TTL cannot move "
            "in one apply: remove ttl_attribute from the contracts and apply (TTL off), then at least an hour "
            "later set the new ttl_attribute and apply again")
DEFAULT_BACKUP_ROLE = "role/service-role/AWSBackupDefaultServiceRole"


def diff(stack: Stack, observed: ObservedState, backend: BackendKind) -> list[Change]:
    """Every change that makes `observed` match `stack`, in plan order."""
    changes: list[Change] = []
    for name, spec in stack.tables.items():
        seen = observed.tables.get(name)
        changes += _new_table(name, spec, backend, observed.hidden("table", name)) if seen is None else _table(
            name, spec, seen)
    changes += [_not_in_contracts(seen, backend) for name, seen in observed.tables.items() if name not in stack.tables]
    changes += _backups(stack, observed, backend)
    changes += _alarms(stack, observed, backend)
    # Tables by name, each table's changes in their order; backups after them, vault before plan before selection.
    return sorted(changes, key=lambda c: (c.is_backup, c.order if c.is_backup else 0, c.target, c.order))


def _not_in_contracts(seen: ObservedTable, backend: BackendKind) -> Change:
    """Delete a table the contracts no longer name only when its tags prove it ours; else leave it, and say so.

    A name of the environment's shape proves nothing: another team's `payments-team-sit` has one too.
    """
    tags = gap(backend, Feature.TAGS) or seen.tags
    if isinstance(tags, Unverifiable):
        return LeftAlone(target=seen.name, why=f"not in the contracts, and cannot tell on {tags.source} whether "
                                               f"it is tagged {OWNERSHIP_TAG} (it keeps no tags): delete it by "
                                               "hand if it is yours")
    if tags.get(OWNERSHIP_TAG_KEY) == OWNERSHIP_TAG_VALUE:
        return DeleteTable(target=seen.name)
    return LeftAlone(target=seen.name, why=f"not in the contracts and not tagged {OWNERSHIP_TAG}")


def _new_table(name: str, spec: TableSpec, backend: BackendKind, hidden: Unverifiable | None) -> list[Change]:
    """CreateTable carries keys, indexes, billing, stream, SSE, class, protection and tags; the rest follows.

    Where the source could not follow something that may define the table (a Terraform module call),
    whether it is there is unknown: the creation is shown skipped, with why."""
    if hidden is not None:
        return [CreateTable(target=name, spec=spec, skipped=hidden)]
    changes: list[Change] = [CreateTable(target=name, spec=spec)]
    if spec.point_in_time_recovery:
        changes.append(UpdatePitr(target=name, enabled=True, skipped=gap(backend, Feature.PITR)))
    if spec.ttl_attribute:
        changes.append(UpdateTtl(target=name, attribute=spec.ttl_attribute))
    # What CreateTable is given but the backend does not keep, shown so nobody believes it is there.
    if spec.tags and (not_kept := gap(backend, Feature.TAGS)):
        changes.append(TagTable(target=name, tags=spec.tags, skipped=not_kept))
    if spec.encryption.type is not EncryptionType.AWS_OWNED and (not_kept := gap(backend, Feature.ENCRYPTION)):
        changes.append(UpdateEncryption(target=name, encryption=spec.encryption, skipped=not_kept))
    if spec.table_class is not TableClass.STANDARD and (not_kept := gap(backend, Feature.TABLE_CLASS)):
        changes.append(UpdateTableClass(target=name, table_class=spec.table_class, skipped=not_kept))
    return changes


def _table(name: str, spec: TableSpec, seen: ObservedTable) -> list[Change]:
    if seen.keys != spec.keys:
        return [Refused(target=name, what=f"key schema is {seen.keys}, the contracts want {spec.keys}",
                        how=REPLACE_TABLE)]
    changes: list[Change] = []
    busy = _still_changing(seen)
    if busy:
        changes.append(AwaitActive(target=name, waiting_for=busy))
    wanted_lsis = {(i.name, i.sort_key, i.projection) for i in spec.local_indexes}
    seen_lsis = {(i.name, i.sort_key, i.projection) for i in seen.local_indexes.values()}
    if wanted_lsis != seen_lsis:
        changes.append(Refused(target=name, what="local indexes differ from the contracts (an LSI can only be "
                                                 "defined when the table is created)", how=REPLACE_TABLE))
    changes += _indexes(name, spec, seen)
    changes += _settings(name, spec, seen)
    return changes


def _still_changing(seen: ObservedTable) -> tuple[str, ...]:
    """What of a table is not ACTIVE yet: the table itself, or indexes being created or deleted."""
    busy = [] if seen.status == "ACTIVE" else [f"table {seen.status}"]
    busy += [f"GSI {i.name} {i.status}" for i in seen.global_indexes.values() if i.status != "ACTIVE"]
    return tuple(busy)


def _indexes(name: str, spec: TableSpec, seen: ObservedTable) -> list[Change]:
    changes: list[Change] = []
    for index_name, present in seen.global_indexes.items():
        if spec.global_index(index_name) is None and present.status != "DELETING":
            changes.append(DeleteIndex(target=name, index=index_name))
    for index in spec.global_indexes:
        current = seen.global_indexes.get(index.name)
        if current is None:
            changes.append(CreateIndex(target=name, index=index, skipped=seen.other_indexes))
        elif current.keys != index.keys or current.projection != index.projection:
            changes.append(Refused(
                target=name, how=REPLACE_INDEX,
                what=f"GSI {index.name} is ({current.keys}; {current.projection}), the contracts want "
                     f"({index.keys}; {index.projection})"))
        elif (spec.billing.mode is BillingMode.PROVISIONED and isinstance(seen.billing, Billing)
              and seen.billing.mode is BillingMode.PROVISIONED and index.capacity != current.capacity
              and index.capacity is not None):
            changes.append(UpdateIndexCapacity(target=name, index=index.name, capacity=index.capacity,
                                               was=current.capacity))
    return changes


def _settings(name: str, spec: TableSpec, seen: ObservedTable) -> list[Change]:
    changes: list[Change] = []
    capacities = {i.name: i.capacity for i in spec.global_indexes if i.capacity is not None}
    if isinstance(seen.billing, Unverifiable):
        changes.append(UpdateBilling(target=name, billing=spec.billing, index_capacity=capacities,
                                     skipped=seen.billing))
    elif seen.billing != spec.billing:
        changes.append(UpdateBilling(target=name, billing=spec.billing, index_capacity=capacities, was=seen.billing))
    if isinstance(seen.stream, Unverifiable):
        changes.append(UpdateStream(target=name, view=spec.stream, skipped=seen.stream))
    elif seen.stream != spec.stream:
        changes.append(UpdateStream(target=name, view=spec.stream, was=seen.stream))
    changes += _encryption(name, spec, seen)
    if isinstance(seen.deletion_protection, Unverifiable):
        changes.append(UpdateDeletionProtection(target=name, enabled=spec.deletion_protection,
                                                skipped=seen.deletion_protection))
    elif seen.deletion_protection != spec.deletion_protection:
        changes.append(UpdateDeletionProtection(target=name, enabled=spec.deletion_protection))
    if isinstance(seen.table_class, Unverifiable):
        if spec.table_class is not TableClass.STANDARD:
            changes.append(UpdateTableClass(target=name, table_class=spec.table_class, skipped=seen.table_class))
    elif seen.table_class != spec.table_class:
        changes.append(UpdateTableClass(target=name, table_class=spec.table_class))
    if isinstance(seen.point_in_time_recovery, Unverifiable):
        if spec.point_in_time_recovery:
            changes.append(UpdatePitr(target=name, enabled=True, skipped=seen.point_in_time_recovery))
    elif seen.point_in_time_recovery != spec.point_in_time_recovery:
        changes.append(UpdatePitr(target=name, enabled=spec.point_in_time_recovery))
    if isinstance(seen.ttl_attribute, Unverifiable):
        if spec.ttl_attribute:
            changes.append(UpdateTtl(target=name, attribute=spec.ttl_attribute, skipped=seen.ttl_attribute))
    elif seen.ttl_attribute != spec.ttl_attribute:
        changes.append(_ttl(name, spec.ttl_attribute, seen.ttl_attribute))
    if isinstance(seen.tags, Unverifiable):
        if spec.tags:
            changes.append(TagTable(target=name, tags=spec.tags, skipped=seen.tags))
    else:
        # Only add or correct the contracts' tags: tags others put on the table are left alone.
        missing = {k: v for k, v in spec.tags.items() if seen.tags.get(k) != v}
        if missing:
            changes.append(TagTable(target=name, tags=missing))
    return changes


def _ttl(name: str, wanted: str | None, seen: str | None) -> Change:
    """TTL on or off is one call; moving it to another attribute is two, an hour apart, so it is refused."""
    if wanted is not None and seen is not None:
        return Refused(target=name, what=f"TTL is on attribute {seen}, the contracts want it on {wanted}",
                       how=MOVE_TTL)
    return UpdateTtl(target=name, attribute=wanted, was=seen)


def _encryption(name: str, spec: TableSpec, seen: ObservedTable) -> list[Change]:
    observed = seen.encryption
    if observed is None:
        return []
    if isinstance(observed, Unverifiable):
        if spec.encryption.type is EncryptionType.AWS_OWNED:
            return []
        return [UpdateEncryption(target=name, encryption=spec.encryption, skipped=observed)]
    kind = observed.type
    if isinstance(kind, Unverifiable):
        # A KMS key whose manager cannot be told: only the AWS owned key is a known difference.
        if spec.encryption.type is EncryptionType.AWS_OWNED:
            return [UpdateEncryption(target=name, encryption=spec.encryption, was=str(observed))]
        return []
    same_key = spec.encryption.kms_key is None or spec.encryption.kms_key == observed.kms_key_arn
    if kind is spec.encryption.type and same_key:
        return []
    return [UpdateEncryption(target=name, encryption=spec.encryption, was=str(observed))]


def _backups(stack: Stack, observed: ObservedState, backend: BackendKind) -> list[Change]:
    changes: list[Change] = []
    vaults, plans = observed.backups.vaults, observed.backups.plans
    # What the backend cannot hold is skipped even when the reader was not asked (a state built elsewhere).
    vaults = gap(backend, Feature.BACKUP_VAULTS) or vaults
    plans = gap(backend, Feature.BACKUP_PLANS) or plans
    for name, vault in stack.vaults.items():
        if isinstance(vaults, Unverifiable):
            changes.append(CreateVault(target=name, vault=vault, skipped=vaults))
        elif name not in vaults:
            changes.append(CreateVault(target=name, vault=vault, skipped=observed.hidden("vault")))
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
        hidden = observed.hidden("plan")
        if current is None and hidden is not None:
            changes += [CreateBackupPlan(target=name, plan=plan, skipped=hidden),
                        CreateSelection(target=name, plan=plan, resources=resources, iam_role_arn=role,
                                        skipped=hidden)]
            continue
        if current is None:
            changes.append(CreateBackupPlan(target=name, plan=plan))
            changes.append(_without_role_refused(_unless_unsupported(selection, backend), stack))
            continue
        rule = plan.rule
        actual = [(r.vault, r.schedule, r.retention_days, r.cold_storage_after_days) for r in current.rules]
        if actual != [(rule.vault, rule.schedule, rule.retention_days, rule.cold_storage_after_days)]:
            was = "; ".join(f"{r.schedule} into {r.vault}, keep {r.retention_days} days" for r in current.rules)
            changes.append(UpdateBackupPlan(target=name, plan=plan, plan_id=current.plan_id, was=was))
        changes += [_without_role_refused(c, stack) for c in _selection_change(selection, current, backend)]
    return changes


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
    if not ours:
        return [_unless_unsupported(dataclasses.replace(selection, plan_id=current.plan_id), backend)]
    replaced, *others = ours
    return [CreateSelection(target=selection.target, plan=selection.plan, resources=selection.resources,
                            iam_role_arn=selection.iam_role_arn, plan_id=current.plan_id,
                            replaces_id=replaced.selection_id),
            *(DeleteSelection(target=selection.target, plan_id=current.plan_id, selection_id=s.selection_id,
                              name=s.name, kept=selection.selection_name) for s in others)]


def _same_content(existing: ObservedSelection, wanted: CreateSelection) -> bool:
    return (sorted(existing.resources) == sorted(wanted.resources)
            and sorted((t.key, t.value) for t in existing.any_tags) == sorted(wanted.plan.covers.tags.items()))


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


def _alarms(stack: Stack, observed: ObservedState, backend: BackendKind) -> list[Change]:
    """Each alarm the contracts give a table, made or brought back to them; alarms of other names are left alone."""
    seen = gap(backend, Feature.ALARMS) or observed.alarms
    if seen is None:
        seen = observed.unread_alarms()
    changes: list[Change] = []
    for name, alarm in stack.alarms.items():
        if isinstance(seen, Unverifiable):
            changes.append(PutAlarm(target=name, alarm=alarm, skipped=seen))
            continue
        current = seen.get(name)
        if current is None:
            changes.append(PutAlarm(target=name, alarm=alarm))
        elif (difference := alarm_difference(alarm, current)) is not None:
            changes.append(PutAlarm(target=name, alarm=alarm, was=difference))
    return changes


def alarm_difference(alarm: Alarm, seen: ObservedAlarm) -> str | None:
    """How an alarm there differs from the contracts' (metric, table, threshold, periods, actions); None: alike."""
    rule = alarm.rule
    wanted = (rule.kind.metric, alarm.table, rule.threshold, rule.period_seconds, rule.evaluation_periods,
              ALARM_COMPARISON, ALARM_STATISTIC, tuple(sorted(alarm.actions)))
    found = (seen.metric, seen.table, seen.threshold, seen.period_seconds, seen.evaluation_periods, seen.comparison,
             seen.statistic, tuple(sorted(seen.actions)))
    names = ("metric", "table", "threshold", "period", "evaluation periods", "comparison", "statistic", "actions")
    differing = [f"{n} {f}" for n, w, f in zip(names, wanted, found, strict=True) if w != f]
    return "; ".join(differing) or None
