"""At the end of a run: fail the gate on claims the input left unknown, unless accepted (`--allow-unknown`).

Gaps keep exit code 1; a run that found nothing wrong but could not read part of its input exits
`INPUT_UNKNOWN_EXIT` (6), saying what to give. Only the controller decides (an xdist worker hands its results on).
"""

from __future__ import annotations

import pytest

from ..results.unknowns import INPUT_UNKNOWN_EXIT, blocking_unknowns, what_to_give
from ..run.session import ContractSession
from .lines import own_line
from .results import collect


def finish(session: pytest.Session, contract_session: ContractSession) -> None:
    config = session.config
    if hasattr(config, "workeroutput") or config.option.collectonly or contract_session.failure:
        return
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    findings = collect(reporter.stats if reporter is not None else {}).findings()
    blocking = blocking_unknowns(findings, bool(config.getoption("contracts_allow_unknown", False)))
    if not blocking:
        return
    if session.exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
        session.exitstatus = INPUT_UNKNOWN_EXIT
    if reporter is not None:
        own_line(reporter, f"contracts: {len(blocking)} claim(s) cannot be told because the input leaves them "
                           f"unknown; give {what_to_give(blocking)[0]}", red=True)
