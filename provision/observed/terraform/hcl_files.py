"""The files of one Terraform module folder and what they declare, by name, as Terraform reads them.

Terraform reads the `.tf` and `.tf.json` files of the folder itself (not its subfolders), except hidden ones
(`.name`) and editor files (`name~`, `#name#`); nothing else (`*.tf.bak`, `.terraform/`). Files named
`override.tf`, `*_override.tf` (and their `.tf.json` forms) are override files: read after all the others,
in name order, each of their blocks merged into the primary block of the same name (`hcl_merge`); an
override with no primary block to merge into is an error, as in Terraform (a default provider excepted).
What the files declare (variables, locals, resources, data sources, module calls, outputs, provider
configurations) is keyed as Terraform keys it; a name declared twice in the primary files is an error.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .hcl_json import parse_json_file
from .hcl_merge import merge_block
from .hcl_syntax import (
    Attribute,
    Block,
    Body,
    broken_link,
    parse_file,
    shown_path,
)
from .records import TerraformError

__all__ = ["Declarations", "ModuleFiles", "declarations", "is_override", "module_files", "read_by_terraform"]

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


@dataclass(frozen=True)
class ModuleFiles:
    """A module folder's files, parsed: the primary ones and the override files, each in name order."""

    primary: tuple[Body, ...]
    overrides: tuple[Body, ...] = ()


def read_by_terraform(name: str) -> bool:
    """Whether Terraform reads a file of this name in a module folder (configs.IsIgnoredFile and fileExt)."""
    ignored = name.startswith(".") or name.endswith("~") or (name.startswith("#") and name.endswith("#"))
    return not ignored and name.endswith((".tf", ".tf.json"))


def is_override(name: str) -> bool:
    base = name.removesuffix(".json").removesuffix(".tf")
    return base == "override" or base.endswith("_override")


def module_files(folder: Path) -> ModuleFiles:
    """The parsed files Terraform reads from a module folder, in its order."""
    files = _tf_files(folder)
    parsed = [(path.name, parse_json_file(path) if path.name.endswith(".json") else parse_file(path))
              for path in files]
    return ModuleFiles(tuple(b for n, b in parsed if not is_override(n)), tuple(b for n, b in parsed if is_override(n)))


def _tf_files(folder: Path) -> list[Path]:
    shown = shown_path(folder)
    if not folder.is_dir():
        what = broken_link(folder) or ("is not a folder" if folder.exists() else "does not exist")
        raise TerraformError(f"{shown}: {what}: give the folder that holds the .tf files")
    files = sorted((p for p in folder.iterdir() if read_by_terraform(p.name) and _readable(p)), key=lambda p: p.name)
    if not files:
        raise TerraformError(f"{shown}: holds no .tf or .tf.json file: give the folder of the Terraform root module")
    return files


def _readable(path: Path) -> bool:
    """A file to read; a folder of that name is skipped, as Terraform does; a link that cannot be followed is
    refused, naming it (the tables it may hold would be reported missing)."""
    why = broken_link(path)
    if why is not None:
        raise TerraformError(f"{shown_path(path.parent)}/{path.name}: {why}: remove it, or point it at a .tf file")
    if path.is_symlink() and path.is_dir():
        raise TerraformError(f"{shown_path(path.parent)}/{path.name}: is a symbolic link to a folder, not a .tf "
                             "file: Terraform cannot read it either; remove it")
    return path.is_file()


