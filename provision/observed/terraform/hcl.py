"""Reads a Terraform root module (python-hcl2) into a `Configuration`, resolving what is known without Terraform.

The root folder's files are read as `hcl_files` says Terraform reads them; its variables take their values
from `TF_VAR_` environment variables, terraform.tfvars, *.auto.tfvars and then each `var_files` entry, as
`terraform plan` does (`hcl_vars`). Every module
call whose source is a local folder, or was installed by `terraform init` (`.terraform/modules`), is followed
with its arguments as the child's variables, however deep, `count` and `for_each` on the call included; the
resources inside get Terraform's full addresses. The resources of the types read here come out in the shape
of a plan's values, so one converter reads plans and HCL alike. A call that cannot be read, and a resource or
call whose `count` or `for_each` is not known, is `Unresolved`: what it defines is known to Terraform only.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from . import hcl_given, hcl_unread
from .hcl_files import Declarations, declarations, module_files
from .hcl_folder import Folder, Tree
from .hcl_modules import Installed
from .hcl_syntax import shown_path
from .hcl_vars import given_values
from .records import (
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
    "aws_dynamodb_global_secondary_index": ("gsi",),
    "aws_backup_vault": ("vault",),
    "aws_backup_plan": ("plan",),
    "aws_backup_selection": ("plan",),
    "aws_cloudwatch_metric_alarm": ("alarm",),
}
DEPTH_LIMIT = 32  # modules calling modules: deeper than this is a call cycle, which Terraform refuses too


def read_folder(folder: Path, var_files: Sequence[Path] = ()) -> Configuration:
    """The resources of one Terraform root module and the modules it calls, with what could not be resolved."""
    folder = Path(folder)
    loaded: dict[Path, Declarations] = {}

    def load(path: Path) -> Declarations:
        key = Path(os.path.abspath(path))  # not resolved: a link that loops is refused by module_files, naming it
        if key not in loaded:
            loaded[key] = declarations(module_files(path))
        return loaded[key]

    root_declarations = load(folder)
    given = given_values(folder, [Path(p) for p in var_files], root_declarations.variables)
    others = None if root_declarations.modules else other_providers(
        [(kind, f"{kind}.{name}") for kind, name in root_declarations.resources])
    if others is not None:
        raise TerraformError(f"{shown_path(folder)}: {others}: it is not the Terraform of the DynamoDB stack; give "
                             "the folder whose .tf files define its aws_dynamodb_table resources")
    root = Folder(Tree(Installed.of(folder), load), folder, root_declarations, given)
    resources: list[Resource] = []
    unresolved: list[Unresolved] = []
    _read(root, resources, unresolved)
    notes = tuple(
        f"{g.where}: a value for var.{n}, which no .tf file of {folder} declares: Terraform ignores it"
        for n, g in given.items()
        if n not in root_declarations.variables
    )
    return Configuration("terraform", str(folder), tuple(resources), tuple(unresolved), notes)


def _read(module: Folder, resources: list[Resource], unresolved: list[Unresolved]) -> None:
    """The resources of one module instance and of every module it calls."""
    if len(module.calls) > DEPTH_LIMIT:
        raise TerraformError(f"{module.calls[-1]}: modules call each other more than {DEPTH_LIMIT} deep "
                             f"({' -> '.join(module.calls[:3])} ...): a module cannot call itself")
    module.validate()  # every variable's validation rules, used or not, as terraform plan checks them
    for (kind, name), block in module.declarations.resources.items():
        if kind not in KINDS:
            continue
        found = module.instances(kind, name)
        if isinstance(found, Unknown):
            unresolved.append(hcl_unread.resource(module, f"{module.address}{kind}.{name}", kind, block, found,
                                                  KINDS[kind]))
            continue
        region = module.provider(block.body).region
        for instance in found:
            values = module.values(kind, name, instance, block.where)
            named = values.get(hcl_unread.NAME_OF.get(kind, ""))
            names = hcl_unread.name_pattern(module, kind, block, instance.bindings) if isinstance(
                named, Unknown) else None
            resources.append(Resource(instance.address, kind, values, block.where, region=region,
                                      called_at=module.calls, name_pattern=names,
                                      given_at=hcl_given.given_at(module, block.body)))
    for name, block in module.declarations.modules.items():
        children = module.children(name)
        if isinstance(children, Unknown):
            unresolved.append(hcl_unread.call(module, name, block, children))
            continue
        for child in children:
            _read(child.folder, resources, unresolved)
