"""Write benchmarks/peer/plan.json: a Terraform plan of the project's own desired state for sit.

    python benchmarks/peer/make_plan.py [--env sit] [--out benchmarks/peer/plan.json]

The peer tool, terraform-compliance, reads only Terraform plans; to compare like with like it gets
the plan `terraform show -json` would print for contracts/ written as Terraform: every table of
`resolve(load_contracts("contracts"), sit)` (physical names, keys, GSIs, projections, billing, stream,
encryption, PITR, TTL, deletion protection, tags), the backup vault and plan, one backup
selection naming every table it covers by `aws_dynamodb_table.X.arn` (unknown until apply, so only
the configuration's references say which tables it holds), and each table's CloudWatch alarms. Rerun
it after changing contracts/; the format is built by tests/brief/make_plan.py, which also writes the
brief's plan.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from provision.desired.load import load_contracts  # noqa: E402
from provision.desired.stack import resolve  # noqa: E402


def _builder() -> Any:
    spec = importlib.util.spec_from_file_location("brief_make_plan", ROOT / "tests" / "brief" / "make_plan.py")
    if spec is None or spec.loader is None:
        raise ImportError("tests/brief/make_plan.py cannot be loaded")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def address_name(name: str) -> str:
    """A Terraform resource name for a logical name: `bbws-dynamodb-daily` -> `bbws_dynamodb_daily`."""
    return name.replace("-", "_")


def desired_plan(env_name: str = "sit", contracts: Path = ROOT / "contracts") -> dict[str, Any]:
    tf = _builder()
    desired = load_contracts(contracts)
    env = desired.environment(env_name)
    stack = resolve(desired, env)
    resources = []
    table_address = {}
    for physical, spec in sorted(stack.tables.items()):
        style = tf.TableStyle(name=tf.const(physical), tags=tf.const(dict(sorted(spec.tags.items()))))
        resource = tf.table_resource(address_name(spec.name), physical, spec, spec.tags, style)
        resources.append(resource)
        table_address[physical] = resource.address
    backup_tags = {"ManagedBy": "dynamo-contracts"}
    vault_address = {}
    for logical in desired.vaults:
        vault = stack.vaults[env.backup_name(logical.name)]
        resource = tf.backup_vault_resource(address_name(logical.name), vault, backup_tags)
        resources.append(resource)
        vault_address[vault.name] = resource.address
    role = env.backup_role_arn or f"arn:aws:iam::{env.account_id}:role/service-role/AWSBackupDefaultServiceRole"
    for logical in desired.plans:
        plan = stack.plans[env.backup_name(logical.name)]
        resource = tf.backup_plan_resource(address_name(logical.name), plan, vault_address[plan.rule.vault],
                                           backup_tags)
        resources.append(resource)
        covered = [table_address[t] for t in plan.covers.tables]
        resources.append(tf.backup_selection_resource(address_name(logical.name), plan.selection_name,
                                                      resource.address, role, covered))
    for name, alarm in sorted(stack.alarms.items()):
        resources.append(tf.metric_alarm_resource(address_name(name), alarm, table_address[alarm.table]))
    variables = [tf.Variable("region", env.region, "AWS region of the stack.", env.region, has_default=True)]
    return tf.plan_document(resources, variables, tf.refs("var.region"))  # type: ignore[no-any-return]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--env", default="sit")
    parser.add_argument("--out", type=Path, default=HERE / "plan.json")
    args = parser.parse_args(argv)
    _builder().write_json(desired_plan(args.env), args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
