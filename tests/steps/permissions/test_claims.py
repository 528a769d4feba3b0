"""Criterion 7 (issue 11), the claims a scenario makes (one per IAM action and ARN, `steps.permissions.calls`) and
the findings each answer becomes: a denial says who must allow what, a consumer without a role is not checked, an
over-privileged role is a warning naming what it grants beyond, never a failure."""

from __future__ import annotations

from dynamo_contracts.provision import operations as ops
from dynamo_contracts.provision.desired.lambda_roles import LambdaRole, PolicyFile, PolicySource
from dynamo_contracts.provision.desired.model import DesiredState
from dynamo_contracts.provision.iam.access import AccessRequest, Answer, Decision
from dynamo_contracts.provision.iam.policy import Policy, Scope, Statement
from dynamo_contracts.provision.iam.privilege import excess
from dynamo_contracts.steps.permissions.checks import Call, claims_of, findings, over_privileged
from dynamo_contracts.steps.results.findings import Kind, NotRun, Outcome
from tests.steps.permissions.roles import BY_DATE, BY_USER, TABLE, allow, policy, role

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
