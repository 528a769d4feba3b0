"""Terraform's AWS Backup resources as observed backups: `aws_backup_vault`, `aws_backup_plan` (its rules) and
`aws_backup_selection` (the resources it names by ARN or wildcard, its tags and conditions), each attached to the
plan its `plan_id` names. A vault or plan whose name is not known yet is `Unresolved`, never a guess.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from provision.observed.state import (
    ObservedPlan,
    ObservedRule,
    ObservedSelection,
    ObservedVault,
    TagCondition,
    Unresolved,
)
from provision.observed.terraform.records import Configuration, Reference, Resource, TerraformError, Unknown
from provision.observed.terraform.values import PLAN, SELECTION, Block, NotKnown, References, joined, unique

TAG_KEY_PREFIX = "aws:ResourceTag/"
CONDITIONS = (("string_equals", "StringEquals"), ("string_like", "StringLike"),
              ("string_not_equals", "StringNotEquals"), ("string_not_like", "StringNotLike"))
PLAN_ADVICE = "its backup plan cannot be checked from this plan: give it a value known before apply"


def vaults_of(resources: Iterable[Resource]) -> tuple[dict[str, ObservedVault], list[Unresolved]]:
    """The vaults by physical name; one of unknown name may be any vault, so it is unresolved."""
    vaults: dict[str, ObservedVault] = {}
    seen: dict[str, str] = {}
    hidden: list[Unresolved] = []
    for resource in resources:
        block = Block(resource.values, resource.where)
        try:
            name = block.required("name")
        except NotKnown as unknown:
            hidden.append(unknown.unresolved(resource.address, "its vault cannot be checked from this plan", "vault"))
            continue
        unique("backup vault", seen, name, resource.where)
        try:
            key = block.text("kms_key_arn")
        except NotKnown:
            key = None  # ObservedVault cannot say "unknown" (see the report of this module's author)
        vaults[name] = ObservedVault(name, key or None)
    return vaults, hidden


def plans_of(config: Configuration, index: References, source: str) -> tuple[dict[str, ObservedPlan], list[Unresolved]]:
    """The plans by physical name, each with its selections (or why they are not known), and what is unresolved."""
    drafts: dict[str, ObservedPlan] = {}
    seen: dict[str, str] = {}
    hidden: list[Unresolved] = []
    for resource in config.of_type(PLAN):
        plan = _plan(resource, index)
        if isinstance(plan, Unresolved):
            hidden.append(plan)
            continue
        unique("backup plan", seen, plan.name, resource.where)
        drafts[resource.address] = plan
    selections, reasons, unresolved = _selections(config.of_type(SELECTION), index, drafts)
    plans = {}
    for address, plan in drafts.items():
        unknown = joined(source, reasons.get(address, []))
        plans[plan.name] = replace(plan, selections=unknown or tuple(selections.get(address, [])))
    return plans, [*hidden, *unresolved]


def _plan(resource: Resource, index: References) -> ObservedPlan | Unresolved:
    """One `aws_backup_plan` (plan_id: its address), or why its name or rules are not known."""
    block = Block(resource.values, resource.where)
    try:
        return ObservedPlan(block.required("name"), resource.address,
                            tuple(_rule(rule, index) for rule in block.blocks("rule")))
    except NotKnown as unknown:
        return unknown.unresolved(resource.address, PLAN_ADVICE, "plan")


def _rule(block: Block, index: References) -> ObservedRule:
    lifecycle = block.first("lifecycle")
    vault = index.text(block, "target_vault_name")
    if not vault:
        raise TerraformError(f"{block.where}: {block.name('target_vault_name')} is missing; name the backup vault")
    return ObservedRule(block.required("rule_name"), vault, block.text("schedule") or "",
                        _days(lifecycle, "delete_after"), _days(lifecycle, "cold_storage_after"))


def _days(lifecycle: Block | None, key: str) -> int | None:
    """A lifecycle's days; a state writes 0 for "not set", which AWS Backup reports as no value at all."""
    return None if lifecycle is None else lifecycle.number(key) or None


def _selections(resources: Iterable[Resource], index: References, plans: Mapping[str, ObservedPlan]
                ) -> tuple[dict[str, list[ObservedSelection]], dict[str, list[str]], list[Unresolved]]:
    """Each selection by the address of its plan; why some plan's selections are not known; plans not followed."""
    found: dict[str, list[ObservedSelection]] = {}
    reasons: dict[str, list[str]] = {}
    unresolved: list[Unresolved] = []
    for resource in resources:
        block = Block(resource.values, resource.where)
        try:
            plan = _selection_plan(block, index, plans)
        except NotKnown as unknown:
            unresolved.append(unknown.unresolved(resource.address, "the plan it adds tables to cannot be told", "plan"))
            continue
        if plan is None:
            continue  # a plan this configuration does not define
        try:
            found.setdefault(plan, []).append(_selection(block, resource.address, index))
        except NotKnown as unknown:
            reasons.setdefault(plan, []).append(unknown.full)
    return found, reasons, unresolved


def _selection_plan(block: Block, index: References, plans: Mapping[str, ObservedPlan]) -> str | None:
    """The address of the plan a selection's `plan_id` names (a Reference, or a state's literal id)."""
    value = block.raw("plan_id")
    if isinstance(value, Reference):
        resource = index.find(value)
        if isinstance(resource, Unknown):
            raise NotKnown(block.where, "plan_id", resource.reason)
        if resource.type != PLAN:
            raise TerraformError(f"{block.where}: plan_id refers to {value}, not to an aws_backup_plan")
        if resource.address not in plans:
            raise NotKnown(block.where, "plan_id", f"it is {value}, whose name is not known")
        return resource.address
    plan_id = block.required("plan_id")
    return next((address for address in plans if address == plan_id
                 or index.resources[address].values.get("id") == plan_id), None)


def _selection(block: Block, address: str, index: References) -> ObservedSelection:
    """One selection as the live reader gives it: tag keys without `aws:ResourceTag/`, ARNs as the tables have."""
    any_tags = tuple(TagCondition(_tag_key(tag.required("key")), tag.text("value") or "")
                     for tag in block.blocks("selection_tag") if (tag.text("type") or "").upper() == "STRINGEQUALS")
    try:
        role = index.text(block, "iam_role_arn") or ""
    except NotKnown:
        role = ""  # a role created in the same plan: which role it is does not change what is selected
    return ObservedSelection(block.required("name"), address, index.texts(block, "resources"),
                             index.texts(block, "not_resources"), any_tags, _conditions(block), role)


def _tag_key(key: str) -> str:
    return key.removeprefix(TAG_KEY_PREFIX)


def _conditions(block: Block) -> tuple[TagCondition, ...]:
    """`condition` blocks as the tag conditions every selected resource must meet, in the API's operator order."""
    conditions = block.blocks("condition")
    return tuple(TagCondition(_tag_key(test.required("key")), test.text("value") or "", operator)
                 for key, operator in CONDITIONS for condition in conditions for test in condition.blocks(key))
