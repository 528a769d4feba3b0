"""DynamoDB Local's JVM started first thing in a contract run, before the plugin's own imports.

A run on DynamoDB Local (`pytest`, env local) waits for its JVM, which takes about two seconds to answer.
Started when the plugin is configured, it overlapped only with collection; started here, from the first line
of steps.plugin (the module pytest imports from the `pytest11` entry point, or through the root conftest),
it also overlaps pytest's and the plugin's imports, the features' parse and the contracts' load.

Nothing is known yet at that point but the command line: `wanted` guesses from it, reading no file but
whether the folders it names are there. It starts the JVM only when the run looks like it will need a throwaway
DynamoDB Local (the pytest command itself, in a contracts project, env local, a live source, no endpoint given,
no `-n` (xdist's workers start their own), no --help, --version, --collect-only, --fixtures), DynamoDB Local is
already downloaded (`provision local fetch`; a first run downloads it at configure time, as before, saying so),
and it would run as the jar (DYNAMO_CONTRACTS_LAUNCHER=jar, or no Docker to be seen).

A wrong guess costs time, never correctness. The session takes the JVM when it needs one (`take`); one it
does not take is stopped when the plugin is configured (`discard`), and at exit by `atexit` whatever ends the
process first (a usage error while pytest parses the options, Ctrl-C, a crash); when the process is killed,
Linux stops the JVM with it (provision.dynamodb_local_jar.die_with_parent). A run that needs one and was not
guessed to starts it at configure time, as before. Only the standard library and provision.dynamodb_local_jar
are imported here: no botocore, nothing of the plugin.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shlex
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from ...provision.dynamodb_local_jar import (
    ENDPOINT_VARIABLE,
    JarJvm,
    jar_folder,
    jar_is_the_choice,
    java_executable,
    package_folder,
)

if TYPE_CHECKING:
    import pytest

DEFAULT_ENV = "local"  # the environment a run checks without --env or ini (steps.run.options reads it from here)
LIVE = "live"  # the `--against` source that is the environment itself (provision.observed.origin.SourceKind.LIVE)
CONTRACTS, FEATURES = "contracts", "features"  # the project's folders (steps.wiring.activation, steps.gherkin)
PYTEST_COMMANDS = frozenset({"pytest", "py.test", "pytest.exe", "py.test.exe"})
# Options after which no scenario runs: pytest's help and listings.
LISTS_ONLY = frozenset({"-h", "--help", "--version", "-V", "--co", "--collect-only", "--collectonly", "--fixtures",
                        "--funcargs", "--fixtures-per-test", "--markers", "--setup-plan"})
# Options that move the project elsewhere or take the run elsewhere: too much to guess from the command line.
# The same options as pytest keeps them (their dests), read once the options are parsed (`runs_tests`).
NO_TESTS = ("help", "collectonly", "showfixtures", "show_fixtures_per_test", "markers", "setupplan")
ELSEWHERE = frozenset({"--contracts", "--rootdir", "-c", "--config-file", "--pyargs", "--endpoint-url", "--tx",
                       "-f", "--looponfail"})
WORKERS = ("-n", "--numprocesses")  # pytest-xdist: the controller starts no backend, each worker its own

_started: JarJvm | None = None
_started_at = 0.0  # time.perf_counter() when it was started


def start() -> None:
    """Start the JVM now if this process looks like a contract run on a throwaway DynamoDB Local (`wanted`).

    Says nothing and raises nothing: a JVM that cannot be started here is started, or its failure reported,
    at configure time as before."""
    global _started, _started_at
    if _started is not None or not wanted(sys.argv, Path.cwd(), os.environ):
        return
    home, java = jar_folder(package_folder()), java_executable()
    if home is None or java is None:
        return  # not downloaded yet, or no Java: configure time says so, with what to do
    with contextlib.suppress(Exception):
        _started_at = time.perf_counter()
        _started = JarJvm.start(home, java=java)
        atexit.register(discard)


def take() -> tuple[JarJvm, float] | None:
    """The JVM started early and when (time.perf_counter()), for the session that needs it; then no longer here's
    to stop. None when none was started (or it has died since)."""
    global _started
    found, _started = _started, None
    if found is not None and found.process.poll() is not None:
        found.stop()  # (its log file goes too)
        return None
    return None if found is None else (found, _started_at)


def discard() -> None:
    """Stop the JVM started early if nothing took it: the run did not need it after all."""
    global _started
    found, _started = _started, None
    if found is not None:
        found.stop()


def runs_tests(config: pytest.Config) -> bool:
    """Whether this run runs tests at all, as the plugin knows once pytest has parsed the options: not pytest's help,
    a listing of the tests, fixtures or markers, or a plan of the fixtures (LISTS_ONLY, as `wanted` guesses it)."""
    return not any(config.getoption(name, False) for name in NO_TESTS)


def wanted(argv: Sequence[str], cwd: Path, environ: Mapping[str, str]) -> bool:
    """Whether `argv` (sys.argv) looks like a pytest run of a contracts project's scenarios on a throwaway DynamoDB
    Local that this process starts itself. A guess from the command line and PYTEST_ADDOPTS (the ini file's
    options are not read yet): the plugin decides for certain at configure time."""
    if not argv or not _is_pytest_command(argv[0]) or environ.get("PYTEST_XDIST_WORKER"):
        return False
    if environ.get(ENDPOINT_VARIABLE) or not jar_is_the_choice(environ):
        return False
    try:
        args = [*shlex.split(environ.get("PYTEST_ADDOPTS", "")), *argv[1:]]
    except ValueError:
        return False
    command = _read(args, cwd)
    if command is None:
        return False
    if command.env not in (None, DEFAULT_ENV) or (command.against and LIVE not in command.against):
        return False
    return any(_in_features(path) for path in command.paths) if command.paths else _in_features(cwd)


def _is_pytest_command(program: str) -> bool:
    """`pytest`, `py.test`, or `python -m pytest` (argv[0] is then pytest's __main__.py)."""
    path = Path(program)
    return path.name in PYTEST_COMMANDS or (path.name == "__main__.py" and path.parent.name == "pytest")


class _Command(NamedTuple):
    env: str | None  # the last --env given
    against: list[str]  # every --against source given
    paths: list[Path]  # the paths given that are there


def _read(args: Sequence[str], cwd: Path) -> _Command | None:
    """What the early start needs of the arguments, None where one of them rules it out."""
    command = _Command(None, [], [])
    given = iter(args)
    for arg in given:
        if arg == "--":
            command.paths.extend(cwd / rest.partition("::")[0] for rest in given)
            break
        name, has_value, value = arg.partition("=")
        if name in LISTS_ONLY or name in ELSEWHERE or arg.startswith("@"):
            return None
        if name in WORKERS or (arg.startswith("-n") and not arg.startswith("--")):  # -n 2, -n2, -n=2, -nauto
            count = (value if has_value else next(given, "")) if name in WORKERS else arg[2:]
            if count.strip() != "0":
                return None
        elif name == "--env":
            command = command._replace(env=value if has_value else next(given, ""))
        elif name == "--against":
            command.against.extend(part.strip() for part in (value if has_value else next(given, "")).split(","))
        elif not arg.startswith("-"):
            path = cwd / arg.partition("::")[0]
            if path.exists():  # (an option's value, such as `-m slow`, is seldom a path)
                command.paths.append(path)
    return command


def _in_features(path: Path) -> bool:
    """Whether pytest run on `path` collects a contracts project's features: the project folder itself (contracts/
    and features/ in it), its features/ folder, or anything inside that."""
    resolved = path.resolve()
    if (resolved / CONTRACTS).is_dir() and (resolved / FEATURES).is_dir():
        return True
    return any(folder.name == FEATURES and (folder.parent / CONTRACTS).is_dir()
               for folder in (resolved, *resolved.parents))
