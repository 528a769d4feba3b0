"""Reads `terraform show -json` output (of a plan, or of a state) into a `Configuration`.

A plan's `planned_values` omit what is known only after apply; its `resource_changes[].change.after_unknown`
says where those holes are, and this reader puts an `Unknown` in each, so nothing unknown reads as "off".
Where a hole is an argument `to_observed` must follow (a backup selection's `resources` or `plan_id`, a
rule's `target_vault_name`, an index resource's `table_name`), the plan's `configuration` still has the
expression's `references`: they become `Reference`s to the resources they name. A state has no holes.
Odd input of any shape is a `TerraformError` naming the file (and line, or resource), never a traceback.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from provision.observed.terraform.records import Configuration, Reference, Resource, TerraformError, Unknown

__all__ = ["read_plan"]

SOURCE = "plan"
AFTER_APPLY = Unknown("known only after apply")
VERSIONS = re.compile(r"0\.[12]|1\.\d+")  # Terraform 0.12 wrote 0.1, 0.13 to 1.0 wrote 0.2, then 1.x
HOW = "terraform show -json PLANFILE > plan.json"
WHAT_TO_GIVE = f"give the JSON of a plan from Terraform 0.12 or later: `{HOW}`"
KEY = r'\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\]'
MODULE_STEP = re.compile(rf"module\.([A-Za-z0-9_-]+)((?:{KEY})?)\.")
RESOURCE_REF = re.compile(rf"([a-z][A-Za-z0-9_-]*\.[A-Za-z_][A-Za-z0-9_-]*(?:{KEY})?)\.([A-Za-z_][A-Za-z0-9_-]*)")
NOT_RESOURCES = ("var", "local", "module", "data", "each", "count", "path", "terraform", "self")
SCALARS = {"aws_backup_selection": ("plan_id",), "aws_dynamodb_global_secondary_index": ("table_name", "table")}
LISTS = {"aws_backup_selection": ("resources", "not_resources")}
# Computed arguments a plan marks unknown when the configuration does not set them, which the provider then leaves
# empty (AWS provider 5.x): unknown only when the configuration sets them to something unknown.
COMPUTED_EMPTY = {"aws_backup_selection": ("not_resources", "condition")}
FOLLOW_LIMIT = 20  # modules nest; deeper than this is not a configuration


def read_plan(path: Path) -> Configuration:
    """The managed resources `path` (plan or state JSON) says there will be, unknowns marked, by full address."""
    document = _load(path)
    _check_version(path, document)
    values, is_state = _values(path, document)
    unknowns = {} if is_state else _unknowns(path, document.get("resource_changes"))
    config = _Config.of(document.get("configuration"), document.get("variables"))
    resources = tuple(_resource(path, raw, unknowns, config) for raw in _walk(path, values.get("root_module")))
    notes = (f"{path} is a Terraform state: what is deployed now, not what a plan will build",) if is_state else ()
    return Configuration(SOURCE, str(path), resources, (), notes)


# The document --------------------------------------------------------------------------------------------------


def _load(path: Path) -> dict[str, Any]:
    """The JSON object in `path`; a bad file is an error with its line and column, to be fixed where it is."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        why = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise TerraformError(f"{path}: cannot read it ({why}); {WHAT_TO_GIVE}") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise TerraformError(f"{path}:{error.lineno}:{error.colno}: not JSON ({error.msg}); {WHAT_TO_GIVE}") from None
    except RecursionError:
        raise TerraformError(f"{path}: nested too deeply to be terraform show -json output; {WHAT_TO_GIVE}") from None
    if not isinstance(document, dict):
        raise TerraformError(f"{path}: holds JSON {type(document).__name__}, not the object terraform show -json "
                             f"writes; {WHAT_TO_GIVE}")
    return document


def _check_version(path: Path, document: Mapping[str, Any]) -> None:
    """Refuse a format this reader was not written for (Terraform promises to bump the major on a break)."""
    found = document.get("format_version")
    if isinstance(found, str) and VERSIONS.fullmatch(found):
        return
    if found is None:
        raw_state = " (it looks like a terraform.tfstate file: give `terraform show -json > state.json` instead)" \
            if "version" in document and "resources" in document else ""
        raise TerraformError(f"{path}: has no format_version, so it is not terraform show -json output{raw_state}; "
                             f"{WHAT_TO_GIVE}")
    raise TerraformError(f"{path}: format_version {found!r} is not one this reader knows (0.1, 0.2 or 1.x, from "
                         f"Terraform 0.12 to 1.x); {WHAT_TO_GIVE}")


