"""Write tests/brief/plan.json: what `terraform show -json tfplan` prints for tests/brief/terraform/.

    python tests/brief/make_plan.py          # rewrites tests/brief/plan.json

No terraform binary can be installed here, so the plan is built in the format Terraform documents
(https://developer.hashicorp.com/terraform/internals/json-format, format_version 1.2 as Terraform
1.9 writes it) for the plan of that folder with `-var-file=sit.tfvars` in eu-west-1, on an empty
state (every resource `["create"]`), with the aws provider 5.x's attribute set of each resource:

- `planned_values` and `resource_changes[].change.after` hold the known values; what is known only
  after apply (`arn`, `id`, `stream_arn`, computed arguments left unset such as `read_capacity` or
  `ttl` on a table without a `ttl` block) is left out of them and marked `true` in `after_unknown`;
- `configuration` holds the unevaluated expressions: constants as `constant_value`, anything else
  as the `references` it makes; a `dynamic` block is not there at all (Terraform leaves it out);
- sets are written in a stable order (by name), map keys sorted, as Terraform's encoder does.

The tables come from tests/brief/contracts/terraform.yaml (the brief's deployed state), so the plan
and the golden tests cannot drift apart; the HCL in tests/brief/terraform/ says the same by hand
(`check_hcl` below compares the two). The builder (`table_resource`, `plan_document`, ...) is also
used by benchmarks/peer/make_plan.py for the project's own desired state.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from provision.desired.load import load_contracts  # noqa: E402
from provision.desired.model import (  # noqa: E402
    ALARM_COMPARISON,
    ALARM_STATISTIC,
    BackupPlan,
    BackupVault,
    BillingMode,
    EncryptionType,
    ProjectionType,
    TableSpec,
)
from provision.desired.stack import Alarm  # noqa: E402

HERE = Path(__file__).resolve().parent
TERRAFORM_VERSION = "1.9.8"
FORMAT_VERSION = "1.2"
PROVIDER = "registry.terraform.io/hashicorp/aws"
PROVIDER_CONSTRAINT = "~> 5.0"
TIMESTAMP = "2026-01-07T09:41:12Z"
BRIEF_ENV = "sit"
BRIEF_REGION = "eu-west-1"
BRIEF_TAGS = {"ManagedBy": "terraform", "Project": "bbws", "Stack": "dynamodb-schemas"}  # variables.tf default


class Unknown:
    """A value known only after apply: left out of `after`, `true` in `after_unknown`."""

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = Unknown()


# -- expressions of the configuration section -----------------------------------------------------

def const(value: Any) -> dict[str, Any]:
    return {"constant_value": value}


def refs(*references: str) -> dict[str, Any]:
    """An expression that is not a constant: the references Terraform lists for it.

    A reference to a resource attribute (`aws_dynamodb_table.orders.arn`) is listed with the resource
    itself after it, as Terraform does.
    """
    listed: list[str] = []
    for reference in references:
        listed.append(reference)
        parts = reference.split(".")
        if parts[0] not in ("var", "local", "module", "data", "each", "count", "path", "terraform") and len(parts) > 2:
            listed.append(".".join(parts[:2]))
    return {"references": listed}


# -- values of planned_values / resource_changes -------------------------------------------------

def known(value: Any) -> Any:
    """`value` without its unknowns: an unknown attribute is left out, an unknown list element is null."""
    if isinstance(value, Unknown):
        raise ValueError("an unknown value has no known part")
    if isinstance(value, Mapping):
        return {k: known(v) for k, v in sorted(value.items()) if not isinstance(v, Unknown)}
    if isinstance(value, list | tuple):
        return [None if isinstance(v, Unknown) else known(v) for v in value]
    return value


def unknown_marks(value: Any) -> Any:
    """Terraform's `after_unknown`: unknown leaves true, known leaves omitted (false inside lists)."""
    if isinstance(value, Unknown):
        return True
    if isinstance(value, Mapping):
        marks = {k: unknown_marks(v) for k, v in sorted(value.items())}
        return {k: v for k, v in marks.items() if v is not False}
    if isinstance(value, list | tuple):
        return [unknown_marks(v) for v in value]
    return False


