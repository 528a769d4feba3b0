"""IAM for the tool's own verdict store (issue 20, item 5): in an environment that records verdicts, the reader (the
role CI runs the contracts with) may put and query the items of `dynamo-contracts-verdicts` and nothing else there;
the provisioner creates and keeps it, never deletes it; a consumer's Lambda role gets nothing on it; an environment
that records no verdicts grants nothing on it at all.

Fast tests read the documents and the command; the slow ones record, on moto, what provisioning the store and the
store itself (what a recording run, can-i-deploy and record-deployment call) really call, and judge each call with
the IAM evaluator, as test_recorded_calls.py does for the rest.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path
from typing import Any

import parliament  # type: ignore[import-untyped]
import pytest

from dynamo_contracts.provision.backends import open_backend
from dynamo_contracts.provision.desired.load import load_contracts
from dynamo_contracts.provision.desired.model import DesiredState, Environment
from dynamo_contracts.provision.desired.own_tables import VERDICTS_TABLE
from dynamo_contracts.provision.desired.stack import Stack, resolve
from dynamo_contracts.provision.iam.arns import of_stack
from dynamo_contracts.provision.iam.policy import role_policy
from dynamo_contracts.provision.operations import Role
from dynamo_contracts.provision.workflow import provision
from dynamo_contracts.steps import iam_consumer
from dynamo_contracts.steps.deployments.records import DeploymentRecord, VerdictRecord
from dynamo_contracts.steps.deployments.store import VerdictStore
from tests.provision.iam.iam_cases import CONSUMER, MOTO_ACCOUNT, QUIET, needs_node, run_iam
from tests.support.iam import evaluate
from tests.support.iam.recorder import Call, Recorder
from tests.support.paths import ROOT

SIT_STORE = f"arn:aws:dynamodb:eu-west-1:222222222222:table/{VERDICTS_TABLE}"


def recording(desired: DesiredState, name: str) -> Stack:
    return resolve(desired, dataclasses.replace(desired.environments[name], record_verdicts=True))


def naming_the_store(policy: dict[str, Any], arn: str = SIT_STORE) -> dict[str, dict[str, Any]]:
    """The statements of a policy that name the store, by Sid."""
    return {s["Sid"]: s for s in policy["Statement"] if any(VERDICTS_TABLE in r for r in s["Resource"])}


def test_the_reader_may_put_and_query_the_store_and_nothing_else_there(desired: DesiredState) -> None:
    reader = role_policy(Role.READER, of_stack(recording(desired, "sit"))).data()
    assert naming_the_store(reader) == {"RecordAndReadVerdictsInTheToolsOwnTable": {
        "Sid": "RecordAndReadVerdictsInTheToolsOwnTable", "Effect": "Allow",
        "Action": ["dynamodb:PutItem", "dynamodb:Query"], "Resource": [SIT_STORE]}}
    items = {a for s in reader["Statement"] for a in s["Action"] if a in ("dynamodb:PutItem", "dynamodb:Query")}
    assert items == {"dynamodb:PutItem", "dynamodb:Query"}  # and on no table of the contracts
    assert not [s for s in reader["Statement"] if "dynamodb:PutItem" in s["Action"] and s["Resource"] != [SIT_STORE]]


def test_the_provisioner_creates_and_keeps_the_store_but_never_deletes_it_nor_touches_its_items(
        desired: DesiredState) -> None:
    provisioner = role_policy(Role.PROVISIONER, of_stack(recording(desired, "sit"))).data()
    found = naming_the_store(provisioner)
    assert list(found) == ["TheToolsOwnVerdictStore"]
    actions = set(found["TheToolsOwnVerdictStore"]["Action"])
    assert {"dynamodb:CreateTable", "dynamodb:DescribeTable", "dynamodb:UpdateContinuousBackups"} <= actions
    assert not actions & {"dynamodb:DeleteTable", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:DeleteItem"}
    assert found["TheToolsOwnVerdictStore"]["Resource"] == [SIT_STORE]


def test_an_environment_that_records_no_verdicts_grants_nothing_on_the_store(desired: DesiredState,
                                                                          stack_for: Any) -> None:
    assert not desired.environments["sit"].record_verdicts
    for role in (Role.READER, Role.PROVISIONER):
        assert naming_the_store(role_policy(role, of_stack(stack_for("sit"))).data()) == {}


def test_a_consumers_lambda_role_gets_nothing_on_the_store(desired: DesiredState) -> None:
    policy = iam_consumer.policy_for(ROOT, CONSUMER, recording(desired, "sit")).data()
    assert policy["Statement"]
    assert naming_the_store(policy) == {}


def test_parliament_finds_nothing_in_the_policies_with_the_store(desired: DesiredState) -> None:
    for role in (Role.READER, Role.PROVISIONER):
        found = parliament.analyze_policy_string(role_policy(role, of_stack(recording(desired, "sit"))).render())
        assert found.findings == [], (role, found.findings)


def test_the_command_grants_the_store_where_the_contracts_say_the_environment_records_verdicts(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    contracts = tmp_path / "contracts"
    shutil.copytree(ROOT / "contracts", contracts)
    environments = contracts / "environments.yaml"
    text = environments.read_text(encoding="utf-8")
    changed = text.replace('  sit:\n', '  sit:\n    record_verdicts: true\n', 1)
    assert changed != text
    environments.write_text(changed, encoding="utf-8")
    assert load_contracts(contracts).environments["sit"].record_verdicts
    assert run_iam("--env", "sit", "--role", "reader", "--contracts", str(contracts)) == 0
    printed = json.loads(capsys.readouterr().out)
    assert list(naming_the_store(printed)) == ["RecordAndReadVerdictsInTheToolsOwnTable"]
    assert run_iam("--env", "sit", "--role", "reader") == 0  # the real contracts: sit records none
    assert naming_the_store(json.loads(capsys.readouterr().out)) == {}


# --- what the code really calls, recorded on moto ---------------------------------------------------------------


@pytest.fixture(scope="module")
def recorded(desired: DesiredState) -> tuple[Environment, list[Call], list[Call]]:
    """moto's environment recording verdicts: the provisioner's calls creating the store (and the stack), then the
    store's calls as a recording run, can-i-deploy and record-deployment make them."""
    env = dataclasses.replace(desired.environments["moto"], account_id=MOTO_ACCOUNT, record_verdicts=True)
    provisioning, using = Recorder(env.region, MOTO_ACCOUNT), Recorder(env.region, MOTO_ACCOUNT)
    with open_backend(env) as backend:
        provisioning.attach(backend.session)
        provision(backend, desired, env, options=QUIET, show=lambda _line: None)
    with open_backend(env) as backend:
        using.attach(backend.session)  # before any client is made (they inherit it)
        provision(backend, desired, env, options=QUIET, show=lambda _line: None)
        provisioned = len(using.calls)
        store = VerdictStore(backend.client("dynamodb"), env.name)
        store.put(VerdictRecord(env.name, CONSUMER, "sha256:1", "abc", "ready", "", "3 of 3",
                                "2026-03-01T00:00:00+00:00", "moto"))  # what `pytest --record-verdicts` puts
        store.put(DeploymentRecord(env.name, CONSUMER, "sha256:1", "2026-03-01T00:05:00+00:00", "abc"))
        assert store.history(CONSUMER).verdicts  # what can-i-deploy asks
    return env, provisioning.calls, using.calls[provisioned:]


