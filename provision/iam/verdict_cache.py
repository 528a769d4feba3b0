"""The IAM policy evaluator's answers kept by the batch they answer, so an unchanged batch is not evaluated again.

A contract run asks the evaluator (`simulate`, one run of node) about every request of the run at once: the
roles' policy documents, the actions, the resources and the request context. The answer depends on nothing else
but the evaluator itself, so it is kept in the user cache (`provision.cache`, folder `iam-verdicts`) under the
SHA-256 of the batch as sent and of the evaluator (its pinned package.json and lockfile, its script): a changed
policy, request or evaluator is a new entry, evaluated by node. Starting node and loading the evaluator takes about
0.15 s of CPU, most of a static run's wait before its first scenario. An entry that cannot be read, or does not
hold one answer per request, is evaluated again and replaced; a folder that cannot be written only means the next
run evaluates again. An evaluation that failed is never kept. Entries are read back only from the user's own cache
folder, as the parse trees are: whoever can write there can already change what any of the user's runs reads.

Each folder a run is started from also remembers the key of its last batch (`last-<hash of the folder>`): when
that batch is kept, a new run from the folder does not start node ahead of its batch (`answered_before`), since it
will most likely ask the same. A run that then asks something else starts node when it asks.

`DYNAMO_CONTRACTS_PARSE_CACHE=0` turns it off, as it does the parse trees' cache (`provision.cache.derived_folder`).
The folder keeps the newest `KEEP` entries; deleting it is always safe.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from ..cache import derived_folder, trim, write_whole

FOLDER = "iam-verdicts"
FORMAT = "1"  # an entry: the evaluator's output for the batch, a JSON list of one answer per request
KEEP = 500  # entries; beyond that the oldest are removed when one is written


@cache
def _evaluator_digest(files: tuple[Path, ...]) -> str:
    digest = hashlib.sha256(FORMAT.encode())
    for path in files:
        digest.update(b"\0" + path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def key(payload: str, evaluator: Iterable[Path]) -> str:
    """The entry's name: the batch as sent to the evaluator, and the evaluator's own files."""
    digest = hashlib.sha256(_evaluator_digest(tuple(evaluator)).encode())
    digest.update(b"\0" + payload.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def kept(entry_key: str, count: int) -> list[Any] | None:
    """The answers kept under `entry_key`, if they can be read and hold `count` answers."""
    folder = derived_folder(FOLDER)
    if folder is None:
        return None
    try:
        found = json.loads((folder / f"{entry_key}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(found, list) or len(found) != count or not all(
            isinstance(answer, dict) and "result" in answer for answer in found):
        return None
    return found


def keep(entry_key: str, output: str) -> None:
    """Keep the evaluator's output for the batch, whole (a temporary file renamed into place) or not at all."""
    folder = derived_folder(FOLDER)
    if folder is None:
        return
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        write_whole(folder / f"{entry_key}.json", output.encode("utf-8"))
        trim(folder, "*.json", KEEP)


def remember_asked(entry_key: str) -> None:
    """The batch this folder's run asked, for `answered_before` of the next run started here."""
    folder = derived_folder(FOLDER)
    if folder is None:
        return
    marker = folder / _marker()
    with contextlib.suppress(OSError):
        if marker.read_text(encoding="utf-8") == entry_key:
            return
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        write_whole(marker, entry_key.encode("utf-8"))


def answered_before() -> bool:
    """Whether the last batch asked by a run from this folder is kept (so node need not be started ahead of it)."""
    folder = derived_folder(FOLDER)
    if folder is None:
        return False
    try:
        last = (folder / _marker()).read_text(encoding="utf-8").strip()
    except OSError:
        return False
    return bool(last) and (folder / f"{last}.json").is_file()


def _marker() -> str:
    return "last-" + hashlib.sha256(os.fsencode(os.getcwd())).hexdigest()[:32]
