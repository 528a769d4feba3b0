"""The one way the project's tests start a program: `python -m ...`, an inner pytest, terraform, bash, a JVM.

Every test that starts a process is slow: the quick suite, `pytest tests -m "not slow"`, leaves it out. A test is
marked slow by what it requests: the `spawn` fixture (or `pytester`, `dynamodb_local`, `real_cache`, a fixture that
uses one of them; see SLOW_FIXTURES in tests/conftest.py). `guard()`, installed by tests/conftest.py, makes that
hold: while a test that is not marked slow runs, starting any process fails the test, naming the command. So a
new test cannot be forgotten in the quick suite, and tests/project/test_suite_markers.py checks that no test module
calls `subprocess` but this one.

`run` is `subprocess.run` with output captured as text and a timeout always set, so a test under load ends with
a clear failure instead of hanging. Where it can, it runs `python -m pytest|provision|...` warm: forked from a Python
that has already imported pytest, boto3 and moto (support/warm_python.py), which is what most of the suite's CPU
went on; `DYNAMO_CONTRACTS_TESTS_COLD=1` runs every program cold.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.support import warm_python

CompletedProcess = subprocess.CompletedProcess
Popen = subprocess.Popen
PIPE = subprocess.PIPE
TimeoutExpired = subprocess.TimeoutExpired
# Generous on purpose: a bound that holds on a loaded 2-core machine, not a measure of speed.
DEFAULT_TIMEOUT_SECONDS = 300.0


def run(args: Sequence[str | Path], *, timeout: float = DEFAULT_TIMEOUT_SECONDS, capture_output: bool = True,
        text: bool = True, check: bool = False, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """`subprocess.run(args)` with its output captured as text and a timeout that always applies."""
    command = [str(a) for a in args]
    given = {"timeout": timeout, "capture_output": capture_output, "text": text, "check": check, **kwargs}
    if warm_python.eligible(command, given):
        _refuse_if_quick(command)
        return warm_python.run(command, **given)
    return subprocess.run(command, **given)


class NotMarkedSlow(AssertionError):
    """A test that is not marked slow started a process."""


_is_slow: list[Callable[[], bool | None]] = []  # the active guard's question, while one is installed


def _refuse_if_quick(args: Any) -> None:
    if _is_slow and _is_slow[-1]() is False:
        raise NotMarkedSlow(f"this test starts a process ({args!r}) but is not marked slow: request the `spawn` "
                            "fixture (tests/conftest.py), or a fixture that does, so the quick suite leaves it out")


@contextmanager
def guard(is_slow: Callable[[], bool | None]) -> Iterator[None]:
    """While active, starting a process where `is_slow()` is False raises `NotMarkedSlow` (None: not in a test)."""
    original = subprocess.Popen._execute_child  # type: ignore[attr-defined]

    def checked(self: subprocess.Popen[Any], args: Any, *rest: Any, **kwargs: Any) -> Any:
        _refuse_if_quick(args)
        return original(self, args, *rest, **kwargs)

    subprocess.Popen._execute_child = checked  # type: ignore[attr-defined]
    _is_slow.append(is_slow)
    try:
        yield
    finally:
        _is_slow.pop()
        subprocess.Popen._execute_child = original  # type: ignore[attr-defined]
