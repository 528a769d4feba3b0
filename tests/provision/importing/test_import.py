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
from pathlib import Path
from typing import Any

import pytest

from dynamo_contracts.provision.desired.load import load_contracts
from dynamo_contracts.provision.desired.model import (
    AttributeType,
    DesiredState,
    KeyAttribute,
    KeySchema,
    Projection,
    ProjectionType,
)
from dynamo_contracts.provision.desired.stack import Stack, resolve
from dynamo_contracts.provision.export import command as export_command
from dynamo_contracts.provision.export import layout
from dynamo_contracts.provision.importing.stack import Options, build
from dynamo_contracts.provision.observed.schema import observed_from_stack
from tests.provision.importing.imports import ALARMS_UNREAD, BRIEF, run_import
from tests.steps.report.test_library import ROOT, python
from tests.support import terraform_oracle

AWS_ENVS = ("dev", "sit", "prod")


@pytest.fixture(scope="module")
def desired() -> DesiredState:
    return load_contracts(ROOT / "contracts")


@pytest.fixture(scope="module")
def exported(desired: DesiredState, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export")
    envs = export_command.environments(desired, None)
    layout.write(out, layout.export(desired, envs, "contracts/", {}), envs)
    return out


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