def sensitive_marks(value: Any) -> Any:
    """Terraform's `sensitive_values` / `after_sensitive` of a value with nothing sensitive in it."""
    if isinstance(value, Unknown) or value is None:
        return False
    if isinstance(value, Mapping):
        marks = {k: sensitive_marks(v) for k, v in sorted(value.items())}
        return {k: v for k, v in marks.items() if v is not False}
    if isinstance(value, list | tuple):
        return [sensitive_marks(v) for v in value]
    return False


@dataclass
class Resource:
    """One managed resource of the root module, with its planned values and its configuration."""

    type: str
    name: str
    values: dict[str, Any]  # the provider's whole attribute set; UNKNOWN where known only after apply
    expressions: dict[str, Any]
    schema_version: int = 0
    depends_on: list[str] = field(default_factory=list)

    @property
    def address(self) -> str:
        return f"{self.type}.{self.name}"

    def planned(self) -> dict[str, Any]:
        return {
            "address": self.address,
            "mode": "managed",
            "type": self.type,
            "name": self.name,
            "provider_name": PROVIDER,
            "schema_version": self.schema_version,
            "values": known(self.values),
            "sensitive_values": sensitive_marks(self.values),
        }

    def change(self) -> dict[str, Any]:
        return {
            "address": self.address,
            "mode": "managed",
            "type": self.type,
            "name": self.name,
            "provider_name": PROVIDER,
            "change": {
                "actions": ["create"],
                "before": None,
                "after": known(self.values),
                "after_unknown": unknown_marks(self.values),
                "before_sensitive": False,
                "after_sensitive": sensitive_marks(self.values),
            },
        }

    def configuration(self) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "address": self.address,
            "mode": "managed",
            "type": self.type,
            "name": self.name,
            "provider_config_key": "aws",
            "expressions": dict(sorted(self.expressions.items())),
            "schema_version": self.schema_version,
        }
        if self.depends_on:
            entry["depends_on"] = self.depends_on
        return entry


# -- aws_dynamodb_table ---------------------------------------------------------------------------

@dataclass(frozen=True)
class TableStyle:
    """How the HCL writes a table, which only the configuration section shows."""

    name: dict[str, Any]  # the expression of `name`
    tags: dict[str, Any]  # the expression of `tags`
    dynamic_indexes: bool = False  # GSIs through a `dynamic "global_secondary_index"` block


def _projection(projection: Any) -> tuple[str, list[str] | None]:
    if projection.type is ProjectionType.INCLUDE:
        return projection.type.value, sorted(projection.attributes)
    return projection.type.value, None


