"""Criterion 7 (issue 11): each consumer's Lambda role may make the calls its access patterns make.

The roles an environment declares (`lambda_roles`) and their validation; the claims a scenario makes (one per IAM
action and ARN); the two judges: IAM's SimulatePrincipalPolicy on AWS (botocore's Stubber: moto has no such API)
and, elsewhere, the declared policies evaluated by @cloud-copilot/iam-simulate through node; end to end on moto,
a role without Query on one index fails exactly the scenario that queries it, and the report is BLOCKED.
"""

from __future__ import annotations

import http.server
import json
import shutil
import threading
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from dynamo_contracts.provision import operations as ops
from dynamo_contracts.provision.desired.lambda_roles import LambdaRole, PolicyFile, PolicySource
from dynamo_contracts.provision.desired.load import load_contracts
from dynamo_contracts.provision.desired.model import DesiredState
from dynamo_contracts.provision.errors import ContractError, ToolError
from dynamo_contracts.provision.iam import simulate
from dynamo_contracts.provision.iam.access import AccessRequest, Answer, AwsSimulation, Decision, PolicyEvaluation
from dynamo_contracts.provision.iam.policy import Policy, Scope, Statement
from dynamo_contracts.provision.iam.privilege import excess
from dynamo_contracts.steps.gherkin.authoring import role_problems
from dynamo_contracts.steps.permissions.checks import Call, claims_of, findings, over_privileged
from dynamo_contracts.steps.results.findings import Kind, NotRun, Outcome
from tests.steps.report.test_library import ROOT, copy_of_this_project, python
from tests.support import spawn

CONSUMERS = ("campaigns_lambda", "order_lambda", "product_lambda", "tenant_management")
ROLE = "arn:aws:iam::123456789012:role/order_lambda-moto"
TABLE = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders-moto"
BY_USER = f"{TABLE}/index/OrdersByUser"
BY_DATE = f"{TABLE}/index/OrdersByDate"


