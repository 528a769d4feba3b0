"""The HCL reader: Terraform folders under tests/terraform/hcl/ read into plan-shaped resources, without Terraform."""

from __future__ import annotations

from pathlib import Path

import pytest

from dynamo_contracts.provision.observed.terraform.hcl import read_folder
from dynamo_contracts.provision.observed.terraform.records import (
    Configuration,
    Reference,
    Resource,
    TerraformError,
    Unknown,
)
from tests.support.paths import TERRAFORM

CASES = TERRAFORM / "hcl"
PLAN_HINT = "check a plan instead (--against plan:FILE)"
VAR_HINT = "give its value with --tf-var-file FILE"


def read(case: str, *var_files: str) -> Configuration:
    return read_folder(CASES / case, [CASES / case / f for f in var_files])


def resource(config: Configuration, address: str) -> Resource:
    found = {r.address: r for r in config.resources}
    assert address in found, f"{address} not in {sorted(found)}"
    return found[address]


def write(folder: Path, files: dict[str, str | bytes]) -> Path:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text)
    return folder


def error_of(folder: Path, var_files: tuple[Path, ...] = ()) -> str:
    with pytest.raises(TerraformError) as caught:
        read_folder(folder, var_files)
    return str(caught.value)


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


# -- bad input ---------------------------------------------------------------------------------------------------


def test_a_tf_file_that_does_not_parse_names_the_line() -> None:
    message = error_of(CASES / "bad_syntax")
    assert message.startswith("tests/terraform/hcl/bad_syntax/main.tf:9: not valid HCL")
    assert "billing_mode = = " in message


def test_an_argument_written_as_a_block_and_the_reverse() -> None:
    assert error_of(CASES / "bad_shape") == (
        "tests/terraform/hcl/bad_shape/main.tf:10: tags is an argument of aws_dynamodb_table, not a block: "
        "write `tags = ...` instead of `tags { ... }`"
    )


def test_a_block_written_as_an_argument(tmp_path: Path) -> None:
    folder = write(tmp_path, {"main.tf": 'resource "aws_dynamodb_table" "t" {\n  attribute = [{ name = "id" }]\n}\n'})
    assert error_of(folder).endswith(
        "main.tf:2: attribute is a block of aws_dynamodb_table, not an argument: "
        "write one `attribute { ... }` block each instead of `attribute = ...`"
    )


def test_a_var_file_that_does_not_parse_or_is_missing() -> None:
    broken = CASES / "bad_var_file" / "broken.tfvars"
    assert error_of(CASES / "bad_var_file", (broken,)).startswith(
        "tests/terraform/hcl/bad_var_file/broken.tfvars:1: not valid HCL"
    )
    missing = CASES / "bad_var_file" / "nope.tfvars"
    assert error_of(CASES / "bad_var_file", (missing,)) == (
        "tests/terraform/hcl/bad_var_file/nope.tfvars: no such file: give an existing file"
    )


