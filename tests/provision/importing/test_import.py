"""`python -m provision import`: contracts/ written from a stack's Terraform or plan, through the `--against` readers.

Round trips: contracts/ -> `provision terraform` -> `provision import` gives back the desired state of the
environment, through the .tf files and through the plan real Terraform makes of them. What cannot come back:
- descriptions (the export writes them as HCL comments, which no reader keeps);
- where a setting was written (a table's own, `defaults:`, or the environment's `overrides:`): the import sees
  each table's resolved value, so settings all tables share come back as `defaults:` and are compared resolved;
- what Terraform does not hold: the other environments, profile, writes_allowed, protected, budget, usage,
  lambda_roles;
- a `covers: {tables: [...]}` naming every table comes back as `covers: all` (the same selection);
- through a plan, the order of a table's GSIs (a set to the provider: a plan lists them by name);
- CloudWatch alarms (their rules and the environment's `alarm_actions`) while the Terraform readers give none:
  then they are one placeholder, and compared once a reader gives them.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any

import pytest

from dynamo_contracts.provision import cli
from dynamo_contracts.provision.desired.load import load_contracts
from dynamo_contracts.provision.desired.model import (
    AttributeType,
    Billing,
    BillingMode,
    DesiredState,
    KeyAttribute,
    KeySchema,
    Projection,
    ProjectionType,
)
from dynamo_contracts.provision.desired.stack import Stack, resolve
from dynamo_contracts.provision.errors import ToolError
from dynamo_contracts.provision.export import command as export_command
from dynamo_contracts.provision.export import layout
from dynamo_contracts.provision.importing import command as import_command
from dynamo_contracts.provision.importing import folder, names
from dynamo_contracts.provision.importing.stack import Options, build
from dynamo_contracts.provision.observed.schema import observed_from_stack
from dynamo_contracts.provision.observed.state import (
    ObservedAlarm,
    ObservedBackups,
    ObservedEncryption,
    ObservedPlan,
    ObservedRule,
    ObservedSelection,
    ObservedState,
    ObservedTable,
    ObservedVault,
    TagCondition,
)
from tests.steps.report.test_library import ROOT, python
from tests.support import terraform_oracle
from tests.support.origins import FROM_TERRAFORM

BRIEF = Path("tests") / "brief" / "terraform"  # as a user gives it, from the project's folder
AWS_ENVS = ("dev", "sit", "prod")
ALARMS_UNREAD = "alarms: unknown here"


@pytest.fixture(autouse=True)
def in_the_project(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


@pytest.fixture(scope="module")
def desired() -> DesiredState:
    return load_contracts(ROOT / "contracts")


@pytest.fixture(scope="module")
def exported(desired: DesiredState, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export")
    envs = export_command.environments(desired, None)
    layout.write(out, layout.export(desired, envs, "contracts/", {}), envs)
    return out


def run_import(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(["import", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def comparable(stack: Stack, alarms: bool, index_order: bool) -> dict[str, Any]:
    """An environment's desired state as the import can give it back (see the module's docstring)."""
    env = stack.environment
    tables = {name: dataclasses.replace(spec, description="", alarms=spec.alarms if alarms else (),
                                        global_indexes=spec.global_indexes if index_order else tuple(sorted(
                                            spec.global_indexes, key=lambda i: i.name)))
              for name, spec in stack.tables.items()}
    return {"tables": tables, "vaults": dict(stack.vaults), "plans": dict(stack.plans),
            "alarms": dict(stack.alarms) if alarms else {},
            "environment": (env.name, env.backend, env.region, env.account_id, env.table_name_pattern,
                            env.backup_name_pattern, env.backup_role, env.alarm_actions if alarms else ())}


def assert_round_trip(desired: DesiredState, env: str, out: Path, err: str, index_order: bool = True) -> None:
    alarms = ALARMS_UNREAD not in err
    imported = load_contracts(out)
    assert comparable(resolve(imported, imported.environments[env]), alarms, index_order) == comparable(
        resolve(desired, desired.environments[env]), alarms, index_order)
    assert imported.index_naming == desired.index_naming


@pytest.mark.parametrize("env", AWS_ENVS)
def test_contracts_exported_then_imported_give_back_the_environments_desired_state(
        desired: DesiredState, exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], env: str) -> None:
    out = tmp_path / "contracts"
    code, stdout, err = run_import(capsys, "--from", f"terraform:{exported / 'envs' / env}", "--env", env,
                                   "--out", str(out))
    assert code == 0, err
    assert f"wrote {out}: 5 table(s) (campaigns, orders, products, tenants, users), 1 backup vault(s), 1 backup " \
           f"plan(s), environment {env} (table names {{table}}-{{env}}, backup names {{name}}-{{env}})" in stdout
    assert_round_trip(desired, env, out, err)
    listed = [line for line in err.splitlines() if line.startswith("  ")]
    assert listed == ([] if ALARMS_UNREAD not in err else [
        "  stack.yaml: defaults: alarms: unknown here: CloudWatch alarms (aws_cloudwatch_metric_alarm) are not read "
        "from Terraform yet: check them against the environment (--against live)"])
    assert "`dynamo-contracts validate --contracts" in err
    assert "passes" in err


@pytest.mark.parametrize("env", AWS_ENVS)
def test_an_environment_read_with_its_alarms_imports_to_its_desired_state_alarms_included(
        desired: DesiredState, tmp_path: Path, env: str) -> None:
    """The alarms half, from a source that reads alarms (the schema: what the environment holds if applied)."""
    environment = desired.environments[env]
    imported = build(observed_from_stack(resolve(desired, environment)), Options("schema", env))
    assert imported.placeholders == []
    for relative, text in imported.files.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(text)
    again = load_contracts(tmp_path)
    assert comparable(resolve(again, again.environments[env]), True, True) == comparable(
        resolve(desired, environment), True, True)
    assert "  alarms:\n    read_throttles: {threshold: 1}\n" in imported.files["stack.yaml"]


@pytest.mark.slow
def test_the_plan_terraform_makes_of_the_export_imports_to_the_same_desired_state(
        desired: DesiredState, exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(terraform_oracle.plan(exported / "envs" / "sit", within=exported)))
    out = tmp_path / "contracts"
    code, _, err = run_import(capsys, "--from", f"plan:{plan}", "--env", "sit", "--out", str(out))
    assert code == 0, err
    assert_round_trip(desired, "sit", out, err, index_order=False)
    for line in (line for line in err.splitlines() if line.startswith("  ")):  # only what a plan cannot know
        assert ALARMS_UNREAD in line or line.endswith("known only after apply")  # a TTL, a vault's key


def test_the_brief_terraform_imports_as_written_and_its_unknowns_are_listed(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "contracts"
    code, stdout, err = run_import(capsys, "--from", f"terraform:{BRIEF}", "--env", "sit", "--tf-var-file",
                                   str(BRIEF / "sit.tfvars"), "--out", str(out))
    assert code == 0, err
    assert "3 table(s) (campaigns, products, tenants), 0 backup vault(s), 0 backup plan(s)" in stdout
    state = load_contracts(out)
    sit = state.environments["sit"]
    assert (sit.table_name_pattern, sit.backup_name_pattern, sit.region) == ("{table}-{env}", "{name}-{env}",
                                                                             "eu-west-1")
    assert sit.overrides.tags == {"Environment": "sit"}
    products = state.table("products")
    assert products is not None
    assert [g.name for g in products.global_indexes] == ["ActiveProductsIndex", "ProductCategoryIndex",
                                                         "ProductSkuIndex"]  # a for_each over a map: in key order
    assert products.global_indexes[1].projection == Projection(ProjectionType.INCLUDE, frozenset({"price", "status"}))
    assert products.global_indexes[2].keys == KeySchema(KeyAttribute("sku", AttributeType.S))
    stack = resolve(state, sit)
    assert stack.tables["products-sit"].tags == {"Project": "bbws", "Stack": "dynamodb-schemas", "Name":
                                                 "products-sit", "Environment": "sit", "ManagedBy": "dynamo-contracts"}
    campaigns = stack.tables["campaigns-sit"]
    assert (campaigns.ttl_attribute, campaigns.point_in_time_recovery, campaigns.stream.value if campaigns.stream
            else None, campaigns.encryption.type.value) == ("expiresAt", True, "NEW_AND_OLD_IMAGES", "AWS_MANAGED")
    assert state.vaults == state.plans == ()
    assert "  tables/campaigns.yaml" not in err
    text = (out / "tables" / "campaigns.yaml").read_text()
    assert "    # terraform: " in text
    assert "tests/brief/terraform/dynamodb.tf:149 (aws_dynamodb_table.campaigns)" in text
    environments = (out / "environments.yaml").read_text()
    assert 'account_id: "000000000000"  # unknown here: the Terraform names no account' in environments
    stack_yaml = (out / "stack.yaml").read_text()
    assert "  # tags.ManagedBy: terraform in " in stack_yaml
    assert "environments.yaml: environments.sit: account_id: unknown here" in err
    assert "stack.yaml: defaults: tags.ManagedBy: terraform in" in err


# Name patterns -----------------------------------------------------------------------------------------------


def test_the_name_pattern_is_the_first_shape_every_name_fits_else_the_names_as_they_are() -> None:
    assert names.infer(["orders-sit", "users-sit"], "sit", "table", None, "--name-pattern").pattern == "{table}-{env}"
    prefixed = names.infer(["sit-orders", "sit-users"], "sit", "table", None, "--name-pattern")
    assert (prefixed.pattern, prefixed.logical) == ("{env}-{table}", {"sit-orders": "orders", "sit-users": "users"})
    assert names.infer(["orders_sit"], "sit", "table", None, "--name-pattern").pattern == "{table}_{env}"
    mixed = names.infer(["orders-sit", "payments"], "sit", "table", None, "--name-pattern")
    assert (mixed.pattern, mixed.logical) == ("{table}", {"orders-sit": "orders-sit", "payments": "payments"})
    short = names.infer(["ab-sit"], "sit", "table", None, "--name-pattern")  # "ab" is no table name: 3 at least
    assert short.pattern == "{table}"
    given = names.infer(["bbws-orders-sit"], "sit", "table", "bbws-{table}-{env}", "--name-pattern")
    assert given.logical == {"bbws-orders-sit": "orders"}
    assert names.infer([], "sit", "name", None, "--backup-name-pattern", fallback="{name}-{env}").pattern == \
        "{name}-{env}"


def test_a_given_pattern_a_name_does_not_fit_is_one_clear_error() -> None:
    with pytest.raises(ToolError, match=r"--name-pattern '\{table\}-\{env\}': 'orders-prod' \(main.tf:3\) does not "
                                        r"fit it for environment sit"):
        names.infer(["orders-prod"], "sit", "table", "{table}-{env}", "--name-pattern", lambda _: "main.tf:3")
    with pytest.raises(ToolError, match=r"has \{table\} once and may have \{env\}"):
        names.infer(["orders"], "sit", "table", "{name}-{env}", "--name-pattern")


# Backups and alarms, from an observed state as any reader gives it ----------------------------------------------


def _table(name: str, tags: dict[str, str]) -> ObservedTable:
    return ObservedTable(name, "ACTIVE", KeySchema(KeyAttribute("id", AttributeType.S)),
                         arn=f"arn:aws:dynamodb:eu-west-1:no-account:table/{name}",
                         billing=Billing(BillingMode.PAY_PER_REQUEST), encryption=ObservedEncryption(None),
                         tags=tags, defined_at=f"main.tf:1 (aws_dynamodb_table.{name})")


def _plan(name: str, *selections: ObservedSelection) -> ObservedPlan:
    return ObservedPlan(name, name, (ObservedRule(f"{name.removesuffix('-sit')}-rule", "vault-sit", "cron(0 3 * * ? *)",
                                                  35, None),), selections)


def _alarm(name: str, table: str, metric: str = "ReadThrottleEvents", statistic: str = "Sum") -> ObservedAlarm:
    return ObservedAlarm(name, metric, table, 1.0, 60, 1, "GreaterThanOrEqualToThreshold", statistic,
                         ("arn:aws:sns:eu-west-1:444444444444:alarms",))


def test_selections_become_covers_and_alarms_become_rules_each_or_a_placeholder(tmp_path: Path) -> None:
    role = "arn:aws:iam::444444444444:role/backup"
    arn = "arn:aws:dynamodb:eu-west-1:444444444444:table/{}"
    state = ObservedState(FROM_TERRAFORM, "sit", {
        "orders-sit": _table("orders-sit", {"Backup": "daily"}), "users-sit": _table("users-sit", {})},
        ObservedBackups({"vault-sit": ObservedVault("vault-sit", "arn:aws:kms:eu-west-1:444444444444:key/v")}, {
            "every-sit": _plan("every-sit", ObservedSelection("s", resources=("arn:aws:dynamodb:*:*:table/*",),
                                                              iam_role_arn=role)),
            "some-sit": _plan("some-sit", ObservedSelection("s", resources=(arn.format("users-sit"),),
                                                            iam_role_arn=role)),
            "tagged-sit": _plan("tagged-sit", ObservedSelection("s", any_tags=(TagCondition("Backup", "daily"),),
                                                                iam_role_arn=role)),
            "odd-sit": _plan("odd-sit", ObservedSelection("s", resources=("*",), not_resources=(arn.format("x"),),
                                                          iam_role_arn=role))}),
        alarms={"orders-sit-read-throttles": _alarm("orders-sit-read-throttles", "orders-sit"),
                "users-sit-read-throttles": _alarm("users-sit-read-throttles", "users-sit"),
                "orders-latency": _alarm("orders-latency", "orders-sit", "SuccessfulRequestLatency", "Average"),
                "lambda-errors": _alarm("lambda-errors", "some-function")})
    imported = build(state, Options("terraform:infra", "sit"))
    backup = imported.files["backup.yaml"]
    assert '    vault: {kms_key: "arn:aws:kms:eu-west-1:444444444444:key/v"}\n' in backup
    assert "    every:\n      vault: vault\n" in backup
    assert "      covers: all\n" in backup
    assert "      covers: {tables: [users]}\n" in backup
    assert "      covers: {tags: {Backup: daily}}\n" in backup
    assert "      # covers: not written: selection s excludes resources or sets conditions;" in backup
    assert imported.files["stack.yaml"].count("read_throttles: {threshold: 1}") == 1  # a default of both tables
    orders = imported.files["tables/orders.yaml"]
    assert "    alarms: {}\n      # orders-latency: not written: on the metric SuccessfulRequestLatency" in orders
    environments = imported.files["environments.yaml"]
    assert 'account_id: "444444444444"\n' in environments
    assert f'backup_role_arn: "{role}"\n' in environments
    assert 'alarm_actions: ["arn:aws:sns:eu-west-1:444444444444:alarms"]' in environments
    assert imported.others == 1
    assert [p.split(":")[0] for p in imported.placeholders] == ["tables/orders.yaml", "backup.yaml"]
    for relative, text in imported.files.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(text)
    (tmp_path / "backup.yaml").write_text(backup.replace("      # covers: not written", "      covers: all\n#"))
    loaded = resolve(load_contracts(tmp_path), load_contracts(tmp_path).environments["sit"])
    assert sorted(r.kind.value for r in loaded.tables["orders-sit"].alarms) == ["read_throttles"]
    assert loaded.plans["tagged-sit"].covers.tags == {"Backup": "daily"}


def test_a_stack_the_loader_refuses_though_nothing_is_unknown_is_an_error_and_nothing_is_written(
        tmp_path: Path) -> None:
    """Terraform takes a TTL on a string key; the contracts refuse it (no item would ever expire)."""
    table = dataclasses.replace(_table("orders-sit", {}), ttl_attribute="id")
    state = ObservedState(FROM_TERRAFORM, "sit", {"orders-sit": table}, alarms={})
    imported = build(state, Options("terraform:infra", "sit", account_id="444444444444"))
    assert imported.placeholders == []
    out = tmp_path / "contracts"
    with pytest.raises(ToolError, match=r"do not load, so nothing was written:\n  .*contracts/tables/orders.yaml:\d+: "
                                        r"ttl_attribute 'id' is the partition key"):
        folder.write(out, imported.files, import_command.checker(imported, "terraform:infra", out, []))
    assert not any(tmp_path.iterdir())


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


# The brief, replayed: its Terraform imported, then the consumers' features run against what was imported --------


@pytest.mark.slow
def test_the_brief_imported_then_run_against_the_features_names_its_missing_tables_renamed_gsis_and_vault(
        tmp_path: Path) -> None:
    out = tmp_path / "contracts"
    done = python("-m", "dynamo_contracts.provision", "import", "--from", "terraform:tests/brief/terraform",
                  "--env", "sit", "--tf-var-file", "tests/brief/terraform/sit.tfvars", "--out", str(out))
    assert done.returncode == 0, done.stderr
    run = python("-m", "pytest", "-p", "no:cacheprovider", "-q", "--contracts", str(out), "--env=sit",
                 "--against=schema", f"--readiness-report={tmp_path / 'report'}", SOURCE_DATE_EPOCH="0")
    assert run.returncode == 1, run.stdout[-3000:]
    data = json.loads((tmp_path / "report" / "readiness.json").read_text())
    assert data["verdict"] == "BLOCKED"
    assert data["missing"]["tables"] == ["orders", "users"]
    assert data["counts"]["tables"] == {"expected": 5, "actual": 3}
    renamed = {(g["name"], g["closest"]) for g in data["gaps"] if g["kind"] == "gsi" and g["closest"]}
    assert renamed == {("CampaignsByStatus", "CampaignActiveIndex"), ("CampaignsByProduct", "CampaignProductIndex"),
                       ("ProductsByCategory", "ProductCategoryIndex"), ("ProductsByStatus", "ActiveProductsIndex"),
                       ("TenantsByDomain", "TenantDomainIndex")}
    assert data["vaults"] == {"expected": ["bbws-dynamodb-sit"], "actual": []}
    assert data["counts"]["backup_plans"] == {"expected": 1, "actual": 0}
