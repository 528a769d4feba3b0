"""Plan and apply against moto in-process: idempotency, refusals, the account check, resuming."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse

from dynamo_contracts.provision.apply.executor import apply_plan
from dynamo_contracts.provision.backends import Backend
from dynamo_contracts.provision.desired.model import DesiredState, Environment, GlobalIndex, Projection, ProjectionType
from dynamo_contracts.provision.desired.stack import OWNERSHIP_TAG_KEY, OWNERSHIP_TAG_VALUE, resolve
from dynamo_contracts.provision.errors import AccountMismatchError, RefusedError
from dynamo_contracts.provision.observed.live import list_tables, observe
from dynamo_contracts.provision.planning.plan import DESTROY_OPTION, LOWER_PROTECTION_OPTION
from dynamo_contracts.provision.workflow import make_plan, provision
from tests.provision.apply.moto_apply import QUIET, create_foreign_table


def replace_gsi(desired: DesiredState, table: str, index: str, **changes: Any) -> DesiredState:
    spec = desired.table(table)
    assert spec is not None
    indexes = tuple(dataclasses.replace(i, **changes) if i.name == index else i for i in spec.global_indexes)
    tables = tuple(dataclasses.replace(t, global_indexes=indexes) if t.name == table else t for t in desired.tables)
    return dataclasses.replace(desired, tables=tables)


def test_apply_builds_the_stack_and_a_second_apply_changes_nothing(moto: Backend, desired: DesiredState) -> None:
    env = desired.environments["moto"]
    first = provision(moto, desired, env, options=QUIET, show=lambda _text: None)
    assert len(first.done) == 13 + 15  # and 3 alarms on each of the 5 tables
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
    from dynamo_contracts.provision.desired.model import BackendKind

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


def without_protection(env: Environment) -> Environment:
    """The environment once its deletion protection override is dropped and PITR is switched off."""
    overrides = dataclasses.replace(env.overrides, deletion_protection=None, point_in_time_recovery=False)
    return dataclasses.replace(env, overrides=overrides)


def protection(backend: Backend, env: Environment) -> set[tuple[bool, bool | object]]:
    return {(t.deletion_protection, t.point_in_time_recovery) for t in observe(backend, env).tables.values()}


def test_in_sit_dropping_the_protection_override_needs_the_option(moto: Backend, desired: DesiredState) -> None:
    """A plain apply turned deletion protection off in sit when the override left the contracts."""
    sit = aws_env_on_moto(desired, "123456789012")
    provision(moto, desired, sit, options=QUIET, show=lambda _text: None)
    assert protection(moto, sit) == {(True, True)}
    shown: list[str] = []
    with pytest.raises(RefusedError, match=LOWER_PROTECTION_OPTION):
        provision(moto, desired, without_protection(sit), options=QUIET, show=shown.append)
    assert protection(moto, sit) == {(True, True)}, "nothing was changed"
    assert "10 of them LOWER PROTECTION" in shown[0].splitlines()[-1]
    done = provision(moto, desired, without_protection(sit), allow_lower_protection=True, options=QUIET,
                     show=lambda _text: None)
    assert sorted({c.kind for c in done.done}) == ["UpdateDeletionProtection", "UpdatePitr"]
    assert protection(moto, sit) == {(False, False)}


def test_in_prod_protection_is_never_lowered_whatever_the_options(moto: Backend, desired: DesiredState) -> None:
    prod = dataclasses.replace(aws_env_on_moto(desired, "123456789012"), name="prod", protected=True)
    provision(moto, desired, prod, options=QUIET, show=lambda _text: None)
    with pytest.raises(RefusedError, match="protected"):
        provision(moto, desired, without_protection(prod), allow_destroy=True, allow_lower_protection=True,
                  options=QUIET, show=lambda _text: None)
    assert protection(moto, prod) == {(True, True)}


def test_on_moto_protection_follows_the_contracts_without_the_option(moto: Backend, desired: DesiredState) -> None:
    env = desired.environments["moto"]
    provision(moto, desired, env, options=QUIET, show=lambda _text: None)
    moto.client("dynamodb").update_table(TableName="users-moto", DeletionProtectionEnabled=True)
    done = provision(moto, desired, without_protection(env), options=QUIET, show=lambda _text: None)
    assert ("UpdateDeletionProtection", "users-moto") in [(c.kind, c.target) for c in done.done]
    assert protection(moto, env) == {(False, False)}


# --- whose tables are deleted ------------------------------------------------------------------------


def test_a_foreign_table_named_like_ours_survives_apply_and_plan_shows_it_left_alone(
        moto: Backend, desired: DesiredState) -> None:
    env = desired.environments["moto"]
    provision(moto, desired, env, options=QUIET, show=lambda _text: None)
    create_foreign_table(moto, "payments-team-moto", {"Team": "payments"})
    shown: list[str] = []
    provision(moto, desired, env, options=QUIET, show=shown.append)
    assert "payments-team-moto" in list_tables(moto)
    assert "  = left alone: payments-team-moto — not in the contracts and not tagged ManagedBy=dynamo-contracts" in (
        shown[0].splitlines())
    plan = make_plan(moto, desired, env)
    assert plan.pending == []
    assert [c.target for c in plan.left_alone] == ["payments-team-moto"]


def test_a_table_of_ours_no_longer_in_the_contracts_is_deleted(moto: Backend, desired: DesiredState) -> None:
    env = desired.environments["moto"]
    provision(moto, desired, env, options=QUIET, show=lambda _text: None)
    create_foreign_table(moto, "legacy-moto", {OWNERSHIP_TAG_KEY: OWNERSHIP_TAG_VALUE})
    result = provision(moto, desired, env, options=QUIET, show=lambda _text: None)
    assert [(c.kind, c.target) for c in result.done] == [("DeleteTable", "legacy-moto")]
    assert "legacy-moto" not in list_tables(moto)


def test_tables_created_from_contracts_without_tags_carry_the_ownership_tag(
        moto: Backend, desired: DesiredState) -> None:
    env = desired.environments["moto"]
    untagged = dataclasses.replace(desired, tables=tuple(dataclasses.replace(t, tags={}) for t in desired.tables))
    provision(moto, untagged, env, options=QUIET, show=lambda _text: None)
    tags = {name: table.tags for name, table in observe(moto, env).tables.items()}
    assert tags == {name: {OWNERSHIP_TAG_KEY: OWNERSHIP_TAG_VALUE} for name in resolve(desired, env).tables}


# --- TTL ------------------------------------------------------------------------------------------------


def test_ttl_is_turned_off_by_one_call(moto: Backend, desired: DesiredState) -> None:
    env = desired.environments["moto"]
    provision(moto, desired, env, options=QUIET, show=lambda _text: None)
    without_ttl = dataclasses.replace(desired, tables=tuple(
        dataclasses.replace(t, ttl_attribute=None) for t in desired.tables))
    calls: list[dict[str, Any]] = []
    moto.client("dynamodb").meta.events.register(
        "provide-client-params.dynamodb.UpdateTimeToLive", lambda params, **_: calls.append(params))
    provision(moto, without_ttl, env, options=QUIET, show=lambda _text: None)
    assert [c["TimeToLiveSpecification"] for c in calls] == [{"Enabled": False, "AttributeName": "expiresAt"}]
    assert observe(moto, env).tables["campaigns-moto"].ttl_attribute is None


def test_moving_ttl_is_refused_and_nothing_is_done(moto: Backend, desired: DesiredState) -> None:
    env = desired.environments["moto"]
    provision(moto, desired, env, options=QUIET, show=lambda _text: None)
    moved = dataclasses.replace(desired, tables=tuple(
        dataclasses.replace(t, ttl_attribute="deleteAt") if t.ttl_attribute else t for t in desired.tables))
    with pytest.raises(RefusedError, match="remove ttl_attribute"):
        provision(moto, moved, env, options=QUIET, show=lambda _text: None)
    assert observe(moto, env).tables["campaigns-moto"].ttl_attribute == "expiresAt"


# --- throttling: botocore's own retries ------------------------------------------------------------------


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.data


def throttle_once(client: Any, operation: str) -> tuple[list[str], list[str]]:
    """Answer the first attempt of `operation` with throttling: (attempts sent, calls made).

    botocore emits `before-send` to every handler and uses the first answer, so moto still carries out
    the throttled attempt: only operations that are harmless to repeat are throttled here.
    """
    service = client.meta.service_model.service_id.hyphenize()
    attempts: list[str] = []
    calls: list[str] = []

    def answer(request: Any, **_: Any) -> AWSResponse | None:
        attempts.append(operation)
        if len(attempts) > 1:
            return None  # moto answers
        body = json.dumps({"__type": "ThrottlingException", "message": "Rate exceeded"}).encode()
        return AWSResponse(request.url, 400, {"Content-Type": "application/x-amz-json-1.1"}, _Body(body))

    client.meta.events.register_first(f"before-send.{service}.{operation}", answer)
    client.meta.events.register(f"before-call.{service}.{operation}", lambda **_: calls.append(operation))
    return attempts, calls


@pytest.mark.parametrize("operation", ["DescribeTable", "UpdateContinuousBackups", "UpdateTimeToLive"])
def test_a_throttled_call_is_retried_by_botocore_within_the_call_and_the_apply_finishes(
        moto: Backend, desired: DesiredState, operation: str) -> None:
    """The apply's own loop no longer retries throttling: botocore does, once per attempt it needs."""
    env = desired.environments["moto"]
    attempts, calls = throttle_once(moto.client("dynamodb"), operation)
    lines: list[str] = []
    provision(moto, desired, env, options=dataclasses.replace(QUIET, progress=lines.append), show=lambda _t: None)
    assert calls, f"the apply calls {operation}"
    assert len(attempts) == len(calls) + 1, "one call was sent twice: the throttled attempt and botocore's retry"
    assert not [line for line in lines if "retrying" in line]
    assert make_plan(moto, desired, env).pending == []
