"""Terraform's AWS Backup resources as observed backups: `aws_backup_vault`, `aws_backup_plan` (its rules) and
`aws_backup_selection` (the resources it names by ARN or wildcard, its tags and conditions), each attached to the
plan its `plan_id` names. A vault or plan whose name is not known yet is `Unresolved`, never a guess.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from ..state import (
    ObservedPlan,
    ObservedRule,
    ObservedSelection,
    ObservedVault,
    TagCondition,
    Unresolved,
    Unverifiable,
    input_unknown,
)
from .records import (
    Configuration,
    Reference,
    Resource,
    TerraformError,
    Unknown,
)
from .values import (
    PLAN,
    SELECTION,
    Block,
    NotKnown,
    References,
    known,
    unique,
)

TAG_KEY_PREFIX = "aws:ResourceTag/"
CONDITIONS = (("string_equals", "StringEquals"), ("string_like", "StringLike"),
              ("string_not_equals", "StringNotEquals"), ("string_not_like", "StringNotLike"))
PLAN_ADVICE = "its backup plan cannot be checked from this plan: give it a value known before apply"


def vaults_of(resources: Iterable[Resource], index: References, source: str
              ) -> tuple[dict[str, ObservedVault], list[Unresolved]]:
    """The vaults by physical name; one of unknown name may be any vault, so it is unresolved. A key known only
    after apply (`kms_key_arn = aws_kms_key.x.arn`) is an unknown key, never "no key"."""
    vaults: dict[str, ObservedVault] = {}
    seen: dict[str, str] = {}
    hidden: list[Unresolved] = []
    for resource in resources:
        block = Block(resource.values, resource.where)
        try:
            name = block.required("name")
        except NotKnown as unknown:
            named = None if resource.name_pattern is None else (resource.name_pattern,)
            hidden.append(unknown.unresolved(resource.address, "its vault cannot be checked from this plan", "vault",
                                             named))
            continue
        unique("backup vault", seen, name, resource.where)
        key = known(source, lambda: index.text(block, "kms_key_arn"))  # noqa: B023 - called at once
        vaults[name] = ObservedVault(name, key or None)
    return vaults, hidden


def plans_of(config: Configuration, index: References, source: str) -> tuple[dict[str, ObservedPlan], list[Unresolved]]:
    """The plans by physical name, each with its selections (or why they are not known), and what is unresolved."""
    drafts: dict[str, ObservedPlan] = {}
    seen: dict[str, str] = {}
    hidden: list[Unresolved] = []
    for resource in config.of_type(PLAN):
        plan = _plan(resource, index, source)
        if isinstance(plan, Unresolved):
            hidden.append(plan)
            continue
        unique("backup plan", seen, plan.name, resource.where)
        drafts[resource.address] = plan
    selections, unresolved = _selections(config.of_type(SELECTION), index, drafts, source)
    plans = {plan.name: replace(plan, selections=tuple(selections.get(address, [])))
             for address, plan in drafts.items()}
    return plans, [*hidden, *unresolved]


def _plan(resource: Resource, index: References, source: str) -> ObservedPlan | Unresolved:
    """One `aws_backup_plan` (plan_id: its address), or why its name is not known. A rule not known (a `dynamic
    "rule"` over an unknown value) or a value of one (a `dynamic "lifecycle"`) is that one unknown, not the plan."""
    block = Block(resource.values, resource.where)
    try:
        name = block.required("name")
    except NotKnown as unknown:
        return unknown.unresolved(resource.address, PLAN_ADVICE, "plan",
                                  None if resource.name_pattern is None else (resource.name_pattern,))
    try:
        rules = tuple(_rule(rule, index, source) if isinstance(rule, Block) else input_unknown(source, rule.full)
                      for rule in block.each("rule"))
    except NotKnown as unknown:
        rules = (input_unknown(source, unknown.full),)
    where = resource.where if resource.address in resource.where else f"{resource.where} ({resource.address})"
    return ObservedPlan(name, resource.address, rules, defined_at=where)


def _rule(block: Block, index: References, source: str) -> ObservedRule:
    vault = known(source, lambda: index.text(block, "target_vault_name"))
    if not vault:
        raise TerraformError(f"{block.where}: {block.name('target_vault_name')} is missing; name the backup vault")
    try:
        lifecycle: Block | Unverifiable | None = block.first("lifecycle")
    except NotKnown as unknown:
        lifecycle = input_unknown(source, unknown.full)
    return ObservedRule(known(source, lambda: block.required("rule_name")), vault,
                        known(source, lambda: block.text("schedule") or ""),
                        _days(lifecycle, "delete_after", source), _days(lifecycle, "cold_storage_after", source))


def _days(lifecycle: Block | Unverifiable | None, key: str, source: str) -> int | Unverifiable | None:
    """A lifecycle's days; a state writes 0 for "not set", which AWS Backup reports as no value at all."""
    if lifecycle is None or isinstance(lifecycle, Unverifiable):
        return lifecycle
    return known(source, lambda: lifecycle.number(key) or None)


