"""Reads the values given to a folder's input variables, in the order `terraform plan` reads them.

`TF_VAR_name` environment variables first (of the variables the root declares), then terraform.tfvars,
terraform.tfvars.json, then *.auto.tfvars and *.auto.tfvars.json in lexical order, then each `-var-file` in
the order given: a later value wins. A variable file holds values only (`name = value`), with no reference to
anything. An environment variable's value is the text itself for a variable of no type or a primitive type,
and an HCL value to parse for any other type, as Terraform reads it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .hcl_eval import evaluate_plain
from .hcl_json_lines import plain, read_json
from .hcl_scope import EvalError, Scope
from .hcl_syntax import (
    Block,
    Source,
    broken_link,
    name_text,
    parse_file,
    parse_source,
    shown_path,
)
from .records import TerraformError


@dataclass(frozen=True)
class Given:
    """A variable's value from a variable file, and where it was given."""

    value: Any
    where: str


def auto_var_files(folder: Path) -> list[Path]:
    """The variable files Terraform reads by itself from a folder, in its order."""
    fixed = [folder / "terraform.tfvars", folder / "terraform.tfvars.json"]
    auto = sorted(
        (p for p in folder.iterdir() if p.name.endswith((".auto.tfvars", ".auto.tfvars.json"))), key=lambda p: p.name
    )
    for path in (*fixed, *auto):
        why = broken_link(path)
        if why is not None:  # its values would be silently missing
            raise TerraformError(f"{shown_path(folder)}/{path.name}: {why}: remove it, or point it at a variable file")
    return [p for p in fixed if p.is_file()] + [p for p in auto if p.is_file()]


ENVIRONMENT_PREFIX = "TF_VAR_"
_LITERAL_TYPES = frozenset({"string", "number", "bool"})


def given_values(folder: Path, var_files: Sequence[Path], declared: Mapping[str, Block] | None = None,
                 ) -> dict[str, Given]:
    """Every variable value given to the folder: the last one given wins."""
    values = environment_values(declared or {}, os.environ)
    for path in [*auto_var_files(folder), *var_files]:
        values.update(read_var_file(Path(path)))
    return values


def environment_values(declared: Mapping[str, Block], environment: Mapping[str, str]) -> dict[str, Given]:
    """The values `TF_VAR_name` environment variables give the declared variables (Terraform ignores the others)."""
    values: dict[str, Given] = {}
    for key, raw in environment.items():
        name = key[len(ENVIRONMENT_PREFIX):]
        if not key.startswith(ENVIRONMENT_PREFIX) or name not in declared:
            continue
        where = f"the environment variable {key}"
        type_attribute = declared[name].body.attribute("type")
        literal = type_attribute is None or name_text(type_attribute.expr).strip() in _LITERAL_TYPES
        values[name] = Given(raw if literal else _parsed(raw, where), where)
    return values


def _parsed(raw: str, where: str) -> Any:
    try:
        body = parse_source(Source(where, f"value = {raw}\n"))
    except TerraformError:
        body = None
    if body is None or len(body.attributes) != 1 or body.blocks:
        raise TerraformError(f"{where}: not a valid value for a variable of that type: write it as in a .tfvars "
                             'file, e.g. ["a", "b"] or {key = "value"}')
    return evaluate_plain(body.attributes[0].expr, Scope(body.source, _no_reference))


def read_var_file(path: Path) -> dict[str, Given]:
    if path.name.endswith(".json"):
        return _read_json(path)
    body = parse_file(path)
    if body.blocks:
        block = body.blocks[0]
        raise TerraformError(
            f"{block.where}: a variable file holds only `name = value` lines, not a {block.type} block"
        )
    scope = Scope(body.source, _no_reference)
    return {a.name: Given(evaluate_plain(a.expr, scope), a.where) for a in body.attributes}


def _no_reference(name: str, where: str) -> Any:
    raise EvalError(f"{where}: a variable file can hold only values, not a reference to {name}: write the value itself")


def _read_json(path: Path) -> dict[str, Given]:
    """A JSON variable file, as Terraform reads it: one object, each property a value taken literally, `"//"` a
    comment, a name given twice an error."""
    document, shown, _ = read_json(path)
    if document.kind != "object":
        raise TerraformError(f"{shown}:{document.line}: a JSON variable file is one object of variable names to "
                             'values: write {"env": "sit"}')
    values: dict[str, Given] = {}
    for member in document.value:
        if member.name == "//":
            continue
        where = f"{shown}:{member.line}"
        if member.name in values:
            raise TerraformError(f"{where}: var.{member.name} is given twice in the file (first at "
                                 f"{values[member.name].where}): keep one")
        values[member.name] = Given(plain(member.value), where)
    return values
