"""Input mistakes the HCL reader refuses, which would otherwise be phantom gaps (issue 17): a value a variable's
validation rule refuses, a folder of another provider only, a symbolic link that loops or points at nothing."""

from __future__ import annotations

from pathlib import Path

from dynamo_contracts.provision.observed.terraform.hcl import read_folder
from tests.provision.observed.terraform.hcl_cases import error_of, resource, write

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
