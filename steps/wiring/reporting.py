"""`--readiness-report DIR`: write readiness.md and readiness.json when the run ends.

Works with pytest-xdist: scenario findings come back on the test reports; each worker sends
what its environment holds through `workeroutput`, and the controller writes the report. The
markdown also goes to $GITHUB_STEP_SUMMARY when that is set. A BLOCKED verdict makes the run
fail even if no test failed (say, a consumer was deselected by a marker, so not checked).

A folder that cannot be written is refused at configure time, and so is one another run holds: the
controller (or a plain run) locks the folder from configure to the end (workers never touch the lock),
since two runs writing one folder would leave the last one's report with no word of the other. The
files are written whole or not at all (a full disk leaves none, never a report missing a part). When
the environment could not be read (the run stopped) or the report cannot be written, no report is
left, and any earlier one in the folder is removed: a stale report must not claim anything about this run.
"""

from __future__ import annotations

import contextlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from ..checks.target import summarize
from ..gherkin import requirements
from ..gherkin.parse import PARSED
from ..results.environment import EnvironmentSummary
from ..results.run import RunResults, SourceResults
from . import waivers
from .lines import own_line
from .results import collect

if TYPE_CHECKING:  # the report's writers are imported where a report is written: a run without one needs none
    from ..results.expected import Requirements
    from ..run.session import ContractSession

OBSERVED = pytest.StashKey[dict[str, EnvironmentSummary]]()  # by source label
FAILURE = pytest.StashKey[str]()
PROVISIONED = pytest.StashKey[list[str]]()
WORKER_KEY = "contracts_environment"
WORKER_FAILURE = "contracts_failure"
WORKER_PROVISIONED = "contracts_provisioned"
RESULTS = "results.json"  # the run's plain results: `python -m steps.report DIR/results.json` rebuilds the report


def add_options(parser: pytest.Parser) -> None:
    parser.getgroup("contracts").addoption(
        "--readiness-report", dest="readiness_report", default=None, metavar="DIR",
        help="write DIR/readiness.md and DIR/readiness.json, the readiness assessment of this run, and "
             "DIR/results.json, its plain results (`dynamo-contracts report DIR/results.json` rebuilds the report)")
    parser.getgroup("contracts").addoption(
        "--show-accounts", dest="show_accounts", action="store_true", default=False,
        help="keep the AWS account ids in the readiness report and results.json (masked by default but for their "
             "last 4 digits: ********2222)")


def check_folder(config: pytest.Config) -> None:
    """--readiness-report must name a folder this run can create and write in: checked before anything runs."""
    folder = config.getoption("readiness_report", None)
    if not folder:
        if config.getoption("show_accounts", False):
            raise pytest.UsageError("--show-accounts is for the readiness report's files; give --readiness-report=DIR "
                                    "too (the terminal shows the account ids as they are)")
        return
    path = Path(folder)
    if path.exists() and not path.is_dir():
        raise pytest.UsageError(f"--readiness-report={folder}: that is a file; give a folder (readiness.md and "
                                "readiness.json are written in it)")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise pytest.UsageError(f"--readiness-report={folder}: cannot create that folder ({error.strerror or error})"
                                ) from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise pytest.UsageError(f"--readiness-report={folder}: cannot write in that folder")
    if config.option.collectonly:
        return  # writes no report
    from ..report.files import FolderBusy, hold_folder

    try:
        lock = hold_folder(path, "pytest")
    except FolderBusy as error:
        raise pytest.UsageError(f"--readiness-report={folder}: {error}. Nothing was run.") from None
    except OSError as error:
        raise pytest.UsageError(f"--readiness-report={folder}: cannot lock that folder ({error.strerror or error})"
                                ) from None
    config.add_cleanup(lock.release)  # at the very end, after the report is written


def source_notes(config: pytest.Config, contract_session: ContractSession, label: str) -> list[str]:
    """What the reader of a source said about what it read (a state given as a plan), for the terminal."""
    found = _summary(config, contract_session, label)
    return [] if found is None else list(found.notes)


def _observed(session: pytest.Session, contract_session: ContractSession, label: str) -> EnvironmentSummary | None:
    return _summary(session.config, contract_session, label)


def _summary(config: pytest.Config, contract_session: ContractSession, label: str) -> EnvironmentSummary | None:
    found = config.stash.get(OBSERVED, {}).get(label)
    if found is None and contract_session.has_target(label):
        found = summarize(contract_session.target(label), _wanted(config, contract_session))
    return found


def _wanted(config: pytest.Config, contract_session: ContractSession) -> Requirements:
    """What the contracts require of the environment: every table, GSI, vault and plan some feature states."""
    return requirements.of_parsed(config.stash[PARSED], contract_session.desired)


