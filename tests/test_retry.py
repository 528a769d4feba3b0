"""Backoff for the errors botocore does not retry: LimitExceeded, ResourceInUse, and throttling."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from provision.retry import RETRYABLE, TABLE_BUSY, TRANSIENT, Deadline, DeadlineExceeded, with_retry


def client_error(code: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": code}}, "UpdateTable")


class Flaky:
    def __init__(self, *errors: str) -> None:
        self.errors = list(errors)
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise client_error(self.errors.pop(0))
        return "ok"


def test_retryable_errors_are_retried_with_growing_pauses() -> None:
    pauses: list[float] = []
    call = Flaky("ResourceInUseException", "LimitExceededException", "ThrottlingException")
    assert with_retry(call, Deadline(600), sleep=pauses.append, first_delay=1.0) == "ok"
    assert call.calls == 4
    assert len(pauses) == 3
    assert 0.5 <= pauses[0] <= 1.0
    assert 1.0 <= pauses[1] <= 2.0
    assert 2.0 <= pauses[2] <= 4.0


def test_other_errors_are_raised_at_once() -> None:
    call = Flaky("ValidationException")
    with pytest.raises(ClientError, match="ValidationException"):
        with_retry(call, Deadline(600), sleep=lambda _s: None)
    assert call.calls == 1


def test_retrying_stops_when_the_deadline_would_pass() -> None:
    call = Flaky(*["LimitExceededException"] * 50)
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    with pytest.raises(DeadlineExceeded, match="LimitExceededException"):
        with_retry(call, Deadline(30, clock=lambda: now[0]), sleep=sleep, first_delay=1.0)
    assert now[0] <= 30
    assert 3 < call.calls < 50


def test_each_call_chooses_what_is_retried() -> None:
    """To CreateTable, ResourceInUse means "exists": retrying it would only wait for the deadline."""
    once = Flaky("ResourceInUseException")
    with pytest.raises(ClientError, match="ResourceInUseException"):
        with_retry(once, Deadline(600), sleep=lambda _s: None, retry_on=TRANSIENT)
    assert once.calls == 1
    busy = Flaky("ResourceInUseException")
    assert with_retry(busy, Deadline(600), sleep=lambda _s: None) == "ok", "by default a busy table is waited for"
    assert busy.calls == 2
    assert TABLE_BUSY in RETRYABLE
    assert TABLE_BUSY not in TRANSIENT


def test_a_call_may_retry_a_code_of_its_own() -> None:
    call = Flaky("ContinuousBackupsUnavailableException")
    with pytest.raises(ClientError):
        with_retry(call, Deadline(600), sleep=lambda _s: None)
    retried = Flaky("ContinuousBackupsUnavailableException", "ContinuousBackupsUnavailableException")
    assert with_retry(retried, Deadline(600), sleep=lambda _s: None,
                      retry_on=RETRYABLE | {"ContinuousBackupsUnavailableException"}) == "ok"
    assert retried.calls == 3
