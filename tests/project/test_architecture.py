"""The pipeline's shape holds: import-linter's contracts in pyproject.toml (layers, no pytest in the
provisioner, the checks or the report), no import circle among the project's modules, and every import of
them by the name they are installed under."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.support.paths import ROOT


def test_the_import_contracts_are_kept(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """`lint-imports` as CI runs it, in this process (no program started, so it stays in the quick suite)."""
    from importlinter.cli import lint_imports

    monkeypatch.chdir(ROOT)
    code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True)
    out = capsys.readouterr().out
    assert code == 0, out[-4000:]
    assert "0 broken" in out


def test_no_module_imports_a_module_that_imports_it_back() -> None:
    """Layers forbid circles between packages; within a package too, grimp's graph has no cycle."""
    import grimp

    graph = grimp.build_graph("dynamo_contracts")
    circles = [(a, b) for a in graph.modules for b in graph.find_modules_directly_imported_by(a)
               if a != b and graph.chain_exists(importer=b, imported=a)]
    assert circles == []


def _short_imports(path: Path) -> list[str]:
    """`line: module` for each import in `path` of `steps...` or `provision...`, the folders' own names."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                 else [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else [])
        found += [f"{path.relative_to(ROOT)}:{node.lineno}: {n}" for n in names if n.split(".")[0] in FOLDERS]
    return found


FOLDERS = ("steps", "provision")


def test_the_project_imports_its_modules_as_dynamo_contracts() -> None:
    """In a checkout `steps` and `provision` are importable too (the folders are on sys.path): a module imported
    by that name would run twice, as two modules, and in an install it is not there (or is the user's own)."""
    files = [ROOT / "conftest.py", *(p for folder in (*FOLDERS, "tests", "benchmarks")
                                   for p in (ROOT / folder).rglob("*.py"))]
    assert len(files) > 200
    assert [use for path in files for use in _short_imports(path)] == []
