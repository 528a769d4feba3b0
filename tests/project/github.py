"""The project's .github folder as the tests read it: its workflows, the promotion rules script, the linters
installed beside this Python; shared by the tests of the GitHub side."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support import spawn
from tests.support.paths import ROOT

GITHUB = ROOT / ".github"
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    """A dev tool of this virtualenv (where pytest runs without the virtualenv activated, too)."""
    found = BIN / name
    if found.exists():
        return str(found)
    on_path = shutil.which(name)
    if on_path is None:
        pytest.fail(f"{name} is not installed: `pip install -e '.[dev]' -c constraints/dev.txt` installs it")
    return on_path


def run(*args: str, env: dict[str, str] | None = None) -> spawn.CompletedProcess[str]:
    path = f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"  # actionlint finds shellcheck on PATH
    return spawn.run(list(args), cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
                     env={**os.environ, "PATH": path, **(env or {})})


def workflow(name: str) -> dict[Any, Any]:
    loaded = yaml.safe_load((GITHUB / "workflows" / name).read_text())
    assert isinstance(loaded, dict)
    return loaded


def after_check(promote: dict[str, Any]) -> tuple[str, list[str]]:
    """The role the contracts after the apply run as, and their pytest arguments, as promote.yml has them."""
    for job in promote["jobs"].values():
        runs = [step.get("run", "") for step in job["steps"]]
        checks = [text for text in runs if text.startswith("pytest ") and "readiness-after" in text]
        if not checks:
            continue
        roles = [step["with"]["role-to-assume"] for step in job["steps"]
                 if step.get("uses", "").startswith("aws-actions/configure-aws-credentials@")]
        assert len(roles) == 1, job
        assert len(checks) == 1, job
        return roles[0], checks[0].split()[1:]
    raise AssertionError("promote.yml runs no contracts after the apply")
