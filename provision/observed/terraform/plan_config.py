"""The plan's `configuration` section, read to fill the holes of its values: what the unknowns refer to.

A plan marks unknown what is known only after apply. Where `to_observed` must follow such an argument (a backup
selection's `resources` or `plan_id`, a rule's `target_vault_name`, an index resource's `table_name`), the
configuration still has each expression's `references`: they become `Reference`s to the resources they name,
through module inputs and outputs (a table's or a vault's KMS key created in the stack too). Where the provider
computes an argument the configuration leaves empty (a selection's `not_resources`, a table's AWS managed key, a
vault's AWS Backup key, a table's `tags_all` on a provider without `default_tags`), the configuration says so.
Each resource's region comes from the provider configuration it uses. Nothing here guesses: what cannot be
followed stays unknown, with where following stopped; a list is followed entry by entry (a selection's
`resources` naming a table's ARN and a local: the ARN, and one unknown entry for the rest).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .records import Reference, Unknown
from .values import KMS_KEYS

__all__ = ["AFTER_APPLY", "PlanConfig"]

AFTER_APPLY = Unknown("known only after apply")
KEY = r'\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\]'
MODULE_STEP = re.compile(rf"module\.([A-Za-z0-9_-]+)((?:{KEY})?)\.")
RESOURCE = re.compile(rf"([a-z][A-Za-z0-9_-]*)\.[A-Za-z_][A-Za-z0-9_-]*(?:{KEY})?")
RESOURCE_REF = re.compile(rf"([a-z][A-Za-z0-9_-]*\.[A-Za-z_][A-Za-z0-9_-]*(?:{KEY})?)\.([A-Za-z_][A-Za-z0-9_-]*)")
NOT_RESOURCES = ("var", "local", "module", "data", "each", "count", "path", "terraform", "self")
TABLE, VAULT = "aws_dynamodb_table", "aws_backup_vault"
SCALARS = {"aws_backup_selection": ("plan_id",), "aws_dynamodb_global_secondary_index": ("table_name", "table")}
LISTS = {"aws_backup_selection": ("resources", "not_resources")}
# Computed arguments a plan marks unknown when the configuration does not set them, which the provider then leaves
# empty (AWS provider 5.x): unknown only when the configuration sets them to something unknown.
COMPUTED_EMPTY = {"aws_backup_selection": ("not_resources", "condition")}
FOLLOW_LIMIT = 20  # modules nest; deeper than this is not a configuration


def _split(address: str) -> tuple[tuple[tuple[str, str], ...], str]:
    """An absolute address as its module instances ((name, key), ...) and its resource part."""
    steps = []
    while match := MODULE_STEP.match(address):
        steps.append((match[1], match[2]))
        address = address[match.end():]
    return tuple(steps), address


def _prefix(modules: tuple[tuple[str, str], ...]) -> str:
    return "".join(f"module.{name}{key}." for name, key in modules)


def _leaves(references: list[str]) -> list[str]:
    """The references not implied by a longer one (Terraform lists `a.b.arn`, then `a.b` again)."""
    return [r for r in dict.fromkeys(references)
            if not any(o != r and (o.startswith(r + ".") or o.startswith(r + "[")) for o in references)]


@dataclass(frozen=True)
class PlanConfig:
    """The plan's `configuration`, module by module (call names, no instance keys), read only to follow
    references; a configuration of an odd shape just follows nothing."""

    modules: Mapping[tuple[str, ...], Mapping[str, Any]]
    providers: Mapping[str, Any] = field(default_factory=dict)  # provider_config, by key ("aws", "aws.dr")
    variables: Mapping[str, Any] = field(default_factory=dict)  # the root module's variable values

    @classmethod
    def of(cls, configuration: Any, variables: Any = None) -> PlanConfig:
        """Every module of the configuration by its call names (module_calls nest the child's configuration)."""
        modules: dict[tuple[str, ...], Mapping[str, Any]] = {}
        pending: list[tuple[tuple[str, ...], Any]] = [((), _get(configuration, "root_module"))]
        while pending:
            names, module = pending.pop()
            if not isinstance(module, dict) or len(names) > FOLLOW_LIMIT:
                continue
            modules[names] = module
            calls = module.get("module_calls")
            for name, call in (calls.items() if isinstance(calls, dict) else ()):
                pending.append(((*names, str(name)), _get(call, "module")))
        providers = _get(configuration, "provider_config")
        return cls(modules, providers if isinstance(providers, dict) else {},
                   variables if isinstance(variables, dict) else {})

    def region(self, address: str) -> str | Unknown | None:
        """The region of the provider configuration a resource uses (its `provider_config_key`), where the plan
        says it: a constant, or a root variable's value; None where the configuration sets none."""
        key = self._provider_key(address)
        expression = _get(_get(self.providers.get(key), "expressions"), "region")
        if expression is None:
            return None
        if isinstance(constant := _get(expression, "constant_value"), str):
            return constant
        references = _get(expression, "references")
        if isinstance(references, list) and len(references) == 1 and str(references[0]).startswith("var."):
            value = _get(self.variables.get(str(references[0])[4:]), "value")
            if isinstance(value, str):
                return value
        return Unknown(f"the region of provider {key} is not a constant of the plan")

    def _provider_key(self, address: str) -> str:
        """The `provider_config_key` of the resource block `address` (a full address) is made from, or ""."""
        modules, resource = _split(address)
        names = tuple(name for name, _ in modules)
        base = re.sub(KEY, "", resource)
        entry = next((e for e in _get(self.modules.get(names), "resources") or ()
                      if isinstance(e, dict) and e.get("address") == base), None)
        key = _get(entry, "provider_config_key")
        return key if isinstance(key, str) else ""

    def known_when_planned(self, address: str, argument: str) -> bool:
        """Whether the resource at `address` (a full address) leaves `argument` out or sets it to a value known when
        Terraform plans (see `decided`): where the plan still says "known after apply", it was given null."""
        modules, resource = _split(address)
        written = (self.expressions(modules, resource) or {}).get(argument)
        return written is None or self.decided(written, modules)

    def expressions(self, modules: tuple[tuple[str, str], ...], resource: str) -> Mapping[str, Any] | None:
        """The `expressions` of the resource block that `resource` (in those module instances) is made from; None
        where the configuration does not have it (a plan without one: nothing is known of what it leaves out)."""
        names = tuple(name for name, _ in modules)
        base = re.sub(KEY, "", resource)
        wanted = {base, _prefix(tuple((name, "") for name in names)) + base}
        for entry in _get(self.modules.get(names), "resources") or ():
            if isinstance(entry, dict) and entry.get("address") in wanted:
                found = entry.get("expressions")
                return found if isinstance(found, dict) else {}
        return None

    def follow_unknowns(self, address: str, kind: str, values: dict[str, Any]) -> dict[str, Any]:
        """`values` with the unknown arguments `to_observed` must follow replaced by what the configuration says."""
        if kind not in SCALARS and kind not in LISTS and kind not in ("aws_backup_plan", TABLE, VAULT):
            return values
        modules, resource = _split(address)
        written = self.expressions(modules, resource)
        expressions = written or {}
        found = dict(values)
        for key in SCALARS.get(kind, ()):
            if _has_unknown_value(found.get(key)):
                refs = self.follow(expressions.get(key), modules)
                found[key] = refs[0] if refs is not None and len(set(refs)) == 1 else \
                    _unfollowed(expressions.get(key), self.stop(expressions.get(key), modules))
        for key in COMPUTED_EMPTY.get(kind, ()):
            if isinstance(found.get(key), Unknown) and self._empty(expressions.get(key), modules):
                found[key] = []  # computed, and the configuration leaves it empty: so does the provider
        for key in LISTS.get(kind, ()):
            if _has_unknown_value(found.get(key)):
                found[key] = self._list(found.get(key), expressions.get(key), modules)
        if kind == "aws_backup_plan" and "rule" in found:
            found["rule"] = self._rules(found["rule"], expressions.get("rule"), modules)
        if kind == TABLE and "server_side_encryption" in found:
            found["server_side_encryption"] = self._table_key(found["server_side_encryption"],
                                                              expressions.get("server_side_encryption"), modules)
        if kind == TABLE and isinstance(found.get("tags_all"), Unknown) and self._no_default_tags(address):
            found["tags_all"] = found.get("tags")  # the provider's tags_all is tags, merged with no default tags
        if kind == VAULT and isinstance(found.get("kms_key_arn"), Unknown) and written is not None:
            found["kms_key_arn"] = self._key(found["kms_key_arn"], expressions.get("kms_key_arn"), modules)
        return found

    def _no_default_tags(self, address: str) -> bool:
        """Whether the provider configuration the resource uses is in the plan and sets no `default_tags` (a plan
        marks `tags_all` known after apply then, although the provider makes it the resource's `tags`)."""
        provider = self.providers.get(self._provider_key(address))
        expressions = _get(provider, "expressions")
        return isinstance(expressions, dict) and "default_tags" not in expressions

    def _key(self, planned: Any, written: Any, modules: tuple[tuple[str, str], ...]) -> Any:
        """A KMS key argument the plan marks unknown: None where the configuration gives none (or only null: a known
        ARN would be in the plan), the one resource attribute it refers to (`aws_kms_key.x.arn`, through module
        inputs), else unknown as planned."""
        if written is None or self.decided(written, modules):
            return None
        refs = self.follow(written, modules)
        if refs is not None and len(set(refs)) == 1:
            return refs[0]
        references = _get(written, "references")
        leaves = _leaves([str(r) for r in references]) if isinstance(references, list) else []
        key = RESOURCE.fullmatch(leaves[0]) if len(leaves) == 1 else None
        if key is not None and key[1] in KMS_KEYS:  # Terraform 0.12 plans name the key resource, not its attribute:
            return Reference(_prefix(modules) + leaves[0], "arn")  # any of a key's attributes names that key
        return planned

    def _empty(self, expression: Any, modules: tuple[tuple[str, str], ...]) -> bool:
        """Whether the configuration leaves a computed argument the plan marks unknown empty: not written, a `[]`
        constant, blocks with nothing in them (`condition {}`), or a value made only of what the plan knows (a known
        value that were not empty would be in the plan: only an empty one is left for the provider to compute)."""
        if expression is None:
            return True
        if isinstance(expression, list):
            return all(isinstance(block, dict) and not block for block in expression)
        if isinstance(expression, dict) and "constant_value" in expression:
            return expression["constant_value"] in ([], None)
        return self.decided(expression, modules)

    def _table_key(self, planned: Any, written: Any, modules: tuple[tuple[str, str], ...]) -> Any:
        """Encryption enabled: with no key given the provider computes the AWS managed key's ARN, so the plan says
        "known after apply" (None here: `to_observed` reads no key as AWS managed); a key created in the stack
        (`aws_kms_key.x.arn`) is its `Reference`. A `dynamic` block is not in the configuration: its key stays
        unknown."""
        block, expressions = (planned[0] if isinstance(planned, list) and planned else None), _first(written)
        if isinstance(block, dict) and isinstance(block.get("kms_key_arn"), Unknown) and isinstance(expressions, dict):
            return [{**block, "kms_key_arn": self._key(block["kms_key_arn"], expressions.get("kms_key_arn"), modules)},
                    *planned[1:]]
        return planned

    def decided(self, expression: Any, modules: tuple[tuple[str, str], ...], depth: int = 0) -> bool:
        """Whether an expression's value is known when Terraform plans: a constant, or made only of variables whose
        values the plan knows (the root's, or a module's input made of such, or its default). One that refers to
        nothing else is not (`uuid()`, `timestamp()`), nor one that refers to a resource, a local or `each`."""
        if not isinstance(expression, dict) or depth > FOLLOW_LIMIT:
            return False
        if "constant_value" in expression:
            return True
        references = expression.get("references")
        if not isinstance(references, list) or not references:
            return False
        return all(self._decided_variable(leaf, modules, depth) for leaf in _leaves([str(r) for r in references]))

    def _decided_variable(self, reference: str, modules: tuple[tuple[str, str], ...], depth: int) -> bool:
        if not reference.startswith("var."):
            return False
        name = reference.split(".")[1].split("[")[0]
        if not modules:
            return isinstance(self.variables.get(name), dict) and "value" in self.variables[name]
        names = tuple(n for n, _ in modules)
        call = _get(_get(self.modules.get(names[:-1]), "module_calls"), names[-1])
        given = _get(_get(call, "expressions"), name)
        if given is None:  # the call does not set it: its default (Terraform refuses a required one left unset)
            return isinstance(_get(_get(self.modules.get(names), "variables"), name), dict)
        return self.decided(given, modules[:-1], depth + 1)

    def _list(self, value: Any, expression: Any, modules: tuple[tuple[str, str], ...]) -> Any:
        """A list argument entry by entry: the resource attributes it refers to, and one unknown entry for what its
        other references give (a local, a whole module, a splat over a resource: `aws_dynamodb_table.x[*].arn`
        refers to the resource, not to an attribute); wholly unknown when it refers to no resource attribute."""
        references = _get(expression, "references")
        leaves = _leaves([str(r) for r in references]) if isinstance(references, list) else []
        followed: list[Reference] = []
        unfollowed: list[str] = []
        for leaf in leaves:
            one = self._one(leaf, modules, 0)
            followed.extend(one or ())
            unfollowed += [leaf] if one is None else []
        if not followed:
            return _unfollowed(expression, self.stop(expression, modules))
        known = [item for item in value if isinstance(item, str)] if isinstance(value, list) else []
        rest = {"references": unfollowed}
        others = [_unfollowed(rest, self.stop(rest, modules))] if unfollowed else []
        return [*known, *dict.fromkeys(followed), *others]

    def _rules(self, rules: Any, expressions: Any, modules: tuple[tuple[str, str], ...]) -> Any:
        """Each rule's unknown `target_vault_name` followed through the rule block written for it."""
        if not isinstance(rules, list) or not isinstance(expressions, list):
            return rules
        found = []
        for position, rule in enumerate(rules):
            if isinstance(rule, dict) and _has_unknown_value(rule.get("target_vault_name")):
                written = _rule_block(expressions, rule, position, len(rules))
                refs = self.follow(_get(written, "target_vault_name"), modules)
                if refs is not None and len(set(refs)) == 1:
                    rule = {**rule, "target_vault_name": refs[0]}
            found.append(rule)
        return found

    def follow(self, expression: Any, modules: tuple[tuple[str, str], ...], depth: int = 0) -> list[Reference] | None:
        """The resource attributes an expression refers to, through module inputs and outputs; None when it also
        depends on anything else (a local, a data source, each.value) or refers to no resource attribute."""
        references = _get(expression, "references")
        if not isinstance(references, list) or not references or depth > FOLLOW_LIMIT:
            return None
        found: list[Reference] = []
        for leaf in _leaves([str(r) for r in references]):
            followed = self._one(leaf, modules, depth)
            if followed is None:
                return None
            found.extend(followed)
        return found

    def stop(self, expression: Any, modules: tuple[tuple[str, str], ...], depth: int = 0) -> str:
        """Where following stops beyond the expression's own references, said as what it is: `var.x -> module.y`,
        a whole module (the plan does not say which of its outputs a `for` over it reads), ...; "" at the references."""
        references = _get(expression, "references")
        if not isinstance(references, list) or depth > FOLLOW_LIMIT:
            return ""
        for leaf in _leaves([str(r) for r in references]):
            if self._one(leaf, modules, depth) is not None:
                continue
            step = MODULE_STEP.match(leaf + ".")
            if step is not None and leaf.startswith("module.") and step.end() >= len(leaf):
                return f"{leaf}, a whole module: the plan does not say which of its outputs is read"
            inner = self._inner(leaf, modules)
            deeper = self.stop(*inner, depth + 1) if inner is not None else ""
            return f"{leaf} -> {deeper}" if deeper else ""
        return ""

    def _inner(self, reference: str, modules: tuple[tuple[str, str], ...]
               ) -> tuple[Any, tuple[tuple[str, str], ...]] | None:
        """The expression a module input (`var.x`) or output (`module.m.out`) stands for, and its module."""
        if reference.startswith("var.") and modules:
            name = reference.split(".")[1].split("[")[0]
            call = _get(_get(self.modules.get(tuple(n for n, _ in modules[:-1])), "module_calls"), modules[-1][0])
            return _get(_get(call, "expressions"), name), modules[:-1]
        if reference.startswith("module.") and (step := MODULE_STEP.match(reference + ".")):
            output = reference[step.end():].split(".")[0].split("[")[0]
            inner = (*modules, (step[1], step[2]))
            module = self.modules.get(tuple(n for n, _ in inner))
            return _get(_get(_get(module, "outputs"), output), "expression"), inner
        return None

    def _one(self, reference: str, modules: tuple[tuple[str, str], ...], depth: int) -> list[Reference] | None:
        """One reference: a resource attribute, or a module's input (`var.x`) or output followed to what it is."""
        head = reference.split(".", 1)[0]
        if (head == "var" and modules) or head == "module":
            inner = self._inner(reference, modules)
            return None if inner is None else self.follow(*inner, depth + 1)
        match = RESOURCE_REF.match(reference)
        if match is None or head in NOT_RESOURCES:
            return None
        return [Reference(_prefix(modules) + match[1], match[2])]


def _get(value: Any, key: str) -> Any:
    return value.get(key) if isinstance(value, dict) else None


def _has_unknown_value(value: Any) -> bool:
    if isinstance(value, Unknown):
        return True
    return isinstance(value, list) and any(isinstance(item, Unknown) for item in value)


def _unfollowed(expression: Any, stop: str = "") -> Unknown:
    """Why an argument stays unknown: known only after apply, and (if written) what it refers to, and where
    following that stopped."""
    references = _get(expression, "references")
    if not isinstance(references, list) or not references:
        return AFTER_APPLY
    stop = stop.split(" -> ", 1)[-1]  # the chain, past the reference written here
    through = f" (followed to {stop})" if stop else ""
    return Unknown(f"{AFTER_APPLY}: it refers to {', '.join(_leaves([str(r) for r in references]))}{through}, "
                   "which this reader does not follow to a resource")


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else None


def _rule_block(written: list[Any], rule: Mapping[str, Any], position: int, count: int) -> Any:
    """The configuration's rule block for a planned rule: the one of the same constant rule_name, else by position."""
    for block in written:
        if _get(_get(block, "rule_name"), "constant_value") == rule.get("rule_name"):
            return block
    return written[position] if len(written) == count else None