def policy(*statements: Mapping[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(actions: list[str], resources: list[str], **more: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": actions, "Resource": resources, **more}


def role(documents: Mapping[str, Mapping[str, Any]] | None = None, arn: str = ROLE) -> LambdaRole:
    if documents is None:
        return LambdaRole("order_lambda", arn, PolicySource.GENERATED)
    files = tuple(PolicyFile(name, document) for name, document in documents.items())
    return LambdaRole("order_lambda", arn, PolicySource.FILES, files)


# --- the declared roles -------------------------------------------------------------------------------------------


def test_every_environment_of_the_project_names_each_consumers_role(desired: DesiredState) -> None:
    for env in desired.environments.values():
        for consumer in CONSUMERS:
            found = env.lambda_role(consumer)
            assert found is not None, (env.name, consumer)
            assert found.policies is PolicySource.GENERATED
            assert found.role_arn == f"arn:aws:iam::{env.account_id or '123456789012'}:role/{consumer}-{env.name}"


def _contracts_with(tmp_path: Path, roles: str, files: Mapping[str, str] | None = None) -> Path:
    folder = tmp_path / "contracts"
    shutil.copytree(ROOT / "contracts", folder)
    environments = folder / "environments.yaml"
    text = environments.read_text()
    marker = '    lambda_roles:                  # the IAM role each consumer\'s Lambda runs as ({consumer}: its ' \
             'features/ folder)\n      defaults: {role_arn: "arn:aws:iam::{account}:role/{consumer}-{env}", ' \
             'policies: generated}\n'
    assert text.count(marker) == 1
    environments.write_text(text.replace(marker, roles))
    for name, content in (files or {}).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(content)
    return folder


def _line_of(folder: Path, text: str) -> int:
    lines = (folder / "environments.yaml").read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def test_a_consumer_may_have_a_role_and_policy_files_of_its_own(tmp_path: Path) -> None:
    folder = _contracts_with(tmp_path, "    lambda_roles:\n      consumers:\n        order_lambda: {role_arn: "
                                       '"arn:aws:iam::{account}:role/orders-api", policies: [../iam/orders.json]}\n',
                             {"iam/orders.json": json.dumps(policy(allow(["dynamodb:Query"], [TABLE])))})
    local = load_contracts(folder).environments["local"]
    found = local.lambda_role("order_lambda")
    assert found is not None
    assert found.role_arn == "arn:aws:iam::123456789012:role/orders-api"
    assert found.policies is PolicySource.FILES
    assert found.files[0].document["Statement"][0]["Resource"] == [TABLE]
    assert local.lambda_role("product_lambda") is None  # no defaults: nothing declared for it


def test_a_role_for_a_consumer_without_features_is_a_mistake_at_its_line(tmp_path: Path) -> None:
    folder = _contracts_with(tmp_path, "    lambda_roles:\n      consumers:\n        ordr_lambda: {role_arn: "
                                       '"arn:aws:iam::{account}:role/x", policies: generated}\n')
    problems = role_problems(load_contracts(folder), CONSUMERS)
    assert len(problems) == 1
    assert f"environments.yaml:{_line_of(folder, 'ordr_lambda:')}: lambda_roles of environment 'local'" in problems[0]
    assert "names consumer 'ordr_lambda', which has no features (features/ordr_lambda/). Did you mean " \
           '"order_lambda"?' in problems[0]


@pytest.mark.parametrize(("roles", "at", "says"), [
    pytest.param("    lambda_roles:\n      default: {role_arn: x, policies: generated}\n", "default:",
                 "unknown key 'default' in lambda_roles of environment 'local'; did you mean 'defaults'?", id="typo"),
    pytest.param("    lambda_roles:\n      defaults: {role_arn: 'arn:aws:iam::1:role/x', policies: generated}\n",
                 "defaults:", "is not an IAM role's ARN", id="arn"),
    pytest.param("    lambda_roles:\n      defaults: {role_arn: 'arn:aws:iam::{acount}:role/x', policies: generated}\n",
                 "defaults:", "uses a placeholder other than {consumer}, {env}, {account}", id="placeholder"),
    pytest.param("    lambda_roles:\n      defaults: {role_arn: 'arn:aws:iam::{account}:role/x', policies: generatd}\n",
                 "defaults:", "did you mean 'generated'?", id="policies"),
    pytest.param("    lambda_roles:\n      defaults: {role_arn: 'arn:aws:iam::{account}:role/x'}\n", "defaults:",
                 "needs 'policies'", id="no-policies"),
    pytest.param("    lambda_roles:\n      defaults: {role_arn: 'arn:aws:iam::{account}:role/x', policies: "
                 "[../iam/none.json]}\n", "defaults:", "cannot read the policy document ../iam/none.json", id="file"),
    pytest.param("    lambda_roles: {}\n", "lambda_roles:", "declares no role", id="empty"),
])
def test_a_wrong_role_is_an_error_at_its_line(tmp_path: Path, roles: str, at: str, says: str) -> None:
    folder = _contracts_with(tmp_path, roles)
    with pytest.raises(ContractError) as error:
        load_contracts(folder)
    assert len(error.value.problems) == 1, str(error.value)
    assert f"environments.yaml:{_line_of(folder, at)}" in str(error.value)
    assert says in str(error.value)


@pytest.mark.parametrize(("content", "line", "says"), [
    pytest.param('{\n  "Statement": [\n}\n', 3, "this policy document is not JSON", id="json"),
    pytest.param('["Allow"]\n', 1, "this is not an IAM policy document", id="shape"),
])
def test_a_bad_policy_document_is_an_error_at_its_own_line(tmp_path: Path, content: str, line: int, says: str) -> None:
    folder = _contracts_with(tmp_path, "    lambda_roles:\n      defaults: {role_arn: 'arn:aws:iam::{account}:role/x',"
                                       " policies: [../iam/p.json]}\n", {"iam/p.json": content})
    with pytest.raises(ContractError) as error:
        load_contracts(folder)
    assert f"iam/p.json:{line}: {says}" in str(error.value)
    assert f"listed at {folder.name}" in str(error.value) or "listed at" in str(error.value)


# --- the claims ----------------------------------------------------------------------------------------------------


def test_a_scenario_claims_each_action_on_each_arn_once_with_the_line_that_needs_it(desired: DesiredState) -> None:
    moto = desired.environments["moto"]
    claims = claims_of(moto, [(5, Call(ops.PUT_ITEM, "orders")), (5, Call(ops.DELETE_ITEM, "orders")),
                              (9, Call(ops.QUERY, "orders", "OrdersByUser")), (12, Call(ops.QUERY, "orders"))])
    assert [(c.line, c.action, c.resource) for c in claims] == [
        (5, "dynamodb:PutItem", TABLE), (5, "dynamodb:DeleteItem", TABLE), (9, "dynamodb:Query", BY_USER),
        (12, "dynamodb:Query", TABLE)]


def test_a_consumer_without_a_role_is_not_checked_never_a_pass(desired: DesiredState) -> None:
    moto = desired.environments["moto"]
    claims = claims_of(moto, [(9, Call(ops.QUERY, "orders", "OrdersByUser")), (12, Call(ops.QUERY, "orders"))])
    found = findings(moto, "order_lambda", None, claims, {})
    assert [(f.kind, f.outcome, f.not_run, f.line) for f in found] == [
        (Kind.PERMISSION, Outcome.NOT_RUN, NotRun.NO_ROLE, 9)]  # one per scenario: nothing to judge its calls by
    assert "names no Lambda role for consumer order_lambda: add it under lambda_roles.consumers" in found[0].reason


def test_each_answer_becomes_a_finding_and_a_denial_says_who_must_allow_what(desired: DesiredState) -> None:
    moto = desired.environments["moto"]
    claims = claims_of(moto, [(9, Call(ops.QUERY, "orders", "OrdersByUser")), (12, Call(ops.QUERY, "orders"))])
    mine = role({"iam/orders.json": policy()})
    answers = {AccessRequest(mine, "dynamodb:Query", BY_USER): Answer(Decision.DENIED, "implicitly denied", "none"),
               AccessRequest(mine, "dynamodb:Query", TABLE): Answer(Decision.UNKNOWN, "not evaluated", "no node")}
    denied, unknown = findings(moto, "order_lambda", mine, claims, answers)
    assert (denied.outcome, denied.name, denied.line) == (Outcome.FAILED, "OrdersByUser", 9)
    assert denied.action == f"the owners of order_lambda's Lambda role must allow dynamodb:Query on {BY_USER} in " \
                            "iam/orders.json"
    assert (unknown.outcome, unknown.reason, unknown.action) == (Outcome.UNVERIFIABLE, "no node", "")


ORDERS_API = "arn:aws:iam::123456789012:role/orders-api"
NEEDED = policy(allow(["dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:Query"], [TABLE]),
                allow(["dynamodb:Query"], [BY_DATE, BY_USER]))
KNOWN = [TABLE, BY_DATE, BY_USER, "arn:aws:dynamodb:eu-west-1:123456789012:table/users-moto"]


def test_a_statement_granting_more_than_the_access_patterns_need_is_named_with_what_it_grants_beyond() -> None:
    document = policy(
        {"Sid": "Exact", "Effect": "Allow", "Action": ["dynamodb:Query"], "Resource": [TABLE, f"{TABLE}/index/*"]},
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Sid": "Service", "Effect": "Allow", "Action": ["dynamodb:*"], "Resource": [TABLE]},
        {"Sid": "Gets", "Effect": "Allow", "Action": ["dynamodb:Get*", "dynamodb:Scan"], "Resource": [TABLE]},
        {"Sid": "AllTables", "Effect": "Allow", "Action": ["dynamodb:Query"],
         "Resource": ["arn:aws:dynamodb:eu-west-1:123456789012:table/*"]},
        {"Sid": "Elsewhere", "Effect": "Allow", "NotAction": ["iam:*"], "Resource": ["arn:aws:s3:::bucket"]},
        {"Sid": "NoDeletes", "Effect": "Deny", "Action": "*", "Resource": "*"})
    found = excess("iam/p.json", document, NEEDED, KNOWN, (3, 4, 5, 6, 7, 8, 9))
    assert [(e.line, e.statement, e.grants) for e in found] == [
        (4, "2", ("every action of every service ('*')", "on every resource ('*')")),
        (5, "'Service'", ("every dynamodb action ('dynamodb:*')",)),
        (6, "'Gets'", ("'dynamodb:Get*', a wildcard (every action it matches, now and later)",
                       "dynamodb:Scan, which no call of the role needs")),
        (7, "'AllTables'", ("on arn:aws:dynamodb:eu-west-1:123456789012:table/*, which also covers "
                            "arn:aws:dynamodb:eu-west-1:123456789012:table/users-moto (no call of the role touches it)",
                            )),
        (8, "'Elsewhere'", ("every action but iam:* (NotAction)",
                            "on arn:aws:s3:::bucket, which no call of the role touches"))]
    assert found[0].describe() == ("iam/p.json:4: statement 2 allows every action of every service ('*'), on every "
                                   "resource ('*')")
    assert excess("generated", NEEDED, NEEDED, KNOWN) == []


def test_an_over_privileged_role_is_a_warning_on_its_claims_never_a_failure(desired: DesiredState) -> None:
    moto = desired.environments["moto"]
    claims = claims_of(moto, [(9, Call(ops.QUERY, "orders", "OrdersByUser")), (12, Call(ops.QUERY, "orders"))])
    broad = LambdaRole("order_lambda", ORDERS_API, PolicySource.FILES,
                       (PolicyFile("iam/orders-api.json", policy(allow(["*"], ["*"])), statement_lines=(4,)),))
    needed = Policy((Statement(Scope("ItemsOfOrdersMoto", (TABLE,)), ("dynamodb:Query",)),))
    warning = over_privileged(moto, broad, needed, KNOWN)
    assert warning == (f"order_lambda's role {ORDERS_API} is over-privileged: iam/orders-api.json:4: statement 1 "
                       "allows every action of every service ('*'), on every resource ('*'). Its access patterns need "
                       f"only dynamodb:Query on {TABLE} (`python -m steps.iam_consumer --env moto --role "
                       "consumer:order_lambda` prints that policy)")
    allowed = {AccessRequest(broad, c.action, c.resource): Answer(Decision.ALLOWED, "allowed") for c in claims}
    found = findings(moto, "order_lambda", broad, claims, allowed, warning)
    assert [(f.outcome, f.warning) for f in found] == [(Outcome.PASSED, warning), (Outcome.PASSED, "")]
    assert over_privileged(moto, role(), needed, KNOWN) == ""  # the generated policy is what the patterns need


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


# --- end to end on moto --------------------------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_of_this_project(tmp_path)


def _orders_policy_without_query_on(index: str) -> str:
    """order_lambda's generated policy on moto, less Query on one index."""
    done = python("-m", "dynamo_contracts.steps.iam_consumer", "--env", "sit", "--role", "consumer:order_lambda")
    assert done.returncode == 0, done.stderr
    text = done.stdout.replace("222222222222", "123456789012").replace("-sit", "-moto")
    document = json.loads(text)
    for statement in document["Statement"]:
        statement["Resource"] = [r for r in statement["Resource"] if not r.endswith(f"/index/{index}")]
    return json.dumps(document, indent=2)


def _orders_api_without_query_on_orders_by_user(project: Path, defaults: bool) -> None:
    """On moto, order_lambda runs as role orders-api, whose policy file lacks Query on OrdersByUser; the other
    consumers keep the generated default (`defaults`) or have no role at all."""
    (project / "iam").mkdir()
    (project / "iam" / "orders-api.json").write_text(_orders_policy_without_query_on("OrdersByUser"))
    default = '      defaults: {role_arn: "arn:aws:iam::{account}:role/{consumer}-{env}", policies: generated}\n'
    roles = ("    lambda_roles:\n" + (default if defaults else "") + '      consumers:\n        order_lambda: '
             '{role_arn: "arn:aws:iam::{account}:role/orders-api", policies: [../iam/orders-api.json]}\n')
    environments = project / "contracts" / "environments.yaml"
    text = environments.read_text().replace(f"    lambda_roles:\n{default}  dev:", "  dev:", 1)
    environments.write_text(text.replace("    backend: moto\n", f"    backend: moto\n{roles}", 1))


def _run(project: Path, *args: str) -> tuple[spawn.CompletedProcess[str], dict[str, Any]]:
    done = python("-m", "pytest", "-q", "-p", "no:cacheprovider", "--env=moto", "-o", "junit_family=xunit2",
                  f"--junitxml={project / 'junit.xml'}", f"--readiness-report={project / 'out'}", *args, cwd=project)
    return done, json.loads((project / "out" / "readiness.json").read_text())


@pytest.mark.slow
def test_on_moto_a_role_without_query_on_one_index_fails_exactly_the_consumer_that_queries_it(project: Path) -> None:
    _orders_api_without_query_on_orders_by_user(project, defaults=True)
    done, data = _run(project)
    assert done.returncode == 1, done.stdout[-3000:]
    assert data["verdict"] == "BLOCKED"
    junit = (project / "junit.xml").read_text()
    assert junit.count("<failure") == 1, done.stdout[-3000:]
    assert "O2 a user&apos;s order history" in junit or "O2 a user's order history" in junit
    denied = [g for g in data["gaps"] if g["kind"] == "permission"]
    assert [(g["consumers"], g["table"], g["name"]) for g in denied] == [(["order_lambda"], "orders", "OrdersByUser")]
    masked = BY_USER.replace("123456789012", "********9012")  # the report masks account ids (no --show-accounts)
    assert denied[0]["action"] == (f"the owners of order_lambda's Lambda role must allow dynamodb:Query on {masked} "
                                   "in iam/orders-api.json")
    statuses = {name: consumer["status"] for name, consumer in data["consumers"].items()}
    assert statuses["order_lambda"] == "blocked"
    assert all(statuses[c] != "blocked" for c in CONSUMERS if c != "order_lambda")
    markdown = (project / "out" / "readiness.md").read_text()
    assert "- [ ] Downstream Lambda services can access the tables: each consumer's role may make every call of its " \
           "access patterns (1 failing)" in markdown


@pytest.mark.slow
def test_before_deploy_a_policy_file_is_checked_against_the_schema_too(project: Path) -> None:
    _orders_api_without_query_on_orders_by_user(project, defaults=False)
    done, data = _run(project, "--against=schema", "-m", "order_lambda or product_lambda")
    assert done.returncode == 1, done.stdout[-3000:]
    assert "may dynamodb:Query on " + BY_USER + ": expected allowed, found implicitly denied" in done.stdout
    unverified = " ".join(u["check"] + u["reason"] for u in data["unverified"])
    assert "environment moto names no Lambda role for consumer product_lambda" in unverified


class FailingRegistry:
    """An npm registry on the loopback that answers every request 503, counting the requests for each path."""

    def __init__(self) -> None:
        counts: Counter[str] = Counter()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                counts[self.path] += 1
                self.send_response(503)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                pass

        self.counts = counts
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def failing_registry() -> Iterator[FailingRegistry]:
    registry = FailingRegistry()
    yield registry
    registry.close()


def _everything_to_orders_api(project: Path) -> None:
    """On moto, order_lambda runs as orders-api, whose policy file allows every action on every resource."""
    (project / "iam").mkdir()
    (project / "iam" / "orders-api.json").write_text(json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Sid": "Everything", "Effect": "Allow", "Action": "*",
                                                 "Resource": "*"}]}, indent=2))  # the statement on line 4
    default = '      defaults: {role_arn: "arn:aws:iam::{account}:role/{consumer}-{env}", policies: generated}\n'
    environments = project / "contracts" / "environments.yaml"
    text = environments.read_text()
    at = text.index(default, text.index("  moto:")) + len(default)
    environments.write_text(text[:at] + '      consumers:\n        order_lambda: {role_arn: "arn:aws:iam::{account}:'
                            'role/orders-api", policies: [../iam/orders-api.json]}\n' + text[at:])


