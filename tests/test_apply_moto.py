"""Plan and apply against moto in-process: idempotency, refusals, the account check, resuming."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest

from provision.apply import ApplyOptions, apply_plan
from provision.backends import Backend, open_backend
from provision.errors import AccountMismatchError, RefusedError
from provision.model import DesiredState, Environment, GlobalIndex, Projection, ProjectionType
from provision.plan import DESTROY_OPTION
from provision.read import list_tables, observe
from provision.workflow import make_plan, provision

QUIET = ApplyOptions(progress=lambda _line: None)


@pytest.fixture
def moto(desired: DesiredState) -> Iterator[Backend]:
    with open_backend(desired.environments["moto"]) as backend:
        yield backend


def replace_gsi(desired: DesiredState, table: str, index: str, **changes: Any) -> DesiredState:
    spec = desired.table(table)
    assert spec is not None
    indexes = tuple(dataclasses.replace(i, **changes) if i.name == index else i for i in spec.global_indexes)
    tables = tuple(dataclasses.replace(t, global_indexes=indexes) if t.name == table else t for t in desired.tables)
    return dataclasses.replace(desired, tables=tables)


def test_apply_builds_the_stack_and_a_second_apply_changes_nothing(moto: Backend, desired: DesiredState) -> None:
    env = desired.environments["moto"]
    first = provision(moto, desired, env, options=QUIET, show=lambda _text: None)
    assert len(first.done) == 13
    observed = observe(moto, env)
    assert sorted(observed.tables) == ["campaigns-moto", "orders-moto", "products-moto", "tenants-moto", "users-moto"]
    assert sum(len(t.global_indexes) for t in observed.tables.values()) == 8
    assert all(t.active and t.point_in_time_recovery is True for t in observed.tables.values())
    assert observed.tables["campaigns-moto"].ttl_attribute == "expiresAt"
    assert not isinstance(observed.backups.plans, dict) or list(observed.backups.plans) == ["bbws-dynamodb-daily-moto"]
    second = make_plan(moto, desired, env)
    assert second.pending == []
    assert [c.kind for c in second.skipped] == ["CreateSelection"]


def test_a_second_apply_makes_no_mutating_call(moto: Backend, desired: DesiredState) -> None:
    env = desired.environments["moto"]
    provision(moto, desired, env, options=QUIET, show=lambda _text: None)
    calls: list[str] = []
    for service in ("dynamodb", "backup"):
        moto.client(service).meta.events.register("before-call.*.*", lambda model, **_: calls.append(model.name))
    provision(moto, desired, env, options=QUIET, show=lambda _text: None)
    mutating = [c for c in calls if not c.startswith(("Describe", "List", "Get"))]
    assert calls, "the second apply reads the environment"
    assert mutating == []


def test_a_projection_change_is_refused_and_nothing_is_done(moto: Backend, desired: DesiredState) -> None:
    env = desired.environments["moto"]
    provision(moto, desired, env, options=QUIET, show=lambda _text: None)
    changed = replace_gsi(desired, "orders", "OrdersByUser", projection=Projection(ProjectionType.KEYS_ONLY))
    with pytest.raises(RefusedError, match="new name"):
        provision(moto, changed, env, options=QUIET, show=lambda _text: None)
    index = observe(moto, env).tables["orders-moto"].global_indexes["OrdersByUser"]
    assert index.projection.type is ProjectionType.INCLUDE


def test_a_removed_gsi_is_deleted_on_moto_but_needs_the_option_on_aws(moto: Backend, desired: DesiredState) -> None:
    env = desired.environments["moto"]
    provision(moto, desired, env, options=QUIET, show=lambda _text: None)
    spec = desired.table("orders")
    assert spec is not None
    fewer = dataclasses.replace(desired, tables=tuple(
        dataclasses.replace(t, global_indexes=t.global_indexes[:1]) if t.name == "orders" else t
        for t in desired.tables))
    aws_like = dataclasses.replace(env, destroy_allowed=False)
    with pytest.raises(RefusedError, match=DESTROY_OPTION):
        provision(moto, fewer, aws_like, options=QUIET, show=lambda _text: None)
    assert "OrdersByUser" in observe(moto, env).tables["orders-moto"].global_indexes
    provision(moto, fewer, env, options=QUIET, show=lambda _text: None)
    assert list(observe(moto, env).tables["orders-moto"].global_indexes) == ["OrdersByDate"]


def aws_env_on_moto(desired: DesiredState, account: str) -> Environment:
    from provision.model import BackendKind

    return dataclasses.replace(desired.environments["sit"], backend=BackendKind.AWS, account_id=account)


def test_credentials_of_another_account_change_nothing(moto: Backend, desired: DesiredState) -> None:
    env = aws_env_on_moto(desired, "222222222222")  # moto's STS answers account 123456789012
    with pytest.raises(AccountMismatchError, match="123456789012") as mismatch:
        provision(moto, desired, env, options=QUIET, show=lambda _text: None)
    assert "222222222222" in str(mismatch.value)
    assert list_tables(moto) == []


def test_credentials_of_the_right_account_may_apply(moto: Backend, desired: DesiredState) -> None:
    env = aws_env_on_moto(desired, "123456789012")
    provision(moto, desired, env, options=QUIET, show=lambda _text: None)
    assert len(list_tables(moto)) == 5


def test_an_apply_killed_half_way_converges_when_run_again(moto: Backend, desired: DesiredState) -> None:
    env = desired.environments["moto"]
    client = moto.client("dynamodb")
    created: list[str] = []

    def die_on_third_table(params: dict[str, Any], **_: Any) -> None:
        created.append(params["TableName"])
        if len(created) == 3:
            raise KeyboardInterrupt("killed")

    client.meta.events.register("provide-client-params.dynamodb.CreateTable", die_on_third_table)
    with pytest.raises(KeyboardInterrupt):
        provision(moto, desired, env, options=dataclasses.replace(QUIET, table_threads=1), show=lambda _t: None)
    client.meta.events.unregister("provide-client-params.dynamodb.CreateTable", die_on_third_table)
    assert 0 < len(list_tables(moto)) < 5
    provision(moto, desired, env, options=QUIET, show=lambda _text: None)
    assert make_plan(moto, desired, env).pending == []
    assert len(list_tables(moto)) == 5


def test_apply_of_a_new_gsi_waits_and_reports_it_active(moto: Backend, desired: DesiredState) -> None:
    env = desired.environments["moto"]
    provision(moto, desired, env, options=QUIET, show=lambda _text: None)
    spec = desired.table("orders")
    assert spec is not None
    extra = GlobalIndex("OrdersByStatus", dataclasses.replace(spec.global_indexes[1].keys),
                        Projection(ProjectionType.KEYS_ONLY))
    more = dataclasses.replace(desired, tables=tuple(
        dataclasses.replace(t, global_indexes=(*t.global_indexes, extra)) if t.name == "orders" else t
        for t in desired.tables))
    plan = make_plan(moto, more, env)
    assert [c.kind for c in plan.pending] == ["CreateIndex"]
    apply_plan(moto, plan, QUIET)
    assert observe(moto, env).tables["orders-moto"].global_indexes["OrdersByStatus"].status == "ACTIVE"