def _summaries(config: pytest.Config, contract_session: ContractSession) -> dict[str, Any]:
    wanted = _wanted(config, contract_session)
    return {label: summarize(contract_session.target(label), wanted).data() for label in contract_session.labels
            if contract_session.has_target(label)}


def receive_from_worker(node: Any) -> None:
    output = getattr(node, "workeroutput", {})
    data = output.get(WORKER_KEY)
    if data:
        found = node.config.stash.setdefault(OBSERVED, {})
        for label, summary in json.loads(data).items():
            found.setdefault(label, EnvironmentSummary.from_data(summary))
    if output.get(WORKER_FAILURE):
        node.config.stash[FAILURE] = output[WORKER_FAILURE]
    if output.get(WORKER_PROVISIONED):  # a worker's own output is not shown: the summary says it
        node.config.stash.setdefault(PROVISIONED, []).append(f"[{node.gateway.id}] {output[WORKER_PROVISIONED]}")


def worker_lines(config: pytest.Config) -> list[str]:
    """What each xdist worker's provisioning did, for the terminal summary."""
    found: list[str] = config.stash.get(PROVISIONED, [])
    return [f"contracts: {line}" for line in sorted(found)]


def finish(session: pytest.Session, contract_session: ContractSession) -> None:
    config = session.config
    if hasattr(config, "workeroutput"):  # an xdist worker: hand what it read (or why it could not) to the controller
        config.workeroutput[WORKER_PROVISIONED] = contract_session.provisioned
        if contract_session.failure:
            config.workeroutput[WORKER_FAILURE] = contract_session.failure
        else:
            config.workeroutput[WORKER_KEY] = json.dumps(_summaries(config, contract_session))
        return
    failure = contract_session.failure or config.stash.get(FAILURE, None)
    if failure:  # the run stopped on it: exit 1, as without xdist (whose controller says "interrupted")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    folder = config.getoption("readiness_report")
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if not folder or reporter is None or config.option.collectonly:
        return
    target = Path(folder)
    try:
        if failure:
            _not_written(reporter, target)
        else:
            _write(session, reporter, target, contract_session)
    except OSError as error:
        _remove(target)  # an earlier run's report says nothing about this one
        own_line(reporter, f"readiness report: cannot be written to {target} ({error.strerror or error}); no "
                           "report was written", red=True)
        if session.exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _remove(target: Path) -> None:
    from ..report.files import FILES

    for name in (*FILES, RESULTS):
        with contextlib.suppress(OSError):
            (target / name).unlink(missing_ok=True)


def _not_written(reporter: Any, target: Path) -> None:
    _remove(target)  # an earlier run's report says nothing about this one
    own_line(reporter, "readiness report: not written: the run stopped before every contract was checked", red=True)


def run_results(session: pytest.Session, contract_session: ContractSession) -> RunResults:
    """This run's plain results: what the contracts require, what the environment held, what each scenario found."""
    config, env = session.config, contract_session.environment
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    wanted = _wanted(config, contract_session)  # the run's own parse
    stats = reporter.stats if reporter is not None else {}
    several = len(contract_session.labels) > 1
    sources = []
    for label, source in contract_session.sources.items():
        observed = _observed(session, contract_session, label)
        backend = env.backend.value if not source.static else (observed.backend if observed else source.name)
        sources.append(SourceResults(label, backend, observed, collect(stats, label if several else None),
                                     source.origin))
    return RunResults(env.name, now(), wanted, sorted(env.backup_name(v) for v in wanted.vaults), sources,
                      waivers.expired(config))


def now() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")  # reproducible reports (and golden tests)
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return moment.replace(microsecond=0).isoformat()


def _write(session: pytest.Session, reporter: Any, target: Path, contract_session: ContractSession) -> None:
    from ..report.build import build
    from ..report.files import read_codeowners, write_report
    from ..report.html import render_summary
    from ..report.model import Verdict
    from ..results.accounts import mask_accounts

    run = run_results(session, contract_session)
    if not session.config.getoption("show_accounts", False):
        run = mask_accounts(run)  # results.json too: a report rebuilt from it is the report written here
    readiness = build(run)
    codeowners = read_codeowners(session.config.rootpath)
    write_report(readiness, target, {RESULTS: run.dumps()}, codeowners)  # every file whole, or none
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary:  # the first screen and the matrix; the full report is the folder (an artifact in CI)
        with open(step_summary, "a", encoding="utf-8") as handle:
            handle.write(render_summary(readiness, codeowners) + "\n")
    own_line(reporter, f"readiness report: {readiness.verdict.value}, written to {target / 'readiness.md'} and .json")
    if readiness.verdict is Verdict.BLOCKED and session.exitstatus in (pytest.ExitCode.OK,
                                                                       pytest.ExitCode.NO_TESTS_COLLECTED):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
