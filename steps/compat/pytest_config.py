"""pytest's internals the plugin uses: its rootdir decision made again, its options' defaults, its terminal writer.

pytest decides its rootdir and configuration file from the command line before any plugin loads, and offers
no public way to decide them again (steps.wiring.early_setup says when that is needed); its terminal reporter
offers `write_line`, which cannot tell whether the current line already holds progress (steps.wiring.lines).
Both are done here with pytest's own private functions and attributes, each named with what breaks on upgrade;
tests/steps/compat/test_compat.py pins them against the installed pytest.
"""

from __future__ import annotations

import copy
import inspect
from pathlib import Path
from typing import Any

import pytest
from _pytest.config.findpaths import determine_setup

__all__ = ["Setup", "can_redecide", "decide_setup", "known_options", "option_defaults", "progress_file", "redecide",
           "set_progress_file", "terminal_writer"]

Setup = tuple[Path, Path | None, Any, Any]  # rootpath, inipath, the ini values, the ignored ini files (pytest's types)

# The private attributes of pytest.Config that hold the setup decided at start (config/__init__.py): if a
# release renames one, `can_redecide` is False and the plugin refuses the run with the way round it.
SETUP_ATTRIBUTES = ("_rootpath", "_inipath", "_inicfg", "_inicache", "_ignored_config_files",
                    "_configure_python_path", "_parser")


def known_options(config: pytest.Config) -> Any:
    """The options as pytest parsed them before the conftests load, with the plugins' options known
    (`Config.known_args_namespace`, undocumented): `--contracts DIR`'s DIR is no test path there, and
    `rootdir`, `inifilename`, `override_ini`, `confcutdir`, `file_or_dir` are the command line's."""
    return config.known_args_namespace


def decide_setup(config: pytest.Config, rootdir: str | None) -> Setup:
    """(rootpath, inipath, ini values, ignored files) as pytest decides them (`_pytest.config.findpaths.
    determine_setup`) from the known options (inifilename, override_ini, file_or_dir) and a rootdir, from the
    folder pytest was run in. pytest 9 takes `override_ini` and also returns the ignored files; 8.3 takes
    neither (then there are none). Breaks if determine_setup changes its keyword arguments again."""
    namespace = known_options(config)
    given = {"override_ini": namespace.override_ini} if "override_ini" in inspect.signature(
        determine_setup).parameters else {}
    found = determine_setup(inifile=namespace.inifilename, args=namespace.file_or_dir, rootdir_cmd_arg=rootdir,
                            invocation_dir=config.invocation_params.dir, **given)
    return found[0], found[1], found[2], found[3] if len(found) > 3 else []


def can_redecide(config: pytest.Config) -> bool:
    """Whether this pytest keeps its setup where `redecide` sets it: pytest 9 does; 8.3 applies `pythonpath` in a
    hook of its own instead of `_configure_python_path`, so there a run that needs its setup decided again is
    refused, with the way round it."""
    return all(hasattr(config, name) for name in SETUP_ATTRIBUTES)


def redecide(config: pytest.Config, setup: Setup, args: list[str]) -> None:
    """Put a new setup in place before the conftests load, as pytest does at start with the one it found:
    rootpath, inipath and ini values on the config, the ini cache emptied, the header's rootdir/inifile, the
    new ini's addopts prepended to `args` (and their `-p` plugins considered), its `pythonpath` applied, the
    known options parsed again, and a `confcutdir` pytest defaulted to the old ini's folder moved to the new
    one's. Call only when `can_redecide`."""
    rootpath, inipath, inicfg, ignored = setup
    old = config.inipath.parent if config.inipath else config.rootpath
    defaulted_confcutdir = known_options(config).confcutdir == str(old)
    config._rootpath, config._inipath, config._inicfg = rootpath, inipath, inicfg
    config._ignored_config_files = ignored
    config._inicache.clear()
    config._parser.extra_info.update(rootdir=str(rootpath), inifile=str(inipath))
    addopts = list(config.getini("addopts"))
    args[:] = addopts + args
    config.pluginmanager.consider_preparse(addopts, exclude_only=False)
    config._configure_python_path()
    config.known_args_namespace = config._parser.parse_known_args(args, namespace=copy.copy(config.option))
    if defaulted_confcutdir:
        config.known_args_namespace.confcutdir = str(inipath.parent if inipath else rootpath)


def option_defaults(parser: pytest.Parser, group: str) -> dict[str, object]:
    """dest -> default of each option added to `group` (`OptionGroup.options`, undocumented, a list of
    `Argument`). An option without a default gives None: pytest 9 sets `Argument.default` always, 8.3 only when
    one is given. Breaks if `.options` or `Argument.dest` goes: the plugin could no longer tell that one of its
    options was given outside a contracts project (it would stay inert instead of refusing the run)."""
    return {option.dest: getattr(option, "default", None) for option in parser.getgroup(group).options}


def terminal_writer(reporter: Any) -> Any:
    """The terminal reporter's TerminalWriter (`TerminalReporter._tw`): only it knows whether the current line
    holds anything (`width_of_current_line`). Breaks if `_tw` is renamed: then `reporter.write_line` is the
    public way, at the cost of a message after the progress dots of `-q`."""
    return reporter._tw


def progress_file(reporter: Any) -> Path | None:
    """The file whose progress the current line shows (`TerminalReporter.currentfspath`, undocumented), or
    None; set to None, the reporter writes the file's name again before its next result."""
    found = getattr(reporter, "currentfspath", None)
    return found if isinstance(found, Path) else None


def set_progress_file(reporter: Any, path: Path | None) -> None:
    reporter.currentfspath = path