def table_resource(address_name: str, physical: str, spec: TableSpec, tags: Mapping[str, str],
                   style: TableStyle) -> Resource:
    """The aws_dynamodb_table resource of `spec` under the name `physical`, as the aws provider 5.x plans it."""
    provisioned = spec.billing.mode is BillingMode.PROVISIONED and spec.billing.capacity is not None
    gsis = []
    for gsi in sorted(spec.global_indexes, key=lambda g: g.name):
        projection_type, non_key = _projection(gsi.projection)
        gsis.append({
            "hash_key": gsi.keys.partition.name,
            "name": gsi.name,
            "non_key_attributes": non_key,
            "on_demand_throughput": [],
            "projection_type": projection_type,
            "range_key": gsi.keys.sort.name if gsi.keys.sort else None,
            "read_capacity": gsi.capacity.read if gsi.capacity else None,
            "warm_throughput": UNKNOWN,
            "write_capacity": gsi.capacity.write if gsi.capacity else None,
        })
    lsis = []
    for lsi in sorted(spec.local_indexes, key=lambda i: i.name):
        projection_type, non_key = _projection(lsi.projection)
        lsis.append({"name": lsi.name, "non_key_attributes": non_key, "projection_type": projection_type,
                     "range_key": lsi.sort_key.name})
    if spec.encryption.type is EncryptionType.AWS_OWNED:
        sse: Any = [{"enabled": False, "kms_key_arn": UNKNOWN}]
    elif spec.encryption.kms_key:
        sse = [{"enabled": True, "kms_key_arn": spec.encryption.kms_key}]
    else:  # the AWS managed key, aws/dynamodb: its ARN is known after apply
        sse = [{"enabled": True, "kms_key_arn": UNKNOWN}]
    attributes = [{"name": n, "type": t.value} for n, t in sorted(spec.attribute_types().items())]
    values: dict[str, Any] = {
        "arn": UNKNOWN,
        "attribute": attributes,
        "billing_mode": spec.billing.mode.value,
        "deletion_protection_enabled": True if spec.deletion_protection else None,
        "global_secondary_index": gsis,
        "hash_key": spec.keys.partition.name,
        "id": UNKNOWN,
        "import_table": [],
        "local_secondary_index": lsis,
        "name": physical,
        "on_demand_throughput": [],
        "point_in_time_recovery": [{"enabled": True, "recovery_period_in_days": UNKNOWN}]
        if spec.point_in_time_recovery else [{"enabled": False, "recovery_period_in_days": UNKNOWN}],
        "range_key": spec.keys.sort.name if spec.keys.sort else None,
        "read_capacity": spec.billing.capacity.read if provisioned else UNKNOWN,  # type: ignore[union-attr]
        "replica": [],
        "restore_date_time": None,
        "restore_source_name": None,
        "restore_source_table_arn": None,
        "restore_to_latest_time": None,
        "server_side_encryption": sse,
        "stream_arn": UNKNOWN,
        "stream_enabled": spec.stream is not None,
        "stream_label": UNKNOWN,
        "stream_view_type": spec.stream.value if spec.stream else UNKNOWN,
        "table_class": spec.table_class.value,
        "tags": dict(sorted(tags.items())),
        "tags_all": dict(sorted(tags.items())),
        "timeouts": None,
        "ttl": [{"attribute_name": spec.ttl_attribute, "enabled": True}] if spec.ttl_attribute else UNKNOWN,
        "warm_throughput": UNKNOWN,
        "write_capacity": spec.billing.capacity.write if provisioned else UNKNOWN,  # type: ignore[union-attr]
    }

    expressions: dict[str, Any] = {
        "attribute": [{"name": const(n), "type": const(t.value)} for n, t in spec.attribute_types().items()],
        "billing_mode": const(spec.billing.mode.value),
        "hash_key": const(spec.keys.partition.name),
        "name": style.name,
        "point_in_time_recovery": [{"enabled": const(spec.point_in_time_recovery)}],
        "server_side_encryption": [{"enabled": const(spec.encryption.type is not EncryptionType.AWS_OWNED)}
                                   | ({"kms_key_arn": const(spec.encryption.kms_key)} if spec.encryption.kms_key
                                      else {})],
        "stream_enabled": const(spec.stream is not None),
        "tags": style.tags,
    }
    if spec.keys.sort:
        expressions["range_key"] = const(spec.keys.sort.name)
    if spec.stream:
        expressions["stream_view_type"] = const(spec.stream.value)
    if spec.deletion_protection:
        expressions["deletion_protection_enabled"] = const(True)
    if spec.table_class.value != "STANDARD":
        expressions["table_class"] = const(spec.table_class.value)
    if provisioned:
        expressions["read_capacity"] = const(spec.billing.capacity.read)  # type: ignore[union-attr]
        expressions["write_capacity"] = const(spec.billing.capacity.write)  # type: ignore[union-attr]
    if spec.ttl_attribute:
        expressions["ttl"] = [{"attribute_name": const(spec.ttl_attribute), "enabled": const(True)}]
    if spec.global_indexes and not style.dynamic_indexes:
        written = []
        for gsi in spec.global_indexes:  # in the order of the source
            projection_type, non_key = _projection(gsi.projection)
            block = {"hash_key": const(gsi.keys.partition.name), "name": const(gsi.name),
                     "projection_type": const(projection_type)}
            if gsi.keys.sort:
                block["range_key"] = const(gsi.keys.sort.name)
            if non_key:
                block["non_key_attributes"] = const(sorted(gsi.projection.attributes))
            written.append(dict(sorted(block.items())))
        expressions["global_secondary_index"] = written
    if spec.local_indexes:
        expressions["local_secondary_index"] = [
            dict(sorted({"name": const(i.name), "range_key": const(i.sort_key.name),
                         "projection_type": const(i.projection.type.value)}.items()))
            for i in spec.local_indexes]
    return Resource("aws_dynamodb_table", address_name, values, expressions, schema_version=1)


