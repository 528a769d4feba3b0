"""The contracts before deploy (issue 9): the brief's Terraform, as a folder of .tf files and as a plan,
gives the brief's findings and blocked consumers; the project's own desired state as a plan passes;
a construct the HCL reader cannot follow is unverifiable, never missing; bad input stops the run with
exit code 4 and its file:line; one run puts schema, Terraform and the plan side by side (golden)."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.brief import goldens
from tests.brief.goldens import compare_with_golden
from tests.provision.observed.terraform.static_runs import BRIEF, contracts, report
from tests.steps.report.test_library import ROOT, python
from tests.support import spawn

TERRAFORM = f"terraform:{BRIEF / 'terraform'}"
VARS = f"--tf-var-file={BRIEF / 'terraform' / 'sit.tfvars'}"
PLAN = f"plan:{BRIEF / 'plan.json'}"
BRIEF_BLOCKED = {"campaigns_lambda", "order_lambda", "platform", "product_lambda", "tenant_management"}


@pytest.fixture(scope="module", params=[pytest.param((TERRAFORM, VARS), id="terraform"),
                                        pytest.param((PLAN,), id="plan")])
def brief(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, spawn: ModuleType,
          ) -> tuple[spawn.CompletedProcess[str], dict[str, Any]]:
    source, *more = request.param
    out = tmp_path_factory.mktemp(request.node.callspec.id if hasattr(request.node, "callspec") else "brief")
    done = contracts(out, f"--against={source}", *more)
    return done, report(out)


def test_the_brief_terraform_lacks_two_tables_renames_five_gsis_and_has_no_backups(
        brief: tuple[spawn.CompletedProcess[str], dict[str, Any]]) -> None:
    done, data = brief
    assert done.returncode == 1, done.stdout[-2000:]
    assert "provisioned" not in done.stdout  # no backend
    assert data["verdict"] == "BLOCKED"
    assert data["counts"]["tables"] == {"expected": 5, "actual": 3}
    assert data["counts"]["gsis"] == {"expected": 8, "actual": 7}
    assert data["missing"]["tables"] == ["orders", "users"]
    assert data["vaults"] == {"expected": ["bbws-dynamodb-sit"], "actual": []}
    assert data["counts"]["backup_plans"] == {"expected": 1, "actual": 0}
    renamed = {(g["name"], g["closest"]) for g in data["gaps"] if g["kind"] == "gsi" and g["closest"]}
    assert renamed == {("CampaignsByStatus", "CampaignActiveIndex"), ("CampaignsByProduct", "CampaignProductIndex"),
                       ("ProductsByCategory", "ProductCategoryIndex"), ("ProductsByStatus", "ActiveProductsIndex"),
                       ("TenantsByDomain", "TenantDomainIndex")}
    assert {c for c, s in data["consumers"].items() if s["status"] == "blocked"} == BRIEF_BLOCKED
    orders = next(g for g in data["gaps"] if g["kind"] == "table" and g["table"] == "orders")
    assert orders["consumers"] == ["order_lambda", "platform"]
    assert orders["action"].startswith("the owners of the Terraform: add table orders-sit to ")
    assert orders["action"].endswith("as contracts/tables/orders.yaml defines it")


def test_a_gap_in_an_existing_terraform_table_names_its_file_and_line(
        brief: tuple[spawn.CompletedProcess[str], dict[str, Any]]) -> None:
    _, data = brief
    gsi = next(g for g in data["gaps"] if g["kind"] == "gsi" and g["name"] == "TenantsByDomain")
    if gsi["action"].count("dynamodb.tf:"):  # the HCL reader knows the line; a plan names the address
        assert "tests/brief/terraform/dynamodb.tf:" in gsi["action"]
    assert "aws_dynamodb_table.tenants" in gsi["action"]


@pytest.mark.usefixtures("spawn")
def test_the_folder_and_its_plan_give_the_same_gaps(tmp_path: Path) -> None:
    folder = contracts(tmp_path / "tf", f"--against={TERRAFORM}", VARS)
    plan = contracts(tmp_path / "plan", f"--against={PLAN}")
    assert folder.returncode == plan.returncode == 1
    gaps = [sorted((g["kind"], g["subject"], tuple(g["consumers"])) for g in report(tmp_path / name)["gaps"])
            for name in ("tf", "plan")]
    assert gaps[0] == gaps[1]


@pytest.mark.usefixtures("spawn")
def test_the_projects_own_desired_state_as_a_plan_has_no_gap(tmp_path: Path) -> None:
    """benchmarks/peer/plan.json is Terraform's plan of infra/envs/sit, the Terraform `python -m provision terraform`
    writes from contracts/: every claim holds."""
    done = contracts(tmp_path, "--against=plan:benchmarks/peer/plan.json")
    assert done.returncode == 0, done.stdout[-3000:]
    data = report(tmp_path)
    assert data["gaps"] == []
    assert data["verdict"] == "UNVERIFIED"  # the access patterns are not run on a plan
    reasons = {u["reason"] for u in data["unverified"]}
    assert {r.split(":")[0] for r in reasons} == {"not run against plan", "unverifiable on plan"}
    assert {r for r in reasons if r.startswith("unverifiable")} == {  # the alarms are read, not their states
        "unverifiable on plan: an alarm's state exists only in CloudWatch, once deployed"}


@pytest.mark.usefixtures("spawn")
def test_a_module_call_makes_what_it_may_define_unverifiable_not_missing(tmp_path: Path) -> None:
    folder = tmp_path / "infra"
    shutil.copytree(ROOT / BRIEF / "terraform", folder)
    (folder / "orders.tf").write_text('module "orders" {\n  source = "app.terraform.io/acme/orders/aws"\n'
                                      '  env    = var.env\n}\n')  # not installed: `terraform init` never ran
    done = contracts(tmp_path / "out", f"--against=terraform:{folder}", f"--tf-var-file={folder / 'sit.tfvars'}")
    data = report(tmp_path / "out")
    assert data["missing"]["tables"] == []  # not among what could be read, but not missing: the module may define them
    call = f'module "orders" at {folder / "orders.tf"}:1'
    assert data["unknown"]["tables"] == {"orders": [call], "users": [call]}
    assert not [g for g in data["gaps"] if g["kind"] == "table"]
    tables = next(line for line in (tmp_path / "out" / "readiness.md").read_text().splitlines()
                  if line.startswith("| Tables |"))
    assert tables == f"| Tables | 5 | 3 | 2 not known here (orders, users: {call} could define them) |"
    table = next(u for u in data["unverified"] if u["check"] == "table orders")
    assert f'module "orders" at {folder / "orders.tf"}:1' in table["reason"]
    assert "--against plan:FILE" in table["reason"]
    assert data["verdict"] == "BLOCKED"  # the renamed GSIs are still gaps
    assert done.returncode == 1


@pytest.mark.usefixtures("spawn")
def test_a_terraform_table_of_no_logical_name_or_in_no_contract_is_unexpected(tmp_path: Path) -> None:
    folder = tmp_path / "infra"
    shutil.copytree(ROOT / BRIEF / "terraform", folder)
    (folder / "audit.tf").write_text("""
