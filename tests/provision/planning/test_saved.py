"""The approved plan is the applied plan (issue 10): `plan --out` saves it with digests of what it was
made from; `apply --plan` refuses, changing nothing, when the plan it would make now differs."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from dynamo_contracts.provision import operations as ops
from dynamo_contracts.provision.apply.executor import ApplyOptions
from dynamo_contracts.provision.backends import Backend, open_backend
from dynamo_contracts.provision.desired.model import DesiredState
from dynamo_contracts.provision.observed.live import list_tables
from dynamo_contracts.provision.planning.saved import PlanFileError, SavedPlan, StalePlanError
from dynamo_contracts.provision.workflow import planned, provision
from tests.provision.test_cli import assert_clean_error, contracts, local_tables, run, workdir

QUIET = ApplyOptions(progress=lambda _line: None)
__all__ = ["contracts", "workdir"]  # the CLI tests' fixtures, used here too


@pytest.fixture
def moto(desired: DesiredState) -> Iterator[Backend]:
    with open_backend(desired.environments["moto"]) as backend:
        yield backend


def saved_plan(moto: Backend, desired: DesiredState, path: Path) -> SavedPlan:
    planned(moto, desired, desired.environments["moto"]).saved().save(path)
    return SavedPlan.load(path)


def test_the_saved_plan_is_applied_when_nothing_changed(moto: Backend, desired: DesiredState, tmp_path: Path) -> None:
    env = desired.environments["moto"]
    approved = saved_plan(moto, desired, tmp_path / "plan.json")
    done = provision(moto, desired, env, options=QUIET, show=lambda _text: None, approved=approved)
    assert len(done.done) == len([c for c in approved.changes if "skipped" not in c and c["kind"] != "LeftAlone"])
    assert len(list_tables(moto)) == 5


def test_a_plan_applied_after_the_environment_changed_is_refused_with_nothing_changed(
        moto: Backend, desired: DesiredState, tmp_path: Path) -> None:
    env = desired.environments["moto"]
    approved = saved_plan(moto, desired, tmp_path / "plan.json")
    client = moto.client("dynamodb")
    ops.CREATE_TABLE.call(client, TableName="orders-moto", BillingMode="PAY_PER_REQUEST",  # by hand, meanwhile
                          AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                          KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])
    with pytest.raises(StalePlanError) as refused:
        provision(moto, desired, env, options=QUIET, show=lambda _text: None, approved=approved)
    message = str(refused.value)
    assert message.startswith("the environment changed since the plan was approved")
    assert "approved, no longer planned: create table orders-moto" in message
    assert "Nothing was changed" in message
    assert list_tables(moto) == ["orders-moto"]  # nothing else was created


def test_a_plan_applied_after_the_contracts_changed_is_refused(moto: Backend, desired: DesiredState,
                                                               tmp_path: Path) -> None:
    env = desired.environments["moto"]
    approved = saved_plan(moto, desired, tmp_path / "plan.json")
    fewer = dataclasses.replace(desired, tables=desired.tables[1:])
    with pytest.raises(StalePlanError, match="the contracts changed since the plan was approved"):
        provision(moto, fewer, env, options=QUIET, show=lambda _text: None, approved=approved)
    assert list_tables(moto) == []


def test_a_plan_for_another_environment_is_refused(moto: Backend, desired: DesiredState, tmp_path: Path) -> None:
    approved = saved_plan(moto, desired, tmp_path / "plan.json")
    other = dataclasses.replace(desired.environments["moto"], name="sit", account_id="222222222222")
    with pytest.raises(StalePlanError, match="the saved plan is for environment 'moto'"):
        approved.check(planned(moto, desired, other).plan, planned(moto, desired, other).stack,
                       planned(moto, desired, other).observed)


@pytest.mark.parametrize(("edit", "says"), [
    pytest.param(lambda d: {**d, "changes": d["changes"][1:]}, "the file was changed after it was written",
                 id="edited"),
    pytest.param(lambda d: {**d, "format": 7}, r"not a saved plan of format 1 \(format: 7\)", id="format"),
    pytest.param(lambda d: {k: v for k, v in d.items() if k != "observed"}, "a field missing or wrong", id="field"),
])
def test_a_saved_plan_file_that_cannot_be_trusted_is_refused(moto: Backend, desired: DesiredState, tmp_path: Path,
                                                             edit: object, says: str) -> None:
    path = tmp_path / "plan.json"
    saved_plan(moto, desired, path)
    path.write_text(json.dumps(edit(json.loads(path.read_text()))))  # type: ignore[operator]
    with pytest.raises(PlanFileError, match=says):
        SavedPlan.load(path)


def test_a_saved_plan_that_is_not_json_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text('{\n  "format": 1,\n  oops\n}')
    with pytest.raises(PlanFileError, match=r"plan.json:3: not JSON"):
        SavedPlan.load(path)


@pytest.mark.slow
def test_plan_out_then_apply_plan_on_the_command_line(contracts: Path, workdir: Path, dynamodb_local: str) -> None:
    endpoint = ("--env", "local", "--endpoint-url", dynamodb_local)
    made = run("plan", *endpoint, "--out", str(workdir / "plan.json"), cwd=workdir, contracts=contracts)
    assert made.returncode == 2, made.stderr
    assert "apply exactly this plan with `dynamo-contracts apply --env local --plan" in made.stderr
    saved = json.loads((workdir / "plan.json").read_text())
    assert saved["digest"].startswith("sha256:")
    assert saved["observed"].startswith("sha256:")
    applied = run("apply", *endpoint, "--plan", str(workdir / "plan.json"), cwd=workdir, contracts=contracts)
    assert applied.returncode == 0, applied.stderr
    assert len(local_tables(contracts, dynamodb_local)) == 5
    stale = run("apply", *endpoint, "--plan", str(workdir / "plan.json"), cwd=workdir, contracts=contracts)
    assert_clean_error(stale, "the environment changed since the plan was approved",
                       "approved, no longer planned: create table")


@pytest.mark.usefixtures("spawn")
def test_a_missing_saved_plan_is_a_clean_error_before_any_call(workdir: Path) -> None:
    missing = run("apply", "--env", "sit", "--plan", str(workdir / "nowhere.json"), cwd=workdir)
    assert_clean_error(missing, "nowhere.json: cannot be read")
