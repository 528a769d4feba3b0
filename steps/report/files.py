"""Writing a readiness report: `readiness.md`, `.json` and `.html`, from the model, whole or not at all; and the
lock a run holds on its report folder, so two runs never write one folder unknowingly."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..results.files import write_whole
from .html import render_html
from .markdown import render
from .model import Readiness, SideBySide
from .owners import PATH as CODEOWNERS
from .owners import Codeowners
from .side_by_side import render_side_by_side

FILES = ("readiness.md", "readiness.json", "readiness.html")
LOCK = ".readiness.lock"  # in the report folder: held by the run (or rebuild) writing there


class FolderBusy(Exception):
    """Another run holds the report folder: what it is, and what to do."""


def read_codeowners(root: Path) -> Codeowners:
    """The project's `.github/CODEOWNERS` (none: no owner named), for the report's approvals."""
    try:
        return Codeowners.parse((root / CODEOWNERS).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return Codeowners()


def write_report(readiness: Readiness | SideBySide, folder: Path, beside: Mapping[str, str] | None = None,
                 codeowners: Codeowners | None = None) -> str:
    """Write both files into `folder` (made if need be), and any `beside` them (name -> text), every one whole
    or none (see `steps.results.files`); return the markdown."""
    markdown = (render(readiness, codeowners) if isinstance(readiness, Readiness)
                else render_side_by_side(readiness, codeowners))
    folder.mkdir(parents=True, exist_ok=True)
    files = {folder / FILES[0]: markdown, folder / FILES[1]: json.dumps(readiness.data(), indent=2) + "\n",
             folder / FILES[2]: render_html(readiness, codeowners),
             **{folder / name: text for name, text in (beside or {}).items()}}
    write_whole(files)
    return markdown


def hold_folder(folder: Path, who: str) -> Any:
    """The report folder's lock, held (released when the process ends at the latest); FolderBusy when another run
    holds it. `who` says what holds it, for the message the other run gets."""
    from filelock import FileLock, Timeout  # a tenth of a second to import: only when a report is written

    lock = FileLock(folder / LOCK)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        holder = _holder(folder / LOCK)
        raise FolderBusy(f"another run is writing its readiness report into {folder}{holder}; wait for it to end, "
                         "or give another folder (two runs in one folder: the last one would overwrite the other's "
                         "report)") from None
    with open(folder / LOCK, "w", encoding="utf-8") as note:  # what holds it, for whoever finds it held
        note.write(f"{who}, pid {os.getpid()}, since {datetime.now(UTC).replace(microsecond=0).isoformat()}\n")
    return lock


def _holder(path: Path) -> str:
    try:
        said = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return ""
    return f" ({said[:200]})" if said else ""