def _values(path: Path, document: Mapping[str, Any]) -> tuple[Mapping[str, Any], bool]:
    """The values representation to read, and whether it is a state's (everything known) rather than a plan's."""
    if "planned_values" in document:
        values, is_state = document["planned_values"], False
    elif "values" in document:
        values, is_state = document["values"], True
    else:
        raise TerraformError(f"{path}: has neither planned_values (a plan) nor values (a state): nothing to read; an "
                             f"empty state holds no resources; {WHAT_TO_GIVE}")
    if not isinstance(values, dict):
        raise TerraformError(f"{path}: {'values' if is_state else 'planned_values'} should be an object, "
                             f"not {type(values).__name__}")
    return values, is_state


def _walk(path: Path, module: Any, where: str = "root_module") -> Iterator[Mapping[str, Any]]:
    """Every managed resource of `module` and its child modules, however deep (data sources are skipped)."""
    if module is None:
        return
    if not isinstance(module, dict):
        raise TerraformError(f"{path}: {where} should be an object, not {type(module).__name__}")
    for raw in _list(path, module.get("resources"), f"{where}.resources"):
        if not isinstance(raw, dict):
            raise TerraformError(f"{path}: {where}.resources holds {type(raw).__name__}, not a resource object")
        if raw.get("mode", "managed") == "managed":
            yield raw
    for child in _list(path, module.get("child_modules"), f"{where}.child_modules"):
        yield from _walk(path, child, str(child.get("address", "a child module")) if isinstance(child, dict) else where)


