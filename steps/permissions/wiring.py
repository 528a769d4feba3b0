"""Each scenario's permission claims (criterion 7), made before its steps run, so a scenario that stops early,
or is not run against a static source, still says whether its consumer's role may make its calls.

The claims come from the scenario's steps (`steps.permissions.calls`), the role from the environment's
`lambda_roles`, the answers from one judge per run and kind (`provision.iam.access`): IAM itself when the run
reads a live AWS environment, the declared policies evaluated otherwise. The first claim asks the judge about
every scenario of the run at once (one run of the evaluator, or one simulation per role and action).
"""

from __future__ import annotations

import contextlib

import pytest

from ...provision.desired.lambda_roles import LambdaRole, PolicySource
from ...provision.desired.model import DEFAULT_ACCOUNT
from ...provision.desired.stack import Stack, resolve
from ...provision.errors import ToolError
from ...provision.iam.access import AccessRequest, AwsSimulation, Judge, PolicyDocuments, PolicyEvaluation
from ...provision.iam.arns import StackArns, of_stack
from ...provision.iam.policy import Policy, consumer_policy
from ..compat import bdd
from ..gherkin.parse import PARSED
from ..results.findings import Finding
from ..run.session import ContractSession
from ..wiring import collection
from ..wiring.feature_items import template_of
from .calls import scenario_calls, uses_of
from .checks import Claim, claims_of, findings, over_privileged, requests_of

RUN = pytest.StashKey["RunPermissions"]()
CLAIMS = pytest.StashKey[list[Claim]]()


class RunPermissions:
    """The run's judges, and the claims of every scenario of it."""

    def __init__(self, config: pytest.Config, session: ContractSession) -> None:
        self.config = config
        self.session = session
        self._judges: dict[bool, Judge] = {}
        self._warnings: dict[LambdaRole, str] = {}

    def findings(self, item: pytest.Item, label: str) -> list[Finding]:
        """The permission findings of one scenario against the source `label` ([] when it calls nothing)."""
        env = self.session.environment
        consumer = collection.consumer_of(item)
        claims = _claims(item, self.session)
        if not consumer or not claims:
            return []
        role = env.lambda_role(consumer)
        if role is None:
            return findings(env, consumer, None, claims, {})
        judge = self._judge(env.is_aws and not self.session.source(label).static, item.session)
        return findings(env, consumer, role, claims, judge.answers(requests_of(role, claims)), self._warning(role))

    def _warning(self, role: LambdaRole) -> str:
        """Whether the role's declared policy files grant more than its access patterns need, once per role."""
        if role not in self._warnings:
            self._warnings[role] = ""
            if role.policies is PolicySource.FILES:
                with contextlib.suppress(ToolError):  # no access pattern: no claim carries a warning anyway
                    stack = self._stack()
                    arns = self._arns(stack)
                    known = [*arns.table_arns, *(arns.arns.index(t, i) for t, i in arns.indexes)]
                    self._warnings[role] = over_privileged(self.session.environment, role,
                                                           self._generated(role, stack), known)
        return self._warnings[role]

    def _judge(self, on_aws: bool, run: pytest.Session) -> Judge:
        if on_aws not in self._judges:
            judge: Judge = (AwsSimulation(lambda: self.session.backend().client("iam")) if on_aws else
                            PolicyEvaluation(self.session.environment.region, self._policies,
                                             self.session.take_evaluator()))
            judge.answers(self._every_request(run))  # one batch for the whole run, answered from then on
            self._judges[on_aws] = judge
        return self._judges[on_aws]

    def _every_request(self, run: pytest.Session) -> list[AccessRequest]:
        env = self.session.environment
        found: list[AccessRequest] = []
        for item in run.items:
            consumer = collection.consumer_of(item)
            role = env.lambda_role(consumer) if consumer else None
            if role is not None:
                found += requests_of(role, _claims(item, self.session))
        return found

    def _policies(self, role: LambdaRole) -> PolicyDocuments:
        """The role's declared policies: its generated consumer policy, or the repository's documents."""
        if role.policies is PolicySource.FILES:
            return {f.path: f.document for f in role.files}
        return {"generated": self._generated(role, self._stack()).data()}

    def _stack(self) -> Stack:
        return resolve(self.session.desired, self.session.environment)

    def _arns(self, stack: Stack) -> StackArns:
        return of_stack(stack, account=self.session.environment.account_id or DEFAULT_ACCOUNT)

    def _generated(self, role: LambdaRole, stack: Stack) -> Policy:
        """The consumer policy its access patterns make (all of them, whatever this run selected)."""
        uses = uses_of(self.config.stash[PARSED].scenarios, role.consumer, stack)
        if not uses:
            raise ToolError(f"consumer {role.consumer} has no access pattern")
        return consumer_policy(self._arns(stack), uses)


def _claims(item: pytest.Item, session: ContractSession) -> list[Claim]:
    """What the scenario's steps call, as IAM actions on this environment's ARNs (worked out once per item)."""
    if CLAIMS not in item.stash:
        template = template_of(item)
        if template is None:
            item.stash[CLAIMS] = []
        else:
            steps = template.render(bdd.example_of(item)).steps
            item.stash[CLAIMS] = claims_of(session.environment, scenario_calls(steps))
    return item.stash[CLAIMS]


def of_run(config: pytest.Config, session: ContractSession) -> RunPermissions:
    if RUN not in config.stash:
        config.stash[RUN] = RunPermissions(config, session)
    return config.stash[RUN]


def scenario_findings(item: pytest.Item, session: ContractSession, label: str) -> list[Finding]:
    """The permission findings of `item` against the source `label`."""
    return of_run(item.config, session).findings(item, label)

