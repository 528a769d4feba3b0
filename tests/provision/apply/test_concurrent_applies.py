"""Concurrent applies on moto in-process: a table another apply created meanwhile is counted done promptly, and a
stale plan applied after another finds everything done (`provision.apply.already`)."""

from __future__ import annotations

import dataclasses
import time

from dynamo_contracts.provision.apply import requests
from dynamo_contracts.provision.apply.executor import apply_plan
from dynamo_contracts.provision.backends import Backend
from dynamo_contracts.provision.desired.model import DesiredState, GlobalIndex, Projection, ProjectionType, TableSpec
from dynamo_contracts.provision.desired.stack import resolve
from dynamo_contracts.provision.observed.live import observe
from dynamo_contracts.provision.workflow import make_plan, provision
from tests.provision.apply.moto_apply import QUIET

# --- concurrent applies ---------------------------------------------------------------------------------


def test_a_table_another_apply_created_meanwhile_is_counted_done_promptly(
        moto: Backend, desired: DesiredState) -> None:
    env = desired.environments["moto"]
    plan = make_plan(moto, desired, env)  # read while the environment is empty
    spec = resolve(desired, env).tables["orders-moto"]
    moto.client("dynamodb").create_table(**requests.create_table("orders-moto", spec))  # the other apply
    lines: list[str] = []
    started = time.monotonic()
    # Retrying ResourceInUse would spend the whole timeout and fail: a short one makes that a quick failure.
    result = apply_plan(moto, plan, dataclasses.replace(QUIET, progress=lines.append, timeout=20))
    assert time.monotonic() - started < 20
    assert ("CreateTable", "orders-moto") in [(c.kind, c.target) for c in result.done]
    assert not [line for line in lines if "retrying" in line]
    assert make_plan(moto, desired, env).pending == []


def test_a_stale_plan_applied_after_another_finds_everything_done(moto: Backend, desired: DesiredState) -> None:
    """Two applies at once ended in the right state, but one exited 1 in 4 of 10 trials: a change someone
    else already made is done, not an error. Deterministic: both plans read the empty environment."""
    env = desired.environments["moto"]
    first, stale = make_plan(moto, desired, env), make_plan(moto, desired, env)
    apply_plan(moto, first, QUIET)
    lines: list[str] = []
    result = apply_plan(moto, stale, dataclasses.replace(QUIET, progress=lines.append))
    assert sorted(c.describe() for c in result.done) == sorted(c.describe() for c in stale.pending)
    assert {c.kind for c in stale.pending} >= {"CreateTable", "UpdatePitr", "UpdateTtl", "CreateVault",
                                              "CreateBackupPlan"}
    assert [line for line in lines if "already" in line], "the apply says what it found done"
    assert make_plan(moto, desired, env).pending == []
    assert not isinstance(observe(moto, env).backups.plans, dict) or len(observe(moto, env).backups.plans) == 1


def changed_tables(desired: DesiredState) -> DesiredState:
    """A contracts change touching most kinds of table change: a GSI, TTL, stream, tags, protection, PITR.

    Not a GSI delete nor a new stream view: moto raises ValueError for deleting a GSI that is gone
    (AWS and DynamoDB Local answer ResourceNotFoundException) and refuses a stream enabled again after
    it was disabled; tests/provision/apply/test_on_dynamodb_local.py covers those on DynamoDB Local.
    """
    def change(table: TableSpec) -> TableSpec:
        if table.name == "campaigns":
            return dataclasses.replace(table, ttl_attribute=None)
        if table.name == "users":
            return dataclasses.replace(table, ttl_attribute="expiresAt", tags={**table.tags, "Owner": "users-team"})
        if table.name == "products":
            return dataclasses.replace(table, stream=None)
        if table.name == "tenants":
            return dataclasses.replace(table, deletion_protection=True, point_in_time_recovery=False)
        return table

    more = with_extra_gsi(desired)
    return dataclasses.replace(more, tables=tuple(change(t) for t in more.tables))


def with_extra_gsi(desired: DesiredState) -> DesiredState:
    spec = desired.table("orders")
    assert spec is not None
    extra = GlobalIndex("OrdersByStatus", dataclasses.replace(spec.global_indexes[1].keys),
                        Projection(ProjectionType.KEYS_ONLY))
    return dataclasses.replace(desired, tables=tuple(
        dataclasses.replace(t, global_indexes=(*t.global_indexes, extra)) if t.name == "orders" else t
        for t in desired.tables))


def test_a_stale_plan_of_table_changes_applied_after_another_finds_them_done(
        moto: Backend, desired: DesiredState) -> None:
    env = desired.environments["moto"]
    provision(moto, desired, env, options=QUIET, show=lambda _text: None)
    target = changed_tables(desired)
    first, stale = make_plan(moto, target, env), make_plan(moto, target, env)
    kinds = {c.kind for c in stale.pending}
    assert kinds == {"CreateIndex", "UpdateTtl", "UpdateStream", "TagTable", "UpdateDeletionProtection",
                     "UpdatePitr"}, kinds
    apply_plan(moto, first, QUIET)
    result = apply_plan(moto, stale, QUIET)
    assert len(result.done) == len(stale.pending)
    assert make_plan(moto, target, env).pending == []
