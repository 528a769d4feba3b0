"""The files of one Terraform module folder and what they declare, by name, as Terraform reads them.

Every `*.tf` file of the folder (not its subfolders) is read in name order. What the files declare
(variables, locals, resources, data sources, module calls, outputs, provider configurations) is keyed
as Terraform keys it; a name declared twice is an error, as in Terraform.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from provision.observed.terraform.hcl_syntax import Attribute, Block, Body, parse_file, shown_path
from provision.observed.terraform.records import TerraformError

__all__ = ["Declarations", "declarations", "module_files"]

_LABELS = {"variable": 1, "locals": 0, "resource": 2, "data": 2, "module": 1, "output": 1, "provider": 1}
_EXAMPLES = {
    "variable": 'variable "env" { ... }',
    "locals": "locals { ... }",
    "resource": 'resource "aws_dynamodb_table" "orders" { ... }',
    "data": 'data "aws_caller_identity" "current" { ... }',
    "module": 'module "dynamodb" { source = "..." }',
    "output": 'output "table_arn" { value = ... }',
    "provider": 'provider "aws" { region = "..." }',
}


@dataclass(frozen=True)
class Declarations:
    """What a module folder's files declare, by name."""

    variables: Mapping[str, Block]
    locals: Mapping[str, Attribute]
    resources: Mapping[tuple[str, str], Block]
    data: Mapping[tuple[str, str], Block]
    modules: Mapping[str, Block]
    outputs: Mapping[str, Block]
    providers: Mapping[str, Block]  # by "aws" (the default configuration) or "aws.ALIAS"


def module_files(folder: Path) -> list[Body]:
    """The parsed files Terraform reads from a module folder, in its order."""
    return [parse_file(path) for path in _tf_files(folder)]


def _tf_files(folder: Path) -> list[Path]:
    shown = shown_path(folder)
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise TerraformError(f"{shown}: {what}: give the folder that holds the .tf files")
    files = sorted(p for p in folder.iterdir() if p.suffix == ".tf" and p.is_file())
    if not files:
        raise TerraformError(f"{shown}: holds no .tf file: give the folder of the Terraform root module")
    return files


def declarations(bodies: Sequence[Body]) -> Declarations:
    """Every declaration of a module's files; what Terraform would refuse (a name twice, a stray argument) is an
    error at its line."""
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
        outputs={str(k): v for k, v in seen["output"].items() if isinstance(v, Block)},
        providers={str(k): v for k, v in seen["provider"].items() if isinstance(v, Block)},
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
    elif block.type == "provider":
        provider = _provider_key(block)
        alias = f" (alias {provider.partition('.')[2]})" if "." in provider else ""
        entries = [(provider, block, f'provider "{block.labels[0]}"{alias}')]
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


def _provider_key(block: Block) -> str:
    """"aws" for a provider's default configuration, "aws.west" for one with `alias = "west"`."""
    alias = block.body.attribute("alias")
    if alias is None:
        return block.labels[0]
    text = alias.source.snippet(alias.expr).strip('"')
    if not text.replace("_", "").replace("-", "").isalnum():
        raise TerraformError(f'{alias.where}: a provider alias is a plain name: write alias = "west"')
    return f"{block.labels[0]}.{text}"
