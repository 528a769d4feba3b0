"""Judge recorded calls against a policy: each must be allowed (by @cloud-copilot/iam-simulate, through node),
and each grant must be used (every action and every resource of every statement, by some recorded call).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from dynamo_contracts.provision.iam import simulate as simulate_module
from dynamo_contracts.provision.iam.privilege import matches
from tests.support.iam.recorder import UNCATALOGUED, Call

NPM_CI = simulate_module.FETCH_COMMAND  # installs the evaluator (it installs itself on first use too)


def node() -> str | None:
    """node, when npm is there too to install the evaluator."""
    return shutil.which("node") if shutil.which("npm") else None


def aws_managed_key_policy(account: str) -> dict[str, Any]:
    """A KMS key is used only as its key policy allows: the AWS managed key's lets the account read its metadata
    (the default key policy of a customer managed key delegates everything to IAM, so this holds for those too)."""
    return {"Version": "2012-10-17", "Statement": [{
        "Sid": "AllowDirectAccessToKeyMetadata", "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
        "Action": ["kms:Describe*", "kms:Get*", "kms:List*"], "Resource": "*"}]}


def simulate(policy: Mapping[str, Any], account: str, calls: Sequence[Call]) -> list[str]:
    """iam-simulate's verdict for each call: Allowed, ImplicitlyDenied, ExplicitlyDenied or `Error: why`."""
    principal = f"arn:aws:iam::{account}:role/dynamo-contracts"
    requests = [simulate_module.Request(principal, account, {"generated": policy}, str(c.action), c.resource,
                                        dict(c.context),
                                        aws_managed_key_policy(account) if c.service == "kms" else None)
                for c in calls]
    return [v.result if not v.errors else f"Error: {v.errors}" for v in simulate_module.simulate(requests)]


def not_allowed(policy: Mapping[str, Any], account: str, calls: Iterable[Call]) -> list[str]:
    """Each call the policy does not allow (or that is not in the catalogue), in words; [] when all are."""
    calls = list(calls)
    unknown = [f"{c.service}.{c.operation} on {c.resource}: not in provision/operations.py"
               for c in calls if c.action == UNCATALOGUED]
    judged = [c for c in calls if c.action not in (None, UNCATALOGUED)]
    verdicts = simulate(policy, account, judged) if judged else []
    return unknown + [f"{c.action} on {c.resource} ({c.service}.{c.operation}, context {dict(c.context)}): {v}"
                      for c, v in zip(judged, verdicts, strict=True) if v != "Allowed"]


def unused(policy: Mapping[str, Any], calls: Iterable[Call]) -> list[str]:
    """Each action, and each resource, of a statement that no recorded call needs."""
    calls = [c for c in calls if c.action not in (None, UNCATALOGUED)]
    found = []
    for statement in policy["Statement"]:
        actions, resources = statement["Action"], statement["Resource"]
        used = [c for c in calls if c.action in actions and any(matches(r, c.resource) for r in resources)]
        found += [f"{statement['Sid']}: {a} is granted, but no recorded call needs it"
                  for a in actions if not any(c.action == a for c in used)]
        found += [f"{statement['Sid']}: {r} is granted, but no recorded call touches it"
                  for r in resources if not any(matches(r, c.resource) for c in used)]
    return found
