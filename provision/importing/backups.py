"""Observed backup vaults and plans as the contracts' `backup:` section, under their logical names.

A contracts plan has one rule (`<plan>-rule`) and covers all tables, some by name, or those of some tags; the
selections of a Terraform plan are read back into that: every table of the stack named (by ARN or wildcard) is
`covers: all`, some of them `{tables: [...]}`, `selection_tag`s of StringEquals `{tags: {...}}`. Anything else
(excluded resources, conditions, a second rule) is a placeholder saying what Terraform does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

from ..desired.load_env import RULE_SUFFIX
from ..observed.state import (
    ObservedBackups,
    ObservedPlan,
    ObservedRule,
    ObservedSelection,
    Unverifiable,
)
from .document import Block, Entry, Node, Placeholder, Value
from .tables import unknown

ARN_PARTS, ACCOUNT = 6, 4  # arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE; the account is the import's to tell


@dataclass(frozen=True)
class StackTables:
    """The stack's tables as a selection names them: physical name -> (logical name, ARN)."""

    tables: Mapping[str, tuple[str, str]]

    def selected_by(self, resource: str) -> list[str]:
        """The physical tables an ARN or wildcard of a selection names."""
        if resource == "*":
            return sorted(self.tables)
        wanted = resource.split(":", ARN_PARTS - 1)
        if len(wanted) != ARN_PARTS:
            return []
        found = []
        for physical, (_, arn) in sorted(self.tables.items()):
            have = arn.split(":", ARN_PARTS - 1)
            parts = enumerate(zip(have, wanted, strict=True))
            if all(fnmatchcase(h, w) for i, (h, w) in parts if i != ACCOUNT):
                found.append(physical)
        return found


@dataclass
class Backups:
    nodes: list[Node] = field(default_factory=list)  # the `backup:` section's vaults and plans
    loose: list[Node] = field(default_factory=list)  # placeholders about backups when there is no section
    roles: set[str] = field(default_factory=set)  # the IAM roles the selections use


def _covers(selections: tuple[ObservedSelection, ...] | Unverifiable, stack: StackTables) -> list[Node]:
    if isinstance(selections, Unverifiable):
        return [unknown("covers", selections)]
    if not selections:
        return [Placeholder("covers", "the plan has no backup selection in Terraform, so it backs up nothing, which "
                                      "contracts/ cannot say: write what it should cover, or remove the plan")]
    named: set[str] = set()
    tags: dict[str, str] = {}
    odd: list[str] = []
    outside: list[str] = []
    for selection in selections:
        entries = (*selection.resources, *selection.not_resources, *selection.any_tags, *selection.all_tags)
        why = next((e for e in entries if isinstance(e, Unverifiable)), None)
        if why is not None:
            return [unknown("covers", why)]
        if selection.not_resources or selection.all_tags:
            odd.append(f"selection {selection.name} excludes resources or sets conditions")
        for tag in selection.any_tags:
            if isinstance(tag, Unverifiable) or tag.operator != "StringEquals":
                odd.append(f"selection {selection.name} tests a tag with {getattr(tag, 'operator', '?')}")
            else:
                tags[tag.key] = tag.value
        for resource in selection.resources:
            matched = stack.selected_by(str(resource))
            named.update(matched)
            if not matched:
                outside.append(str(resource))
    if named and tags:
        odd.append("its selections name tables and tags both")
    if odd or not (named or tags):
        said = "; ".join(odd) if odd else f"it selects only {', '.join(outside)}, no table of this stack"
        return [Placeholder("covers", f"not written: {said}; contracts/ cover all tables, some by name, or by tag")]
    nodes: list[Node] = []
    if tags:
        nodes.append(Entry("covers", {"tags": dict(sorted(tags.items()))}))
    elif named == set(stack.tables):
        nodes.append(Entry("covers", "all"))
    else:
        nodes.append(Entry("covers", {"tables": sorted(stack.tables[p][0] for p in named)}))
    if outside:
        nodes.append(Placeholder("covers (also)", f"{', '.join(outside)}: not a table of this stack, not written"))
    return nodes