def test_a_folder_that_does_not_exist_or_holds_no_tf_file(tmp_path: Path) -> None:
    """Only what Terraform reads counts: not a subfolder's files, hidden or editor files, backups."""
    assert "does not exist: give the folder" in error_of(tmp_path / "nowhere")
    broken = 'resource "aws_dynamodb_table" "t" {\n'  # read, it would be a syntax error
    write(tmp_path, {"README.md": "# infra\n", "sub/main.tf": "terraform {}\n", ".terraform/modules/x/main.tf": broken,
                     ".main.tf": broken, "main.tf~": broken, "#main.tf#": broken, "main.tf.bak": broken,
                     "main.tf.json.orig": broken, "plan.tftest.hcl": broken})
    (tmp_path / "tables.tf").mkdir()  # a folder named like a file is not a file
    assert error_of(tmp_path).endswith("holds no .tf or .tf.json file: give the folder of the Terraform root module")
    assert "is not a folder" in error_of(tmp_path / "README.md")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('resource "aws_dynamodb_table" {\n}\n', "main.tf:1: a resource block takes 2 label(s), not 1"),
        ("resource {\n}\n", "main.tf:1: a resource block takes 2 label(s), not 0"),
        ('name = "orders"\n', "main.tf:1: an argument (name = ...) cannot stand alone"),
        ('resource "aws_dynamodb_table" "t" {\n  name = var.nope\n}\n', "main.tf:2: var.nope is not declared"),
        ('resource "aws_dynamodb_table" "t" {\n  count = "two"\n}\n', "main.tf:2: count must be a whole number"),
        ('resource "aws_dynamodb_table" "t" {\n  for_each = 3\n}\n', "main.tf:2: for_each must be a map or a set"),
        ('resource "aws_dynamodb_table" "t" {\n  name = "a"\n  name = "b"\n}\n', "main.tf:3: argument 'name' is set"),
        ('resource "aws_dynamodb_table" "t" {}\nresource "aws_dynamodb_table" "t" {}\n', "main.tf:2: resource aws_"),
        (
            'locals {\n  a = local.b\n  b = local.a\n}\nresource "aws_backup_vault" "v" {\n  name = local.a\n}\n',
            "depends on itself",
        ),
        (
            'resource "aws_backup_vault" "v" {\n  name = aws_backup_vault.w.name\n}\n',
            "main.tf:2: aws_backup_vault.w is",
        ),
        ('resource "aws_backup_vault" "v" {\n  name = "a${[1]}"\n}\n', "main.tf:2: a string is needed here"),
        ('resource "aws_backup_vault" "v" {\n  name = {a = 1}.b\n}\n', "main.tf:2: the object has no attribute 'b'"),
        ('resource "aws_backup_vault" "v" {\n  name = each.key\n}\n', "main.tf:2: each is only known in a resource"),
        (
            'resource "aws_dynamodb_table" "t" {\n  dynamic "attribute" {\n  }\n}\n',
            'main.tf:2: dynamic "attribute" needs',
        ),
        ('resource "aws_dynamodb_table" "t" {\n  count {\n  }\n}\n', "main.tf:2: count is an argument of"),
        ('resource "aws_dynamodb_table" "t" {\n  tags = "team"\n}\n', "main.tf:2: tags must be a map"),
        ('resource "aws_backup_vault" "v" {\n  tags = { a = 1, a = 2 }\n}\n', "main.tf:2: key 'a' is set twice"),
        (
            'resource "aws_backup_vault" "v" {\n  name = ' + "(" * 3000 + "1" + ")" * 3000 + "\n}\n",
            "main.tf:2: the expression nests too deeply",
        ),
        (
            'variable "n" {\n  type = number\n  default = "x"\n}\n'
            'resource "aws_backup_vault" "v" {\n  name = var.n\n}\n',
            "main.tf:3: the default of var.n: 'x' is not a number",
        ),
        (
            'resource "aws_backup_vault" "v" {\n  name = "open\n  tags = {\n    team = "orders"\n  }\n}\n',
            "main.tf:2: not valid HCL: a string opens here and is not closed on its line, near `name = \"open`",
        ),
    ],
)
def test_bad_tf_files_are_errors_with_file_and_line(tmp_path: Path, text: str, expected: str) -> None:
    message = error_of(write(tmp_path, {"main.tf": text}))
    assert expected in message, message
    if "depends on itself" not in expected:
        assert message.startswith(f"{tmp_path}/main.tf:") or message.startswith("main.tf:"), message


def test_crlf_line_ends_and_a_byte_order_mark_are_read(tmp_path: Path) -> None:
    folder = write(tmp_path, {"main.tf": b'\xef\xbb\xbfresource "aws_backup_vault" "v" {\r\n  name = "v"\r\n}\r\n'})
    assert resource(read_folder(folder), "aws_backup_vault.v").values == {"name": "v"}


def test_non_utf8_bytes_are_an_error_with_the_line(tmp_path: Path) -> None:
    folder = write(tmp_path, {"main.tf": b'resource "aws_backup_vault" "v" {\n  name = "caf\xe9"\n}\n'})
    assert error_of(folder).endswith("main.tf:2: not UTF-8 (byte 0xe9): Terraform reads UTF-8 only, save it as UTF-8")


def test_a_var_file_with_a_block_or_a_reference_is_an_error(tmp_path: Path) -> None:
    folder = write(tmp_path, {"main.tf": 'variable "env" {}\n', "a.tfvars": "env = var.other\n", "b.tfvars": "x {}\n"})
    assert "a.tfvars:1: a variable file can hold only values" in error_of(folder, (folder / "a.tfvars",))
    assert "b.tfvars:1: a variable file holds only `name = value` lines" in error_of(folder, (folder / "b.tfvars",))
    write(folder, {"c.tfvars.json": "[1"})
    assert "c.tfvars.json:1: not valid JSON" in error_of(folder, (folder / "c.tfvars.json",))


