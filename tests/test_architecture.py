"""The pipeline's shape holds: import-linter's contracts in pyproject.toml (layers, no pytest in the
provisioner, the checks or the report), and no import circle among the project's modules."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


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
