"""Retry with backoff for the errors botocore does not retry but DynamoDB and AWS Backup expect us to.

botocore's standard retry mode already retries throttling a few times; a long apply also
meets LimitExceededException (too many index or table changes at once) and
ResourceInUseException (the table is still being updated), which clear by waiting.

What is worth retrying depends on the call, so each call chooses (`retry_on`): to CreateTable,
ResourceInUseException means the table exists already and waiting never clears it
(`TRANSIENT`); to UpdateTable or DeleteTable it means the table is busy (`RETRYABLE`).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from botocore.exceptions import ClientError

T = TypeVar("T")

TABLE_BUSY = "ResourceInUseException"
# Errors that clear by waiting whatever the call: throttling, too many changes at once, a service hiccup.
TRANSIENT = frozenset({
    "ThrottlingException", "ProvisionedThroughputExceededException", "RequestLimitExceeded",
    "LimitExceededException", "TooManyRequestsException", "ConflictException", "InternalServerError",
    "ServiceUnavailable",
})
# The default: also a table still being updated (UpdateTable, DeleteTable, UpdateTimeToLive, TagResource...).
RETRYABLE = TRANSIENT | {TABLE_BUSY}


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


class DeadlineExceeded(Exception):
    pass


def error_code(error: Exception) -> str:
    return error.response.get("Error", {}).get("Code", "") if isinstance(error, ClientError) else ""


def with_retry(call: Callable[[], T], deadline: Deadline, on_retry: Callable[[str, float], None] | None = None,
               first_delay: float = 0.5, max_delay: float = 20.0,
               sleep: Callable[[float], None] = time.sleep, retry_on: frozenset[str] = RETRYABLE) -> T:
    """Call until it succeeds, retrying the error codes in `retry_on` with capped, jittered exponential backoff."""
    delay = first_delay
    while True:
        try:
            return call()
        except ClientError as error:
            code = error_code(error)
            if code not in retry_on:
                raise
            pause = min(max_delay, delay) * random.uniform(0.5, 1.0)
            if deadline.left() < pause:
                raise DeadlineExceeded(f"still getting {code} when the time ran out") from error
            if on_retry is not None:
                on_retry(code, pause)
            sleep(pause)
            delay *= 2
