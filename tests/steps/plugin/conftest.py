"""Fixtures of the plugin's tests: an inner project made with pytester, and the environment it runs on (moto, or
the session's DynamoDB Local, slow) with the arguments that point a run there."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

pytest.register_assert_rewrite("tests.support.contract_project")
from tests.support.contract_project import ContractProject, pytester_runner  # noqa: E402


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> ContractProject:
    return ContractProject(pytester.path, pytester_runner(pytester, monkeypatch))


@pytest.fixture(params=["moto", pytest.param("local", marks=pytest.mark.slow)])
def env(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def run_args(env: str, request: pytest.FixtureRequest) -> Iterator[list[str]]:
    """The arguments that point an inner run at `env`: moto in-process, or the shared DynamoDB Local."""
    if env == "moto":
        yield ["--env=moto"]
    else:
        yield ["--endpoint-url", request.getfixturevalue("dynamodb_local_endpoint")]