# -- AWS Backup -------------------------------------------------------------------------------------

def backup_vault_resource(address_name: str, vault: BackupVault, tags: Mapping[str, str]) -> Resource:
    values = {
        "arn": UNKNOWN,
        "force_destroy": False,
        "id": UNKNOWN,
        "kms_key_arn": vault.kms_key if vault.kms_key else UNKNOWN,
        "name": vault.name,
        "recovery_points": UNKNOWN,
        "tags": dict(sorted(tags.items())),
        "tags_all": dict(sorted(tags.items())),
        "timeouts": None,
    }
    expressions: dict[str, Any] = {"name": const(vault.name), "tags": const(dict(sorted(tags.items())))}
    if vault.kms_key:
        expressions["kms_key_arn"] = const(vault.kms_key)
    return Resource("aws_backup_vault", address_name, values, expressions)


def backup_plan_resource(address_name: str, plan: BackupPlan, vault_address: str,
                         tags: Mapping[str, str]) -> Resource:
    rule = plan.rule
    lifecycle = {"cold_storage_after": rule.cold_storage_after_days, "delete_after": rule.retention_days,
                 "opt_in_to_archive_for_supported_resources": False}
    values = {
        "advanced_backup_setting": [],
        "arn": UNKNOWN,
        "id": UNKNOWN,
        "name": plan.name,
        "rule": [{
            "completion_window": 10080,
            "copy_action": [],
            "enable_continuous_backup": False,
            "lifecycle": [lifecycle],
            "recovery_point_tags": None,
            "rule_name": rule.name,
            "schedule": rule.schedule,
            "schedule_expression_timezone": "Etc/UTC",
            "start_window": 60,
            "target_vault_name": rule.vault,
        }],
        "tags": dict(sorted(tags.items())),
        "tags_all": dict(sorted(tags.items())),
        "version": UNKNOWN,
    }
    written_lifecycle = {"delete_after": const(rule.retention_days)}
    if rule.cold_storage_after_days is not None:
        written_lifecycle["cold_storage_after"] = const(rule.cold_storage_after_days)
    expressions = {
        "name": const(plan.name),
        "rule": [{
            "lifecycle": [dict(sorted(written_lifecycle.items()))],
            "rule_name": const(rule.name),
            "schedule": const(rule.schedule),
            "target_vault_name": refs(f"{vault_address}.name"),
        }],
        "tags": const(dict(sorted(tags.items()))),
    }
    return Resource("aws_backup_plan", address_name, values, expressions)


def backup_selection_resource(address_name: str, name: str, plan_address: str, role_arn: str,
                              table_addresses: Sequence[str]) -> Resource:
    """A selection naming each table by `aws_dynamodb_table.X.arn`: the ARNs are unknown until apply."""
    values = {
        "condition": UNKNOWN,
        "iam_role_arn": role_arn,
        "id": UNKNOWN,
        "name": name,
        "not_resources": UNKNOWN,
        "plan_id": UNKNOWN,
        "resources": UNKNOWN,  # a set holding unknown ARNs is wholly unknown in the plan
        "selection_tag": [],
    }
    expressions = {
        "iam_role_arn": const(role_arn),
        "name": const(name),
        "plan_id": refs(f"{plan_address}.id"),
        "resources": refs(*(f"{address}.arn" for address in table_addresses)),
    }
    return Resource("aws_backup_selection", address_name, values, expressions)


