"""Backoff for the errors botocore does not retry (ResourceInUse, ConflictException), and botocore's own
retries (throttling, LimitExceeded) bounded by the deadline."""

from __future__ import annotations

import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from dynamo_contracts.provision.apply.retry import RETRYABLE, TABLE_BUSY, TRANSIENT, with_retry
from dynamo_contracts.provision.backends import client_config, local_session
from dynamo_contracts.provision.backends.retries import (
    Deadline,
    DeadlineBoundRetries,
    DeadlineExceeded,
    RetryBound,
    bound_retries,
)
from tests.support.fake_dynamodb import THROTTLING, Answer, Script, fake_dynamodb, throttled_for_good


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
    call = Flaky("ResourceInUseException", "ConflictException", "ResourceInUseException")
    assert with_retry(call, Deadline(600), sleep=pauses.append, first_delay=1.0) == "ok"
    assert call.calls == 4
    assert len(pauses) == 3
    assert 0.5 <= pauses[0] <= 1.0
    assert 1.0 <= pauses[1] <= 2.0
    assert 2.0 <= pauses[2] <= 4.0


@pytest.mark.parametrize("code", ["ThrottlingException", "LimitExceededException",
                                  "ProvisionedThroughputExceededException", "InternalServerError"])
def test_what_botocore_retries_itself_is_raised_at_once(code: str) -> None:
    """botocore has already retried these inside the call: retrying the call again multiplies its attempts."""
    call = Flaky(code)
    with pytest.raises(ClientError, match=code):
        with_retry(call, Deadline(600), sleep=lambda _s: None)
    assert call.calls == 1


def test_other_errors_are_raised_at_once() -> None:
    call = Flaky("ValidationException")
    with pytest.raises(ClientError, match="ValidationException"):
        with_retry(call, Deadline(600), sleep=lambda _s: None)
    assert call.calls == 1


def test_retrying_stops_when_the_deadline_would_pass() -> None:
    call = Flaky(*["ResourceInUseException"] * 50)
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    with pytest.raises(DeadlineExceeded, match="ResourceInUseException"):
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


# --- botocore's own retries, bounded by the deadline --------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Botocore:
    """Stands in for botocore's standard `needs-retry` handler: the delay it would sleep, or None (give up)."""

    def __init__(self, delay: float | None) -> None:
        self.delay = delay
        self.asked = 0

    def __call__(self, **_kwargs: Any) -> float | None:
        self.asked += 1
        return self.delay


class Response:
    status_code = 400


THROTTLED = {"response": (Response(), {"Error": {"Code": "ThrottlingException"}}), "attempts": 3}


def bounded(delay: float | None, seconds: float, clock: Clock) -> tuple[DeadlineBoundRetries, Botocore]:
    bound = RetryBound()
    botocore = Botocore(delay)
    guard = DeadlineBoundRetries(botocore, bound)
    bound.deadline = Deadline(seconds, clock=clock)
    return guard, botocore


def test_botocore_retries_as_it_would_while_its_next_backoff_ends_before_the_deadline() -> None:
    clock = Clock()
    guard, botocore = bounded(3.0, 10, clock)
    assert guard(**THROTTLED) == 3.0
    clock.now = 6.9
    assert guard(**THROTTLED) == 3.0
    assert botocore.asked == 2


def test_a_botocore_backoff_that_would_pass_the_deadline_ends_the_call_with_the_reason() -> None:
    clock = Clock()
    guard, _ = bounded(3.0, 10, clock)
    clock.now = 7.5
    expected = r"ThrottlingException after 3 attempt\(s\) when the time ran out"
    with pytest.raises(DeadlineExceeded, match=expected) as ended:
        guard(**THROTTLED)
    assert "10 s deadline" in str(ended.value)


def test_past_the_deadline_even_an_immediate_retry_is_refused() -> None:
    clock = Clock()
    guard, _ = bounded(0.0, 10, clock)
    clock.now = 10.5
    with pytest.raises(DeadlineExceeded):
        guard(**THROTTLED)


def test_when_botocore_gives_up_its_error_is_left_to_surface_whatever_the_deadline() -> None:
    clock = Clock()
    guard, _ = bounded(None, 10, clock)
    clock.now = 50
    assert guard(**THROTTLED) is None


def test_without_an_apply_running_botocore_keeps_its_own_limits() -> None:
    bound = RetryBound()
    guard = DeadlineBoundRetries(Botocore(19.0), bound)
    assert guard(**THROTTLED) == 19.0
    with bound.until(Deadline(5)), pytest.raises(DeadlineExceeded):
        guard(**THROTTLED)
    assert bound.deadline is None
    assert guard(**THROTTLED) == 19.0


def throttled_at_first(times: int) -> Script:
    """Throttles the first `times` calls, then lists no tables."""
    asked = []

    def answer(operation: str, body: dict[str, Any]) -> Answer:
        asked.append(operation)
        return (400, THROTTLING, {}) if len(asked) <= times else (200, {"TableNames": []}, {})

    return answer


def bounded_client(endpoint_url: str, bound: RetryBound) -> Any:
    client = local_session("eu-west-1").client("dynamodb", endpoint_url=endpoint_url, config=client_config())
    bound_retries(client, bound)
    return client


def test_a_bounded_client_still_retries_throttling_as_botocore_does() -> None:
    with fake_dynamodb(throttled_at_first(2)) as (url, calls):
        client = bounded_client(url, RetryBound())
        assert client.list_tables()["TableNames"] == []
    assert calls == ["ListTables"] * 3


def test_a_bounded_client_ends_a_call_throttled_for_good_at_the_deadline() -> None:
    """Unbounded, botocore makes 6 attempts, each retry waiting at least the 1 s the endpoint asks for."""
    bound = RetryBound()
    with fake_dynamodb(throttled_for_good(retry_after_ms=1000)) as (url, calls):
        client = bounded_client(url, bound)
        started = time.monotonic()
        with bound.until(Deadline(2.5)), pytest.raises(DeadlineExceeded, match="ThrottlingException"):
            client.describe_table(TableName="orders")
        took = time.monotonic() - started
    assert 1 < len(calls) < 6
    assert took < 2.5 + 2  # generous: the point is that botocore's remaining retries are not waited for


def test_only_botocores_standard_mode_can_be_bounded() -> None:
    from botocore.config import Config

    legacy = local_session("eu-west-1").client("dynamodb", endpoint_url="http://127.0.0.1:9",
                                               config=Config(retries={"mode": "legacy"}))
    with pytest.raises(ValueError, match="standard"):
        bound_retries(legacy, RetryBound())
