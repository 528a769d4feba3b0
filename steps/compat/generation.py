"""pytest-bdd's code generation (`--generate-missing`) imported only when it is asked for.

pytest-bdd's plugin imports `pytest_bdd.generation` at its top for two hooks: `add_options` (its
`--generate-missing` and `--feature` options) and `cmdline_main` (which generates code when asked).
That module imports Mako, whose error pages import Pygments' lexers: some 25 ms of every run, for an
option contract runs never use. `defer` puts a stand-in for the module in its place, before pytest-bdd's
plugin imports it: it adds the same two options (tests/steps/compat/test_generation.py compares them with
pytest-bdd's own) and imports the real module where anything else is asked of it, `--generate-missing`
among them. Does nothing if pytest-bdd's plugin or the module was imported first (pytest loaded its plugin
before this one): the run is then as it was.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
import types
from typing import Any

NAME = "pytest_bdd.generation"


class _Deferred(types.ModuleType):
    """Stands for pytest_bdd.generation until something other than its two hooks' plain cases is asked of it."""

    def __getattr__(self, name: str) -> Any:
        if name in _NOT_THERE:  # what pytest looks for on every object of a plugin's module: not worth Mako
            raise AttributeError(f"module {NAME!r} has no attribute {name!r}")
        return getattr(_real(), name)


# Asked of each object in a plugin's namespace by pytest's fixture parsing (fixtures.py, parsefactories: a mock's
# name, a wrapped function); pytest-bdd's module holds neither.
_NOT_THERE = frozenset({"_mock_name", "__wrapped__", "__pytest_wrapped__", "_pytestfixturefunction",
                        "_fixture_function_marker"})


def defer() -> None:
    """Put the stand-in in `pytest_bdd.generation`'s place, if neither it nor pytest-bdd's plugin is imported yet
    and the module is where pytest-bdd keeps it."""
    if NAME in sys.modules or "pytest_bdd.plugin" in sys.modules:
        return
    package = importlib.import_module("pytest_bdd")
    if importlib.machinery.PathFinder.find_spec(NAME, package.__path__) is None:
        return
    stand_in = _Deferred(NAME, __doc__)
    stand_in.add_options = add_options  # type: ignore[attr-defined]
    stand_in.cmdline_main = cmdline_main  # type: ignore[attr-defined]
    sys.modules[NAME] = stand_in
    setattr(package, "generation", stand_in)  # noqa: B010  (as an import of the submodule would)


def _real() -> types.ModuleType:
    """pytest-bdd's own module, imported now (once) in the stand-in's place."""
    found = sys.modules.get(NAME)
    if found is not None and not isinstance(found, _Deferred):
        return found
    package = importlib.import_module("pytest_bdd")
    spec = importlib.machinery.PathFinder.find_spec(NAME, package.__path__)
    if spec is None or spec.loader is None:
        raise ImportError(f"{NAME} is no longer where pytest-bdd kept it")
    module = importlib.util.module_from_spec(spec)
    sys.modules[NAME] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        if found is not None:
            sys.modules[NAME] = found
        raise
    setattr(package, "generation", module)  # noqa: B010
    return module


def add_options(parser: Any) -> None:
    """pytest-bdd's `generation.add_options`: its two options, as it adds them."""
    group = parser.getgroup("bdd", "Generation")
    group._addoption("--generate-missing", action="store_true", dest="generate_missing", default=False,
                     help="Generate missing bdd test code for given feature files and exit.")
    group._addoption("--feature", metavar="FILE_OR_DIR", action="append", dest="features",
                     help="Feature file or directory to generate missing code for. Multiple allowed.")


def cmdline_main(config: Any) -> int | None:
    """pytest-bdd's `generation.cmdline_main`: its own, from the real module, when code is to be generated."""
    if config.option.generate_missing:
        result: int | None = _real().cmdline_main(config)
        return result
    return None
