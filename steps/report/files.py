"""Writing a readiness report: `readiness.md` and `readiness.json`, from the model."""

from __future__ import annotations

import json
from pathlib import Path

from steps.report.markdown import render
from steps.report.model import Readiness, SideBySide
from steps.report.side_by_side import render_side_by_side

FILES = ("readiness.md", "readiness.json")


def write_report(readiness: Readiness | SideBySide, folder: Path) -> str:
    """Write both files into `folder` (made if need be); return the markdown."""
    markdown = render(readiness) if isinstance(readiness, Readiness) else render_side_by_side(readiness)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / FILES[0]).write_text(markdown, encoding="utf-8")
    (folder / FILES[1]).write_text(json.dumps(readiness.data(), indent=2) + "\n", encoding="utf-8")
    return markdown
