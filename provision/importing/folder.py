"""Writing the imported contracts/ folder: whole or not at all, and never over someone's work.

The files are written to a temporary folder beside `--out`, checked, then renamed into place. A non-empty
`--out` is replaced only when every file in it is this same import's (the same `--from` and `--env`, as each
file's first line says), or with `--overwrite-existing-contracts`.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

from ..errors import ToolError

OVERWRITE_OPTION = "--overwrite-existing-contracts"


def _same_import(out: Path, first_line: str) -> bool:
    for path in out.rglob("*"):
        if path.is_dir():
            continue
        try:
            with path.open(encoding="utf-8") as handle:
                if handle.readline() != first_line:
                    return False
        except (OSError, UnicodeDecodeError):
            return False
    return True


def check_out(out: Path, first_line: str, overwrite: bool) -> None:
    """Refuse an --out that is not a folder, or holds anything but this same import, unless told to overwrite."""
    if out.exists() and not out.is_dir():
        raise ToolError(f"--out {out}: is a file, not a folder; give a folder for the contracts")
    if not out.is_dir() or not any(out.iterdir()) or overwrite:
        return
    if not _same_import(out, first_line):
        raise ToolError(f"--out {out}: holds files this import did not write (another import, or contracts of "
                        f"your own); nothing was written. Give an empty or new folder, or {OVERWRITE_OPTION} to "
                        f"replace everything in it")


def write(out: Path, files: Mapping[str, str], check: Callable[[Path], None]) -> None:
    """Write `files` under a temporary folder, `check` it, then put it in place of `out` (nothing half-written)."""
    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.import-", dir=out.parent))
    try:
        for relative, text in files.items():
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        check(staging)
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.replaced-", dir=out.parent))
            old.rmdir()
            out.rename(old)
            try:
                staging.rename(out)
            except OSError:
                old.rename(out)
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            staging.rename(out)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
