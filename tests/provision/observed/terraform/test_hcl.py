"""The HCL reader: Terraform folders under tests/terraform/hcl/ read into plan-shaped resources, without Terraform:
what it resolves (variables, var files, locals, for_each and count, expressions) and what stays unknown."""

from __future__ import annotations

from pathlib import Path

from dynamo_contracts.provision.observed.terraform.hcl import read_folder
from dynamo_contracts.provision.observed.terraform.records import Reference, Unknown
from tests.provision.observed.terraform.hcl_cases import CASES, VAR_HINT, read, resource, write

PLAN_HINT = "check a plan instead (--against plan:FILE)"


# -- what is resolved --------------------------------------------------------------------------------------------


def test_dynamic_gsi_blocks_over_a_variable_default_with_optional_attributes() -> None:
    config = read("dynamic_gsi")
    assert (config.source, config.origin) == ("terraform", str(CASES / "dynamic_gsi"))
    orders = resource(config, "aws_dynamodb_table.orders")
    assert orders.type == "aws_dynamodb_table"
    assert orders.where == "tests/terraform/hcl/dynamic_gsi/main.tf:1"
    assert orders.values["name"] == "dev-orders"
    assert orders.values["global_secondary_index"] == [
        {
            "name": "OrdersByUser",
            "hash_key": "userId",
            "range_key": "createdAt",
            "projection_type": "ALL",
            "non_key_attributes": [],
        },
        {
            "name": "OrdersByStatus",
            "hash_key": "status",
            "range_key": None,
            "projection_type": "INCLUDE",
            "non_key_attributes": ["total"],
        },
    ]
    # `iterator = attr` over a map: in key order, as Terraform iterates a map
    assert orders.values["attribute"] == [
        {"name": "createdAt", "type": "N"},
        {"name": "id", "type": "S"},
        {"name": "status", "type": "S"},
        {"name": "userId", "type": "S"},
    ]
    assert orders.values["point_in_time_recovery"] == [{"enabled": True}]
    assert orders.values["tags"] == {"Environment": "dev"}
    assert config.unresolved == ()


def test_a_template_name_takes_env_from_terraform_tfvars() -> None:
    orders = resource(read("template_name"), "aws_dynamodb_table.orders")
    assert orders.values["name"] == "sit-orders"
    assert orders.values["tags"] == {"Name": "sit-orders", "Template": "${not_interpolated}"}  # $${x} is literal
    assert (orders.values["read_capacity"], orders.values["billing_mode"]) == (5, "PROVISIONED")
    assert orders.where == "tests/terraform/hcl/template_name/main.tf:14"


def test_a_var_file_wins_over_terraform_tfvars_and_the_last_var_file_wins() -> None:
    assert resource(read("template_name", "envs/prod.tfvars"), "aws_dynamodb_table.orders").values["name"] == (
        "prod-orders"
    )
    both = read("template_name", "envs/dr.tfvars", "envs/prod.tfvars")
    assert resource(both, "aws_dynamodb_table.orders").values["name"] == "prod-orders-replica"


def test_auto_tfvars_are_read_after_terraform_tfvars(tmp_path: Path) -> None:
    folder = write(
        tmp_path,
        {
            "main.tf": 'variable "env" {}\nresource "aws_dynamodb_table" "t" {\n  name = "${var.env}-t"\n}\n',
            "terraform.tfvars": 'env = "a"\n',
            "b.auto.tfvars": 'env = "b"\n',
            "c.auto.tfvars.json": '{"env": "c"}',
        },
    )
    assert resource(read_folder(folder), "aws_dynamodb_table.t").values["name"] == "c-t"


def test_a_variable_without_default_or_value_is_unknown_naming_it() -> None:
    orders = resource(read("bad_var_file"), "aws_dynamodb_table.orders")
    name = orders.values["name"]
    assert isinstance(name, Unknown)
    assert "var.env (tests/terraform/hcl/bad_var_file/main.tf:1) has no default" in name.reason
    assert name.reason.endswith(VAR_HINT)


def test_locals_over_variables_and_other_locals_with_functions_and_conditionals() -> None:
    campaigns = resource(read("locals"), "aws_dynamodb_table.campaigns")
    assert campaigns.values == {
        "name": "bbws-sit-campaigns",
        "billing_mode": "PAY_PER_REQUEST",
        "hash_key": "campaignId",
        "deletion_protection_enabled": False,
        "stream_enabled": True,
        "stream_view_type": "NEW_AND_OLD_IMAGES",
        "tags": {"CostCentre": "1234", "Environment": "sit", "ManagedBy": "terraform", "Table": "bbws-sit-campaigns"},
        "attribute": [{"name": "campaignId", "type": "S"}],
        "ttl": [{"attribute_name": "expiresAt", "enabled": True}],
    }


