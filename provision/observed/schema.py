"""The desired stack seen as an observed state: what an environment would hold if applied exactly.

Lets consumer contracts be checked against `contracts/` itself before anything is deployed
(the same checks, another source), and gives tests a perfect environment to break.
"""

from __future__ import annotations

from ..desired.model import ALARM_COMPARISON, ALARM_STATISTIC, EncryptionType
from ..desired.stack import Stack
from .origin import Origin, SourceKind
from .state import (
    ObservedAlarm,
    ObservedBackups,
    ObservedEncryption,
    ObservedIndex,
    ObservedLocalIndex,
    ObservedPlan,
    ObservedReplica,
    ObservedRule,
    ObservedSelection,
    ObservedState,
    ObservedTable,
    ObservedVault,
    TagCondition,
)

SOURCE = SourceKind.SCHEMA.value  # the word its unverifiable facts say: "unverifiable on schema"


def observed_from_stack(stack: Stack) -> ObservedState:
    tables = {}
    for name, spec in stack.tables.items():
        encryption = spec.encryption
        key_arn = None if encryption.type is EncryptionType.AWS_OWNED else (
            encryption.kms_key or f"arn:aws:kms:{stack.environment.region}:aws-managed:key/dynamodb")
        manager = None if key_arn is None else ("CUSTOMER" if encryption.type is EncryptionType.CUSTOMER_MANAGED
                                                else "AWS")
        tables[name] = ObservedTable(
            name=name, status="ACTIVE", keys=spec.keys, arn=stack.environment.table_arn(name),
            global_indexes={i.name: ObservedIndex(i.name, i.keys, i.projection, "ACTIVE", i.capacity)
                            for i in spec.global_indexes},
            local_indexes={i.name: ObservedLocalIndex(i.name, i.sort_key, i.projection) for i in spec.local_indexes},
            billing=spec.billing, stream=spec.stream, encryption=ObservedEncryption(key_arn, manager),
            point_in_time_recovery=spec.point_in_time_recovery, ttl_attribute=spec.ttl_attribute,
            deletion_protection=spec.deletion_protection, table_class=spec.table_class, tags=dict(spec.tags),
            replicas=tuple(ObservedReplica(r.region, "ACTIVE", r.kms_key, spec.replica_pitr(r), r.propagate_tags)
                           for r in spec.replicas or ()),
        )
    plans = {}
    for name, plan in stack.plans.items():
        rule = plan.rule
        resources = tuple(stack.environment.table_arn(t) for t in plan.covers.tables)
        selection = ObservedSelection(
            plan.selection_name_for(resources), f"{name}-selection", resources,
            any_tags=tuple(TagCondition(k, v) for k, v in sorted(plan.covers.tags.items())),
            iam_role_arn=stack.environment.backup_role or "")
        plans[name] = ObservedPlan(name, f"{name}-id", (ObservedRule(
            rule.name, rule.vault, rule.schedule, rule.retention_days, rule.cold_storage_after_days),), (selection,))
    vaults = {name: ObservedVault(name, vault.kms_key) for name, vault in stack.vaults.items()}
    alarms = {name: ObservedAlarm(name, a.rule.kind.metric, a.table, a.rule.threshold, a.rule.period_seconds,
                                  a.rule.evaluation_periods, ALARM_COMPARISON, ALARM_STATISTIC, a.actions, "OK")
              for name, a in stack.alarms.items()}
    return ObservedState(Origin(SourceKind.SCHEMA), stack.environment.name, tables, ObservedBackups(vaults, plans),
                         alarms=alarms)
