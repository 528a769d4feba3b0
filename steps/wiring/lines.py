"""The plugin's own lines in pytest's terminal, each on a line of its own.

pytest writes its progress (`features/x.feature ..s`, or the dots of `-q`) a character at a time on one
line, and its reporter's `write_line` starts a new line only after a file name it wrote itself: with `-q`,
`contracts: provisioned ...` or `readiness report: ...` would go on after the dots (`....[100%]readiness
report: READY`). Here a line is started whenever the current one holds anything; in the middle of a file's
progress, the file's name is written again after the message, so its results go on beside it. Apply's
progress comes from several threads: one line is written at a time.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from ..compat import pytest_config

_WRITING = threading.Lock()


def own_line(reporter: Any, text: str, resume: bool = False, **markup: bool) -> None:
    """Write `text` on a line of its own; with `resume`, the progress line it interrupted goes on after it."""
    with _WRITING:
        writer = pytest_config.terminal_writer(reporter)  # only it knows what the current line holds
        interrupted = pytest_config.progress_file(reporter)
        if writer.width_of_current_line:
            writer.line()
        pytest_config.set_progress_file(reporter, None)
        writer.line(text, **markup)
        if resume and interrupted is not None:
            writer.write(os.path.relpath(interrupted, reporter.startpath) + " ")
            pytest_config.set_progress_file(reporter, interrupted)
