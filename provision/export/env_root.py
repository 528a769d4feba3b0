"""The Terraform root of one environment: its provider, the stack module with the environment's values, and
the Lambda roles' policies.

Everything here comes from `resolve(desired, env)`, the one place name patterns and overrides are applied, so
the root says what the provisioner would build in that environment: the same names, settings and selections.
A root per environment (rather than one root and a tfvars per environment) because each environment is its
own AWS account with its own state: a plan for sit can never be applied to prod by a wrong `-var-file`, and
the promotion workflow plans and applies one folder per environment.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..desired.model import DEFAULT_ACCOUNT, DEFAULT_BACKUP_ROLE, DesiredState, Environment
from ..desired.stack import resolve
from .hcl import Attr, Blank, Block, Call, Comment, Expr, Item, identifier
from .stack_module import PROVIDER_CONSTRAINT, overridden

MAIN = "main.tf"
VERSIONS = "versions.tf"
LAMBDA_ROLES = "lambda_roles.tf"
MODULE_NAME = "dynamodb_stack"
TERRAFORM_CONSTRAINT = ">= 1.5.0"


def files(desired: DesiredState, env: Environment, module_source: str,
          policies: Mapping[str, Mapping[str, Any]]) -> dict[str, list[Item]]:
    """The root's files, by name; `policies` are the generated policy documents of the consumers' roles."""
    found: dict[str, list[Item]] = {VERSIONS: _versions(), MAIN: _main(desired, env, module_source)}
    roles = _lambda_roles(env, policies)
    if roles:
        found[LAMBDA_ROLES] = roles
    return found


def _versions() -> list[Item]:
    providers = Block("required_providers", (), (Attr("aws", {"source": "hashicorp/aws",
                                                              "version": PROVIDER_CONSTRAINT}),))
    return [Block("terraform", (), (Attr("required_version", TERRAFORM_CONSTRAINT), Blank(), providers))]


def _main(desired: DesiredState, env: Environment, module_source: str) -> list[Item]:
    stack = resolve(desired, env)
    provider: list[Item] = [Attr("region", env.region)]
    if env.account_id:
        provider.append(Attr("allowed_account_ids", [env.account_id]))
    selections = {}
    for plan in desired.plans:
        resolved = stack.plans[env.backup_name(plan.name)]
        resources = tuple(env.table_arn(table) for table in resolved.covers.tables)
        selections[plan.name] = resolved.selection_name_for(resources)
    overrides: dict[str, Any] = {}
    for name in ("deletion_protection", "point_in_time_recovery"):
        if getattr(env.overrides, name) is not None:
            overrides[name] = getattr(env.overrides, name)
    if env.overrides.table_class is not None:
        overrides["table_class"] = env.overrides.table_class.value
    if env.overrides.tags:
        overrides["tags"] = dict(sorted(env.overrides.tags.items()))
    with_overrides = [Attr("overrides", overrides)] if overridden(desired) else []
    # An AWS environment always names its account (the loader requires it); moto's is moto's default account.
    role = env.backup_role or f"arn:aws:iam::{DEFAULT_ACCOUNT}:{DEFAULT_BACKUP_ROLE}"
    call: list[Item] = [
        Attr("source", module_source), Blank(), Attr("environment", env.name),
        Attr("table_names", {t.name: env.table_name(t.name) for t in desired.tables}),
        Attr("backup_names", {x.name: env.backup_name(x.name) for x in (*desired.vaults, *desired.plans)}),
        Attr("selection_names", selections),
        *with_overrides,
        Attr("backup_role_arn", role),
        Attr("alarm_actions", list(env.alarm_actions))]
    outputs = [Block("output", (name,), (Attr("value", Expr(f"module.{MODULE_NAME}.{name}")),))
               for name in ("table_arns", "table_names")]
    return [Block("provider", ("aws",), tuple(provider)), Block("module", (MODULE_NAME,), tuple(call)), *outputs]


def _lambda_roles(env: Environment, policies: Mapping[str, Mapping[str, Any]]) -> list[Item]:
    """Each consumer's generated policy, attached to the role its Lambda runs as here."""
    items: list[Item] = []
    for consumer, document in sorted(policies.items()):
        role = env.lambda_role(consumer)
        if role is None:
            continue
        name = identifier(consumer)
        role_name = role.role_arn.rsplit("/", 1)[-1]
        items += [
            Comment(f"{consumer}: exactly the calls its access patterns make (python -m steps.iam_consumer "
                    f"--env {env.name} --role consumer:{consumer})"),
            Block("resource", ("aws_iam_policy", name), (
                Attr("name", f"{consumer}-{env.name}-dynamodb"),
                Attr("description", f"dynamo-contracts: the DynamoDB calls of {consumer}'s access patterns"),
                Attr("policy", Call("jsonencode", (document,))))),
            Block("resource", ("aws_iam_role_policy_attachment", name), (
                Attr("role", role_name), Attr("policy_arn", Expr(f"aws_iam_policy.{name}.arn"))))]
    return items

