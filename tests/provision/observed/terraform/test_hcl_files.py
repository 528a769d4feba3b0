"""Every file Terraform reads, read as Terraform reads it: the JSON syntax (.tf.json), override files, variable
files and TF_VAR_ environment variables; and Terraform's own rules on values: type conversions of arguments,
`lifecycle.ignore_changes`. Where it matters, checked against the plan real Terraform makes of the same files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dynamo_contracts.provision.desired.load import load_contracts
from dynamo_contracts.provision.desired.model import Environment
from dynamo_contracts.provision.desired.stack import resolve
from dynamo_contracts.provision.observed.state import ObservedTable, Unverifiable
from dynamo_contracts.provision.observed.terraform.hcl import read_folder
from dynamo_contracts.provision.observed.terraform.plan_json import read_plan
from dynamo_contracts.provision.observed.terraform.records import (
    Configuration,
    Reference,
    Resource,
    TerraformError,
    Unknown,
)
from dynamo_contracts.provision.observed.terraform.to_observed import observe
from dynamo_contracts.steps.checks.inventory import exact_tables
from dynamo_contracts.steps.checks.tables import table_exists
from dynamo_contracts.steps.checks.target import Target
from dynamo_contracts.steps.results.findings import Outcome
from tests.support.paths import ROOT, TERRAFORM
from tests.support.terraform_oracle import plan

CASES = TERRAFORM / "hcl"


def resource(config: Configuration, address: str) -> Resource:
    found = {r.address: r for r in config.resources}
    assert address in found, f"{address} not in {sorted(found)}"
    return found[address]


def write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return folder


def error_of(folder: Path) -> str:
    with pytest.raises(TerraformError) as caught:
        read_folder(folder)
    return str(caught.value)


TABLE = {"name": "t", "hash_key": "id", "attribute": [{"name": "id", "type": "S"}]}


def json_root(tmp_path: Path, document: Any, name: str = "main.tf.json") -> Path:
    return write(tmp_path, {name: json.dumps(document, indent=1)})


# -- the JSON syntax ---------------------------------------------------------------------------------------------


def test_json_files_are_read_beside_tf_files_blocks_by_the_providers_schema() -> None:
    config = read_folder(CASES / "json_syntax")
    orders = resource(config, "aws_dynamodb_table.orders")
    assert orders.where == "tests/terraform/hcl/json_syntax/main.tf.json:25"
    assert orders.region == "eu-west-1"  # var.region, declared in variables.tf beside it
    values = orders.values
    assert values["name"] == "orders-sit"  # "${local.name}", env from terraform.tfvars.json
    assert values["global_secondary_index"] == [  # a dynamic block over a typed variable's default
        {"name": "OrdersByStatus", "hash_key": "status", "range_key": None, "projection_type": "KEYS_ONLY"},
        {"name": "OrdersByUser", "hash_key": "userId", "range_key": "orderDate", "projection_type": "ALL"}]
    assert values["point_in_time_recovery"] == [{"enabled": True}]  # a block given as one object
    assert values["ttl"] == [{"attribute_name": "expiresAt", "enabled": True}]  # ... or as a list of them
    assert values["tags"] == {"Stack": "shop", "Env": "sit", "Count": "3", "SIT": "yes", "Name": "orders-sit",
                              "Note": "costs ${not a template}"}  # keys are templates; a default is literal
    assert values["tags_all"] == {"ManagedBy": "terraform", **values["tags"]}  # the first provider of the list
    assert not {"//", "lifecycle"} & set(values)
    archive = resource(config, "aws_dynamodb_table.archive")
    assert (archive.region, archive.values["read_capacity"]) == ("us-west-2", 5)  # "provider": "aws.west"
    assert archive.values["attribute"] == [{"name": "orderId", "type": "S"}]
    rules = resource(config, "aws_backup_plan.daily").values["rule"]
    assert [r["lifecycle"] for r in rules] == [[{"delete_after": 35}], [{"delete_after": 90, "cold_storage_after": 30}]]
    selection = resource(config, "aws_backup_selection.orders").values
    assert selection["resources"] == [Reference("aws_dynamodb_table.orders", "arn")]
    assert config.notes == ()  # the "//" of terraform.tfvars.json is a comment, not a variable


def test_a_root_of_json_files_only_is_read(tmp_path: Path) -> None:
    folder = json_root(tmp_path, {"resource": {"aws_dynamodb_table": {"t": TABLE}}})
    (table,) = read_folder(folder).resources
    assert (table.address, table.values["name"], table.where) == ("aws_dynamodb_table.t", "t",
                                                                 f"{folder / 'main.tf.json'}:4")


def test_several_blocks_of_one_name_in_json_are_an_array_and_a_repeated_property(tmp_path: Path) -> None:
    folder = json_root(tmp_path, {"resource": [{"aws_dynamodb_table": {"a": TABLE}},
                                               {"aws_dynamodb_table": {"b": {**TABLE, "name": "b"}}}],
                                  "locals": [{"x": 1}, {"y": "${local.x + 1}"}]})
    config = read_folder(folder)
    assert [r.address for r in config.resources] == ["aws_dynamodb_table.a", "aws_dynamodb_table.b"]
    text = (folder / "main.tf.json").read_text().replace('"name": "b"', '"name": "${local.y}"')
    (folder / "main.tf.json").write_text(text)
    assert resource(read_folder(folder), "aws_dynamodb_table.b").values["name"] == "2"


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param('{\n "resource": {\n  "aws_dynamodb_table": {\n   "t": {"name": "x",}\n', "main.tf.json:4: not valid "
                 "JSON (expected a property name in double quotes)", id="json"),
    pytest.param('{"resource": {"aws_dynamodb_table": {"t": {\n"name": "${var.env"}}}}',
                 "main.tf.json:2: the template `${var.env` opens ${ and never closes it with }", id="template"),
    pytest.param('{"resource": {"aws_dynamodb_table": {"t": {\n\n"name": "${var.env +}"}}}}',
                 "main.tf.json:3: not a valid Terraform expression in a JSON string", id="expression"),
    pytest.param('{\n"tables": {}}', "main.tf.json:2: 'tables' is not a block type Terraform reads at the top of a "
                 ".tf.json file", id="top-level"),
    pytest.param('{"resource": {"aws_dynamodb_table": {"t": {\n"attribute": "id"}}}}',
                 "main.tf.json:2: the body of a attribute block must be a JSON object, not a string", id="block"),
    pytest.param('{"resource": {"aws_dynamodb_table": {"t": {\n"hash key": "id"}}}}',
                 "main.tf.json:2: 'hash key' is not an argument name Terraform accepts", id="name"),
    pytest.param('{"resource": {"aws_dynamodb_table": {"t": {"name": "a",\n"name": "b"}}}}',
                 "main.tf.json:2: argument 'name' is set twice (first at", id="twice"),
    pytest.param('{"resource": {"aws_dynamodb_table": {"t": {\n"ttl": [1]}}}}',
                 "main.tf.json:2: the body of a ttl block must be a JSON object, not a number", id="blocks"),
])
def test_mistakes_in_a_json_file_name_its_line(tmp_path: Path, text: str, expected: str) -> None:
    (tmp_path / "main.tf.json").write_text(text)
    assert expected in error_of(tmp_path)


def test_a_json_variable_file_names_the_line_of_each_value_and_refuses_a_name_twice(tmp_path: Path) -> None:
    folder = write(tmp_path, {"main.tf": 'variable "env" {}\nvariable "n" { type = number }\n',
                              "terraform.tfvars.json": '{\n "//": "a comment",\n "env": "a",\n "other": 1\n}\n'})
    assert read_folder(folder).notes == (f"{folder / 'terraform.tfvars.json'}:4: a value for var.other, which no .tf "
                                         f"file of {folder} declares: Terraform ignores it",)
    write(folder, {"x.auto.tfvars.json": '{"n": 1,\n "n": 2}'})
    assert error_of(folder) == (f"{folder / 'x.auto.tfvars.json'}:2: var.n is given twice in the file (first at "
                                f"{folder / 'x.auto.tfvars.json'}:1): keep one")


def test_tf_var_environment_variables_come_first_parsed_by_the_variables_type(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = write(tmp_path, {"main.tf": """
variable "env" {}
variable "names" { type = list(string) }
resource "aws_dynamodb_table" "t" {
  count = length(var.names)
  name  = "${var.names[count.index]}-${var.env}"
}
"""})
    monkeypatch.setenv("TF_VAR_env", "[not parsed]")  # no type: the text itself
    monkeypatch.setenv("TF_VAR_names", '["a", "b"]')
    monkeypatch.setenv("TF_VAR_undeclared", "ignored, as Terraform ignores it")
    config = read_folder(folder)
    assert [r.values["name"] for r in config.resources] == ["a-[not parsed]", "b-[not parsed]"]
    assert config.notes == ()
    write(folder, {"terraform.tfvars": 'env = "sit"\n'})  # a variable file wins over the environment
    assert [r.values["name"] for r in read_folder(folder).resources] == ["a-sit", "b-sit"]
    monkeypatch.setenv("TF_VAR_names", "[a")
    assert error_of(folder).startswith("the environment variable TF_VAR_names: not a valid value")


# -- override files ----------------------------------------------------------------------------------------------


def test_override_files_merge_into_the_primary_blocks_as_terraform_merges_them() -> None:
    config = read_folder(CASES / "overrides")
    (orders,) = config.resources
    assert orders.where == "tests/terraform/hcl/overrides/main.tf:14"  # the primary block's place
    values = orders.values
    assert values["name"] == "store-orders-sit"  # a local and a variable default of z_override.tf.json
    assert (values["billing_mode"], values["read_capacity"]) == ("PAY_PER_REQUEST", None)  # override.tf
    assert values["global_secondary_index"] == [  # one override block replaces both primary ones
        {"name": "ByUser", "hash_key": "user", "projection_type": "KEYS_ONLY"}]
    assert values["point_in_time_recovery"] == [{"enabled": True}]  # a_override.tf, before override.tf
    assert values["tags"] == {"Team": "orders", "Backups": "daily"}
    assert values["tags_all"] == {"ManagedBy": "terraform", **values["tags"]}  # the provider's override
    assert isinstance(values["write_capacity"], Unknown)  # main.tf's ignore_changes: the lifecycle was merged
    assert "main.tf:56" in values["write_capacity"].reason


@pytest.mark.parametrize(("override", "expected"), [
    pytest.param('resource "aws_dynamodb_table" "b" {\n  name = "b"\n}\n', "x_override.tf:1: resource "
                 "aws_dynamodb_table.b is in an override file, but no other file of the folder declares it",
                 id="resource"),
    pytest.param('locals {\n  nope = 1\n}\n', "x_override.tf:2: local.nope is in an override file", id="local"),
    pytest.param('provider "aws" {\n  alias = "west"\n}\n', 'x_override.tf:1: provider "aws" (alias west) is in an '
                 "override file", id="alias"),
    pytest.param('variable "nope" {}\n', 'x_override.tf:1: variable "nope" is in an override file', id="variable"),
    pytest.param('resource "aws_dynamodb_table" "a" {\n  depends_on = [aws_dynamodb_table.a]\n}\n',
                 "x_override.tf:2: depends_on cannot be set in an override file", id="depends_on"),
])
def test_an_override_terraform_refuses_is_an_error_at_its_line(tmp_path: Path, override: str, expected: str) -> None:
    folder = write(tmp_path, {"main.tf": 'resource "aws_dynamodb_table" "a" {\n  name = "a"\n}\n',
                              "x_override.tf": override})
    assert f"{folder / expected}" in error_of(folder)


def test_an_override_of_the_default_provider_configures_it_and_ignore_changes_all_stays(tmp_path: Path) -> None:
    folder = write(tmp_path, {
        "main.tf": 'resource "aws_dynamodb_table" "a" {\n  name = "a"\n  lifecycle {\n    ignore_changes = all\n'
                   '  }\n}\n',
        "override.tf.json": json.dumps({"provider": {"aws": {"region": "us-east-2"}},
                                        "resource": {"aws_dynamodb_table": {"a": {
                                            "lifecycle": {"ignore_changes": ["tags"]}}}}})})
    (table,) = read_folder(folder).resources
    assert table.region == "us-east-2"
    assert isinstance(table.values["name"], Unknown)  # `all` is never taken back by an override's list


# -- Terraform's conversions and lifecycle -------------------------------------------------------------------------

CONVERTED = """
resource "aws_dynamodb_table" "t" {
  name                        = "t"
  billing_mode                = "PROVISIONED"
  read_capacity               = "5"
  write_capacity              = 2.0
  hash_key                    = 1
  stream_enabled              = "true"
  stream_view_type            = "KEYS_ONLY"
  deletion_protection_enabled = "0"
  attribute {
    name = 1
    type = "N"
  }
  global_secondary_index {
    name               = "ByN"
    hash_key           = "1"
    projection_type    = "INCLUDE"
    non_key_attributes = [1, true]
    read_capacity      = "1"
    write_capacity     = "1"
  }
  point_in_time_recovery {
    enabled = "true"
  }
  tags = {
    n = 5
    f = 1.5
    b = false
  }
}
"""


def test_arguments_are_converted_to_their_type_as_terraform_converts_them(tmp_path: Path) -> None:
    (table,) = read_folder(write(tmp_path, {"main.tf": CONVERTED})).resources
    values = table.values
    assert (values["read_capacity"], values["write_capacity"], values["hash_key"]) == (5, 2.0, "1")
    assert (values["stream_enabled"], values["deletion_protection_enabled"]) == (True, False)
    assert values["attribute"] == [{"name": "1", "type": "N"}]
    (gsi,) = values["global_secondary_index"]
    assert (gsi["non_key_attributes"], gsi["read_capacity"]) == (["1", "true"], 1)
    assert values["point_in_time_recovery"] == [{"enabled": True}]
    assert values["tags"] == {"n": "5", "f": "1.5", "b": "false"}


@pytest.mark.parametrize(("line", "expected"), [
    pytest.param('stream_enabled = "True"', 'stream_enabled must be a bool, not a string (\'True\') (write "true" '
                 'or "false" in lowercase)', id="bool"),
    pytest.param('read_capacity = "five"', "read_capacity must be a number, not a string ('five')", id="number"),
    pytest.param("table_class = [1]", "table_class must be a string, not a list ([1])", id="string"),
])
def test_a_value_terraform_cannot_convert_is_an_error_at_its_line(tmp_path: Path, line: str, expected: str) -> None:
    folder = write(tmp_path, {"main.tf": f'resource "aws_dynamodb_table" "t" {{\n  name = "t"\n  {line}\n}}\n'})
    refused = "Terraform refuses it (Incorrect attribute value type)"
    assert error_of(folder) == f"{folder / 'main.tf'}:3: {expected}: {refused}"


def test_what_ignore_changes_names_is_unknown_with_its_line_and_nothing_else(tmp_path: Path) -> None:
    folder = write(tmp_path, {"main.tf": """
