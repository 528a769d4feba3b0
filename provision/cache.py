"""Where the tool keeps what it can make again between runs: $DYNAMO_CONTRACTS_CACHE, else the XDG cache.

DynamoDB Local's package, the IAM policy evaluator, the parsed HCL files (`observed.terraform.hcl_cache`) and the
evaluator's answers (`iam.verdict_cache`) are kept there, each in a folder of its own. Deleting the folder is always
safe: the next run makes what it needs. What is derived from files alone (the parse trees, the answers) is kept only
while `DYNAMO_CONTRACTS_PARSE_CACHE` is not 0 (`derived_folder`).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

VARIABLE = "DYNAMO_CONTRACTS_CACHE"
DERIVED_VARIABLE = "DYNAMO_CONTRACTS_PARSE_CACHE"  # 0, false, no or off: nothing derived is kept or read back


def cache_dir() -> Path:
    """$DYNAMO_CONTRACTS_CACHE, else $XDG_CACHE_HOME/dynamo-contracts, else ~/.cache/dynamo-contracts."""
    explicit = os.environ.get(VARIABLE)
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "dynamo-contracts"


def derived_folder(name: str) -> Path | None:
    """The cache's folder `name` for what is derived from files alone; None while $DYNAMO_CONTRACTS_PARSE_CACHE is
    0 (every run then derives it again, as a first run does)."""
    if os.environ.get(DERIVED_VARIABLE, "1").strip().lower() in ("0", "false", "no", "off"):
        return None
    return cache_dir() / name


def write_whole(path: Path, data: bytes) -> None:
    """Write `path` whole or not at all: a temporary file beside it, renamed into place (a run stopped halfway, or
    another writing the same entry, never leaves half a file to be read back)."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def trim(folder: Path, pattern: str, keep: int) -> None:
    """Keep the newest `keep` files of `folder` matching `pattern`; remove the older ones (another run may too)."""
    entries = list(folder.glob(pattern))
    if len(entries) <= keep:
        return
    entries.sort(key=lambda p: p.stat().st_mtime)
    for old in entries[: len(entries) - keep]:
        with contextlib.suppress(OSError):
            old.unlink()
