"""May a consumer's Lambda role make a call? Two judges answer, each in batches and once per question:

- `AwsSimulation`, on AWS: `iam:SimulatePrincipalPolicy` for the role itself, with exactly the actions and ARNs
  asked (AWS includes the role's permission boundary and the organisation's SCPs). `allowed` allows, a deny
  denies (naming the statements AWS names), and an answer that depends on context values AWS reports missing is
  unknown.
- `PolicyEvaluation`, elsewhere: the role's declared policies (generated, or documents of the repository)
  evaluated by @cloud-copilot/iam-simulate (`provision.iam.simulate`). A condition on a request context key the
  request lacks leaves the answer unknown; so does a machine without node.

An unknown answer is never an allow: the contracts suite reports it as unverifiable, with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError

from .. import operations as ops
from ..desired.lambda_roles import LambdaRole
from ..errors import ToolError
from . import simulate

PolicyDocuments = Mapping[str, Mapping[str, Any]]  # a role's policies: name -> IAM policy document
IDENTITY_ONLY = "its identity policies only: a permission boundary or an SCP is judged on AWS"


class Decision(StrEnum):
    ALLOWED = "allowed"
    DENIED = "denied"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class AccessRequest:
    """May `role` do `action` on `resource` (an ARN)?"""

    role: LambdaRole
    action: str
    resource: str


@dataclass(frozen=True)
class Answer:
    decision: Decision
    actual: str  # what was found, in a few words: "allowed (iam:SimulatePrincipalPolicy)", "implicitly denied"
    reason: str = ""  # why it was denied, or why it cannot be told


class Judge(Protocol):
    def answers(self, requests: Iterable[AccessRequest]) -> Mapping[AccessRequest, Answer]: ...


class _Cached:
    """Asks only what it was not asked before; `_ask` answers a batch."""

    def __init__(self) -> None:
        self._known: dict[AccessRequest, Answer] = {}

    def answers(self, requests: Iterable[AccessRequest]) -> Mapping[AccessRequest, Answer]:
        wanted = list(dict.fromkeys(requests))
        new = [r for r in wanted if r not in self._known]
        if new:
            self._known.update(self._ask(new))
        return {r: self._known[r] for r in wanted}

    def _ask(self, requests: Sequence[AccessRequest]) -> Mapping[AccessRequest, Answer]:
        raise NotImplementedError


class PolicyEvaluation(_Cached):
    """The roles' declared policies (`policies(role)`, ToolError when they cannot be had), evaluated through node."""

    def __init__(self, region: str, policies: Callable[[LambdaRole], PolicyDocuments],
                 prestarted: simulate.Prestarted | None = None) -> None:
        super().__init__()
        self.region = region
        self._policies = policies
        self._prestarted = prestarted  # node started early, for the first batch

    def _ask(self, requests: Sequence[AccessRequest]) -> Mapping[AccessRequest, Answer]:
        documents: dict[LambdaRole, PolicyDocuments | str] = {}
        for role in dict.fromkeys(r.role for r in requests):
            try:
                documents[role] = self._policies(role)
            except ToolError as error:
                documents[role] = f"the policies of {role.role_arn} ({role.policies_from}) cannot be had: {error}"
        found: dict[AccessRequest, Answer] = {}
        judged = []
        for request in requests:
            why = documents[request.role]
            if isinstance(why, str):
                found[request] = Answer(Decision.UNKNOWN, "not evaluated", why)
            else:
                judged.append((request, why))
        found.update(zip([r for r, _ in judged], self._evaluate(judged), strict=True))
        return found

    def _evaluate(self, judged: Sequence[tuple[AccessRequest, PolicyDocuments]]) -> list[Answer]:
        if not judged:
            return []
        asked = [simulate.Request(r.role.role_arn, r.role.account, policies, r.action, r.resource,
                                  self._context(r.role)) for r, policies in judged]
        try:
            prestarted, self._prestarted = self._prestarted, None
            verdicts = simulate.simulate(asked, prestarted=prestarted)
        except ToolError as error:
            return [Answer(Decision.UNKNOWN, "not evaluated", f"the role's policies cannot be evaluated here: {error}")
                    for _ in judged]
        return [_evaluated(request.role, verdict) for (request, _), verdict in zip(judged, verdicts, strict=True)]

    def _context(self, role: LambdaRole) -> dict[str, str]:
        """What AWS itself puts in every request of the role: who calls, from which account, in which region."""
        return {"aws:PrincipalArn": role.role_arn, "aws:PrincipalAccount": role.account,
                "aws:RequestedRegion": self.region}


def _evaluated(role: LambdaRole, verdict: simulate.Verdict) -> Answer:
    source = f"{role.policies_from} ({IDENTITY_ONLY})"
    if verdict.errors:
        return Answer(Decision.UNKNOWN, "not evaluated", f"{role.policies_from} cannot be evaluated: {verdict.errors}")
    if verdict.missing_context:
        keys = ", ".join(verdict.missing_context)
        return Answer(Decision.UNKNOWN, f"{verdict.result} without request context",
                      f"{role.policies_from} make the call depend on request context keys this run cannot know "
                      f"({keys}): the Lambda's own requests decide; check it on AWS (iam:SimulatePrincipalPolicy)")
    if verdict.allowed:
        return Answer(Decision.ALLOWED, f"allowed by {source}")
    if verdict.denied_by:
        return Answer(Decision.DENIED, "explicitly denied",
                      f"a Deny statement of {role.policies_from} matches it: {', '.join(verdict.denied_by)}")
    return Answer(Decision.DENIED, "implicitly denied", f"no statement of {role.policies_from} allows it")


