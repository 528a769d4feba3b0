"""The desired state of one environment: physical names, overrides applied.

`resolve(desired, env)` is the only place environment overrides and name patterns are
applied, so the diff, the apply and the checks all see the same names. It also gives every
table the ownership tag (`ManagedBy=dynamo-contracts`): a table not in the contracts is
deleted only when it carries that tag, so another team's table with a name of the same
shape (`payments-team-sit`) is never ours to delete.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field

from .model import (
    AlarmRule,
    BackupPlan,
    BackupVault,
    Coverage,
    DesiredState,
    Environment,
    TableSpec,
)

OWNERSHIP_TAG_KEY = "ManagedBy"
OWNERSHIP_TAG_VALUE = "dynamo-contracts"
OWNERSHIP_TAG = f"{OWNERSHIP_TAG_KEY}={OWNERSHIP_TAG_VALUE}"


@dataclass(frozen=True)
class Alarm:
    """One CloudWatch alarm the stack must have: a rule on a table, notifying the environment's actions."""

    name: str
    table: str  # physical
    rule: AlarmRule
    actions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Stack:
    environment: Environment
    tables: Mapping[str, TableSpec]  # physical name -> spec (spec.name stays the logical name)
    vaults: Mapping[str, BackupVault]  # physical name -> vault with its physical name
    plans: Mapping[str, BackupPlan]  # physical name -> plan with physical vault and table names
    alarms: Mapping[str, Alarm] = field(default_factory=dict)  # alarm name -> the alarm on its table
    index_naming: str | None = None  # the contracts' index naming convention (`<Table>By<Attribute>`), if any

    def physical_table(self, logical: str) -> str:
        return self.environment.table_name(logical)

    def spec(self, logical: str) -> TableSpec | None:
        return self.tables.get(self.physical_table(logical))


def _with_overrides(spec: TableSpec, env: Environment) -> TableSpec:
    overrides = env.overrides
    changes: dict[str, object] = {"tags": {**spec.tags, **overrides.tags, OWNERSHIP_TAG_KEY: OWNERSHIP_TAG_VALUE}}
    for name in ("deletion_protection", "point_in_time_recovery", "table_class"):
        value = getattr(overrides, name)
        if value is not None:
            changes[name] = value
    return dataclasses.replace(spec, **changes)  # type: ignore[arg-type]


def resolve(desired: DesiredState, env: Environment) -> Stack:
    tables = {env.table_name(spec.name): _with_overrides(spec, env) for spec in desired.tables}
    vaults = {env.backup_name(v.name): dataclasses.replace(v, name=env.backup_name(v.name)) for v in desired.vaults}
    plans: dict[str, BackupPlan] = {}
    for plan in desired.plans:
        covers = plan.covers
        if covers.tables:
            covers = Coverage(tables=tuple(env.table_name(t) for t in covers.tables))
        elif covers.all_tables:
            covers = Coverage(all_tables=True, tables=tuple(sorted(tables)))
        rule = dataclasses.replace(plan.rule, vault=env.backup_name(plan.rule.vault))
        name = env.backup_name(plan.name)
        plans[name] = dataclasses.replace(plan, name=name, rule=rule, covers=covers)
    alarms = {rule.alarm_name(physical): Alarm(rule.alarm_name(physical), physical, rule, env.alarm_actions)
              for physical, spec in tables.items() for rule in spec.alarms}
    return Stack(env, tables, vaults, plans, alarms, desired.index_naming)
