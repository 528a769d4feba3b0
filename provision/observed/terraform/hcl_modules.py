"""Where a module call's source is: a local folder (`./`, `../`), or the folder `terraform init` installed it in.

`terraform init` writes `.terraform/modules/modules.json` in the root module's folder: one entry per call,
keyed by the call names from the root (`tables`, `tables.index`), with the folder it vendored the source
into. A call to a registry, git or S3 source that is not installed there cannot be read: what it defines is
unknown, with the hint to run `terraform init` or to check a plan.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .hcl_scope import HINT
from .hcl_syntax import Block, shown_path
from .records import TerraformError, Unknown

MODULES_JSON = Path(".terraform") / "modules" / "modules.json"
LOCAL_PREFIXES = ("./", "../", ".\\", "..\\")


@dataclass(frozen=True)
class Installed:
    """The module folders `terraform init` installed for a root module, by call key."""

    root: Path
    folders: Mapping[str, Path]

    @classmethod
    def of(cls, root: Path) -> Installed:
        path = root / MODULES_JSON
        if not path.is_file():
            return cls(root, {})
        shown = shown_path(path)
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise TerraformError(f"{shown}: cannot be read ({error}): run `terraform init` to rewrite it") from None
        entries = document.get("Modules") if isinstance(document, dict) else None
        if not isinstance(entries, list):
            raise TerraformError(f"{shown}: has no Modules list, so it is not what `terraform init` writes: run it "
                                 "again to rewrite it")
        folders: dict[str, Path] = {}
        for entry in entries:
            if isinstance(entry, dict) and isinstance(entry.get("Dir"), str) and entry.get("Key"):
                folders[str(entry["Key"])] = root / entry["Dir"]
        return cls(root, folders)


def source_of(call: Block) -> str:
    """The call's `source`, which Terraform requires to be a literal string."""
    attribute = call.body.attribute("source")
    if attribute is None:
        raise TerraformError(f'{call.where}: module "{call.labels[0]}" has no source: add source = "./modules/NAME"')
    text = attribute.source.snippet(attribute.expr, limit=10_000).strip()
    if len(text) < 2 or not (text.startswith('"') and text.endswith('"')) or "${" in text:
        raise TerraformError(f"{attribute.where}: a module source must be a literal string, as Terraform requires: "
                             'write source = "./modules/NAME"')
    return text[1:-1]


def locate(call: Block, key: str, caller: Path, installed: Installed) -> Path | Unknown:
    """The folder a call's source is in, or why it cannot be read here."""
    source = source_of(call)
    if source.startswith(LOCAL_PREFIXES):
        folder = Path(os.path.normpath(caller / source))
        if not folder.is_dir():
            raise TerraformError(f'{call.where}: module "{call.labels[0]}" has source "{source}", but '
                                 f"{shown_path(folder)} is not a folder: fix the path")
        return folder
    if key in installed.folders:
        folder = installed.folders[key]
        if folder.is_dir():
            return folder
    return Unknown(f'module "{call.labels[0]}" ({source}) is not installed here: run `terraform init` in '
                   f"{shown_path(installed.root)} (it puts the module under .terraform/modules), or {HINT}")
