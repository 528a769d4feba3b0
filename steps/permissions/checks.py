"""Criterion 7, the downstream Lambdas can access the tables: may each consumer's role make its scenarios' calls?

One claim per IAM action and ARN a scenario uses ("role R may dynamodb:Query on arn:...:table/orders-sit/index/I"),
stamped with the line of the step that makes the call. The answers come from a judge of `provision.iam.access`
(IAM itself on AWS, the declared policies evaluated elsewhere); here they become findings. A consumer with no
role declared for the environment gets one claim not run (never a passed one): nothing says what to judge.
A role whose policy files grant more than its access patterns need (`provision.iam.privilege`) is over-privileged:
a warning on its claims, naming each such statement at its file:line, that blocks nothing and is never hidden.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ...provision import operations as ops
from ...provision.desired.lambda_roles import LambdaRole, PolicySource
from ...provision.desired.model import DEFAULT_ACCOUNT, Environment
from ...provision.iam.access import AccessRequest, Answer, Decision
from ...provision.iam.arns import Arns
from ...provision.iam.policy import Policy
from ...provision.iam.privilege import excess, needs
from ..results.findings import Finding, Kind, NotRun, Outcome

CONSUMER_POLICY_COMMAND = "python -m steps.iam_consumer"
ROLES_KEY = "lambda_roles"
_OUTCOMES = {Decision.ALLOWED: Outcome.PASSED, Decision.DENIED: Outcome.FAILED, Decision.UNKNOWN: Outcome.UNVERIFIABLE}


@dataclass(frozen=True)
class Call:
    """One call a step makes: an operation on a (logical) table, or on one of its indexes."""

    operation: ops.Operation
    table: str
    index: str | None = None


@dataclass(frozen=True)
class Claim:
    """One action on one ARN a scenario needs, with the feature line of the step that needs it."""

    line: int
    call: Call
    action: str
    resource: str


def claims_of(env: Environment, calls: Sequence[tuple[int, Call]]) -> list[Claim]:
    """Each distinct IAM action and ARN the calls need here (an operation may need more than one action)."""
    arns = Arns(env.region, env.account_id or DEFAULT_ACCOUNT)
    found: dict[tuple[str, str], Claim] = {}
    for line, call in calls:
        physical = env.table_name(call.table)
        resource = arns.index(physical, call.index) if call.index else arns.table(physical)
        for action in (call.operation.iam_action, *call.operation.also):
            if action:
                found.setdefault((action, resource), Claim(line, call, action, resource))
    return list(found.values())


def requests_of(role: LambdaRole, claims: Sequence[Claim]) -> list[AccessRequest]:
    return [AccessRequest(role, c.action, c.resource) for c in claims]


def findings(env: Environment, consumer: str, role: LambdaRole | None, claims: Sequence[Claim],
             answers: Mapping[AccessRequest, Answer], warning: str = "") -> list[Finding]:
    """A finding per claim: passed, failed (with who must act, and where), or unverifiable (with why). The role's
    over-privilege `warning` (`over_privileged`) rides on the first: it blocks nothing, and is reported apart."""
    if role is None:
        return [_no_role(env, consumer, claims[0])] if claims else []
    found = []
    for number, claim in enumerate(claims):
        answer = answers[AccessRequest(role, claim.action, claim.resource)]
        outcome = _OUTCOMES[answer.decision]
        found.append(Finding(Kind.PERMISSION, outcome, _subject(consumer, role, claim), "allowed", answer.actual,
                             table=claim.call.table, name=claim.call.index, reason=answer.reason, line=claim.line,
                             action=_who_acts(env, role, claim) if outcome is Outcome.FAILED else "",
                             warning="" if number else warning))
    return found


def over_privileged(env: Environment, role: LambdaRole, needed: Policy, known: Iterable[str]) -> str:
    """A warning when the role's declared policy files grant more than its access patterns need (`needed`, its
    generated consumer policy), naming each such statement at its file:line; "" when they do not."""
    if role.policies is not PolicySource.FILES:
        return ""  # the generated policy is exactly what the access patterns need
    found = [e for f in role.files for e in excess(f.path, f.document, needed.data(), known, f.statement_lines)]
    if not found:
        return ""
    actions, resources = needs(needed.data())
    return (f"{role.consumer}'s role {role.role_arn} is over-privileged: " + "; ".join(e.describe() for e in found)
            + f". Its access patterns need only {', '.join(sorted(actions))} on {', '.join(sorted(resources))} "
            f"(`{CONSUMER_POLICY_COMMAND} --env {env.name} --role consumer:{role.consumer}` prints that policy)")


def _subject(consumer: str, role: LambdaRole | None, claim: Claim) -> str:
    who = f"the role of {consumer}" if role is None else f"{consumer}'s role {role.role_arn}"
    return f"{who} may {claim.action} on {claim.resource}"


def _no_role(env: Environment, consumer: str, claim: Claim) -> Finding:
    where = env.source.file if env.source else "contracts/environments.yaml"
    if env.lambda_roles.declared:
        why = (f"environment {env.name} names no Lambda role for consumer {consumer}: add it under "
               f"{ROLES_KEY}.consumers (or give {ROLES_KEY}.defaults) in {where}")
    else:
        why = (f"environment {env.name} declares no {ROLES_KEY}, so no consumer's role can be checked: add "
               f"'{ROLES_KEY}: {{defaults: {{role_arn: \"arn:aws:iam::{{account}}:role/{{consumer}}-{{env}}\", "
               f"policies: generated}}}}' under it in {where}")
    return Finding(Kind.PERMISSION, Outcome.NOT_RUN, f"the role of {consumer} may make its access patterns' calls",
                   "allowed", "no role declared", reason=why, line=claim.line, not_run=NotRun.NO_ROLE)


def _who_acts(env: Environment, role: LambdaRole, claim: Claim) -> str:
    owners = f"the owners of {role.consumer}'s Lambda role must"
    if env.is_aws:
        return (f"{owners} allow {claim.action} on {claim.resource} to {role.role_arn} (its generated policy: "
                f"`{CONSUMER_POLICY_COMMAND} --env {env.name} --role consumer:{role.consumer}`)")
    if role.policies is PolicySource.GENERATED:
        return (f"the platform team must make `{CONSUMER_POLICY_COMMAND} --env {env.name} --role consumer:"
                f"{role.consumer}` allow {claim.action} on {claim.resource}")
    return f"{owners} allow {claim.action} on {claim.resource} in {role.policies_from}"