def test_for_each_over_a_map_variable_and_count_give_one_resource_per_instance() -> None:
    config = read("for_each_tables")
    this = resource(config, 'aws_dynamodb_table.this["users"]')
    assert this.values["name"] == "dev-users"
    assert (this.values["hash_key"], this.values["range_key"]) == ("userId", "email")
    assert this.values["tags"] == {"Table": "users"}
    assert this.values["attribute"] == [{"name": "userId", "type": "S"}, {"name": "email", "type": "S"}]
    assert resource(config, 'aws_dynamodb_table.this["orders"]').values["range_key"] is None
    assert resource(config, "aws_dynamodb_table.shard[1]").values["name"] == "dev-shard-1"
    assert resource(config, "aws_dynamodb_table.shard[0]").where == "tests/terraform/hcl/for_each_tables/main.tf:22"
    assert resource(config, "aws_backup_selection.shards").values["resources"] == [
        Reference("aws_dynamodb_table.shard[0]", "arn"),
        Reference("aws_dynamodb_table.shard[1]", "arn"),
    ]


def test_for_each_over_an_unknown_value_is_unresolved_and_a_dynamic_block_over_one_is_unknown() -> None:
    config = read("for_each_tables")
    assert not [r for r in config.resources if r.address.startswith("aws_dynamodb_table.audit")]
    (audit,) = config.unresolved
    assert audit.construct == "aws_dynamodb_table.audit (for_each over var.audit_tables)"
    assert audit.where == "tests/terraform/hcl/for_each_tables/main.tf:35"
    assert audit.types == ("table",)
    assert audit.names == ("dev-audit-*",)  # its name but for each.key: it cannot be dev-orders, say
    assert "var.audit_tables (tests/terraform/hcl/for_each_tables/variables.tf:18)" in audit.reason
    replica = resource(config, "aws_dynamodb_table.global").values["replica"]
    assert isinstance(replica, Unknown)
    assert replica.reason.startswith('the dynamic "replica" blocks at tests/terraform/hcl/for_each_tables/main.tf:46')
    assert "var.replicas" in replica.reason


def test_a_registry_module_not_installed_is_unresolved_and_commented_out_modules_are_not_modules() -> None:
    config = read("module_call")
    (module,) = config.unresolved
    assert module.construct == 'module "orders_table"'
    assert module.where == "tests/terraform/hcl/module_call/main.tf:1"
    assert module.reason == (
        'module "orders_table" (terraform-aws-modules/dynamodb-table/aws) is not installed here: run `terraform init` '
        "in tests/terraform/hcl/module_call (it puts the module under .terraform/modules), or check a plan instead "
        "(--against plan:FILE); that module defines one table, named by its name (orders)")
    assert (module.types, module.names) == (("table",), ("orders",))
    users = resource(config, "aws_dynamodb_table.users")
    output = users.values["tags"]["OrdersTable"]
    assert isinstance(output, Unknown)
    assert "module.orders_table, used at tests/terraform/hcl/module_call/main.tf:34" in output.reason
    assert [r.address for r in config.resources] == ["aws_dynamodb_table.users"]


def test_data_sources_and_functions_not_evaluated_are_unknown_with_file_and_line() -> None:
    payments = resource(read("data_source"), "aws_dynamodb_table.payments")
    name = payments.values["name"]
    assert isinstance(name, Unknown)
    assert name.reason == (
        "data.aws_caller_identity.current (declared at tests/terraform/hcl/data_source/main.tf:1), used at "
        f"tests/terraform/hcl/data_source/main.tf:8, is read by Terraform only: {PLAN_HINT}"
    )
    assert payments.name_pattern == "payments-*"  # the template but for the data source's part
    key = payments.values["server_side_encryption"][0]["kms_key_arn"]
    assert isinstance(key, Unknown)
    assert "data.aws_kms_key.dynamodb" in key.reason
    assert payments.values["server_side_encryption"][0]["enabled"] is True
    owner = payments.values["tags"]["Owner"]
    assert owner == Unknown(
        f"function jsonencode() at tests/terraform/hcl/data_source/main.tf:22 is not evaluated here: {PLAN_HINT}"
    )
    assert payments.values["table_class"] == "STANDARD"  # coalesce(null, "STANDARD")


