"""CI-native output: GitHub annotations, `--sarif FILE`, and JUnit testcases at their feature lines.

Annotations (`::error file=...,line=...::`) are printed when GITHUB_ACTIONS is set, or with
`--github-annotations=on` (`off` never): when the run ends, one per problem of `steps.output.problems`;
when it is refused before anything runs (a feature's mistake, a contracts/ one), one per mistake at its
`file:line`. Paths are relative to the repository's root: $GITHUB_WORKSPACE when pytest's rootdir is in
it, else the rootdir. The SARIF is written when the run ends, whole, from the same problems and the same
masked results as the readiness report; a run that stopped (the environment unreadable) or was refused
writes none, and removes an earlier one: code scanning would take an empty log for every gap fixed.
"""

from __future__ import annotations

import contextlib
import os
import sys
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from . import reporting
from . import results as properties
from .lines import own_line

if TYPE_CHECKING:  # the writers are imported where output is asked for: most runs ask for none
    from ..output.places import Places
    from ..output.problems import Problem
    from ..results.run import RunResults
    from ..run.session import ContractSession

CHOICES = ("auto", "on", "off")
REFUSED = pytest.StashKey[bool]()  # refused before anything ran (pytest still ends the session after collection)


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("contracts")
    group.addoption("--sarif", dest="contracts_sarif", default=None, metavar="FILE",
                    help="write FILE, the run's gaps, warnings and unverified checks as SARIF 2.1.0 (for code "
                         "scanning), each where its fix goes")
    group.addoption("--github-annotations", dest="contracts_annotations", choices=CHOICES, default="auto",
                    help="print GitHub Actions annotations (::error file=...,line=...::) at each gap's file and line: "
                         "auto (when GITHUB_ACTIONS is set, the default), on or off")


def annotating(config: pytest.Config) -> bool:
    choice = config.getoption("contracts_annotations", "auto")
    return choice == "on" or (choice == "auto" and os.environ.get("GITHUB_ACTIONS") == "true")


def sarif_path(config: pytest.Config) -> Path | None:
    given = config.getoption("contracts_sarif", None)
    return Path(given) if given else None


def configure(config: pytest.Config) -> None:
    """Check --sarif before anything runs; fix the JUnit XML's testcases once pytest has written it."""
    if hasattr(config, "workerinput"):
        return
    path = sarif_path(config)
    if path is not None and path.is_dir():
        raise pytest.UsageError(f"--sarif={path}: that is a folder; give a file to write (contracts.sarif)")
    xmlpath = getattr(config.option, "xmlpath", None)
    if xmlpath:
        config.pluginmanager.register(JunitLocations(Path(xmlpath)), "contracts-junit-locations")


class JunitLocations:
    def __init__(self, path: Path) -> None:
        self.path = path

    @pytest.hookimpl(trylast=True)  # after pytest's junitxml has written the file
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        from ..output import junit

        if self.path.exists():
            with contextlib.suppress(OSError):  # the report stays as pytest wrote it
                junit.locate_scenarios(self.path, properties.SCENARIO)


def places(config: pytest.Config) -> Places:
    from ..output.places import Places

    root = config.rootpath
    workspace = os.environ.get("GITHUB_WORKSPACE")
    if workspace and root.resolve().is_relative_to(Path(workspace).resolve()):
        root = Path(workspace)
    return Places(root, (Path.cwd(), config.rootpath))


def _print(config: pytest.Config, lines: list[str]) -> None:
    """Each annotation on a line of its own on stdout, where the runner reads workflow commands."""
    if not lines:
        return
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        if reporter is not None:
            for line in lines:
                own_line(reporter, line)
        else:
            sys.stdout.write("".join(f"{line}\n" for line in lines))
            sys.stdout.flush()


def _remove_sarif(config: pytest.Config) -> None:
    path = sarif_path(config)
    if path is not None:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)


def refused(config: pytest.Config, error: pytest.UsageError) -> None:
    """The run is refused before anything ran: annotate each mistake where it is; no SARIF of this run."""
    if hasattr(config, "workerinput"):
        return
    config.stash[REFUSED] = True
    _remove_sarif(config)
    if annotating(config):
        from ..output import annotations as github

        _print(config, github.of_refusal("\n".join(str(a) for a in error.args), places(config)))


def finish(session: pytest.Session, contract_session: ContractSession) -> None:
    """Annotate the run's problems and write its SARIF; for a run that stopped, say so and write none."""
    config = session.config
    if hasattr(config, "workeroutput") or config.option.collectonly or config.stash.get(REFUSED, False):
        return
    path = sarif_path(config)
    if path is None and not annotating(config):
        return  # nothing asked for: the results are not gathered again (a tenth of a second), nor the writers imported
    from ..output import annotations as github
    from ..output.problems import Level, problems
    from ..results.accounts import mask_accounts

    failure = contract_session.failure or config.stash.get(reporting.FAILURE, None)
    if failure:
        _remove_sarif(config)
        if annotating(config):
            _print(config, [github.command(Level.ERROR, failure, f"{github.TOOL}: the run stopped")])
        return
    run = reporting.run_results(session, contract_session)
    if not config.getoption("show_accounts", False):
        run = mask_accounts(run)
    found = problems(run, places(config))
    if annotating(config):
        _print(config, github.of_problems(found))
    if path is not None:
        _write_sarif(session, path, run, found)


def _write_sarif(session: pytest.Session, path: Path, run: RunResults, found: list[Problem]) -> None:
    from ..output import sarif
    from ..report.build import build

    config = session.config
    log = sarif.document(found, environment=run.environment, verdict=build(run).verdict.value,
                         sources=[s.name for s in run.sources], root=places(config).root, version=_version())
    reporter: Any = config.pluginmanager.get_plugin("terminalreporter")
    try:
        sarif.write(path, log)
    except OSError as error:
        _remove_sarif(config)
        if reporter is not None:
            own_line(reporter, f"sarif: cannot be written to {path} ({error.strerror or error}); none was written",
                     red=True)
        if session.exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
        return
    if reporter is not None:
        own_line(reporter, f"sarif: {len(log['runs'][0]['results'])} results written to {path}")


def _version() -> str:
    try:
        return metadata.version("dynamo-contracts")
    except metadata.PackageNotFoundError:  # a clone run before the install
        return ""
