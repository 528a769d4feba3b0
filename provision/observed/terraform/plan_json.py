"""Reads `terraform show -json` output (of a plan, or of a state) into a `Configuration`.

A plan's `planned_values` omit what is known only after apply; its `resource_changes[].change.after_unknown`
says where those holes are, and this reader puts an `Unknown` in each, so nothing unknown reads as "off".
Where a hole is an argument `to_observed` must follow (a backup selection's `resources` or `plan_id`, a
rule's `target_vault_name`, an index resource's `table_name`), the plan's `configuration` tells what it refers
to (`plan_config`). A state has no holes.
Odd input of any shape is a `TerraformError` naming the file (and line, or resource), never a traceback.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from .plan_config import AFTER_APPLY, PlanConfig
from .records import (
    Configuration,
    Resource,
    TerraformError,
    other_providers,
)

__all__ = ["read_plan"]

SOURCE = "plan"
VERSIONS = re.compile(r"0\.[12]|1\.\d+")  # Terraform 0.12 wrote 0.1, 0.13 to 1.0 wrote 0.2, then 1.x
HOW = "terraform show -json PLANFILE > plan.json"
WHAT_TO_GIVE = f"give the JSON of a plan from Terraform 0.12 or later: `{HOW}`"


def read_plan(path: Path) -> Configuration:
    """The managed resources `path` (plan or state JSON) says there will be, unknowns marked, by full address."""
    document = _load(path)
    _check_version(path, document)
    values, is_state = _values(path, document)
    unknowns = {} if is_state else _unknowns(path, document.get("resource_changes"))
    config = PlanConfig.of(document.get("configuration"), document.get("variables"))
    resources = tuple(_resource(path, raw, unknowns, config) for raw in _walk(path, values.get("root_module")))
    others = other_providers([(r.type, r.address) for r in resources])
    if others is not None:
        raise TerraformError(f"{path}: {others}: it is not the {'state' if is_state else 'plan'} of the DynamoDB "
                             f"stack; give the plan of the Terraform that builds it (`{HOW}`)")
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


def _resource(path: Path, raw: Mapping[str, Any], unknowns: Mapping[str, Any], config: PlanConfig) -> Resource:
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
