"""The contract session: provisioning one run at a time per environment and endpoint, and the
account check before access patterns write to AWS (asked once)."""

from __future__ import annotations

import dataclasses
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import boto3
import moto
import pytest
from filelock import FileLock

from dynamo_contracts.provision.desired.model import BackendKind, DesiredState, Environment
from dynamo_contracts.provision.errors import AccountMismatchError
from dynamo_contracts.steps.run.env_names import named_for_another
from dynamo_contracts.steps.run.options import ContractOptions
from dynamo_contracts.steps.run.session import ContractSession, lock_path

MOTO_ACCOUNT = "123456789012"


def session_for(desired: DesiredState, env: Environment, endpoint: str | None, said: list[str]) -> ContractSession:
    state = dataclasses.replace(desired, environments={**desired.environments, env.name: env}, plans=(), vaults=())
    options = ContractOptions(env=env.name, contracts=Path("contracts"), endpoint_url=endpoint, no_provision=False,
                              provision=False, confirm_prod=False)
    return ContractSession(options, state, said.append)


def test_the_lock_is_one_per_environment_and_endpoint(unique_environment: Environment) -> None:
    here = lock_path(unique_environment, "http://localhost:8000")
    assert here == lock_path(unique_environment, "http://localhost:8000")
    assert here != lock_path(unique_environment, "http://localhost:8001")
    assert here != lock_path(dataclasses.replace(unique_environment, name="other"), "http://localhost:8000")


@pytest.mark.slow
def test_a_run_waits_while_another_provisions_the_same_endpoint_then_finds_nothing_to_do(
        desired: DesiredState, unique_environment: Environment, dynamodb_local: str) -> None:
    said: list[str] = []
    waiting = session_for(desired, unique_environment, dynamodb_local, said)
    later = session_for(desired, unique_environment, dynamodb_local, [])
    other_run = FileLock(lock_path(unique_environment, dynamodb_local))
    other_run.acquire()
    worker = threading.Thread(target=waiting.backend)
    try:
        worker.start()
        for _ in range(200):
            if said:
                break
            worker.join(0.05)
        assert said[:1] != []
        assert said[0].startswith(f"contracts: waiting while another run provisions {unique_environment.name}")
        worker.join(1)
        assert worker.is_alive()  # still waiting for the lock
        assert ours(dynamodb_local, unique_environment) == []  # and nothing was created meanwhile
    finally:
        other_run.release()
    try:
        worker.join(60)
        assert not worker.is_alive()
        assert re.search(r"\(([1-9]\d*) changes\)$", str(waiting.provisioned)), waiting.provisioned
        later.backend()
        assert str(later.provisioned).endswith("(0 changes)")
        assert len(ours(dynamodb_local, unique_environment)) == 5
    finally:
        waiting.close()
        later.close()


def ours(endpoint: str, env: Environment) -> list[str]:
    client = boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="local",
                          aws_secret_access_key="local")
    return [n for n in client.list_tables()["TableNames"] if env.logical_table_name(n) is not None]


@pytest.fixture
def aws_in_moto() -> Iterator[None]:
    with moto.mock_aws():
        yield


def sts_calls(session: ContractSession) -> list[str]:
    calls: list[str] = []
    session.backend().client("sts").meta.events.register("before-call.*.*",
                                                          lambda model, **_: calls.append(model.name))
    return calls


@pytest.mark.usefixtures("aws_in_moto")
def test_the_account_is_checked_once_before_writes(desired: DesiredState) -> None:
    env = Environment("sit", BackendKind.AWS, region="eu-west-1", account_id=MOTO_ACCOUNT, writes_allowed=True)
    session = session_for(desired, env, None, [])
    session.options = dataclasses.replace(session.options, provision=False)
    calls = sts_calls(session)
    session.check_account_for_writes()
    session.check_account_for_writes()
    assert calls == ["GetCallerIdentity"]


@pytest.mark.usefixtures("aws_in_moto")
def test_another_account_stops_the_writes(desired: DesiredState) -> None:
    env = Environment("sit", BackendKind.AWS, region="eu-west-1", account_id="222222222222", writes_allowed=True)
    session = session_for(desired, env, None, [])
    session.options = dataclasses.replace(session.options, provision=False)
    with pytest.raises(AccountMismatchError, match=f"the credentials belong to AWS account {MOTO_ACCOUNT}"):
        session.check_account_for_writes()


def test_local_and_moto_need_no_account(desired: DesiredState) -> None:
    session = session_for(desired, desired.environments["moto"], None, [])
    session.check_account_for_writes()  # no backend is even opened
    assert session._backend is None


def test_tables_named_for_another_environment_name_it_and_any_of_this_one_is_enough(desired: DesiredState) -> None:
    local = desired.environments["local"]
    sit_only = ["orders-sit", "users-sit", "LegacyOrders"]
    said = named_for_another(sit_only, desired, local, "terraform:infra")
    assert said is not None
    assert said.startswith("--against terraform:infra: 2 of its 3 tables (orders-sit, users-sit) are named for "
                           "environment sit, and none for 'local'")
    assert said.endswith("give --env=sit. Nothing was run.")
    assert named_for_another([*sit_only, "orders-local"], desired, local, "terraform:infra") is None
    assert named_for_another(["LegacyOrders", "audit-sit"], desired, local, "terraform:infra") is None  # no contract's
    assert named_for_another([], desired, local, "terraform:infra") is None
