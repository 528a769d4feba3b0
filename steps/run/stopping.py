"""Ending the whole run from inside a scenario: one message, no traceback, exit code 1.

`pytest.exit` alone, raised in a pytest-xdist worker, makes the controller report the worker as
crashed (an INTERNALERROR). Setting `session.shouldstop` first tells xdist the worker stopped on
purpose, with this message.
"""

from __future__ import annotations

from typing import NoReturn

import pytest

from steps.run.session import ContractSession


def stop_run(request: pytest.FixtureRequest, session: ContractSession | None, message: str) -> NoReturn:
    """Stop now: nothing more is checked, and no readiness report claims anything for this run."""
    if session is not None:
        session.failure = message
    request.session.shouldstop = message
    pytest.exit(message, returncode=1)
