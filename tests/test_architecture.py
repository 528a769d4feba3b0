"""The pipeline's shape holds: import-linter's contracts in pyproject.toml (layers, no pytest in the
provisioner, the checks or the report), and no import circle among the project's modules."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_the_import_contracts_are_kept() -> None:
    lint = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    if not Path(lint).exists():
        pytest.fail("lint-imports is not installed: `pip install -e '.[dev]'` installs import-linter")
    done = subprocess.run([lint], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout


def test_no_module_imports_a_module_that_imports_it_back() -> None:
    """Layers forbid circles between packages; within a package too, grimp's graph has no cycle."""
    import grimp

    graph = grimp.build_graph("provision", "steps")
    circles = [(a, b) for a in graph.modules for b in graph.find_modules_directly_imported_by(a)
               if a != b and graph.chain_exists(importer=b, imported=a)]
    assert circles == []