def _rule(plan: ObservedPlan, logical: str, vaults: Mapping[str, str]) -> list[Node]:
    """The plan's one rule as the plan's settings; `vaults`: physical -> logical of the vaults imported."""
    if not plan.rules:
        return [Placeholder("schedule", "the plan has no rule in Terraform: write its vault, schedule and "
                                        "retention_days")]
    rule = plan.rules[0]
    extra = [Placeholder("rule", f"a further rule of the plan, {getattr(r, 'name', r)}, is not written: a contracts "
                                 "plan has one rule; make it a plan of its own") for r in plan.rules[1:]]
    if isinstance(rule, Unverifiable):
        return [unknown("rule", rule), *extra]
    return [*_rule_settings(rule, logical, vaults), *extra]


def _rule_settings(rule: ObservedRule, logical: str, vaults: Mapping[str, str]) -> list[Node]:
    nodes: list[Node] = []
    vault = rule.vault
    if isinstance(vault, Unverifiable):
        nodes.append(unknown("vault", vault))
    elif vault in vaults:
        nodes.append(Entry("vault", vaults[vault]))
    else:
        nodes.append(Placeholder("vault", f"{vault}, which this Terraform does not define: add the vault under "
                                          "backup.vaults, then name it here"))
    schedule = rule.schedule
    nodes.append(Entry("schedule", schedule) if isinstance(schedule, str) and schedule else unknown(
        "schedule", schedule if isinstance(schedule, Unverifiable) else None, "the rule has no schedule"))
    retention = rule.retention_days
    if isinstance(retention, int):
        nodes.append(Entry("retention_days", retention))
    else:
        nodes.append(unknown("retention_days", retention, "the rule keeps its backups forever (no lifecycle "
                                                          "delete_after), and contracts/ need a retention"))
    cold = rule.cold_storage_after_days
    if isinstance(cold, Unverifiable):
        nodes.append(unknown("cold_storage_after_days", cold))
    elif cold is not None:
        nodes.append(Entry("cold_storage_after_days", cold))
    if isinstance(rule.name, str) and rule.name != f"{logical}{RULE_SUFFIX}":
        nodes.append(Placeholder("rule name", f"{rule.name} in Terraform; the provisioner names the rule "
                                              f"{logical}{RULE_SUFFIX}"))
    return nodes


def read_backups(backups: ObservedBackups, names: Mapping[str, str], stack: StackTables) -> Backups:
    """The backup section of the contracts; `names`: physical -> logical name of every vault and plan."""
    found = Backups()
    vault_names: dict[str, str] = {}
    vault_nodes: list[Node] = []
    if isinstance(backups.vaults, Unverifiable):
        found.loose.append(unknown("backup vaults", backups.vaults))
    else:
        for physical, vault in sorted(backups.vaults.items()):
            vault_names[physical] = names[physical]
            key = vault.kms_key_arn
            value: Value = {"kms_key": key} if isinstance(key, str) else {}
            vault_nodes.append(Entry(names[physical], Block((unknown("kms_key", key),)) if isinstance(
                key, Unverifiable) else value))
    plan_nodes: list[Node] = []
    if isinstance(backups.plans, Unverifiable):
        found.loose.append(unknown("backup plans", backups.plans))
    else:
        for physical, plan in sorted(backups.plans.items()):
            logical = names[physical]
            if not isinstance(plan.selections, Unverifiable):
                found.roles.update(s.iam_role_arn for s in plan.selections if s.iam_role_arn)
            body = [*_rule(plan, logical, vault_names), *_covers(plan.selections, stack)]
            plan_nodes.append(Entry(logical, Block(tuple(body))))
    if vault_nodes:
        found.nodes.append(Entry("vaults", Block(tuple(vault_nodes))))
    if plan_nodes:
        found.nodes.append(Entry("plans", Block(tuple(plan_nodes))))
    return found