class AwsSimulation(_Cached):
    """`iam:SimulatePrincipalPolicy` for each role, once per action with every ARN asked of it.

    IAM failing as a service (an HTTP 5xx, throttling past botocore's retries, an answer that is not IAM's, no
    connection, moto's missing API) is asked once: every question of the run is then unknown for that one reason,
    never asked again. Refusing these credentials (AccessDenied) is said per role; a missing role is denied."""

    def __init__(self, iam_client: Callable[[], Any]) -> None:
        super().__init__()
        self._client = iam_client
        self._failed: str | None = None  # why IAM could not answer: the reason of every later question

    def _ask(self, requests: Sequence[AccessRequest]) -> Mapping[AccessRequest, Answer]:
        grouped: dict[tuple[LambdaRole, str], list[AccessRequest]] = {}
        for request in requests:
            grouped.setdefault((request.role, request.action), []).append(request)
        client = self._client()  # opening the environment may fail or be refused: that is not IAM's answer
        found: dict[AccessRequest, Answer] = {}
        for (role, action), asked in grouped.items():
            by_arn = self._simulate(client, role, action, [r.resource for r in asked])
            for request in asked:
                found[request] = by_arn.get(request.resource, Answer(
                    Decision.UNKNOWN, "not simulated", "iam:SimulatePrincipalPolicy returned no result for it"))
        return found

    def _simulate(self, client: Any, role: LambdaRole, action: str, arns: list[str]) -> dict[str, Answer]:
        from botocore.parsers import ResponseParserError  # live AWS only: botocore's parsers cost a static run 0.05 s

        found: dict[str, Answer] = {}
        try:
            if self._failed is None:
                for page in ops.SIMULATE_PRINCIPAL_POLICY.pages(client, PolicySourceArn=role.role_arn,
                                                                ActionNames=[action], ResourceArns=arns):
                    for result in page.get("EvaluationResults", []):
                        found.update(_simulated(result))
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code == "NoSuchEntity":
                return {arn: Answer(Decision.DENIED, "no such role", f"IAM has no role {role.role_arn}: create it, "
                                    "or correct its role_arn under lambda_roles") for arn in arns}
            if not _service_failure(error):
                return {arn: _not_simulated(role, error) for arn in arns}
            self._failed = str(error)
        except (BotoCoreError, NotImplementedError) as error:  # (moto, standing in for AWS, has no such API)
            self._failed = str(error) or type(error).__name__
        except ResponseParserError as error:  # a 5xx whose body is not IAM's XML (a proxy's, a load balancer's)
            self._failed = "an answer that is not IAM's: " + str(error).split(". Further retries")[0]
        if self._failed is not None:
            return {arn: Answer(Decision.UNKNOWN, "not simulated", f"iam:SimulatePrincipalPolicy did not answer "
                                f"({self._failed}): whether the Lambda roles may make their calls cannot be told "
                                "in this run (asked once); run again later") for arn in arns}
        return found


def _service_failure(error: ClientError) -> bool:
    """IAM failing as a service (HTTP 5xx, throttling), not refusing these credentials or this question."""
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
    code = str(error.response.get("Error", {}).get("Code", ""))
    return int(status or 0) >= 500 or "Throttl" in code or code in {"ServiceUnavailable", "InternalFailure"}


def _not_simulated(role: LambdaRole, error: Exception) -> Answer:
    return Answer(Decision.UNKNOWN, "not simulated",
                  f"iam:SimulatePrincipalPolicy on {role.role_arn} failed ({error}): the credentials of this run "
                  "need it on the consumers' roles (dynamo-contracts iam --role reader)")


def _simulated(result: Mapping[str, Any]) -> dict[str, Answer]:
    specific = result.get("ResourceSpecificResults") or []
    if not specific:
        return {str(result.get("EvalResourceName", "*")): _decision(
            result.get("EvalDecision", ""), result.get("MatchedStatements", []),
            result.get("MissingContextValues", []))}
    return {str(r["EvalResourceName"]): _decision(r.get("EvalResourceDecision", ""), r.get("MatchedStatements", []),
                                                  r.get("MissingContextValues", [])) for r in specific}


def _decision(decision: str, matched: Sequence[Mapping[str, Any]], missing: Sequence[str]) -> Answer:
    if missing:
        return Answer(Decision.UNKNOWN, f"{decision} without request context",
                      f"iam:SimulatePrincipalPolicy needs context values this run cannot know ({', '.join(missing)}): "
                      "the Lambda's own requests decide")
    statements = ", ".join(f"{m.get('SourcePolicyId', '?')} ({m.get('SourcePolicyType', 'policy')})" for m in matched)
    if decision == "allowed":
        return Answer(Decision.ALLOWED, "allowed (iam:SimulatePrincipalPolicy)")
    if decision == "explicitDeny":
        return Answer(Decision.DENIED, "explicitly denied (iam:SimulatePrincipalPolicy)",
                      "denied by " + (statements or "a Deny statement AWS did not name"))
    if decision == "implicitDeny":
        return Answer(Decision.DENIED, "implicitly denied (iam:SimulatePrincipalPolicy)",
                      "no policy of the role allows it" + (f" (matched: {statements})" if statements else ""))
    return Answer(Decision.UNKNOWN, decision or "no decision", f"iam:SimulatePrincipalPolicy answered '{decision}'")
