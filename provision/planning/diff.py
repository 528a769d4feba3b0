"""The diff: pure code from (desired stack, observed state) to the changes that close the gap.

No I/O. What the backend cannot report or hold (an `Unverifiable` field, or a gap in
`provision.observed.capabilities`) becomes a change marked skipped, so the plan shows it with the
reason instead of silently dropping it.
"""

from __future__ import annotations

from ..desired.model import (
    BackendKind,
    Billing,
    BillingMode,
    EncryptionType,
    GlobalIndex,
    Projection,
    TableClass,
    TableSpec,
)
from ..desired.stack import OWNERSHIP_TAG, OWNERSHIP_TAG_KEY, OWNERSHIP_TAG_VALUE, Stack
from ..observed.capabilities import Feature, gap
from ..observed.state import (
    ObservedIndex,
    ObservedState,
    ObservedTable,
    Unverifiable,
    key_agrees,
    keys_agree,
)
from .changes import (
    AwaitActive,
    Change,
    CreateIndex,
    CreateTable,
    DeleteIndex,
    DeleteTable,
    LeftAlone,
    Refused,
    TagTable,
    UpdateBilling,
    UpdateDeletionProtection,
    UpdateEncryption,
    UpdateIndexCapacity,
    UpdatePitr,
    UpdateStream,
    UpdateTableClass,
    UpdateTtl,
)
from .diff_alarms import alarms
from .diff_backups import backups
from .diff_replicas import replica_changes

REPLACE_TABLE = ("AWS cannot change this in place: create a table under a new name with the new schema, "
                 "copy the data, move the consumers, then remove the old table from the contracts")
REPLACE_INDEX = ("AWS cannot change a GSI's keys or projection in place: add a GSI under a new name, move the "
                 "consumers to it, then remove the old one (deleting it needs "
                 "--destroy-removed-tables-and-indexes outside local and moto)")
MOVE_TTL = ("AWS takes one TTL change per table and then refuses the next for about an hour, so TTL cannot move "
            "in one apply: remove ttl_attribute from the contracts and apply (TTL off), then at least an hour "
            "later set the new ttl_attribute and apply again")


def diff(stack: Stack, observed: ObservedState, backend: BackendKind) -> list[Change]:
    """Every change that makes `observed` match `stack`, in plan order."""
    changes: list[Change] = []
    for name, spec in stack.tables.items():
        seen = observed.tables.get(name)
        changes += _new_table(name, spec, backend, observed.hidden("table", name)) if seen is None else _table(
            name, spec, seen, backend, observed.unseen_indexes(seen))
    changes += [_not_in_contracts(seen, backend) for name, seen in observed.tables.items() if name not in stack.tables]
    changes += backups(stack, observed, backend)
    changes += alarms(stack, observed, backend)
    # Tables by name, each table's changes in their order; backups after them, vault before plan before selection.
    return sorted(changes, key=lambda c: (c.is_backup, c.order if c.is_backup else 0, c.target, c.order))


def table_changes(name: str, spec: TableSpec, seen: ObservedTable | None, backend: BackendKind) -> list[Change]:
    """The changes that make one table, read on its own, what `spec` says (the tool's own tables)."""
    return _new_table(name, spec, backend, None) if seen is None else _table(name, spec, seen, backend)


def _not_in_contracts(seen: ObservedTable, backend: BackendKind) -> Change:
    """Delete a table the contracts no longer name only when its tags prove it ours; else leave it, and say so.

    A name of the environment's shape proves nothing: another team's `payments-team-sit` has one too.
    """
    tags = gap(backend, Feature.TAGS) or seen.tags
    owner = tags if isinstance(tags, Unverifiable) else tags.get(OWNERSHIP_TAG_KEY)
    if isinstance(owner, Unverifiable):  # no tags kept, or that one tag known only after apply
        why = "it keeps no tags" if owner is tags else "that tag is known only after apply"
        return LeftAlone(target=seen.name, why=f"not in the contracts, and cannot tell on {owner.source} whether "
                                               f"it is tagged {OWNERSHIP_TAG} ({why}): delete it by hand if it "
                                               "is yours")
    if owner == OWNERSHIP_TAG_VALUE:
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
    changes += replica_changes(name, spec, ObservedTable(name, "CREATING", spec.keys), gap(backend, Feature.REPLICAS))
    return changes