provider "aws" {
  region = "eu-west-1"
  default_tags {
    tags = { Owner = "platform" }
  }
}
resource "aws_dynamodb_table" "t" {
  name           = "t"
  read_capacity  = 5
  write_capacity = 5
  tags           = { Team = "a", Cost = "b" }
  lifecycle {
    ignore_changes = [read_capacity, tags["Cost"]]
  }
}
"""})
    (table,) = read_folder(folder).resources
    values = table.values
    assert values["write_capacity"] == 5
    assert values["read_capacity"] == Unknown(
        f"read_capacity of this aws_dynamodb_table is in lifecycle.ignore_changes ({folder / 'main.tf'}:14): "
        "Terraform sets it when it creates the resource but does not enforce it after, so what is deployed may "
        "differ: check it against the environment (--against live)")
    assert values["tags"]["Team"] == values["tags_all"]["Team"] == "a"
    assert isinstance(values["tags"]["Cost"], Unknown)
    assert isinstance(values["tags_all"]["Cost"], Unknown)


def test_an_unknown_part_of_a_table_name_hides_only_the_tables_it_may_be(tmp_path: Path) -> None:
    """terraform.workspace is chosen when Terraform runs: `orders-${terraform.workspace}` may be orders-sit, so that
    table is unverifiable; it can never be users-sit, so a missing users table still fails."""
    folder = write(tmp_path, {"main.tf": 'resource "aws_dynamodb_table" "t" {\n  name     = "orders-${terraform.'
                                         'workspace}"\n  hash_key = "id"\n  attribute {\n    name = "id"\n    type = '
                                         '"S"\n  }\n}\n'})
    desired = load_contracts(ROOT / "contracts")
    sit = desired.environments["sit"]
    state = observe(read_folder(folder), sit)
    (table,) = state.unresolved
    assert "terraform.workspace" in table.reason
    assert table.names == ("orders-*",)
    target = Target(sit, state, resolve(desired, sit))
    assert table_exists(target, "orders", True).outcome is Outcome.UNVERIFIABLE
    users = table_exists(target, "users", True)
    assert users.outcome is Outcome.FAILED
    assert users.reason == "the table users does not exist in sit"
    assert state.hidden("table") is not None  # asked of no name in particular, it may be any
    (tables, *_missing) = exact_tables(target, ["orders", "users"], True)
    assert tables.outcome is Outcome.FAILED  # users is missing, whatever the workspace


# -- against real Terraform --------------------------------------------------------------------------------------


def _comparable(table: ObservedTable, plan_table: ObservedTable) -> dict[str, Any]:
    """The table's fields the plan knows (Terraform knows the others only after apply), where it is written aside."""
    fields = {name: getattr(table, name) for name in table.__dataclass_fields__ if name != "defined_at"}
    return {name: value for name, value in fields.items() if not isinstance(getattr(plan_table, name), Unverifiable)}


@pytest.mark.slow
@pytest.mark.parametrize("case", ["json_syntax", "overrides"])
def test_the_hcl_reader_says_what_terraforms_own_plan_says(case: str, tmp_path: Path) -> None:
    folder = CASES / case
    sit: Environment = load_contracts(ROOT / "contracts").environments["sit"]
    (tmp_path / "plan.json").write_text(json.dumps(plan(folder)))
    from_plan = observe(read_plan(tmp_path / "plan.json"), sit)
    from_files = observe(read_folder(folder), sit)
    assert set(from_files.tables) == set(from_plan.tables)
    for name, table in from_files.tables.items():
        assert _comparable(table, from_plan.tables[name]) == _comparable(from_plan.tables[name], from_plan.tables[name])
    assert from_files.backups.vaults == from_plan.backups.vaults
