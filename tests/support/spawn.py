"""The one way the project's tests start a program: `python -m ...`, an inner pytest, terraform, bash, a JVM.

Every test that starts a process is slow: the quick suite, `pytest tests -m "not slow"`, leaves it out. A test is
marked slow by what it requests: the `spawn` fixture (or `pytester`, `dynamodb_local`, `real_cache`, a fixture that
uses one of them; see SLOW_FIXTURES in tests/conftest.py). `guard()`, installed by tests/conftest.py, makes that
hold: while a test that is not marked slow runs, starting any process fails the test, naming the command. So a
new test cannot be forgotten in the quick suite, and tests/project/test_suite_markers.py checks that no test module
calls `subprocess` but this one.

`run` is `subprocess.run` with output captured as text and a timeout always set, so a test under load ends with
a clear failure instead of hanging.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CompletedProcess = subprocess.CompletedProcess
Popen = subprocess.Popen
PIPE = subprocess.PIPE
TimeoutExpired = subprocess.TimeoutExpired
# Generous on purpose: a bound that holds on a loaded 2-core machine, not a measure of speed.
DEFAULT_TIMEOUT_SECONDS = 300.0


def run(args: Sequence[str | Path], *, timeout: float = DEFAULT_TIMEOUT_SECONDS, capture_output: bool = True,
        text: bool = True, check: bool = False, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """`subprocess.run(args)` with its output captured as text and a timeout that always applies."""
    return subprocess.run([str(a) for a in args], timeout=timeout, capture_output=capture_output, text=text,
                          check=check, **kwargs)


class NotMarkedSlow(AssertionError):
    """A test that is not marked slow started a process."""


@contextmanager
def guard(is_slow: Callable[[], bool | None]) -> Iterator[None]:
    """While active, starting a process where `is_slow()` is False raises `NotMarkedSlow` (None: not in a test)."""
    original = subprocess.Popen._execute_child  # type: ignore[attr-defined]

    def checked(self: subprocess.Popen[Any], args: Any, *rest: Any, **kwargs: Any) -> Any:
        if is_slow() is False:
            raise NotMarkedSlow(f"this test starts a process ({args!r}) but is not marked slow: request the `spawn` "
                                "fixture (tests/conftest.py), or a fixture that does, so the quick suite leaves it out")
        return original(self, args, *rest, **kwargs)

    subprocess.Popen._execute_child = checked  # type: ignore[attr-defined]
    try:
        yield
    finally:
        subprocess.Popen._execute_child = original  # type: ignore[attr-defined]
