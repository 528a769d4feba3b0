"""Whether the contracts plugin has anything to do in this run, and where its project is.

Installed, the plugin is a `pytest11` entry point: it loads into every pytest of the environment, in any
folder. It is active only where it has something to do: a contracts folder at pytest's rootdir, or one of
its options given (`--env=moto` where there is no contracts folder is then refused with the reason).
Elsewhere it is inert: it collects nothing, loads no step library, and leaves other projects' tests,
pytest-bdd ones included, alone.

pytest decides its rootdir from a configuration file; a project without one, run from inside its
`features/` folder, would get `features/order_lambda` as rootdir. `project_above` finds the project
(the folder holding `contracts/` and that `features/`), so the run can be set up from there instead.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from ..compat import pytest_config
from ..gherkin.parse import FEATURES
from ..sentences import MODULES

CONTRACTS = "contracts"
ACTIVE = pytest.StashKey[bool]()
_OPTIONS: dict[str, object] = {}  # the plugin's options: dest -> default (filled when they are added)


def remember_options(parser: pytest.Parser, group: str) -> None:
    """Note the options of `group` (the plugin's), to tell later whether any was given."""
    _OPTIONS.update(pytest_config.option_defaults(parser, group))


def given_options(config: pytest.Config) -> list[str]:
    """The plugin's options given to this run (on the command line, in addopts or PYTEST_ADDOPTS)."""
    return [dest for dest, default in _OPTIONS.items()
            if config.getoption(dest, default) not in (default, None, False, [], ())]


def project_above(path: Path) -> Path | None:
    """The project `path` is inside the features folder of: the nearest folder above holding contracts/ and it."""
    resolved = path.resolve()
    for folder in resolved.parents:
        features = folder / FEATURES
        if (folder / CONTRACTS).is_dir() and (resolved == features or features in resolved.parents):
            return folder
    return None


def decide(config: pytest.Config) -> bool:
    """Whether the plugin acts in this run (kept for every hook); raises UsageError when pytest's rootdir is inside
    a contracts project's features/ folder, where nothing would be collected."""
    root = config.rootpath
    active = (root / CONTRACTS).is_dir() or bool(given_options(config))
    project = None if (root / CONTRACTS).is_dir() else project_above(root)
    if project is not None:
        raise pytest.UsageError(f"pytest took {root} for the project's root ({_why(config)}), but the project is "
                                f"{project}, which holds contracts/ and features/: run pytest from {project}, or give "
                                f"--rootdir={project}")
    config.stash[ACTIVE] = active
    return active


def _why(config: pytest.Config) -> str:
    if config.getoption("rootdir", None):
        return "given with --rootdir"
    if config.inipath is not None:
        return f"the configuration file {config.inipath.name} is there"
    return "no configuration file above it says otherwise"


def is_active(config: pytest.Config) -> bool:
    return config.stash.get(ACTIVE, False)



def load_step_library(config: pytest.Config) -> None:
    """Import each sentence module and register it as a plugin, unless blocked (`-p no:NAME`) or there already.
    Not `import_plugin`, which marks a module for assertion rewriting first: these hold no assert, and each would
    be parsed and rewritten on every run where bytecode is not written."""
    for module in MODULES:
        if config.pluginmanager.get_plugin(module) is None and not config.pluginmanager.is_blocked(module):
            config.pluginmanager.register(importlib.import_module(module), module)
