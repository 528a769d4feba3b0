"""Ending the whole run from inside a scenario: one message, no traceback, exit code 1.

In a plain run the scenario raises pytest's own `Session.Interrupted` (what it raises to stop after
`-x`), so pytest says the message once, as `!!! Interrupted: <message> !!!` before the counts.
`pytest.exit` would say it twice: once for `session.shouldstop`, and again, after the counts, as
`_pytest.outcomes.Exit: <message>`. The exit code is 1, not pytest's 2 for an interruption: the
session's `failure` makes the plugin's `pytest_sessionfinish` set it (steps.wiring.reporting.finish).

In a pytest-xdist worker, whose output nobody sees, `pytest.exit` alone makes the controller report
the worker as crashed (an INTERNALERROR), and an interruption makes it report a keyboard interrupt.
Setting `session.shouldstop` first, then `pytest.exit` with code 1, tells xdist the worker stopped on
purpose, with this message, which the controller says once.
"""

from __future__ import annotations

from typing import NoReturn

import pytest

from .session import ContractSession


def stop_run(request: pytest.FixtureRequest, session: ContractSession | None, message: str) -> NoReturn:
    """Stop now: nothing more is checked, and no readiness report claims anything for this run."""
    if session is not None:
        session.failure = message
    request.session.shouldstop = message
    if hasattr(request.config, "workerinput"):  # an xdist worker: the controller says the message
        pytest.exit(message, returncode=1)
    raise request.session.Interrupted(message)
