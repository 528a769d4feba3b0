"""The observed state is read once per run, with calls that grow with the tables, not the scenarios."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterator

import pytest

from dynamo_contracts.provision.backends import Backend, open_backend
from dynamo_contracts.provision.desired.model import DesiredState
from dynamo_contracts.provision.observed.live import observe
from dynamo_contracts.provision.workflow import provision
from dynamo_contracts.steps.run.options import ContractOptions
from dynamo_contracts.steps.run.session import ContractSession

QUIET = {"show": lambda _text: None}


@pytest.fixture
def moto(desired: DesiredState) -> Iterator[Backend]:
    with open_backend(desired.environments["moto"]) as backend:
        yield backend


def count_calls(backend: Backend) -> Counter[str]:
    calls: Counter[str] = Counter()
    for service in ("dynamodb", "backup", "kms"):
        backend.client(service).meta.events.register("before-call.*.*", lambda model, **_: calls.update([model.name]))
    return calls


def more_tables(desired: DesiredState, copies: int) -> DesiredState:
    extra = tuple(dataclasses.replace(t, name=f"{t.name}{n}") for n in range(copies) for t in desired.tables)
    return dataclasses.replace(desired, tables=(*desired.tables, *extra), plans=())


@pytest.mark.parametrize("copies", [0, 2], ids=["5 tables", "15 tables"])
def test_reading_costs_four_calls_per_table_plus_the_backups(moto: Backend, desired: DesiredState,
                                                               copies: int) -> None:
    stack = more_tables(desired, copies)
    env = desired.environments["moto"]
    provision(moto, stack, env, **QUIET)  # type: ignore[arg-type]
    calls = count_calls(moto)
    observed = observe(moto, env)
    tables = len(observed.tables)
    assert tables == 5 * (copies + 1)
    per_table = {op: calls[op] for op in ("DescribeTable", "DescribeContinuousBackups", "DescribeTimeToLive",
                                          "ListTagsOfResource")}
    assert per_table == dict.fromkeys(per_table, tables)
    assert calls["ListTables"] == 1
    assert calls["ListBackupPlans"] == 1
    assert calls["ListBackupVaults"] == 1


def test_a_contract_session_reads_the_environment_once(desired: DesiredState, tmp_path: object) -> None:
    options = ContractOptions(env="moto", contracts=tmp_path, endpoint_url=None,  # type: ignore[arg-type]
                              no_provision=False, provision=False, confirm_prod=False)
    session = ContractSession(options, desired, lambda _text: None)
    try:
        first = session.target()
        calls = count_calls(session.backend())
        assert session.target() is first
        assert sum(calls.values()) == 0
        assert sorted(first.logical_tables()) == ["campaigns", "orders", "products", "tenants", "users"]
    finally:
        session.close()
