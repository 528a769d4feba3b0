"""pytest-bdd's code generation imported only when `--generate-missing` asks for it (steps.compat.generation)."""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from _pytest.config.argparsing import Parser

from dynamo_contracts.steps.compat import generation
from tests.support.paths import ROOT


def _options(add: Any) -> list[tuple[tuple[str, ...], dict[str, Any]]]:
    parser = Parser(_ispytest=True)
    add(parser)
    group = parser.getgroup("bdd")
    return [(tuple(o.names()), {k: v for k, v in o.attrs().items() if k != "container"}) for o in group.options]


def test_the_stand_in_adds_pytest_bdd_s_own_options() -> None:
    real = generation._real()
    assert _options(generation.add_options) == _options(real.add_options)
    assert [names for names, _ in _options(real.add_options)] == [("--generate-missing",), ("--feature",)]


@pytest.mark.slow
def test_a_contract_run_imports_no_mako_and_generate_missing_still_writes_code(tmp_path: Path,
                                                                               spawn: ModuleType) -> None:
    code = ("import sys, pytest\n"
            "pytest.main(['-q', '-p', 'no:cacheprovider', '--env=sit', '--against=schema'])\n"
            "print('MAKO', sorted(m for m in sys.modules if m == 'mako' or m.startswith('mako.')))\n")
    done = spawn.run([sys.executable, "-c", code], cwd=ROOT)
    assert "MAKO []" in done.stdout, done.stdout[-2000:]
    (tmp_path / "new.feature").write_text("Feature: Made up\n  Scenario: Something new\n"
                                          "    Given a step nobody wrote\n", encoding="utf-8")
    made = spawn.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--generate-missing", "--feature",
                      "new.feature"], cwd=tmp_path)
    assert "@scenario('new.feature', 'Something new')" in made.stdout, made.stdout[-2000:] + made.stderr[-2000:]
    assert "def test_something_new():" in made.stdout