def test_five_tables_with_dynamic_gsis_are_read_in_full(tmp_path: Path) -> None:
    table = """
resource "aws_dynamodb_table" "t{i}" {{
  name         = "${{var.env}}-t{i}"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
  range_key    = "sk"
  attribute {{
    name = "pk"
    type = "S"
  }}
  attribute {{
    name = "sk"
    type = "S"
  }}
  dynamic "global_secondary_index" {{
    for_each = var.gsis
    content {{
      name            = global_secondary_index.value
      hash_key        = "sk"
      projection_type = "ALL"
    }}
  }}
  point_in_time_recovery {{
    enabled = true
  }}
  tags = local.tags
}}
"""
    head = (
        'variable "env" { default = "sit" }\nvariable "gsis" { default = ["A", "B"] }\nlocals { tags = { a = "b" } }\n'
    )
    folder = write(tmp_path, {"main.tf": head + "".join(table.format(i=i) for i in range(5))})
    config = read_folder(folder)  # how fast: benchmarks/, never a timing in a test
    assert len(config.resources) == 5
    assert all(len(r.values["global_secondary_index"]) == 2 for r in config.resources)


# -- modules -----------------------------------------------------------------------------------------------------

TABLE_MODULE = """
variable "name" { type = string }
variable "stream" {
  type    = bool
  default = false
}
resource "aws_dynamodb_table" "this" {
  name           = var.name
  hash_key       = "id"
  stream_enabled = var.stream
  attribute {
    name = "id"
    type = "S"
  }
}
output "name" { value = aws_dynamodb_table.this.name }
output "arn" { value = aws_dynamodb_table.this.arn }
"""


def test_local_modules_are_followed_with_their_arguments_provider_tags_and_regions() -> None:
    config = read("modules_local")
    assert config.unresolved == ()
    assert [r.address for r in config.resources] == [
        'module.tables["orders"].aws_dynamodb_table.this', 'module.tables["users"].aws_dynamodb_table.this',
        "module.backup.aws_backup_vault.this", "module.backup.aws_backup_plan.this",
        "module.backup.aws_backup_selection.tables", "module.orders_dr.aws_dynamodb_table.this"]
    orders = resource(config, 'module.tables["orders"].aws_dynamodb_table.this')
    assert orders.where == "tests/terraform/hcl/modules_local/modules/table/main.tf:32"
    assert orders.called_at == ("tests/terraform/hcl/modules_local/main.tf:35",)
    assert orders.values["name"] == "orders-sit"  # "${each.key}-${var.env}", var.env from terraform.tfvars
    assert [g["name"] for g in orders.values["global_secondary_index"]] == ["OrdersByUser"]
    assert orders.values["tags"] == {"Owner": "orders-team", "Critical": "true"}  # a bool tag is Terraform's "true"
    assert orders.values["tags_all"] == {"Backup": "daily", "Project": "bbws", "Owner": "orders-team",
                                         "Critical": "true"}  # the provider's default_tags beneath the table's
    assert orders.region == "eu-west-1"
    dr = resource(config, "module.orders_dr.aws_dynamodb_table.this")
    assert (dr.region, "tags_all" in dr.values) == ("eu-central-1", False)  # providers = { aws = aws.dr }
    selection = resource(config, "module.backup.aws_backup_selection.tables")
    assert selection.values["resources"] == [  # an output of each table module, through the backup module's input
        Reference('module.tables["orders"].aws_dynamodb_table.this', "arn"),
        Reference('module.tables["users"].aws_dynamodb_table.this', "arn")]


def test_a_module_call_with_count_and_its_outputs_read_by_the_caller(tmp_path: Path) -> None:
    folder = write(tmp_path, {"modules/t/main.tf": TABLE_MODULE, "main.tf": """
module "t" {
  count  = 2
  source = "./modules/t"
  name   = "t${count.index}"
  stream = count.index == 1
}
resource "aws_dynamodb_table" "index" {
  name     = "${module.t[1].name}-index"
  hash_key = "id"
  attribute {
    name = "id"
    type = "S"
  }
  tags = { Of = module.t[0].arn }
}
"""})
    config = read_folder(folder)
    assert [r.address for r in config.resources] == [
        "aws_dynamodb_table.index", "module.t[0].aws_dynamodb_table.this", "module.t[1].aws_dynamodb_table.this"]
    assert resource(config, "module.t[1].aws_dynamodb_table.this").values["stream_enabled"] is True
    index = resource(config, "aws_dynamodb_table.index")
    assert index.values["name"] == "t1-index"
    assert index.values["tags"] == {"Of": Reference("module.t[0].aws_dynamodb_table.this", "arn")}


