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


def _runs_as_a_script(path: Path) -> bool:
    """A `__main__.py`, or a module with a `__main__` block: a checkout runs it as `python -m steps.report`, say."""
    return path.name == "__main__.py" or 'if __name__ == "__main__"' in path.read_text(encoding="utf-8")


def _own_imports(path: Path) -> list[tuple[int, int, str]]:
    """(line, level, module) of each `from X import` in `path` naming the project (relative, or dynamo_contracts)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [(node.lineno, node.level, node.module or "") for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
            and (node.level > 0 or (node.module or "").split(".")[0] == "dynamo_contracts")]


def test_a_module_names_its_neighbours_by_where_they_stand() -> None:
    """Inside steps/ and provision/ a module imports the others relative to itself, so the code never spells the
    name it is installed under and an import names the file it reads; a module a checkout runs as a script imports
    by the installed name instead, so what it loads is the package's modules whichever name started it."""
    files = [p for folder in FOLDERS for p in sorted((ROOT / folder).rglob("*.py"))]
    scripts = {p for p in files if _runs_as_a_script(p)}
    assert {p.relative_to(ROOT).as_posix() for p in scripts} >= {"provision/__main__.py", "steps/report/__main__.py"}
    spelled = [f"{p.relative_to(ROOT)}:{line}: {module}" for p in files if p not in scripts
               for line, level, module in _own_imports(p) if level == 0]
    relative_in_scripts = [f"{p.relative_to(ROOT)}:{line}: {'.' * level}{module}" for p in scripts
                           for line, level, module in _own_imports(p) if level > 0]
    assert spelled == []
    assert relative_in_scripts == []