def _list(path: Path, value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise TerraformError(f"{path}: {where} should be a list, not {type(value).__name__}")
    return value


def _resource(path: Path, raw: Mapping[str, Any], unknowns: Mapping[str, Any], config: _Config) -> Resource:
    """One planned resource with its unknowns marked and the references behind them followed."""
    address, kind, values = raw.get("address"), raw.get("type"), raw.get("values")
    if not isinstance(address, str) or not isinstance(kind, str):
        raise TerraformError(f"{path}: a resource in planned_values has no address or type: {str(dict(raw))[:80]}")
    where = f"{path}: {address}"
    if not isinstance(values, dict | type(None)):
        raise TerraformError(f"{where}: values should be an object, not {type(values).__name__}")
    marked = _mark(values or {}, unknowns.get(address), where, "values")
    if not isinstance(marked, dict):
        raise TerraformError(f"{where}: after_unknown marks the whole resource unknown; {WHAT_TO_GIVE}")
    return Resource(address, kind, config.follow_unknowns(address, kind, marked), where,
                    region=config.region(address))


# Unknown values ------------------------------------------------------------------------------------------------


def _unknowns(path: Path, changes: Any) -> dict[str, Any]:
    """Each resource's `after_unknown`, by address (a deposed object's is not the resource's)."""
    found: dict[str, Any] = {}
    for change in _list(path, changes, "resource_changes"):
        if not isinstance(change, dict) or not isinstance(change.get("address"), str):
            raise TerraformError(f"{path}: resource_changes holds an entry without an address: {str(change)[:80]}")
        body = change.get("change")
        if change.get("deposed") is None and isinstance(body, dict):
            found[change["address"]] = body.get("after_unknown")
    return found


def _has_unknown(marks: Any) -> bool:
    if marks is True:
        return True
    if isinstance(marks, dict):
        return any(_has_unknown(m) for m in marks.values())
    return isinstance(marks, list) and any(_has_unknown(m) for m in marks)


def _mark(value: Any, marks: Any, where: str, at: str) -> Any:
    """`value` with `AFTER_APPLY` wherever `marks` (after_unknown) has `true`, absent attributes included."""
    if marks is True:
        return AFTER_APPLY
    if not _has_unknown(marks):
        return value
    if isinstance(marks, dict):
        if not isinstance(value, dict | type(None)):
            raise TerraformError(f"{where}: {at} is {type(value).__name__}, but after_unknown describes an object")
        found = dict(value or {})
        found.update({k: _mark(found.get(k), m, where, f"{at}.{k}") for k, m in marks.items() if _has_unknown(m)})
        return found
    if not isinstance(value, list | type(None)):
        raise TerraformError(f"{where}: {at} is {type(value).__name__}, but after_unknown describes a list")
    items = list(value or [])
    items += [None] * (len(marks) - len(items))
    return [_mark(item, marks[i] if i < len(marks) else None, where, f"{at}[{i}]") for i, item in enumerate(items)]


# References from the configuration -----------------------------------------------------------------------------


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
class _Config:
    """The plan's `configuration`, module by module (call names, no instance keys), read only to follow
    references; a configuration of an odd shape just follows nothing."""

    modules: Mapping[tuple[str, ...], Mapping[str, Any]]
    providers: Mapping[str, Any] = field(default_factory=dict)  # provider_config, by key ("aws", "aws.dr")
    variables: Mapping[str, Any] = field(default_factory=dict)  # the root module's variable values

    @classmethod
    def of(cls, configuration: Any, variables: Any = None) -> _Config:
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
        modules, resource = _split(address)
        names = tuple(name for name, _ in modules)
        base = re.sub(KEY, "", resource)
        entry = next((e for e in _get(self.modules.get(names), "resources") or ()
                      if isinstance(e, dict) and e.get("address") == base), None)
        key = _get(entry, "provider_config_key")
        expression = _get(_get(self.providers.get(key) if isinstance(key, str) else None, "expressions"), "region")
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

    def expressions(self, modules: tuple[tuple[str, str], ...], resource: str) -> Mapping[str, Any]:
        """The `expressions` of the resource block that `resource` (in those module instances) is made from."""
        names = tuple(name for name, _ in modules)
        base = re.sub(KEY, "", resource)
        wanted = {base, _prefix(tuple((name, "") for name in names)) + base}
        for entry in _get(self.modules.get(names), "resources") or ():
            if isinstance(entry, dict) and entry.get("address") in wanted:
                found = entry.get("expressions")
                return found if isinstance(found, dict) else {}
        return {}

    def follow_unknowns(self, address: str, kind: str, values: dict[str, Any]) -> dict[str, Any]:
        """`values` with the unknown arguments `to_observed` must follow replaced by what the configuration says."""
        if kind not in SCALARS and kind not in LISTS and kind not in ("aws_backup_plan", "aws_dynamodb_table"):
            return values
        modules, resource = _split(address)
        expressions = self.expressions(modules, resource)
        found = dict(values)
        for key in SCALARS.get(kind, ()):
            if _has_unknown_value(found.get(key)):
                refs = self.follow(expressions.get(key), modules)
                found[key] = refs[0] if refs is not None and len(set(refs)) == 1 else _unfollowed(expressions.get(key))
        for key in COMPUTED_EMPTY.get(kind, ()):
            if isinstance(found.get(key), Unknown) and key not in expressions:
                found[key] = []  # computed, and the configuration does not set it: the provider leaves it empty
        for key in LISTS.get(kind, ()):
            if _has_unknown_value(found.get(key)):
                found[key] = self._list(found.get(key), expressions.get(key), modules)
        if kind == "aws_backup_plan" and "rule" in found:
            found["rule"] = self._rules(found["rule"], expressions.get("rule"), modules)
        if kind == "aws_dynamodb_table" and "server_side_encryption" in found:
            found["server_side_encryption"] = _default_key(found["server_side_encryption"],
                                                           expressions.get("server_side_encryption"))
        return found

    def _list(self, value: Any, expression: Any, modules: tuple[tuple[str, str], ...]) -> Any:
        refs = self.follow(expression, modules)
        if not refs:
            return _unfollowed(expression)
        known = [item for item in value if isinstance(item, str)] if isinstance(value, list) else []
        return [*known, *dict.fromkeys(refs)]

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

    def _one(self, reference: str, modules: tuple[tuple[str, str], ...], depth: int) -> list[Reference] | None:
        """One reference: a resource attribute, or a module's input (`var.x`) or output followed to what it is."""
        head = reference.split(".", 1)[0]
        if head == "var" and modules:
            name = reference.split(".")[1].split("[")[0]
            call = _get(_get(self.modules.get(tuple(n for n, _ in modules[:-1])), "module_calls"), modules[-1][0])
            return self.follow(_get(_get(call, "expressions"), name), modules[:-1], depth + 1)
        if head == "module" and (step := MODULE_STEP.match(reference + ".")):
            output = reference[step.end():].split(".")[0].split("[")[0]
            inner = (*modules, (step[1], step[2]))
            module = self.modules.get(tuple(n for n, _ in inner))
            return self.follow(_get(_get(_get(module, "outputs"), output), "expression"), inner, depth + 1)
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


def _unfollowed(expression: Any) -> Unknown:
    """Why an argument stays unknown: known only after apply, and (if written) what it refers to."""
    references = _get(expression, "references")
    if not isinstance(references, list) or not references:
        return AFTER_APPLY
    return Unknown(f"{AFTER_APPLY}: it refers to {', '.join(_leaves([str(r) for r in references]))}, "
                   "which this reader does not follow to a resource")


def _default_key(planned: Any, written: Any) -> Any:
    """Encryption enabled with no `kms_key_arn` written: the provider computes the AWS managed key's ARN, so the
    plan says "known after apply"; the configuration tells that no key was given (a `dynamic` block is not there)."""
    block, expressions = (planned[0] if isinstance(planned, list) and planned else None), _first(written)
    if isinstance(block, dict) and isinstance(block.get("kms_key_arn"), Unknown) and isinstance(expressions, dict) \
            and "kms_key_arn" not in expressions:
        return [{**block, "kms_key_arn": None}, *planned[1:]]
    return planned


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else None


def _rule_block(written: list[Any], rule: Mapping[str, Any], position: int, count: int) -> Any:
    """The configuration's rule block for a planned rule: the one of the same constant rule_name, else by position."""
    for block in written:
        if _get(_get(block, "rule_name"), "constant_value") == rule.get("rule_name"):
            return block
    return written[position] if len(written) == count else None