def test_a_module_installed_by_terraform_init_is_read_from_modules_json_nested_calls_included(tmp_path: Path) -> None:
    manifest = ('{"Modules": [{"Key": "", "Source": "", "Dir": "."}, {"Key": "db", "Source": '
                '"registry.terraform.io/acme/db/aws", "Version": "1.0.0", "Dir": ".terraform/modules/db"}, '
                '{"Key": "db.table", "Source": "./table", "Dir": ".terraform/modules/db/table"}]}')
    folder = write(tmp_path, {
        "main.tf": 'module "db" {\n  source  = "acme/db/aws"\n  version = "1.0.0"\n  prefix  = "sit"\n}\n',
        ".terraform/modules/modules.json": manifest,
        ".terraform/modules/db/main.tf": ('variable "prefix" { type = string }\nmodule "table" {\n'
                                          '  source = "./table"\n  name = "${var.prefix}-orders"\n}\n'),
        ".terraform/modules/db/table/main.tf": TABLE_MODULE})
    (table,) = read_folder(folder).resources
    assert (table.address, table.values["name"]) == ("module.db.module.table.aws_dynamodb_table.this", "sit-orders")
    assert table.called_at == (f"{folder}/main.tf:1", f"{folder}/.terraform/modules/db/main.tf:2")
    assert table.where == f"{folder}/.terraform/modules/db/table/main.tf:7"


def test_a_module_whose_instances_are_not_known_is_unresolved_and_so_are_its_outputs(tmp_path: Path) -> None:
    folder = write(tmp_path, {"modules/t/main.tf": TABLE_MODULE, "main.tf": """
variable "tables" { type = set(string) }
module "t" {
  for_each = var.tables
  source   = "./modules/t"
  name     = each.key
}
resource "aws_backup_vault" "v" { name = one(values(module.t)).name }
"""})
    config = read_folder(folder)
    (module,) = config.unresolved
    assert module.construct == 'module "t" (for_each over var.tables)'
    assert module.reason.startswith("var.tables (")
    assert VAR_HINT in module.reason
    assert module.types == ()  # a module may define anything
    name = resource(config, "aws_backup_vault.v").values["name"]
    assert isinstance(name, Unknown)
    assert "module.t" in name.reason


def test_module_calls_terraform_would_refuse_are_errors_at_the_call(tmp_path: Path) -> None:
    table = {"modules/t/main.tf": TABLE_MODULE}
    assert error_of(write(tmp_path / "a", {**table, "main.tf": 'module "t" {\n  source = "./modules/t"\n}\n'})) == (
        f'{tmp_path}/a/main.tf:1: module "t" needs a value for \'name\' (declared at {tmp_path}/a/modules/t/main.tf:2 '
        "with no default): add name = ... to the call")
    wrong = error_of(write(tmp_path / "b", {**table, "main.tf": 'module "t" {\n  source = "./modules/t"\n  name = "x"\n'
                                                                 '  nmae = "y"\n}\n'}))
    assert wrong.endswith("main.tf:4: module \"t\" has no variable 'nmae' (its variables: name, stream): remove the "
                          "argument or fix its name")
    gone = error_of(write(tmp_path / "c", {"main.tf": 'module "t" {\n  source = "./modules/gone"\n}\n'}))
    assert gone.endswith('main.tf:1: module "t" has source "./modules/gone", but '
                         f"{tmp_path}/c/modules/gone is not a folder: fix the path")
    loop = error_of(write(tmp_path / "d", {"main.tf": 'module "self" {\n  source = "./"\n}\n'}))
    assert "a module cannot call itself" in loop
    alias = error_of(write(tmp_path / "e", {"main.tf": 'resource "aws_backup_vault" "v" {\n  provider = aws.west\n'
                                                       '  name = "v"\n}\n'}))
    assert alias.endswith("main.tf:2: provider aws.west is not configured in this module (it has none): declare "
                          'provider "aws" { alias = "west" } or pass it in `providers`')


# -- input mistakes that would otherwise be phantom gaps (issue 17) ------------------------------------------------

