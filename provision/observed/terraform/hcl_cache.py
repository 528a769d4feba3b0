"""python-hcl2's parse trees kept by the text they were parsed from, so an unchanged file is parsed once.

Building python-hcl2's Lark parser and parsing with it is most of what reading a Terraform folder costs (about a
tenth of a second for the brief's five files, the whole of a static run being under one). A tree is kept in the
user cache (`provision.cache`, folder `hcl-trees`) under the SHA-256 of the file's text and of the versions that
made it (python-hcl2, Lark, Python, this format), so any change to the text or to a parser is a new entry: a kept
tree is the tree python-hcl2 would build now, and the reader never trusts anything else it finds. An entry that
cannot be read (cut short, written by something else) is parsed again and replaced; a folder that cannot be
written only means the next run parses again. A file that does not parse is never kept: its error is found anew.

An entry is a pickle, read back only from the user's own cache folder: whoever can write there can already run
code as that user (the same holds for pip's and pytest's caches).

`DYNAMO_CONTRACTS_PARSE_CACHE=0` turns it off (the benchmark's cold runs). The folder keeps the newest
`KEEP` trees; deleting it is always safe.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
import sys
from collections.abc import Callable
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import TypeVar

from ...cache import DERIVED_VARIABLE, derived_folder, trim, write_whole

VARIABLE = DERIVED_VARIABLE  # DYNAMO_CONTRACTS_PARSE_CACHE
FOLDER = "hcl-trees"
FORMAT = "1"  # the layout of an entry: a pickled lark Tree with its positions (propagate_positions)
KEEP = 2000  # entries; beyond that the oldest are removed when one is written

T = TypeVar("T")


def parsed(text: str, parse: Callable[[str], T]) -> T:
    """`parse(text)`, or the tree kept for this text by an earlier run of the same parsers."""
    folder = _folder()
    if folder is None:
        return parse(text)
    entry = folder / f"{_key(text)}.pickle"
    with contextlib.suppress(OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError,
                             IndexError, TypeError):
        return pickle.loads(entry.read_bytes())
    tree = parse(text)  # raises for a file that does not parse: nothing is kept
    _keep(folder, entry, tree)
    return tree


def _folder() -> Path | None:
    return derived_folder(FOLDER)


@cache
def _versions() -> str:
    found = []
    for name in ("python-hcl2", "lark"):
        try:
            found.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}=?")
    return "\0".join([FORMAT, *found, sys.version])


def _key(text: str) -> str:
    digest = hashlib.sha256(_versions().encode())
    digest.update(b"\0")
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _keep(folder: Path, entry: Path, tree: object) -> None:
    """Write the entry whole (a temporary file renamed into place) or not at all; then trim the folder."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_whole(entry, pickle.dumps(tree, protocol=pickle.HIGHEST_PROTOCOL))
        trim(folder, "*.pickle", KEEP)
    except (OSError, pickle.PicklingError, RecursionError):
        return  # not kept: the next run parses this file again