def test_backup_references_resolve_known_names_and_keep_attributes_after_apply() -> None:
    config = read("backups")
    assert resource(config, "aws_backup_vault.main").values == {
        "name": "bbws-dynamodb-vault",
        "tags": {"Purpose": "dynamodb"},
    }
    plan = resource(config, "aws_backup_plan.daily")
    assert plan.values["rule"] == [
        {
            "rule_name": "daily",
            "target_vault_name": "bbws-dynamodb-vault",
            "schedule": "cron(0 3 * * ? *)",
            "lifecycle": [{"delete_after": 35}],
        }
    ]
    assert plan.where == "tests/terraform/hcl/backups/backup.tf:13"
    orders = resource(config, "aws_backup_selection.orders")
    assert orders.values["resources"] == [Reference("aws_dynamodb_table.orders", "arn")]
    assert orders.values["plan_id"] == Reference("aws_backup_plan.daily", "id")
    tagged = resource(config, "aws_backup_selection.tagged")
    assert tagged.values["selection_tag"] == [{"type": "STRINGEQUALS", "key": "Backup", "value": "daily"}]
    assert "resources" not in tagged.values


def test_a_gsi_resource_names_its_table_by_reference_to_a_known_name() -> None:
    gsi = resource(read("gsi_resource"), "aws_dynamodb_global_secondary_index.by_user")
    assert gsi.values == {
        "table_name": "orders",
        "index_name": "OrdersByUser",
        "projection": [{"projection_type": "ALL"}],
        "key_schema": [{"attribute_name": "userId", "attribute_type": "S", "key_type": "HASH"}],
    }


def test_two_tables_sharing_a_name_in_code_keep_their_own_addresses() -> None:
    config = read("same_name")
    assert [(r.address, r.values["name"], r.where) for r in config.resources] == [
        ("aws_dynamodb_table.orders_prod", "orders", "tests/terraform/hcl/same_name/prod.tf:1"),
        ("aws_dynamodb_table.orders_sit", "orders", "tests/terraform/hcl/same_name/sit.tf:1"),
    ]


def test_expressions_over_known_values(tmp_path: Path) -> None:
    folder = write(
        tmp_path,
        {
            "main.tf": """
variable "names" { default = ["a", "b", "b"] }
variable "n" { default = "3" }
locals {
  m = { for i, n in distinct(var.names) : n => i + 1 }
  g = { for n in var.names : n => n... }
}
resource "aws_dynamodb_table" "t" {
  name           = join("-", concat(keys(local.m), [tostring(var.n * 2)]))
  read_capacity  = var.n / 2 * 2
  write_capacity = length(local.g["b"]) > 1 && !false ? 10 : 1
  hash_key       = try(local.m.missing, lookup(local.m, "x", "pk"))
  range_key      = can(local.m.a) ? "sk" : null
  stream_view_type = <<-EOT
    KEYS_ONLY
  EOT
  tags = { (var.n) = "three", "quoted key" = element(var.names, 4), lower = lower("ABC") }
}
"""
        },
    )
    values = resource(read_folder(folder), "aws_dynamodb_table.t").values
    assert values["name"] == "a-b-6"
    assert (values["read_capacity"], values["write_capacity"]) == (3, 10)
    assert (values["hash_key"], values["range_key"]) == ("pk", "sk")
    assert values["stream_view_type"] == "KEYS_ONLY\n"
    assert values["tags"] == {"3": "three", "quoted key": "b", "lower": "abc"}


def test_conditionals_and_references_on_unknowns_stay_unknown(tmp_path: Path) -> None:
    folder = write(
        tmp_path,
        {
            "main.tf": """
variable "prod" { type = bool }
resource "aws_kms_key" "k" {}
resource "aws_dynamodb_table" "t" {
  name         = "t"
  billing_mode = var.prod ? "PROVISIONED" : "PAY_PER_REQUEST"
  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.k.arn
  }
  tags = { Stream = "${aws_dynamodb_table.u.stream_arn}/x", Workspace = terraform.workspace }
}
resource "aws_dynamodb_table" "u" { name = "u" }
"""
        },
    )
    values = resource(read_folder(folder), "aws_dynamodb_table.t").values
    billing = values["billing_mode"]
    assert isinstance(billing, Unknown)
    assert billing.reason.startswith('the condition of `var.prod ? "PROVISIONED" : "PAY_PER_REQUEST"` at ')
    assert "main.tf:6" in billing.reason
    assert "var.prod" in billing.reason
    assert values["server_side_encryption"][0]["kms_key_arn"] == Reference("aws_kms_key.k", "arn")
    stream = values["tags"]["Stream"]
    assert isinstance(stream, Unknown)
    assert "aws_dynamodb_table.u.stream_arn" in stream.reason
    assert isinstance(values["tags"]["Workspace"], Unknown)
    assert [r.address for r in read_folder(folder).resources] == ["aws_dynamodb_table.t", "aws_dynamodb_table.u"]


def test_an_empty_tf_file_and_an_undeclared_tfvars_value(tmp_path: Path) -> None:
    folder = write(tmp_path, {"empty.tf": "", "versions.tf": "terraform {}\n", "terraform.tfvars": "other = 1\n"})
    config = read_folder(folder)
    assert config.resources == ()
    assert config.unresolved == ()
    assert len(config.notes) == 1
    assert "var.other" in config.notes[0]