@pytest.mark.slow
def test_a_first_run_says_it_installs_the_evaluator_keeps_npms_reason_and_warns_of_an_over_privileged_role(
        project: Path, tmp_path: Path, failing_registry: FailingRegistry) -> None:
    """The evaluator is not installed yet and npm's registry fails: the run says it installs it (once, on stderr),
    npm gives up within its bounds and its reason is kept; order_lambda's role, allowed everything, passes its claims
    with a warning naming the statement at its line, in the terminal and both reports, which mask the account ids
    (results.json too: a report rebuilt from it is the same) unless --show-accounts."""
    _everything_to_orders_api(project)
    cache = tmp_path / "cache"
    args = ("-m", "pytest", "-q", "-p", "no:cacheprovider", "--env=moto", "--against=schema", "-m", "order_lambda")
    environment = {"DYNAMO_CONTRACTS_CACHE": str(cache), "NPM_CONFIG_REGISTRY": failing_registry.url}
    done = python(*args, f"--readiness-report={project / 'out'}", cwd=project, **environment)
    assert done.stderr.count("contracts: installing the IAM policy evaluator (@cloud-copilot/iam-simulate") == 1, \
        done.stderr
    assert max(failing_registry.counts.values()) == 2, failing_registry.counts  # fetch-retries=1 (npm's default: 2)
    assert f"cannot install @cloud-copilot/iam-simulate 0.1.173 with npm ci (exit 1): code E503; 503 Service " \
           f"Unavailable - GET {failing_registry.url}/" in done.stdout
    warning = ("order_lambda's role arn:aws:iam::123456789012:role/orders-api is over-privileged: "
               "iam/orders-api.json:4: statement 'Everything' allows every action of every service ('*'), on every "
               "resource ('*')")
    assert "Warnings (not blocking):" in done.stdout
    assert warning in done.stdout
    out = project / "out"
    data = json.loads((out / "readiness.json").read_text())
    masked = warning.replace("123456789012", "********9012")
    assert [w[:len(masked)] for w in data["warnings"]] == [masked]
    assert data["consumers"]["order_lambda"]["status"] != "blocked"
    markdown = (out / "readiness.md").read_text()
    assert "⚠️ but 1 role over-privileged (see Warnings)" in markdown
    assert f"- ⚠️ {masked}" in markdown
    for name in ("readiness.md", "readiness.json", "results.json"):
        assert "123456789012" not in (out / name).read_text(), name
    rebuilt = project / "rebuilt"
    # BLOCKED: -m left 4 unchecked
    python("-m", "dynamo_contracts.steps.report", str(out / "results.json"), "--out", str(rebuilt))
    for name in ("readiness.md", "readiness.json"):
        assert (rebuilt / name).read_text() == (out / name).read_text(), name
    python(*args, f"--readiness-report={project / 'shown'}", "--show-accounts", cwd=project, **environment)
    assert warning in (project / "shown" / "readiness.md").read_text()
