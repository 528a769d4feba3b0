"""The HCL reader follows module calls: local modules with their arguments, providers and regions, `count` and
outputs, modules installed by `terraform init`, and the calls Terraform would refuse."""

from __future__ import annotations

from pathlib import Path

from dynamo_contracts.provision.observed.terraform.hcl import read_folder
from dynamo_contracts.provision.observed.terraform.records import Reference, Unknown
from tests.provision.observed.terraform.hcl_cases import VAR_HINT, error_of, read, resource, write

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
