"""Reads a Terraform folder's .tf files (python-hcl2) into a `Configuration`, resolving what is known without Terraform.

Every `*.tf` file of the folder (not its subfolders) is read in name order; the variables take their
values from terraform.tfvars, *.auto.tfvars and then each `var_files` entry, as `terraform plan` does.
The resources of the types read here come out in the shape of a plan's values, so one converter reads
plans and HCL alike. A module call, and a resource whose `count` or `for_each` is not known, is
`Unresolved`: what it defines is known to Terraform only.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from provision.observed.terraform.hcl_folder import Declarations, Folder
from provision.observed.terraform.hcl_syntax import Attribute, Block, Body, broken_link, parse_file, shown_path
from provision.observed.terraform.hcl_vars import given_values
from provision.observed.terraform.records import (
    Configuration,
    Resource,
    TerraformError,
    Unknown,
    Unresolved,
    other_providers,
)

__all__ = ["KINDS", "read_folder"]

# The resource types read, and what each may define where it is not known (an Unresolved's types).
KINDS: dict[str, tuple[str, ...]] = {
    "aws_dynamodb_table": ("table",),
    "aws_dynamodb_global_secondary_index": ("table",),
    "aws_backup_vault": ("vault",),
    "aws_backup_plan": ("plan",),
    "aws_backup_selection": ("plan",),
}

MODULE_REASON = "a module's resources are known to Terraform only: check a plan instead (--against plan:FILE)"

_LABELS = {"variable": 1, "locals": 0, "resource": 2, "data": 2, "module": 1}
_EXAMPLES = {
    "variable": 'variable "env" { ... }',
    "locals": "locals { ... }",
    "resource": 'resource "aws_dynamodb_table" "orders" { ... }',
    "data": 'data "aws_caller_identity" "current" { ... }',
    "module": 'module "dynamodb" { source = "..." }',
}


def read_folder(folder: Path, var_files: Sequence[Path] = ()) -> Configuration:
    """The resources of one Terraform folder, with what could not be resolved."""
    folder = Path(folder)
    bodies = [parse_file(path) for path in _tf_files(folder)]
    declarations = _declarations(bodies)
    others = None if declarations.modules else other_providers(
        [(kind, f"{kind}.{name}") for kind, name in declarations.resources])
    if others is not None:
        raise TerraformError(f"{shown_path(folder)}: {others}: it is not the Terraform of the DynamoDB stack; give "
                             "the folder whose .tf files define its aws_dynamodb_table resources")
    given = given_values(folder, [Path(p) for p in var_files])
    names = Folder(declarations, given)
    names.validate()
    resources: list[Resource] = []
    unresolved: list[Unresolved] = []
    for (kind, name), block in declarations.resources.items():
        if kind not in KINDS:
            continue
        found = names.instances(kind, name)
        if isinstance(found, Unknown):
            unresolved.append(_unresolved(kind, name, block, found))
            continue
        for instance in found:
            values = names.values(kind, name, instance, block.where)
            resources.append(Resource(instance.address, kind, values, block.where))
    for name, block in declarations.modules.items():
        unresolved.append(Unresolved(f'module "{name}"', block.where, MODULE_REASON))
    notes = tuple(
        f"{g.where}: a value for var.{n}, which no .tf file of {folder} declares: Terraform ignores it"
        for n, g in given.items()
        if n not in declarations.variables
    )
    return Configuration("terraform", str(folder), tuple(resources), tuple(unresolved), notes)


def _tf_files(folder: Path) -> list[Path]:
    shown = shown_path(folder)
    if not folder.is_dir():
        what = broken_link(folder) or ("is not a folder" if folder.exists() else "does not exist")
        raise TerraformError(f"{shown}: {what}: give the folder that holds the .tf files")
    files = [p for p in sorted(folder.iterdir()) if p.suffix == ".tf" and _readable(p)]
    if not files:
        raise TerraformError(f"{shown}: holds no .tf file: give the folder of the Terraform root module")
    return files


def _readable(path: Path) -> bool:
    """A .tf file to read; a folder of that name is skipped, as Terraform does; a link that cannot be followed is
    refused, naming it (the tables it may hold would be reported missing)."""
    why = broken_link(path)
    if why is not None:
        raise TerraformError(f"{shown_path(path.parent)}/{path.name}: {why}: remove it, or point it at a .tf file")
    if path.is_symlink() and path.is_dir():
        raise TerraformError(f"{shown_path(path.parent)}/{path.name}: is a symbolic link to a folder, not a .tf "
                             "file: Terraform cannot read it either; remove it")
    return path.is_file()


def _unresolved(kind: str, name: str, block: Block, unknown: Unknown) -> Unresolved:
    meta = block.body.attribute("count") or block.body.attribute("for_each")
    assert meta is not None
    construct = f"{kind}.{name} ({meta.name} over {meta.source.snippet(meta.expr)})"
    return Unresolved(construct, block.where, unknown.reason, KINDS[kind])


def _declarations(bodies: Sequence[Body]) -> Declarations:
    seen: dict[str, dict[object, Block | Attribute]] = {kind: {} for kind in _LABELS}
    for body in bodies:
        if body.attributes:
            first = body.attributes[0]
            raise TerraformError(
                f"{first.where}: an argument ({first.name} = ...) cannot stand alone in a .tf file: "
                "put it in a block (a .tfvars file holds variable values)"
            )
        for block in body.blocks:
            if block.type in _LABELS:
                _declare(block, seen)
    return Declarations(
        variables={str(k): v for k, v in seen["variable"].items() if isinstance(v, Block)},
        locals={str(k): v for k, v in seen["locals"].items() if isinstance(v, Attribute)},
        resources={k: v for k, v in seen["resource"].items() if isinstance(k, tuple) and isinstance(v, Block)},
        data={k: v for k, v in seen["data"].items() if isinstance(k, tuple) and isinstance(v, Block)},
        modules={str(k): v for k, v in seen["module"].items() if isinstance(v, Block)},
    )


def _declare(block: Block, seen: dict[str, dict[object, Block | Attribute]]) -> None:
    if len(block.labels) != _LABELS[block.type]:
        raise TerraformError(
            f"{block.where}: a {block.type} block takes {_LABELS[block.type]} label(s), not {len(block.labels)}: "
            f"write {_EXAMPLES[block.type]}"
        )
    entries: list[tuple[object, Block | Attribute, str]]
    if block.type == "locals":
        if block.body.blocks:
            raise TerraformError(f"{block.body.blocks[0].where}: a locals block holds `name = value` lines only")
        entries = [(a.name, a, f"local.{a.name}") for a in block.body.attributes]
    elif len(block.labels) == 2:
        entries = [(block.labels, block, f"{block.type} {'.'.join(block.labels)}")]
    else:
        entries = [(block.labels[0], block, f'{block.type} "{block.labels[0]}"')]
    for key, item, what in entries:
        if key in seen[block.type]:
            raise TerraformError(
                f"{item.where}: {what} is declared twice (first at {seen[block.type][key].where}): keep one"
            )
        seen[block.type][key] = item