def _selections(resources: Iterable[Resource], index: References, plans: Mapping[str, ObservedPlan], source: str
                ) -> tuple[dict[str, list[ObservedSelection]], list[Unresolved]]:
    """Each selection by the address of its plan, and those whose plan cannot be told."""
    found: dict[str, list[ObservedSelection]] = {}
    unresolved: list[Unresolved] = []
    for resource in resources:
        block = Block(resource.values, resource.where)
        try:
            plan = _selection_plan(block, index, plans)
        except NotKnown as unknown:
            unresolved.append(unknown.unresolved(resource.address, "the plan it adds tables to cannot be told", "plan",
                                                 ()))  # it defines no plan of any name: it may cover any table
            continue
        if plan is None:
            continue  # a plan this configuration does not define
        found.setdefault(plan, []).append(_selection(block, resource.address, index, source))
    return found, unresolved


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


def _selection(block: Block, address: str, index: References, source: str) -> ObservedSelection:
    """One selection as the live reader gives it: tag keys without `aws:ResourceTag/`, ARNs as the tables have;
    an entry not known yet is that entry's `Unverifiable` (it could be any resource), the others stay known."""
    try:
        role = index.text(block, "iam_role_arn") or ""
    except NotKnown:
        role = ""  # a role created in the same plan: which role it is does not change what is selected
    try:
        name = block.required("name")
    except NotKnown:
        name = address  # a name known after apply does not change what is selected
    return ObservedSelection(name, address, index.entries(block, "resources", source),
                             index.entries(block, "not_resources", source), _list_of_tags(block, source),
                             _conditions(block, source), role)


def _tag_key(key: str) -> str:
    return key.removeprefix(TAG_KEY_PREFIX)


def _blocks(block: Block, key: str, source: str) -> tuple[Block | Unverifiable, ...]:
    try:
        return tuple(b if isinstance(b, Block) else input_unknown(source, b.full) for b in block.each(key))
    except NotKnown as unknown:
        return (input_unknown(source, unknown.full),)


def _list_of_tags(block: Block, source: str) -> tuple[TagCondition | Unverifiable, ...]:
    """`selection_tag` blocks of type STRINGEQUALS (the only one AWS Backup takes), each known or not."""
    found: list[TagCondition | Unverifiable] = []
    for tag in _blocks(block, "selection_tag", source):
        try:
            if isinstance(tag, Block) and (tag.text("type") or "").upper() != "STRINGEQUALS":
                continue
            found.append(tag if isinstance(tag, Unverifiable) else
                         TagCondition(_tag_key(tag.required("key")), tag.text("value") or ""))
        except NotKnown as unknown:
            found.append(input_unknown(source, unknown.full))
    return tuple(found)


def _conditions(block: Block, source: str) -> tuple[TagCondition | Unverifiable, ...]:
    """`condition` blocks as the tag conditions every selected resource must meet, in the API's operator order."""
    conditions = _blocks(block, "condition", source)
    found: list[TagCondition | Unverifiable] = [c for c in conditions if isinstance(c, Unverifiable)]
    for key, operator in CONDITIONS:
        for condition in conditions:
            if isinstance(condition, Unverifiable):
                continue
            for test in _blocks(condition, key, source):
                try:
                    found.append(test if isinstance(test, Unverifiable) else TagCondition(
                        _tag_key(test.required("key")), test.text("value") or "", operator))
                except NotKnown as unknown:
                    found.append(input_unknown(source, unknown.full))
    return tuple(found)