VALIDATED = '''variable "env" {
  type    = string
  default = "sit"
  validation {
    condition     = contains(["dev", "sit", "prod"], var.env)
    error_message = "env must be dev, sit or prod, not ${var.env}."
  }
  validation {
    condition     = can(regex("^[a-z]+$", var.env))
    error_message = "not evaluated here: no judgement."
  }
}

resource "aws_dynamodb_table" "orders" {
  name     = "orders-${var.env}"
  hash_key = "tenantId"
  attribute {
    name = "tenantId"
    type = "S"
  }
}
'''


def test_a_value_a_validation_rule_refuses_is_the_error_terraform_gives_at_the_value(tmp_path: Path) -> None:
    folder = write(tmp_path, {"main.tf": VALIDATED, "terraform.tfvars": 'env = "sat"\n'})
    said = error_of(folder)
    assert said.startswith(f"{folder / 'terraform.tfvars'}:1: invalid value for var.env (\"sat\"): ")
    assert "env must be dev, sit or prod, not sat." in said
    assert f"checked by the validation rule at {folder / 'main.tf'}:4" in said


def test_a_default_a_validation_rule_refuses_is_refused_at_the_variable_even_unused(tmp_path: Path) -> None:
    unused = VALIDATED.replace('"orders-${var.env}"', '"orders-sit"').replace('default = "sit"', 'default = "x"')
    said = error_of(write(tmp_path, {"main.tf": unused}))
    assert said.startswith(f"{tmp_path / 'main.tf'}:1: invalid value for var.env (\"x\"): env must be dev")


def test_a_value_the_rules_accept_or_cannot_judge_is_read(tmp_path: Path) -> None:
    folder = write(tmp_path, {"main.tf": VALIDATED, "terraform.tfvars": 'env = "prod"\n'})
    assert resource(read_folder(folder), "aws_dynamodb_table.orders").values["name"] == "orders-prod"
    unknown = VALIDATED.replace('contains(["dev", "sit", "prod"], var.env)', "data.x.y.ok")
    unknown += 'data "x" "y" {}\n'
    write(tmp_path, {"main.tf": unknown, "terraform.tfvars": 'env = "sat"\n'})  # a condition not known here
    assert resource(read_folder(folder), "aws_dynamodb_table.orders").values["name"] == "orders-sat"


def test_a_folder_of_another_provider_only_is_refused_naming_what_it_holds(tmp_path: Path) -> None:
    google = 'resource "google_storage_bucket" "assets" {\n  name = "assets"\n}\n'
    said = error_of(write(tmp_path, {"main.tf": google}))
    assert said.startswith(f"{tmp_path}: holds no AWS resource, only google ones (google_storage_bucket.assets)")
    with_module = google + 'module "dynamodb" {\n  source = "acme/dynamodb/aws"\n}\n'  # it may define the tables
    write(tmp_path, {"main.tf": with_module})
    assert read_folder(tmp_path).unresolved


def test_a_symbolic_link_that_loops_or_points_at_nothing_is_refused_naming_it(tmp_path: Path) -> None:
    folder = write(tmp_path / "infra", {"main.tf": 'variable "env" {}\n'})
    (folder / "loop.tf").symlink_to("loop.tf")
    assert error_of(folder) == (f"{folder}/loop.tf: is a symbolic link that loops (loop.tf -> loop.tf): Terraform "
                                "cannot read it either: remove it, or point it at a .tf file")
    (folder / "loop.tf").unlink()
    (folder / "vars.auto.tfvars").symlink_to("gone.tfvars")
    assert "vars.auto.tfvars: is a symbolic link to gone.tfvars, which does not exist" in error_of(folder)
    (folder / "vars.auto.tfvars").unlink()
    (tmp_path / "self").symlink_to("self")
    assert error_of(tmp_path / "self").startswith(f"{tmp_path / 'self'}: is a symbolic link that loops")


@pytest.mark.parametrize(("text", "line"), [
    pytest.param('a = "open\nb = "x"\n', 1, id="open"),
    pytest.param('a = "x\\"y"\nb = "open\n', 2, id="escaped-quote"),
    pytest.param('# "\n// "\n/* "\n" */\na = <<EOT\n"\nEOT\nb = "${lookup(m, "k")}"\nc = "open\n', 9,
                 id="comments-heredoc-nested"),
    pytest.param('a = "x"\nb = "y"\n', None, id="closed"),
])
def test_open_string_finds_the_line_a_string_opens_on(text: str, line: int | None) -> None:
    from dynamo_contracts.provision.observed.terraform.hcl_syntax import open_string

    assert open_string(text) == line
