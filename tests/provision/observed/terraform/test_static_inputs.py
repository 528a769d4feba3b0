"""Input a static run reads, as a user meets it (`pytest --against=terraform:DIR|plan:FILE`): an input mistake
stops the run saying so, never a phantom gap telling the Terraform owners to add what is there (issue 17); a state
given as a plan is read and says so; `--against` names its sources; and every file Terraform reads (JSON, override
files, a table defined twice) read as Terraform plans them (issue 18)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.provision.observed.terraform.static_runs import BRIEF, contracts, report
from tests.steps.report.test_library import ROOT, python

# Input mistakes are said, never phantom gaps telling the Terraform owners to add what is there (issue 17) ------

VALIDATED = '''variable "env" {
  type = string
  validation {
    condition     = contains(["dev", "sit", "prod"], var.env)
    error_message = "env must be dev, sit or prod."
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
GOOGLE_PLAN = json.dumps({"format_version": "1.2", "planned_values": {"root_module": {"resources": [
    {"address": f"google_storage_bucket.{name}", "mode": "managed", "type": "google_storage_bucket", "name": name,
     "values": {"name": name}} for name in ("assets", "logs")]}}})


@pytest.mark.slow
@pytest.mark.parametrize(("files", "against", "says"), [
    pytest.param({"main.tf": VALIDATED, "terraform.tfvars": 'env = "sat"\n'}, "terraform:{dir}",
                 'terraform.tfvars:1: invalid value for var.env ("sat"): env must be dev, sit or prod. (checked by '
                 "the validation rule at ", id="tfvars-refused-by-validation"),
    pytest.param({"plan.json": GOOGLE_PLAN}, "plan:{dir}/plan.json",
                 "plan.json: holds no AWS resource, only google ones (google_storage_bucket.assets, "
                 "google_storage_bucket.logs)", id="plan-of-another-provider"),
    pytest.param({"main.tf": VALIDATED.replace("${var.env}", "sit"), "loop.tf": None}, "terraform:{dir}",
                 "loop.tf: is a symbolic link that loops (loop.tf -> loop.tf)", id="looping-symlink"),
    pytest.param({"main.tf": VALIDATED.replace('"orders-${var.env}"', '"orders-sit')}, "terraform:{dir}",
                 "main.tf:10: not valid HCL: a string opens here and is not closed on its line", id="open-string"),
    pytest.param({}, "", "--against=: names no source; give one or more of live, schema, terraform:DIR, plan:FILE",
                 id="against-nothing"),
    pytest.param({}, ",", "--against=,: names no source; give one or more of live, schema, terraform:DIR, plan:FILE, "
                 "separated by commas (--against=schema,live)", id="against-a-comma"),
])
def test_an_input_mistake_stops_the_run_saying_so_never_a_phantom_gap(
        tmp_path: Path, files: dict[str, str | None], against: str, says: str) -> None:
    folder = tmp_path / "infra"
    folder.mkdir()
    for name, text in files.items():
        if text is None:
            (folder / name).symlink_to(name)
        else:
            (folder / name).write_text(text)
    done = contracts(tmp_path / "out", f"--against={against.format(dir=folder)}")
    assert done.returncode == pytest.ExitCode.USAGE_ERROR, done.stdout[-2000:] + done.stderr
    assert says in done.stderr, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert "contract checks on" not in done.stdout  # nothing was checked: no gap, no live environment read
    assert not (tmp_path / "out" / "readiness.md").exists()


@pytest.mark.slow
def test_a_state_given_as_a_plan_is_read_and_says_so_in_the_terminal_and_the_report(tmp_path: Path) -> None:
    state = "tests/terraform/plans/state_1.0.json"
    note = f"{state} is a Terraform state: what is deployed now, not what a plan will build"
    done = contracts(tmp_path / "out", f"--against=plan:{state}")
    assert f"Note on the source: {note}" in done.stdout, done.stdout[-3000:]
    assert f"**Source**: {note}." in (tmp_path / "out" / "readiness.md").read_text(encoding="utf-8")
    assert report(tmp_path / "out")["notes"] == [note]
    rebuilt = python("-m", "dynamo_contracts.steps.report", str(tmp_path / "out" / "results.json"),
                     "--out", str(tmp_path / "again"))
    assert rebuilt.returncode in (0, 1), rebuilt.stderr
    assert f"**Source**: {note}." in (tmp_path / "again" / "readiness.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(("given", "expected"), [
    pytest.param(None, ("live",), id="none-given"),
    pytest.param(["schema, live", "plan:p.json"], ("schema", "live", "plan:p.json"), id="commas-and-repeats"),
    pytest.param([""], None, id="empty"),
    pytest.param([","], None, id="a-comma"),
    pytest.param(["schema,,live"], None, id="two-commas"),
    pytest.param(["schema", " "], None, id="a-blank-one"),
])
def test_against_names_sources_and_an_empty_one_is_refused_not_taken_for_live(
        given: list[str] | None, expected: tuple[str, ...] | None) -> None:
    from dynamo_contracts.steps.run.options import sources

    if expected is not None:
        assert sources(given) == expected
        return
    with pytest.raises(pytest.UsageError, match="live, schema, terraform:DIR, plan:FILE"):
        sources(given)


# Every file Terraform reads, and its own rules (issue 18) ----------------------------------------------------------

ORDERS_JSON = {
    "//": "written by a generator, in Terraform's JSON syntax",
    "resource": {"aws_dynamodb_table": {"orders": {
        "name": "orders-${var.env}", "billing_mode": "PAY_PER_REQUEST", "hash_key": "tenantId", "range_key": "orderId",
        "stream_enabled": "true", "stream_view_type": "NEW_AND_OLD_IMAGES", "deletion_protection_enabled": True,
        "attribute": [{"name": n, "type": "S"} for n in ("tenantId", "orderId", "orderDate", "userId")],
        "global_secondary_index": [
            {"name": "OrdersByDate", "hash_key": "tenantId", "range_key": "orderDate", "projection_type": "ALL"},
            {"name": "OrdersByUser", "hash_key": "userId", "range_key": "orderDate", "projection_type": "INCLUDE",
             "non_key_attributes": ["orderTotal", "status"]}],
        "point_in_time_recovery": {"enabled": True}, "server_side_encryption": {"enabled": True},
        "tags": "${merge(local.common_tags, {Name = \"orders-${var.env}\"})}"}}},
}
USERS_TWICE = "".join(f"""
resource "aws_dynamodb_table" "{address}" {{
  name             = "users-${{var.env}}"
  billing_mode     = "PAY_PER_REQUEST"
  hash_key         = "tenantId"
  range_key        = "userId"
  stream_enabled   = true
  stream_view_type = "NEW_AND_OLD_IMAGES"
  attribute {{
    name = "tenantId"
    type = "S"
  }}
  attribute {{
    name = "userId"
    type = "S"
  }}
  point_in_time_recovery {{
    enabled = {pitr}
  }}
}}
""" for address, pitr in (("users", "true"), ("users_legacy", "false")))


@pytest.mark.slow
def test_json_and_override_files_and_a_table_defined_twice_read_as_terraform_plans_them(tmp_path: Path) -> None:
    """A table in orders.tf.json beside the .tf files is read (it was "missing"); an override file merges into
    the block it names; two resources of one table name are two resources, said as a note, not a refusal."""
    folder = tmp_path / "infra"
    shutil.copytree(ROOT / BRIEF / "terraform", folder)
    (folder / "orders.tf.json").write_text(json.dumps(ORDERS_JSON, indent=2))
    (folder / "users.tf").write_text(USERS_TWICE)
    (folder / "dynamodb_override.tf").write_text(
        'resource "aws_dynamodb_table" "tenants" {\n  deletion_protection_enabled = true\n}\n')
    (folder / "dynamodb.tf.bak").write_text("not read: Terraform reads no such file {")
    done = contracts(tmp_path / "out", f"--against=terraform:{folder}", f"--tf-var-file={folder / 'sit.tfvars'}")
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr  # the brief's renamed GSIs remain
    data = report(tmp_path / "out")
    assert data["missing"]["tables"] == []
    assert data["counts"]["tables"] == {"expected": 5, "actual": 5}
    gaps = {(g["kind"], g["table"]) for g in data["gaps"]}
    assert not {("table", "orders"), ("gsi", "orders"), ("pitr", "orders"), ("table", "users")} & gaps
    assert ("deletion_protection", "tenants") not in gaps  # the override
    assert ("deletion_protection", "campaigns") in gaps  # ... of tenants only
    users = f"{folder / 'users.tf'}"
    note = (f"Note on the source: {users}:22 (aws_dynamodb_table.users_legacy) and {users}:2 "
            "(aws_dynamodb_table.users) "
            "both define table 'users-sit' in one account and region: AWS creates one and refuses the other at "
            "apply, and which one Terraform creates first is not known; the owners of the Terraform: give each its "
            "own name, or remove one")
    assert note in done.stdout
    pitr = next(u for u in data["unverified"] if u["check"].startswith("point-in-time recovery of users"))
    assert pitr["reason"] == f"unverifiable on terraform: {note.removeprefix('Note on the source: ')}"