def metric_alarm_resource(address_name: str, alarm: Alarm, table_address: str) -> Resource:
    """A CloudWatch alarm on one DynamoDB metric of a table, its TableName by `aws_dynamodb_table.X.name`."""
    rule = alarm.rule
    values = {
        "actions_enabled": True,
        "alarm_actions": sorted(alarm.actions),
        "alarm_description": None,
        "alarm_name": alarm.name,
        "arn": UNKNOWN,
        "comparison_operator": ALARM_COMPARISON,
        "datapoints_to_alarm": None,
        "dimensions": {"TableName": alarm.table},
        "evaluate_low_sample_count_percentiles": UNKNOWN,
        "evaluation_periods": rule.evaluation_periods,
        "extended_statistic": None,
        "id": UNKNOWN,
        "insufficient_data_actions": None,
        "metric_name": rule.kind.metric,
        "metric_query": [],
        "namespace": "AWS/DynamoDB",
        "ok_actions": None,
        "period": rule.period_seconds,
        "statistic": ALARM_STATISTIC,
        "tags": None,
        "tags_all": UNKNOWN,
        "threshold": rule.threshold,
        "threshold_metric_id": None,
        "treat_missing_data": "missing",
        "unit": None,
    }
    expressions = {
        "alarm_actions": const(sorted(alarm.actions)),
        "alarm_name": const(alarm.name),
        "comparison_operator": const(ALARM_COMPARISON),
        "dimensions": {"references": [f"{table_address}.name", table_address]},
        "evaluation_periods": const(rule.evaluation_periods),
        "metric_name": const(rule.kind.metric),
        "namespace": const("AWS/DynamoDB"),
        "period": const(rule.period_seconds),
        "statistic": const(ALARM_STATISTIC),
        "threshold": const(rule.threshold),
    }
    return Resource("aws_cloudwatch_metric_alarm", address_name, values, expressions)


# -- the document -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Variable:
    name: str
    value: Any
    description: str
    default: Any = None
    has_default: bool = False


@dataclass(frozen=True)
class Output:
    name: str
    description: str
    value: Any  # UNKNOWN, or the known value
    type: Any  # cty type in JSON, for a known value
    references: tuple[str, ...]


def plan_document(resources: Sequence[Resource], variables: Sequence[Variable], region_expression: dict[str, Any],
                  outputs: Sequence[Output] = ()) -> dict[str, Any]:
    ordered = sorted(resources, key=lambda r: r.address)
    planned_outputs = {}
    output_changes = {}
    configured_outputs = {}
    for output in sorted(outputs, key=lambda o: o.name):
        change: dict[str, Any] = {"actions": ["create"], "before": None}
        if isinstance(output.value, Unknown):
            planned_outputs[output.name] = {"sensitive": False}
        else:
            change["after"] = known(output.value)
            if unknown_marks(output.value) in ({}, [], False):  # wholly known
                planned_outputs[output.name] = {"sensitive": False, "type": output.type,
                                                "value": known(output.value)}
            else:
                planned_outputs[output.name] = {"sensitive": False}
        change |= {"after_unknown": unknown_marks(output.value), "before_sensitive": False,
                   "after_sensitive": False}
        output_changes[output.name] = change
        configured_outputs[output.name] = {"expression": refs(*output.references),
                                           "description": output.description}
    configured_variables = {}
    for variable in sorted(variables, key=lambda v: v.name):
        entry: dict[str, Any] = {}
        if variable.has_default:
            entry["default"] = variable.default
        entry["description"] = variable.description
        configured_variables[variable.name] = entry
    root_module: dict[str, Any] = {}
    if configured_outputs:
        root_module["outputs"] = configured_outputs
    root_module["resources"] = [r.configuration() for r in ordered]
    root_module["variables"] = configured_variables
    planned: dict[str, Any] = {}
    if planned_outputs:
        planned["outputs"] = planned_outputs
    planned["root_module"] = {"resources": [r.planned() for r in ordered]}
    document: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "terraform_version": TERRAFORM_VERSION,
        "variables": {v.name: {"value": v.value} for v in sorted(variables, key=lambda v: v.name)},
        "planned_values": planned,
        "resource_changes": [r.change() for r in ordered],
    }
    if output_changes:
        document["output_changes"] = output_changes
    document["configuration"] = {
        "provider_config": {
            "aws": {
                "name": "aws",
                "full_name": PROVIDER,
                "version_constraint": PROVIDER_CONSTRAINT,
                "expressions": {"region": region_expression},
            }
        },
        "root_module": root_module,
    }
    document["timestamp"] = TIMESTAMP
    document["applyable"] = True
    document["complete"] = True
    document["errored"] = False
    return document


