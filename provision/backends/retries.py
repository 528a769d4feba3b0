"""botocore's own retries, bounded by the deadline of the apply that runs (a client-level setting).

botocore's standard retry mode retries throttling, LimitExceededException and server errors inside
each call, with backoff of up to 20 s, and would run past an apply's `--timeout`. Each client a
`Backend` makes carries `DeadlineBoundRetries`: botocore's own handler, refused when its next
backoff would pass the deadline the apply set on the backend (`RetryBound.until`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from ..errors import ToolError


class Deadline:
    """The time an apply may take; everything that waits asks it how long is left."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.end = clock() + seconds
        self.seconds = seconds

    def left(self) -> float:
        return self.end - self.clock()

    def passed(self) -> bool:
        return self.left() <= 0


class DeadlineExceeded(ToolError):
    """The apply's time ran out; what was done stays done."""


RetryHandler = Callable[..., Any]  # botocore's `needs-retry` handlers: a delay in seconds, or None/False


class RetryBound:
    """The deadline botocore's retries must keep to on a backend's clients: none (botocore's own limits
    only) except while an apply runs (`until`)."""

    def __init__(self) -> None:
        self.deadline: Deadline | None = None

    @contextmanager
    def until(self, deadline: Deadline) -> Iterator[None]:
        previous, self.deadline = self.deadline, deadline
        try:
            yield
        finally:
            self.deadline = previous


class DeadlineBoundRetries:
    """botocore's `needs-retry` handler for a client, refused when its next backoff would pass the deadline.

    botocore's endpoint emits `needs-retry` after every attempt and sleeps the first delay a handler
    returns (`Endpoint._needs_retry`); the emitter calls handlers without catching, so the
    DeadlineExceeded raised here ends the API call at once, instead of after the sleep.
    """

    def __init__(self, botocore_handler: RetryHandler, bound: RetryBound) -> None:
        self.botocore_handler = botocore_handler
        self.bound = bound

    def __call__(self, **kwargs: Any) -> Any:
        delay = self.botocore_handler(**kwargs)
        deadline = self.bound.deadline
        if deadline is None or delay is None or delay is False:
            return delay
        if deadline.left() < delay:
            attempts = kwargs.get("attempts", 0)
            raise DeadlineExceeded(f"still getting {_reason(kwargs)} after {attempts} attempt(s) when the time ran "
                                   f"out: the next retry, due in {delay:.1f} s, would pass the {deadline.seconds:g} s "
                                   "deadline")
        return delay


def _reason(kwargs: dict[str, Any]) -> str:
    """What the attempt botocore wants to retry got: an error code, or the exception of a failed connection."""
    response = kwargs.get("response")
    if response is not None:
        code = response[1].get("Error", {}).get("Code")
        if code:
            return str(code)
        return f"HTTP {response[0].status_code}"
    error = kwargs.get("caught_exception")
    return type(error).__name__ if error is not None else "an error"


def bound_retries(client: Any, bound: RetryBound) -> None:
    """Put `DeadlineBoundRetries` in place of botocore's standard retry handler on `client`.

    botocore registers that handler, when it creates the client, on `needs-retry.<service>` under the
    unique id `retry-config-<service>`, and keeps no public handle on it; so it is unregistered by
    that id, registered again by botocore's own `register_retry_handler` (same policy, same
    attempts, a handle this time), and that handler is wrapped.
    """
    from botocore.retries import standard  # a client is being made: botocore is loaded; a static run never is here

    retries = client.meta.config.retries or {}
    if retries.get("mode") != "standard":
        raise ValueError(f"bound_retries needs botocore's standard retry mode, not {retries.get('mode')}")
    service = client.meta.service_model.service_id.hyphenize()
    event, unique_id = f"needs-retry.{service}", f"retry-config-{service}"
    events = client.meta.events
    events.unregister(event, unique_id=unique_id)
    handler = standard.register_retry_handler(client, max_attempts=retries.get("total_max_attempts"))
    events.unregister(event, unique_id=unique_id)
    events.register(event, DeadlineBoundRetries(handler.needs_retry, bound), unique_id=unique_id)
