"""A contract run of this project against static sources, as the tests of this folder start one, and the
readiness report it writes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.steps.report.test_library import python
from tests.support import spawn

BRIEF = Path("tests/brief")


def contracts(out: Path, *args: str) -> spawn.CompletedProcess[str]:
    return python("-m", "pytest", "-p", "no:cacheprovider", "-q", "--env=sit", f"--readiness-report={out}", *args,
                  SOURCE_DATE_EPOCH="0")


def report(out: Path) -> dict[str, Any]:
    return json.loads((out / "readiness.json").read_text(encoding="utf-8"))
