"""`python -m provision import` refusing and asking (`provision.importing.command`): what the Terraform does not say
is a placeholder naming its file and line, an out folder of other contracts is refused (the same import is
replaced, --force named), bad input is one clear error and nothing is written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dynamo_contracts.provision.desired.load import load_contracts
from tests.provision.importing.imports import ALARMS_UNREAD, BRIEF, run_import

# Unknowns, refusals, bad input -----------------------------------------------------------------------------------

UNKNOWN_TF = '''variable "pitr" {
  type = bool
}

provider "aws" {
  region = "eu-west-1"
}

resource "aws_dynamodb_table" "orders" {
  name         = "orders-sit"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"

  attribute {
    name = "id"
    type = "S"
  }

  point_in_time_recovery {
    enabled = var.pitr
  }
}

module "more" {
  source = "git::https://example.com/tables.git"
}
'''


def test_what_the_terraform_does_not_say_is_a_placeholder_naming_its_file_and_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    infra = tmp_path / "infra"
    infra.mkdir()
    (infra / "main.tf").write_text(UNKNOWN_TF)
    out = tmp_path / "contracts"
    code, _, err = run_import(capsys, "--from", f"terraform:{infra}", "--env", "sit", "--out", str(out),
                              "--account-id", "555555555555")
    assert code == 0, err
    orders = (out / "tables" / "orders.yaml").read_text()
    assert "    # point_in_time_recovery: unknown here: " in orders
    assert "main.tf:9: point_in_time_recovery[0].enabled: var.pitr (main.tf:1) has no default and no value is " \
           "given" in orders.replace(str(infra) + os.sep, "")
    assert "point_in_time_recovery: true" not in orders
    assert "point_in_time_recovery: false" not in orders
    stack_yaml = (out / "stack.yaml").read_text()
    assert '# module "more": not followed at ' in stack_yaml
    assert "main.tf:24, so what it defines is unknown here" in stack_yaml
    listed = [line for line in err.splitlines() if line.startswith("  ")]
    assert [line.replace(str(infra) + os.sep, "").split(": ")[0:3] for line in listed if ALARMS_UNREAD not in line] == [
        ["  stack.yaml", 'module "more"', "not followed at main.tf:24, so what it defines is unknown here"],
        ["  tables/orders.yaml", "tables.orders", "point_in_time_recovery"]]
    assert f"{len(listed)} thing(s) unknown here" in err
    assert load_contracts(out).environments["sit"].account_id == "555555555555"


def test_an_out_folder_of_other_contracts_is_refused_the_same_import_is_replaced_and_force_is_named(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "contracts"
    out.mkdir()
    (out / "mine.yaml").write_text("tables: {}\n")
    args = ("--from", f"terraform:{BRIEF}", "--env", "sit", "--tf-var-file", str(BRIEF / "sit.tfvars"), "--out",
            str(out))
    code, _, err = run_import(capsys, *args)
    assert code == 1
    assert "holds files this import did not write" in err
    assert "--overwrite-existing-contracts" in err
    assert sorted(p.name for p in out.iterdir()) == ["mine.yaml"]
    code, _, err = run_import(capsys, *args, "--overwrite-existing-contracts")
    assert code == 0, err
    assert not (out / "mine.yaml").exists()
    (out / "tables" / "tenants.yaml").write_text((out / "tables" / "tenants.yaml").read_text() + "# my note\n")
    code, _, err = run_import(capsys, *args)  # the same import again: replaced
    assert code == 0, err
    assert "# my note" not in (out / "tables" / "tenants.yaml").read_text()
    code, _, err = run_import(capsys, "--from", f"terraform:{BRIEF}", "--env", "dev", "--out", str(out))
    assert code == 1  # another environment's import is not the same import
    assert "holds files this import did not write" in err
    assert [p.name for p in tmp_path.iterdir()] == ["contracts"]  # no temporary folder left


@pytest.mark.parametrize(("args", "message"), [
    (("--from", "live"), "--from live: import reads terraform:DIR (a folder of .tf files) or plan:FILE"),
    (("--from", "terraform:no/such/folder"), "--from terraform:no/such/folder: no/such/folder: does not exist"),
    (("--from", "plan:README.md"), "--from plan:README.md: README.md:1:1: not JSON"),
    (("--from", "plan:README.md", "--tf-var-file", "x.tfvars"), "--tf-var-file is for --from terraform:DIR"),
    (("--from", f"terraform:{BRIEF}", "--name-pattern", "{env}-{table}"), "'campaigns-sit' (tests/brief/terraform/"),
    (("--from", f"terraform:{BRIEF}", "--account-id", "12"), "--account-id 12: an AWS account id is 12 digits"),
    (("--from", f"terraform:{BRIEF}", "--region", "us-east-1"), "but the Terraform's tables are in eu-west-1"),
])
def test_bad_input_is_one_clear_error_and_nothing_is_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str) -> None:
    extra = ("--tf-var-file", str(BRIEF / "sit.tfvars")) if "terraform:" + str(BRIEF) in args else ()
    code, _, err = run_import(capsys, *args, *extra, "--env", "sit", "--out", str(tmp_path / "out"))
    assert code == 1
    assert message in err
    assert "Traceback" not in err
    assert err.count("error:") == 1
    assert not any(tmp_path.iterdir())
