"""DynamoDB Local as a backend: which endpoint `dynamodb_local_backend` uses, and the throwaway instance it starts
and stops. (The package is tested in test_dynamodb_local_package.py, the launchers in test_dynamodb_local_launch.py,
the lasting instance of `local up` in test_local_service.py.)"""

from __future__ import annotations

from typing import Any

import pytest

from dynamo_contracts.provision.backends import dynamodb_local, local_service
from dynamo_contracts.provision.backends.dynamodb_local import dynamodb_local_backend
from dynamo_contracts.provision.desired.model import BackendKind
from dynamo_contracts.provision.errors import BackendError
from tests.provision.backends.network import no_network
from tests.support.local_tables import local_env

# --- which endpoint dynamodb_local_backend uses ------------------------------------------------


@pytest.fixture
def endpoints(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Endpoints that answer unless listed as down; a `local up` instance if one is set."""
    world: dict[str, Any] = {"down": set(), "local_up": None, "asked": []}

    def answers(url: str, region: str = "us-east-1") -> bool:
        world["asked"].append(url)
        return url not in world["down"]

    monkeypatch.delenv("AWS_ENDPOINT_URL_DYNAMODB", raising=False)
    monkeypatch.setattr(dynamodb_local, "endpoint_answers", answers)
    monkeypatch.setattr(local_service, "running_endpoint", lambda root: world["local_up"])
    monkeypatch.setattr(dynamodb_local, "launch", no_network)
    return world


@pytest.mark.parametrize(
    ("argument", "variable", "configured", "local_up", "expected"),
    [
        ("http://arg:1", "http://var:2", "http://env:3", "http://up:4", "http://arg:1"),
        (None, "http://var:2", "http://env:3", "http://up:4", "http://var:2"),
        (None, None, "http://env:3", "http://up:4", "http://env:3"),
        (None, None, None, "http://up:4", "http://up:4"),
    ],
)
def test_backend_endpoint_precedence(
    endpoints: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    argument: str | None,
    variable: str | None,
    configured: str | None,
    local_up: str | None,
    expected: str,
) -> None:
    if variable:
        monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", variable)
    endpoints["local_up"] = local_up
    with dynamodb_local_backend(local_env(configured), argument, start_local=True) as backend:
        assert backend.kind is BackendKind.DYNAMODB_LOCAL
        assert backend.endpoint_url == expected
        assert backend.session.region_name == "us-east-1"
        assert expected in backend.description
    assert endpoints["asked"] == [expected]


def test_backend_with_an_endpoint_that_does_not_answer_names_it(endpoints: dict[str, Any]) -> None:
    endpoints["down"].add("http://nothing:9")
    with (
        pytest.raises(BackendError, match="no DynamoDB answers at http://nothing:9 \\(from --endpoint-url\\)"),
        dynamodb_local_backend(local_env(), "http://nothing:9", start_local=True),
    ):
        pass


@pytest.mark.usefixtures("endpoints")
def test_backend_without_an_endpoint_or_leave_to_start_one_says_how() -> None:
    with (
        pytest.raises(BackendError, match="dynamo-contracts local up`, or give --endpoint-url"),
        dynamodb_local_backend(local_env(), None, start_local=False),
    ):
        pass


class FakeInstance:
    def __init__(self) -> None:
        self.description = "fake instance"
        self.events: list[str] = []

    @property
    def endpoint_url(self) -> str:
        return "http://127.0.0.1:1234"

    def wait_ready(self, timeout: float = 60) -> None:
        self.events.append("ready")

    def stop(self) -> None:
        self.events.append("stopped")


def test_backend_starts_a_throwaway_instance_and_stops_it_even_on_error(
    endpoints: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    instance = FakeInstance()
    monkeypatch.setattr(dynamodb_local, "launch", lambda: instance)
    seen: list[str | None] = []

    def suite_that_fails() -> None:
        with dynamodb_local_backend(local_env(), None, start_local=True) as backend:
            seen.append(backend.endpoint_url)
            seen.extend(instance.events)
            raise RuntimeError("the suite failed")

    with pytest.raises(RuntimeError, match="the suite failed"):
        suite_that_fails()
    assert seen == ["http://127.0.0.1:1234", "ready"]
    assert instance.events == ["ready", "stopped"]
    assert endpoints["asked"] == []
