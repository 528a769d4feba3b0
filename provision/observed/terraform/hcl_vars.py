"""Reads the values given to a folder's input variables, in the order `terraform plan` reads them.

terraform.tfvars, terraform.tfvars.json, then *.auto.tfvars and *.auto.tfvars.json in lexical order,
then each `-var-file` in the order given: a later value wins. A variable file holds values only
(`name = value`), with no reference to anything.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from provision.observed.terraform.hcl_eval import EvalError, Scope, evaluate_plain
from provision.observed.terraform.hcl_syntax import broken_link, parse_file, read_text, shown_path
from provision.observed.terraform.records import TerraformError


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


def given_values(folder: Path, var_files: Sequence[Path]) -> dict[str, Given]:
    """Every variable value given to the folder: the last one given wins."""
    values: dict[str, Given] = {}
    for path in [*auto_var_files(folder), *var_files]:
        values.update(read_var_file(Path(path)))
    return values


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
    shown = shown_path(path)
    try:
        data = json.loads(read_text(path, shown))
    except json.JSONDecodeError as error:
        raise TerraformError(f"{shown}:{error.lineno}: not valid JSON ({error.msg}): fix the syntax") from None
    if not isinstance(data, dict):
        raise TerraformError(f"{shown}:1: a JSON variable file is one object of variable names to values")
    return {name: Given(value, f"{shown}:1") for name, value in data.items()}