def write_json(document: Mapping[str, Any], path: Path) -> None:
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


# -- the brief's plan -------------------------------------------------------------------------------

BRIEF_OUTPUTS = (("table_names", "Physical names of the tables, by logical name.", "name"),
                 ("table_arns", "ARNs of the tables, by logical name.", "arn"),
                 ("stream_arns", "Stream ARNs of the tables, for the Lambda event source mappings.", "stream_arn"))


def brief_plan() -> dict[str, Any]:
    desired = load_contracts(HERE / "contracts")
    common_tags = {**BRIEF_TAGS, "Environment": BRIEF_ENV}
    resources = []
    for spec in desired.tables:
        physical = f"{spec.name}-{BRIEF_ENV}"  # name = "<table>-${var.env}"
        style = TableStyle(name=refs("var.env"), tags=refs("local.common_tags", "var.env"),
                           dynamic_indexes=spec.name == "products")
        resources.append(table_resource(spec.name, physical, spec, {**common_tags, "Name": physical}, style))
    order = ("tenants", "products", "campaigns")  # as outputs.tf lists them
    outputs = []
    for name, description, attribute in BRIEF_OUTPUTS:
        references = tuple(f"aws_dynamodb_table.{t}.{attribute}" for t in order)
        value = {t: f"{t}-{BRIEF_ENV}" if attribute == "name" else UNKNOWN for t in sorted(order)}
        outputs.append(Output(name, description, value, ["object", {t: "string" for t in sorted(order)}],
                              references))
    variables = [
        Variable("env", BRIEF_ENV,
                 "Deployment environment: dev, sit or prod. Physical table names are <table>-<env>."),
        Variable("region", BRIEF_REGION, "AWS region of the stack.", BRIEF_REGION, has_default=True),
        Variable("tags", BRIEF_TAGS, "Tags applied to every table.", BRIEF_TAGS, has_default=True),
    ]
    return plan_document(resources, variables, refs("var.region"), outputs)


def check_hcl(plan: Mapping[str, Any]) -> list[str]:
    """What tests/brief/terraform/dynamodb.tf says differently from the plan: table names, keys, GSIs."""
    import hcl2  # type: ignore[import-untyped]

    with open(HERE / "terraform" / "dynamodb.tf", encoding="utf-8") as handle:
        parsed = hcl2.load(handle)
    text = json.dumps(parsed)
    problems = []
    for resource in plan["planned_values"]["root_module"]["resources"]:
        values = resource["values"]
        logical = values["name"].rsplit("-", 1)[0]
        wanted = [f'"\\"{logical}-${{var.env}}\\""', f'"\\"{values["hash_key"]}\\""']
        wanted += [gsi["name"] for gsi in values["global_secondary_index"]]
        wanted += [f'\\"{attribute["name"]}\\"' for attribute in values["attribute"]]
        problems += [f"{resource['address']}: {w} not in dynamodb.tf" for w in wanted if w not in text]
    return problems


def main() -> int:
    plan = brief_plan()
    problems = check_hcl(plan)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    write_json(plan, HERE / "plan.json")
    print(f"wrote {HERE / 'plan.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
