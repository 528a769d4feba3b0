"""Write benchmarks/peer/terraform/main.tf: the project's own desired state for sit, written as Terraform.

    python benchmarks/peer/make_terraform.py [--env sit]
    python tests/terraform/corpus/make_plans.py peer      # then: the plan real Terraform makes of it

The peer tool, terraform-compliance, reads only Terraform plans; to compare like with like it gets the plan
Terraform itself makes (benchmarks/peer/plan.json) of contracts/ written as Terraform: every table of
`resolve(load_contracts("contracts"), sit)` (physical names, keys, GSIs, LSIs, projections, billing,
stream, encryption, PITR, TTL, deletion protection, class, tags), the backup vault and plan, and one
backup selection naming every table it covers by `aws_dynamodb_table.X.arn`. Rerun both after changing
contracts/ (tests/test_terraform_sources.py checks every contract still holds on that plan).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from provision.desired.load import load_contracts  # noqa: E402
from provision.desired.model import BillingMode, EncryptionType, ProjectionType, TableSpec  # noqa: E402
from provision.desired.stack import resolve  # noqa: E402

OUT = HERE / "terraform" / "main.tf"
BACKUP_TAGS = {"ManagedBy": "dynamo-contracts"}


def address_name(name: str) -> str:
    """A Terraform resource name for a logical name: `bbws-dynamodb-daily` -> `bbws_dynamodb_daily`."""
    return name.replace("-", "_")


def _value(value: Any) -> str:
    """An HCL literal (JSON's strings, numbers, booleans and lists are HCL's)."""
    if isinstance(value, Mapping):
        return "{\n" + "".join(f"    {json.dumps(k)} = {_value(v)}\n" for k, v in value.items()) + "  }"
    return json.dumps(value)


def _block(kind: str, lines: list[str], indent: str = "  ") -> list[str]:
    return [f"{indent}{kind} {{", *(f"{indent}  {line}" for line in lines), f"{indent}}}"]


def _projection(index: Any) -> list[str]:
    lines = [f"projection_type = {_value(index.projection.type.value)}"]
    if index.projection.type is ProjectionType.INCLUDE:
        lines.append(f"non_key_attributes = {_value(sorted(index.projection.attributes))}")
    return lines


def table(physical: str, spec: TableSpec) -> str:
    """The aws_dynamodb_table of one table spec."""
    lines = [f"name         = {_value(physical)}", f"billing_mode = {_value(spec.billing.mode.value)}",
             f"hash_key     = {_value(spec.keys.partition.name)}"]
    if spec.keys.sort:
        lines.append(f"range_key    = {_value(spec.keys.sort.name)}")
    if spec.billing.mode is BillingMode.PROVISIONED and spec.billing.capacity:
        lines += [f"read_capacity  = {spec.billing.capacity.read}", f"write_capacity = {spec.billing.capacity.write}"]
    body = [f"  {line}" for line in lines]
    for name, kind in sorted(spec.attribute_types().items()):
        body += _block("attribute", [f"name = {_value(name)}", f"type = {_value(kind.value)}"])
    for gsi in spec.global_indexes:
        keys = [f"name     = {_value(gsi.name)}", f"hash_key = {_value(gsi.keys.partition.name)}"]
        keys += [f"range_key = {_value(gsi.keys.sort.name)}"] if gsi.keys.sort else []
        keys += [f"read_capacity  = {gsi.capacity.read}", f"write_capacity = {gsi.capacity.write}"] \
            if gsi.capacity else []
        body += _block("global_secondary_index", keys + _projection(gsi))
    for lsi in spec.local_indexes:
        body += _block("local_secondary_index", [f"name      = {_value(lsi.name)}",
                                                 f"range_key = {_value(lsi.sort_key.name)}", *_projection(lsi)])
    if spec.stream is not None:
        body += ["  stream_enabled   = true", f"  stream_view_type = {_value(spec.stream.value)}"]
    if spec.encryption.type is not EncryptionType.AWS_OWNED:
        key = [f"kms_key_arn = {_value(spec.encryption.kms_key)}"] if spec.encryption.kms_key else []
        body += _block("server_side_encryption", ["enabled = true", *key])
    body += _block("point_in_time_recovery", [f"enabled = {_value(spec.point_in_time_recovery)}"])
    if spec.ttl_attribute:
        body += _block("ttl", [f"attribute_name = {_value(spec.ttl_attribute)}", "enabled        = true"])
    if spec.deletion_protection:
        body.append("  deletion_protection_enabled = true")
    if spec.table_class.value != "STANDARD":
        body.append(f"  table_class = {_value(spec.table_class.value)}")
    body.append(f"  tags = {_value(dict(sorted(spec.tags.items())))}")
    return "\n".join([f'resource "aws_dynamodb_table" "{address_name(spec.name)}" {{', *body, "}"])


def terraform(env_name: str = "sit", contracts: Path = ROOT / "contracts") -> str:
    """The whole stack of `env_name` as one Terraform file."""
    desired = load_contracts(contracts)
    env = desired.environment(env_name)
    stack = resolve(desired, env)
    parts = [f"# Written by benchmarks/peer/make_terraform.py from contracts/ ({env_name}): do not edit by hand.",
             'terraform {\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n'
             '      version = ">= 5.0"\n    }\n  }\n}',
             f'provider "aws" {{\n  region = {_value(env.region)}\n}}']
    addresses = {}
    for physical, spec in sorted(stack.tables.items()):
        parts.append(table(physical, spec))
        addresses[physical] = f"aws_dynamodb_table.{address_name(spec.name)}"
    vaults = {}
    for logical in desired.vaults:
        vault = stack.vaults[env.backup_name(logical.name)]
        key = [f"  kms_key_arn = {_value(vault.kms_key)}"] if vault.kms_key else []
        parts.append("\n".join([f'resource "aws_backup_vault" "{address_name(logical.name)}" {{',
                                f"  name = {_value(vault.name)}", *key, f"  tags = {_value(BACKUP_TAGS)}", "}"]))
        vaults[vault.name] = f"aws_backup_vault.{address_name(logical.name)}"
    role = env.backup_role_arn or f"arn:aws:iam::{env.account_id}:role/service-role/AWSBackupDefaultServiceRole"
    for logical in desired.plans:
        plan, name = stack.plans[env.backup_name(logical.name)], address_name(logical.name)
        rule = plan.rule
        lifecycle = [f"delete_after = {rule.retention_days}"]
        lifecycle += [f"cold_storage_after = {rule.cold_storage_after_days}"] \
            if rule.cold_storage_after_days is not None else []
        rule_lines = [f"rule_name         = {_value(rule.name)}", f"target_vault_name = {vaults[rule.vault]}.name",
                      f"schedule          = {_value(rule.schedule)}", *_block("lifecycle", lifecycle, "")]
        parts.append("\n".join([f'resource "aws_backup_plan" "{name}" {{', f"  name = {_value(plan.name)}",
                                *_block("rule", rule_lines), f"  tags = {_value(BACKUP_TAGS)}", "}"]))
        covered = ", ".join(f"{addresses[t]}.arn" for t in plan.covers.tables)
        parts.append("\n".join([f'resource "aws_backup_selection" "{name}" {{',
                                f"  name         = {_value(plan.selection_name)}",
                                f"  plan_id      = aws_backup_plan.{name}.id",
                                f"  iam_role_arn = {_value(role)}", f"  resources    = [{covered}]", "}"]))
    return "\n\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--env", default="sit")
    args = parser.parse_args(argv)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(terraform(args.env), encoding="utf-8")
    if shutil.which("terraform"):  # aligned as `terraform fmt` aligns it
        subprocess.run(["terraform", "fmt", str(OUT)], check=True, capture_output=True)
    print(f"wrote {OUT.relative_to(ROOT)}; now run: python tests/terraform/corpus/make_plans.py peer")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