def _table(name: str, spec: TableSpec, seen: ObservedTable, backend: BackendKind,
           unseen_indexes: Unverifiable | None = None) -> list[Change]:
    if not keys_agree(seen.keys, spec.keys):  # a key the backend did not report in full contradicts nothing
        return [Refused(target=name, what=f"key schema is {seen.keys}, the contracts want {spec.keys}",
                        how=REPLACE_TABLE)]
    changes: list[Change] = []
    busy = _still_changing(seen)
    if busy:
        changes.append(AwaitActive(target=name, waiting_for=busy))
    wanted_lsis = {i.name: i for i in spec.local_indexes}
    if set(wanted_lsis) != set(seen.local_indexes) or not all(
            key_agrees(i.sort_key, wanted_lsis[n].sort_key) and _agrees(i.projection, wanted_lsis[n].projection)
            for n, i in seen.local_indexes.items()):
        changes.append(Refused(target=name, what="local indexes differ from the contracts (an LSI can only be "
                                                 "defined when the table is created)", how=REPLACE_TABLE))
    changes += _indexes(name, spec, seen, unseen_indexes)
    changes += _settings(name, spec, seen)
    changes += replica_changes(name, spec, seen, gap(backend, Feature.REPLICAS))
    return changes


def _still_changing(seen: ObservedTable) -> tuple[str, ...]:
    """What of a table is not ACTIVE yet: the table itself, or indexes being created or deleted."""
    busy = [] if seen.status == "ACTIVE" or isinstance(seen.status, Unverifiable) else [f"table {seen.status}"]
    busy += [f"GSI {i.name} {i.status}" for i in seen.global_indexes.values() if i.status != "ACTIVE"]
    return tuple(busy)


def _indexes(name: str, spec: TableSpec, seen: ObservedTable, unseen: Unverifiable | None) -> list[Change]:
    """GSIs there and not in the contracts deleted, those missing added (skipped where the source may not see
    every index of the table: `unseen`), those that differ refused."""
    changes: list[Change] = []
    for index_name, present in seen.global_indexes.items():
        if spec.global_index(index_name) is None and present.status != "DELETING":
            changes.append(DeleteIndex(target=name, index=index_name))
    for index in spec.global_indexes:
        current = seen.global_indexes.get(index.name)
        if current is None:
            changes.append(CreateIndex(target=name, index=index, skipped=unseen))
        elif (refused := _index_refused(name, index, current)) is not None:
            changes.append(refused)
        elif (spec.billing.mode is BillingMode.PROVISIONED and isinstance(seen.billing, Billing)
              and seen.billing.mode is BillingMode.PROVISIONED and index.capacity != current.capacity
              and index.capacity is not None):
            was = current.capacity
            changes.append(UpdateIndexCapacity(target=name, index=index.name, capacity=index.capacity,
                                               was=None if isinstance(was, Unverifiable) else was,
                                               skipped=was if isinstance(was, Unverifiable) else None))
    return changes


def _agrees(seen: Projection | Unverifiable, wanted: Projection) -> bool:
    """A projection the backend did not report contradicts nothing (a plan changes none in place either way)."""
    return isinstance(seen, Unverifiable) or seen == wanted


def _index_refused(name: str, index: GlobalIndex, current: ObservedIndex) -> Refused | None:
    """A GSI whose keys or projection differ is refused; one whose keys or projection the source cannot read
    (known only after apply) is that refusal, skipped with why: it may differ, or not."""
    seen = (current.keys, current.projection)
    unknown = next((v for v in seen if isinstance(v, Unverifiable)), None)
    differs = (not isinstance(current.keys, Unverifiable) and not keys_agree(current.keys, index.keys)) or (
        not isinstance(current.projection, Unverifiable) and current.projection != index.projection)
    if not differs and unknown is None:
        return None
    shown = "; ".join("not known here" if isinstance(v, Unverifiable) else str(v) for v in seen)
    return Refused(target=name, how=REPLACE_INDEX, skipped=None if differs else unknown,
                   what=f"GSI {index.name} is ({shown}), the contracts want ({index.keys}; {index.projection})")


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
        # Only add or correct the contracts' tags: tags others put on the table are left alone. A tag whose value
        # the source cannot know (known only after apply) is that one tag unknown, not the others.
        found = seen.tags
        unknown = {k: v for k, v in spec.tags.items() if isinstance(found.get(k), Unverifiable)}
        missing = {k: v for k, v in spec.tags.items() if k not in unknown and found.get(k) != v}
        if missing:
            changes.append(TagTable(target=name, tags=missing))
        if unknown:
            reason = found[next(iter(sorted(unknown)))]
            changes.append(TagTable(target=name, tags=unknown, skipped=reason if isinstance(reason, Unverifiable)
                                    else None))
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
    if kind is spec.encryption.type and spec.encryption.kms_key is not None and isinstance(
            observed.kms_key_arn, Unverifiable):  # the kind of key is right; which key is known only after apply
        return [UpdateEncryption(target=name, encryption=spec.encryption, skipped=observed.kms_key_arn)]
    same_key = spec.encryption.kms_key is None or spec.encryption.kms_key == observed.kms_key_arn
    if kind is spec.encryption.type and same_key:
        return []
    return [UpdateEncryption(target=name, encryption=spec.encryption, was=str(observed))]
