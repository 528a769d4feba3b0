"""`pytest --contracts DIR` with DIR anywhere: pytest reads its command line before any plugin loads.

pytest decides its rootdir and configuration file from the command line's paths before it loads
plugins (even installed ones), so the value of `--contracts DIR`, then an unknown option, counts
as a test path: with DIR outside the checkout, the rootdir moves to DIR, pyproject.toml's
settings (testpaths, markers, addopts) are not read, and the wrong tests run. When that happened,
this decides the setup again from the real paths, as pytest itself would have with the option
known, before the conftests load. If a future pytest no longer has the attributes this sets, the
run is refused with the way round it (`--contracts=DIR`) instead of running the wrong thing.

The same happens to a project without a configuration file run from inside its `features/` folder
(`cd features/order_lambda && pytest`): pytest takes that folder for the rootdir, and nothing is
collected. The setup is then decided again with the project's folder (contracts/ beside features/,
`steps.wiring.activation.project_above`) as rootdir, as if pytest had been run there on this folder.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from ..compat import pytest_config
from . import activation

OPTIONS_WITH_A_FOLDER = ("--contracts",)


def separate_values(args: Sequence[str]) -> list[str]:
    """The values given as the next argument (`--contracts DIR`, not `--contracts=DIR`) of the folder options."""
    return [args[i + 1] for i, arg in enumerate(args[:-1]) if arg in OPTIONS_WITH_A_FOLDER]


def repair(config: pytest.Config, args: list[str]) -> None:
    """Decide rootdir and configuration file again when an option's folder was taken for a test path, or when
    pytest, run inside a project's features/ folder with no configuration file, took a folder there for the root."""
    rootdir = pytest_config.known_options(config).rootdir or None  # parsed with the plugin's options known
    if not separate_values(args):
        project = _project_of(config)
        if project is None:
            return
        rootdir = str(project)
    setup = pytest_config.decide_setup(config, rootdir)
    if (setup[0], setup[1]) == (config.rootpath, config.inipath):
        return  # DIR was inside the project: pytest found the same setup
    if not pytest_config.can_redecide(config):
        raise pytest.UsageError(f"pytest took the folder after {OPTIONS_WITH_A_FOLDER[0]} for a test path; write "
                                f"{OPTIONS_WITH_A_FOLDER[0]}=DIR (with '=') instead" if separate_values(args) else
                                f"pytest took {config.rootpath} for the project's root: run pytest from {rootdir}, "
                                f"or give --rootdir={rootdir}")
    pytest_config.redecide(config, setup, args)


def _project_of(config: pytest.Config) -> Path | None:
    """The project whose features/ pytest's rootdir is in, when no configuration file or --rootdir decided it."""
    if config.inipath is not None or pytest_config.known_options(config).rootdir:
        return None
    if (config.rootpath / activation.CONTRACTS).is_dir():
        return None
    return activation.project_above(config.rootpath)
