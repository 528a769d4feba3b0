"""Criterion 7 (issue 11), the two judges (`steps.permissions.checks`): IAM's SimulatePrincipalPolicy on AWS
(botocore's Stubber: moto has no such API), asked once per role and action; elsewhere the declared policies
evaluated by @cloud-copilot/iam-simulate through node, unknown where they cannot be had or evaluated."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from dynamo_contracts.provision.desired.lambda_roles import LambdaRole
from dynamo_contracts.provision.errors import ToolError
from dynamo_contracts.provision.iam import simulate
from dynamo_contracts.provision.iam.access import AccessRequest, AwsSimulation, Decision, PolicyEvaluation
from tests.steps.permissions.roles import BY_DATE, BY_USER, TABLE, allow, policy, role

# --- on AWS: iam:SimulatePrincipalPolicy ---------------------------------------------------------------------------


def _simulation(*responses: Mapping[str, Any] | str) -> tuple[AwsSimulation, Stubber]:
    client = boto3.Session(region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x").client("iam")
    stubber = Stubber(client)
    for response in responses:
        if isinstance(response, str):
            stubber.add_client_error("simulate_principal_policy", response, "said AWS")
        else:
            stubber.add_response("simulate_principal_policy", response)
    stubber.activate()
    return AwsSimulation(lambda: client), stubber


def _result(arn: str, decision: str, **more: Any) -> dict[str, Any]:
    return {"EvalResourceName": arn, "EvalResourceDecision": decision, **more}


def test_aws_is_asked_once_per_role_and_action_with_exactly_the_arns_used() -> None:
    judge, stubber = _simulation({"EvaluationResults": [{
        "EvalActionName": "dynamodb:Query", "EvalDecision": "implicitDeny",
        "ResourceSpecificResults": [_result(BY_DATE, "allowed"), _result(BY_USER, "implicitDeny")]}]})
    mine = role()
    asked = [AccessRequest(mine, "dynamodb:Query", BY_DATE), AccessRequest(mine, "dynamodb:Query", BY_USER)]
    answers = judge.answers(asked)
    assert [answers[r].decision for r in asked] == [Decision.ALLOWED, Decision.DENIED]
    assert judge.answers(asked[:1])[asked[0]].decision is Decision.ALLOWED  # cached: not asked again
    stubber.assert_no_pending_responses()


def test_aws_needing_context_values_or_saying_no_is_unknown_and_a_missing_role_is_denied() -> None:
    judge, _ = _simulation({"EvaluationResults": [{
        "EvalActionName": "dynamodb:Query", "EvalDecision": "allowed",
        "ResourceSpecificResults": [_result(BY_USER, "allowed", MissingContextValues=["aws:SourceVpce"])]}]},
        "AccessDenied", "NoSuchEntity")
    context = AccessRequest(role(), "dynamodb:Query", BY_USER)
    refused = AccessRequest(role(), "dynamodb:PutItem", TABLE)
    missing = AccessRequest(role(arn="arn:aws:iam::123456789012:role/gone"), "dynamodb:Query", BY_USER)
    answers = {**judge.answers([context]), **judge.answers([refused]), **judge.answers([missing])}
    assert answers[context].decision is Decision.UNKNOWN
    assert "aws:SourceVpce" in answers[context].reason
    assert answers[refused].decision is Decision.UNKNOWN
    assert "dynamo-contracts iam --role reader" in \
        answers[refused].reason
    assert answers[missing].decision is Decision.DENIED
    assert "IAM has no role arn:aws:iam::123456789012:role/gone" in \
        answers[missing].reason



@pytest.mark.parametrize(("code", "status"), [("InternalFailure", 500), ("ServiceUnavailable", 503),
                                              ("Throttling", 400)])
def test_iam_failing_as_a_service_is_asked_once_and_every_answer_is_unknown_for_that_one_reason(
        code: str, status: int) -> None:
    client = boto3.Session(region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x").client("iam")
    calls: list[str] = []
    client.meta.events.register("before-parameter-build.iam.SimulatePrincipalPolicy",
                                lambda **_: calls.append("asked"))
    stubber = Stubber(client)
    stubber.add_client_error("simulate_principal_policy", code, "said AWS", http_status_code=status)
    stubber.activate()
    judge = AwsSimulation(lambda: client)
    other = role(arn="arn:aws:iam::123456789012:role/product_lambda-moto")
    asked = [AccessRequest(role(), "dynamodb:Query", BY_USER), AccessRequest(role(), "dynamodb:PutItem", TABLE),
             AccessRequest(other, "dynamodb:Query", BY_USER)]
    answers = judge.answers(asked)
    later = AccessRequest(other, "dynamodb:DeleteItem", TABLE)
    answers = {**answers, **judge.answers([later])}
    assert calls == ["asked"]  # not once per role and action, nor again later
    assert {a.decision for a in answers.values()} == {Decision.UNKNOWN}
    reasons = {a.reason for a in answers.values()}
    assert len(reasons) == 1  # one line in the summary, naming no role
    assert f"iam:SimulatePrincipalPolicy did not answer (An error occurred ({code})" in reasons.pop()
    stubber.assert_no_pending_responses()


# --- elsewhere: the declared policies, evaluated -------------------------------------------------------------------


def test_policies_that_cannot_be_had_or_evaluated_are_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_policies(_: LambdaRole) -> Mapping[str, Any]:
        raise ToolError("consumer order_lambda has no access pattern")

    request = AccessRequest(role(), "dynamodb:Query", BY_USER)
    answer = PolicyEvaluation("eu-west-1", no_policies).answers([request])[request]
    assert (answer.decision, answer.reason.endswith("has no access pattern")) == (Decision.UNKNOWN, True)

    def no_node(*_: Any, **__: Any) -> list[simulate.Verdict]:
        raise simulate.SimulatorMissing("node and npm are needed to evaluate IAM policies here, and are not installed")

    monkeypatch.setattr(simulate, "simulate", no_node)
    answer = PolicyEvaluation("eu-west-1", lambda _: {"p": policy()}).answers([request])[request]
    assert answer.decision is Decision.UNKNOWN
    assert "node and npm are needed" in answer.reason


def test_without_npm_the_evaluator_says_what_is_missing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(simulate.shutil, "which", lambda _name: None)
    with pytest.raises(simulate.SimulatorMissing, match="node and npm are needed"):
        simulate.install(tmp_path)
    assert list(tmp_path.iterdir()) == []  # nothing half-installed


@pytest.mark.slow
def test_the_evaluator_matches_resource_and_condition_as_aws_does() -> None:
    """Runs node (the evaluator is installed into the user cache on first use)."""
    documents = {"iam/orders.json": policy(
        allow(["dynamodb:Query"], [BY_DATE, TABLE]),
        allow(["dynamodb:PutItem"], [TABLE], Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}),
        {"Sid": "NoDeletes", "Effect": "Deny", "Action": ["dynamodb:DeleteItem"], "Resource": ["*"]},
        allow(["dynamodb:DeleteItem"], [TABLE]))}
    mine = role(documents)
    judge = PolicyEvaluation("eu-west-1", lambda r: {f.path: f.document for f in r.files})
    asked = {name: AccessRequest(mine, action, arn) for name, action, arn in [
        ("table", "dynamodb:Query", TABLE), ("index", "dynamodb:Query", BY_DATE),
        ("other index", "dynamodb:Query", BY_USER), ("condition", "dynamodb:PutItem", TABLE),
        ("deny", "dynamodb:DeleteItem", TABLE)]}
    answers = judge.answers(asked.values())
    decided = {name: answers[request].decision for name, request in asked.items()}
    assert decided == {"table": Decision.ALLOWED, "index": Decision.ALLOWED, "other index": Decision.DENIED,
                       "condition": Decision.UNKNOWN, "deny": Decision.DENIED}
    assert "aws:SourceIp" in answers[asked["condition"]].reason
    assert "iam/orders.json:NoDeletes" in answers[asked["deny"]].reason