def declarations(files: ModuleFiles | Sequence[Body]) -> Declarations:
    """Every declaration of a module's files, the override files merged in; what Terraform would refuse (a name
    twice, a stray argument, an override of nothing) is an error at its line."""
    if not isinstance(files, ModuleFiles):
        files = ModuleFiles(tuple(files))
    seen: dict[str, dict[object, Block | Attribute]] = {kind: {} for kind in _LABELS}
    for body in files.primary:
        for block in _blocks(body):
            _declare(block, seen)
    for body in files.overrides:
        for block in _blocks(body):
            _override(block, seen)
    return Declarations(
        variables={str(k): v for k, v in seen["variable"].items() if isinstance(v, Block)},
        locals={str(k): v for k, v in seen["locals"].items() if isinstance(v, Attribute)},
        resources={k: v for k, v in seen["resource"].items() if isinstance(k, tuple) and isinstance(v, Block)},
        data={k: v for k, v in seen["data"].items() if isinstance(k, tuple) and isinstance(v, Block)},
        modules={str(k): v for k, v in seen["module"].items() if isinstance(v, Block)},
        outputs={str(k): v for k, v in seen["output"].items() if isinstance(v, Block)},
        providers={str(k): v for k, v in seen["provider"].items() if isinstance(v, Block)},
    )


def _blocks(body: Body) -> list[Block]:
    """The declaring blocks of one file (the others, such as `terraform`, say nothing the reader uses)."""
    if body.attributes:
        first = body.attributes[0]
        raise TerraformError(
            f"{first.where}: an argument ({first.name} = ...) cannot stand alone in a .tf file: "
            "put it in a block (a .tfvars file holds variable values)"
        )
    return [block for block in body.blocks if block.type in _LABELS]


def _override(block: Block, seen: dict[str, dict[object, Block | Attribute]]) -> None:
    """One block of an override file merged into the primary declaration it names, as Terraform merges it."""
    for key, item, what in _entries(block):
        known = seen[block.type]
        base = known.get(key)
        if isinstance(item, Attribute):  # a local: the override's expression replaces the primary's
            if base is None:
                raise _no_base(item.where, what, "local value")
            known[key] = item
        elif base is None and block.type == "provider" and "." not in str(key):
            known[key] = item  # Terraform: overriding the default provider of none is configuring it
        elif base is None or not isinstance(base, Block):
            raise _no_base(item.where, what, block.type)
        else:
            known[key] = merge_block(base, item)


def _no_base(where: str, what: str, kind: str) -> TerraformError:
    return TerraformError(f"{where}: {what} is in an override file, but no other file of the folder declares it: "
                          f"an override file can only change a {kind} declared in a primary file (Terraform refuses "
                          "it too): declare it in a .tf file, or fix the name")


def _declare(block: Block, seen: dict[str, dict[object, Block | Attribute]]) -> None:
    for key, item, what in _entries(block):
        if key in seen[block.type]:
            raise TerraformError(
                f"{item.where}: {what} is declared twice (first at {seen[block.type][key].where}): keep one"
            )
        seen[block.type][key] = item


def _entries(block: Block) -> list[tuple[object, Block | Attribute, str]]:
    """What one block declares: its key (as Terraform keys it), the block (or a local's line), and its name."""
    if len(block.labels) != _LABELS[block.type]:
        raise TerraformError(
            f"{block.where}: a {block.type} block takes {_LABELS[block.type]} label(s), not {len(block.labels)}: "
            f"write {_EXAMPLES[block.type]}"
        )
    if block.type == "locals":
        if block.body.blocks:
            raise TerraformError(f"{block.body.blocks[0].where}: a locals block holds `name = value` lines only")
        return [(a.name, a, f"local.{a.name}") for a in block.body.attributes]
    if block.type == "provider":
        provider = _provider_key(block)
        alias = f" (alias {provider.partition('.')[2]})" if "." in provider else ""
        return [(provider, block, f'provider "{block.labels[0]}"{alias}')]
    if len(block.labels) == 2:
        return [(block.labels, block, f"{block.type} {'.'.join(block.labels)}")]
    return [(block.labels[0], block, f'{block.type} "{block.labels[0]}"')]


def _provider_key(block: Block) -> str:
    """"aws" for a provider's default configuration, "aws.west" for one with `alias = "west"`."""
    alias = block.body.attribute("alias")
    if alias is None:
        return block.labels[0]
    text = alias.source.snippet(alias.expr).strip('"')
    if not text.replace("_", "").replace("-", "").isalnum():
        raise TerraformError(f'{alias.where}: a provider alias is a plain name: write alias = "west"')
    return f"{block.labels[0]}.{text}"