@pytest.mark.slow
def test_the_store_calls_only_what_the_reader_is_granted_there_and_uses_all_of_it(
        recorded: tuple[Environment, list[Call], list[Call]], desired: DesiredState) -> None:
    env, _, calls = recorded
    store = f"arn:aws:dynamodb:{env.region}:{MOTO_ACCOUNT}:table/{VERDICTS_TABLE}"
    assert {c.resource for c in calls} == {store}
    assert [c for c in calls if c.action == "?"] == []
    policy = role_policy(Role.READER, of_stack(resolve(desired, env))).data()
    granted = {"Version": policy["Version"], "Statement": list(naming_the_store(policy).values())}
    assert evaluate.unused(granted, calls) == []


@pytest.mark.slow
@needs_node
def test_the_reader_may_make_every_call_the_store_makes(recorded: tuple[Environment, list[Call], list[Call]],
                                                        desired: DesiredState) -> None:
    env, _, calls = recorded
    policy = role_policy(Role.READER, of_stack(resolve(desired, env))).data()
    assert evaluate.not_allowed(policy, MOTO_ACCOUNT, set(calls)) == []
    without = role_policy(Role.READER, of_stack(resolve(desired, dataclasses.replace(env, record_verdicts=False))))
    assert evaluate.not_allowed(without.data(), MOTO_ACCOUNT, set(calls))  # the statement is what allows them


@pytest.mark.slow
@needs_node
def test_the_provisioner_may_make_every_call_creating_the_store_makes(
        recorded: tuple[Environment, list[Call], list[Call]], desired: DesiredState) -> None:
    env, calls, _ = recorded
    store = f"arn:aws:dynamodb:{env.region}:{MOTO_ACCOUNT}:table/{VERDICTS_TABLE}"
    assert ("dynamodb:CreateTable", store) in {(c.action, c.resource) for c in calls}
    policy = role_policy(Role.PROVISIONER, of_stack(resolve(desired, env))).data()
    assert evaluate.not_allowed(policy, MOTO_ACCOUNT, set(calls)) == []