resource "aws_dynamodb_table" "audit" {
  name         = "audit-${var.env}"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"
  attribute {
    name = "id"
    type = "S"
  }
}

resource "aws_dynamodb_table" "legacy" {
  name         = "LegacyOrders"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"
  attribute {
    name = "id"
    type = "S"
  }
}
""")
    contracts(tmp_path / "out", f"--against=terraform:{folder}", f"--tf-var-file={folder / 'sit.tfvars'}")
    data = report(tmp_path / "out")
    assert data["unexpected"]["tables"] == ["LegacyOrders", "audit"]
    assert data["counts"]["tables"]["actual"] == 5
    exact = next(g for g in data["gaps"] if g["subject"] == "tables of sit")
    assert "not expected LegacyOrders, audit" in exact["reason"]
    created = {g["subject"]: g["actual"] for g in data["gaps"] if g["change"] == "LeftAlone"}  # not tagged as ours:
    assert created == {  # in an environment left alone, in Terraform a table it would create
        "table LegacyOrders": "Terraform would create table LegacyOrders, which contracts/ does not define",
        "table audit-sit": "Terraform would create table audit-sit, which contracts/ does not define"}


@pytest.mark.parametrize(("files", "args", "says"), [
    pytest.param({"main.tf": 'resource "aws_dynamodb_table" "t" {\n  name = \n}\n'}, (), "main.tf:", id="tf-syntax"),
    pytest.param({"main.tf": 'variable "env" {}\n'}, ("--tf-var-file=nowhere.tfvars",), "nowhere.tfvars",
                 id="missing-var-file"),
    pytest.param({"plan.json": '{"format_version": "9.0", "planned_values": {}}'}, (), "9.0", id="plan-format"),
    pytest.param({"plan.json": '{"format_version": "1.2",\n "planned_values": [}'}, (), "plan.json:2", id="plan-json"),
])
@pytest.mark.usefixtures("spawn")
def test_a_source_that_cannot_be_read_stops_the_run_with_exit_code_4_and_its_file(
        tmp_path: Path, files: dict[str, str], args: tuple[str, ...], says: str) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    source = f"plan:{tmp_path / 'plan.json'}" if "plan.json" in files else f"terraform:{tmp_path}"
    done = contracts(tmp_path / "out", f"--against={source}", *args)
    assert done.returncode == pytest.ExitCode.USAGE_ERROR, done.stdout[-2000:] + done.stderr
    assert says in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert not (tmp_path / "out" / "readiness.md").exists()



@pytest.mark.slow
@pytest.mark.parametrize("source", [pytest.param((TERRAFORM, VARS), id="terraform"), pytest.param((PLAN,), id="plan")])
def test_terraform_of_another_environment_stops_the_run_naming_the_env_to_give(
        tmp_path: Path, source: tuple[str, ...]) -> None:
    against, *more = source
    done = python("-m", "pytest", "-p", "no:cacheprovider", "-q", f"--against=schema,{against}", *more,
                  f"--readiness-report={tmp_path}")  # no --env: local, whose tables are named orders-local
    assert done.returncode == pytest.ExitCode.USAGE_ERROR, done.stdout[-2000:]
    assert (f"--against {against}: its tables (campaigns-sit, products-sit, tenants-sit) are named for environment "
            "sit, and none for 'local', the environment this run checks (its names are like campaigns-local): give "
            "--env=sit. Nothing was run.") in done.stderr
    assert "failed" not in done.stdout + done.stderr
    assert not (tmp_path / "readiness.md").exists()


# What only a live run needs, and a run of static sources must not import: moto and the containers, boto3 and
# botocore's client and HTTP stack (a tenth of a second and more), the provisioning lock, the apply.
LIVE_ONLY = ("moto", "testcontainers", "docker", "boto3", "urllib3", "filelock", "botocore.config",
             "botocore.client", "botocore.endpoint", "botocore.parsers", "botocore.retries.standard",
             "dynamo_contracts.provision.apply.executor", "dynamo_contracts.provision.workflow",
             "dynamo_contracts.provision.observed.live",
             "jinja2")  # and the report's renderer, in a run without --readiness-report


@pytest.mark.usefixtures("spawn")  # pytest in a subprocess
def test_static_sources_import_nothing_only_a_live_run_needs_and_start_no_backend() -> None:
    code = ("import sys, pytest\n"
            f"code = pytest.main(['-q', '-p', 'no:cacheprovider', '--env=sit', '--against=schema,{TERRAFORM},{PLAN}',"
            f" {VARS!r}])\n"
            f"live_only = {LIVE_ONLY!r}\n"
            "print('IMPORTED', sorted(m for m in sys.modules if any(m == x or m.startswith(x + '.') "
            "for x in live_only)))\n")
    done = python("-c", code)
    assert "IMPORTED []" in done.stdout, done.stdout[-2000:]


@pytest.mark.slow
def test_schema_terraform_and_plan_side_by_side_golden(tmp_path: Path) -> None:
    done = goldens.run(tmp_path, *goldens.RUNS["golden-sources"])
    assert done.returncode == 1
    data = report(tmp_path)
    assert {label: s["verdict"] for label, s in data["sources"].items()} == {
        "schema": "UNVERIFIED", "terraform": "BLOCKED", "plan": "BLOCKED"}
    tables = next(d for d in data["drift"] if d["what"] == "tables")
    assert tables["description"].startswith("tables: schema 5 (campaigns, orders, products, tenants, users), "
                                            "terraform and plan 3 (campaigns, products, tenants)")
    compare_with_golden(tmp_path, ROOT / "tests" / "brief" / "golden-sources")


@pytest.mark.slow
def test_schema_terraform_and_live_on_moto_in_one_run(tmp_path: Path) -> None:
    terraform = shutil.copytree(ROOT / BRIEF / "terraform", tmp_path / "terraform")
    variables = terraform / "variables.tf"  # its validation admits dev, sit and prod: moto too, for this run
    variables.write_text(variables.read_text().replace('["dev", "sit", "prod"]', '["dev", "sit", "prod", "moto"]'))
    (tmp_path / "moto.tfvars").write_text('env = "moto"\n')
    done = python("-m", "pytest", "-p", "no:cacheprovider", "-q", "--env=moto", f"--readiness-report={tmp_path}",
                  f"--against=schema,terraform:{terraform},live", f"--tf-var-file={tmp_path / 'moto.tfvars'}")
    assert done.returncode == 1
    data = report(tmp_path)
    assert {label: s["verdict"] for label, s in data["sources"].items()} == {
        "schema": "UNVERIFIED", "terraform": "BLOCKED", "live": "UNVERIFIED"}
    assert data["sources"]["live"]["counts"]["tables"] == {"expected": 5, "actual": 5}
    assert "| Tables | 5 | 5 | 3 (missing orders, users) | 5 |" in (tmp_path / "readiness.md").read_text()
