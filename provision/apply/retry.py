"""Retries within the apply's deadline: botocore's own, bounded; and ours, for what botocore does not retry.

botocore's standard retry mode (`provision.backends.client_config()`) retries throttling,
LimitExceededException and server errors inside each call, with jittered backoff of up to
20 s. Left alone it runs past any deadline (an apply with `--timeout 20` took 60 s under
throttling that never ended), so every client of a backend carries `DeadlineBoundRetries`
(`provision.backends.retries`): botocore's own handler, refused when its next backoff would pass
the deadline.

`with_retry` retries only what botocore does not: ResourceInUseException while a table is
busy, ConflictException while AWS Backup finishes another action, and codes a call names
(ContinuousBackupsUnavailableException right after CreateTable). What is worth retrying
depends on the call, so each call chooses (`retry_on`): to CreateTable, ResourceInUseException
means the table exists already and waiting never clears it (`TRANSIENT`); to UpdateTable or
DeleteTable it means the table is busy (`RETRYABLE`).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from botocore.exceptions import ClientError

from ..backends.retries import Deadline, DeadlineExceeded

T = TypeVar("T")

TABLE_BUSY = "ResourceInUseException"
# Errors that clear by waiting whatever the call, and that botocore does not retry itself.
TRANSIENT = frozenset({"ConflictException"})
# The default: also a table still being updated (UpdateTable, DeleteTable, UpdateTimeToLive, TagResource...).
RETRYABLE = TRANSIENT | {TABLE_BUSY}


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

