"""`--readiness-report DIR`: write readiness.md and readiness.json when the run ends.

Works with pytest-xdist: scenario findings come back on the test reports; each worker sends
what its environment holds through `workeroutput`, and the controller writes the report. The
markdown also goes to $GITHUB_STEP_SUMMARY when that is set. A BLOCKED verdict makes the run
fail even if no test failed (say, every failing scenario was deselected by a marker).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from steps import summary
from steps.readiness import BLOCKED, EnvironmentSummary, build
from steps.readiness_markdown import render
from steps.session import ContractSession

OBSERVED = pytest.StashKey[EnvironmentSummary]()
WORKER_KEY = "contracts_environment"


def add_options(parser: pytest.Parser) -> None:
    parser.getgroup("contracts").addoption(
        "--readiness-report", dest="readiness_report", default=None, metavar="DIR",
        help="write DIR/readiness.md and DIR/readiness.json: the readiness assessment of this run")


def _observed(session: pytest.Session, contract_session: ContractSession) -> EnvironmentSummary | None:
    found = session.config.stash.get(OBSERVED, None)
    if found is None and contract_session.has_target():
        found = EnvironmentSummary.from_target(contract_session.target())
    return found


def receive_from_worker(node: Any) -> None:
    data = getattr(node, "workeroutput", {}).get(WORKER_KEY)
    if data:
        node.config.stash[OBSERVED] = EnvironmentSummary(**json.loads(data))


def finish(session: pytest.Session, contract_session: ContractSession) -> None:
    config = session.config
    if hasattr(config, "workeroutput"):  # an xdist worker: hand what it read to the controller
        if contract_session.has_target():
            config.workeroutput[WORKER_KEY] = json.dumps(
                EnvironmentSummary.from_target(contract_session.target()).data())
        return
    folder = config.getoption("readiness_report")
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if not folder or reporter is None:
        return
    results = summary.collect(reporter.stats)
    if not results.scenarios:
        return
    env = contract_session.environment
    readiness = build(results, env.name, env.backend.value, _observed(session, contract_session))
    markdown = render(readiness)
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    (target / "readiness.md").write_text(markdown, encoding="utf-8")
    (target / "readiness.json").write_text(json.dumps(readiness.data(), indent=2) + "\n", encoding="utf-8")
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary:
        with open(step_summary, "a", encoding="utf-8") as handle:
            handle.write(markdown + "\n")
    reporter.write_line(f"readiness report: {readiness.verdict}, written to {target / 'readiness.md'} and .json")
    if readiness.verdict == BLOCKED and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
