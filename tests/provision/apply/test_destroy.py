"""`destroy` on moto in-process: it shows its plan, then deletes only the tables the contracts name; a protected
table, or an environment that does not allow it, is refused and nothing is deleted."""

from __future__ import annotations

import dataclasses

import pytest

from dynamo_contracts.provision.backends import Backend
from dynamo_contracts.provision.desired.model import DesiredState
from dynamo_contracts.provision.desired.stack import OWNERSHIP_TAG_KEY, OWNERSHIP_TAG_VALUE, resolve
from dynamo_contracts.provision.errors import RefusedError
from dynamo_contracts.provision.observed.live import list_tables, observe
from dynamo_contracts.provision.workflow import destroy, provision
from tests.provision.apply.moto_apply import QUIET, create_foreign_table

# --- destroy ----------------------------------------------------------------------------------------------


def test_destroy_shows_its_plan_then_deletes_only_the_tables_the_contracts_name(
        moto: Backend, desired: DesiredState) -> None:
    env = desired.environments["moto"]
    provision(moto, desired, env, options=QUIET, show=lambda _text: None)
    create_foreign_table(moto, "payments-team-moto")
    create_foreign_table(moto, "legacy-moto", {OWNERSHIP_TAG_KEY: OWNERSHIP_TAG_VALUE})
    shown: list[str] = []
    result = destroy(moto, desired, env, options=QUIET, show=shown.append)
    ours = sorted(resolve(desired, env).tables)
    assert sorted(c.target for c in result.done) == ours
    assert [c.kind for c in result.done] == ["DeleteTable"] * 5
    assert sorted(list_tables(moto)) == ["legacy-moto", "payments-team-moto"]
    lines = shown[0].splitlines()
    assert lines[0] == "Plan for environment 'moto' on moto:"
    assert "  - DELETE table orders-moto (destroy: a table the contracts name): its data is lost" in lines
    assert lines[-1] == "Plan: 5 to change, 5 of them DELETE."
    again = destroy(moto, desired, env, options=QUIET, show=lambda _text: None)
    assert again.done == []


def test_destroy_refuses_a_protected_table_and_deletes_nothing(moto: Backend, desired: DesiredState) -> None:
    env = desired.environments["moto"]
    provision(moto, desired, env, options=QUIET, show=lambda _text: None)
    moto.client("dynamodb").update_table(TableName="users-moto", DeletionProtectionEnabled=True)
    with pytest.raises(RefusedError, match="deletion protection is on") as refused:
        destroy(moto, desired, env, options=QUIET, show=lambda _text: None)
    assert "--no-deletion-protection-enabled" in str(refused.value)
    assert "deletion_protection: false" in str(refused.value)
    assert len(list_tables(moto)) == 5
    assert observe(moto, env).tables["users-moto"].deletion_protection is True


def test_destroy_is_refused_where_the_environment_does_not_allow_it(moto: Backend, desired: DesiredState) -> None:
    env = dataclasses.replace(desired.environments["moto"], destroy_allowed=False)
    provision(moto, desired, env, options=QUIET, show=lambda _text: None)
    with pytest.raises(RefusedError, match="local and moto environments only"):
        destroy(moto, desired, env, options=QUIET, show=lambda _text: None)
    assert len(list_tables(moto)) == 5
