"""`python -m provision terraform`: the Terraform written from contracts/, read back, checked, planned."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Any

import pytest

from dynamo_contracts.provision.desired.load import load_contracts
from dynamo_contracts.provision.desired.model import DesiredState, TableClass, TableOverrides
from dynamo_contracts.provision.desired.stack import resolve
from dynamo_contracts.provision.export import command, layout
from dynamo_contracts.provision.export.hcl import Attr, Blank, Block, Call, Expr, render
from dynamo_contracts.provision.observed.schema import observed_from_stack
from dynamo_contracts.provision.observed.state import ObservedState
from dynamo_contracts.provision.observed.terraform.hcl import read_folder
from dynamo_contracts.provision.observed.terraform.to_observed import observe
from tests.support import spawn, terraform_oracle
from tests.support.paths import ROOT

AWS_ENVS = ("dev", "sit", "prod")
IDS = ("plan_id", "selection_id", "defined_at", "given_at")  # where each source says a thing is: never compared


@pytest.fixture(scope="module")
def desired() -> DesiredState:
    return load_contracts(ROOT / "contracts")


@pytest.fixture(scope="module")
def exported(desired: DesiredState, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export")
    envs = command.environments(desired, None)
    files = layout.export(desired, envs, "contracts/", command.policies(desired, envs, ROOT,
                                                                        command._policy_source()))
    layout.write(out, files, envs)
    return out


def plain(value: Any) -> Any:
    """An observed state as plain data, without the names each source gives its resources."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value) if f.name not in IDS}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def comparable(state: ObservedState) -> dict[str, Any]:
    return {"tables": plain(state.tables), "backups": plain(state.backups), "unresolved": plain(state.unresolved)}


def test_the_hcl_writer_aligns_one_line_arguments_as_terraform_fmt_does() -> None:
    text = render([Block("resource", ("aws_x", "y"), (
        Attr("name", "a"), Attr("hash_key", "b"), Attr("tags", Call("merge", ({"A": "1", "Long": "2"},
                                                                                Expr("var.tags")))),
        Attr("c", 1), Attr("longer", True), Blank(), Block("ttl", (), (Attr("enabled", False),))))])
    assert text == '''resource "aws_x" "y" {
  name     = "a"
  hash_key = "b"
  tags = merge({
    A    = "1"
    Long = "2"
  }, var.tags)
  c      = 1
  longer = true

  ttl {
    enabled = false
  }
}
'''
    assert render([Attr("x", '${not} %{a} "q"\n')]) == 'x = "$${not} %%{a} \\"q\\"\\n"\n'


@pytest.mark.parametrize("env", AWS_ENVS)
def test_each_root_read_back_holds_what_the_schema_holds(desired: DesiredState, exported: Path, env: str) -> None:
    environment = desired.environments[env]
    schema = observed_from_stack(resolve(desired, environment))
    terraform = observe(read_folder(exported / "envs" / env), environment)
    assert comparable(terraform) == comparable(schema)
    assert sorted(terraform.tables) == sorted(environment.table_name(t.name) for t in desired.tables)


@pytest.mark.usefixtures("spawn")
def test_check_passes_on_the_export_and_fails_on_a_hand_edit_a_missing_and_a_stale_file(
        desired: DesiredState, exported: Path, tmp_path: Path) -> None:
    folder = tmp_path / "infra"
    spawn.run(["cp", "-r", str(exported), str(folder)], check=True)
    run = [sys.executable, "-m", "dynamo_contracts.provision", "terraform", "--out", str(folder), "--check"]
    clean = spawn.run(run, cwd=ROOT, capture_output=True, text=True)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert f"{folder} is what contracts/ makes (15 files)" in clean.stdout
    tables = folder / "modules" / "dynamodb-stack" / "tables.tf"
    tables.write_text(tables.read_text().replace('projection_type = "ALL"', 'projection_type = "KEYS_ONLY"', 1))
    (folder / "envs" / "sit" / "versions.tf").unlink()
    stale = folder / "envs" / "sit" / "old.tf"
    stale.write_text(layout.MARKER + " from contracts/: do not edit.\n")
    (folder / "envs" / "sit" / "backend.tf").write_text('terraform {\n  backend "s3" {}\n}\n')  # the team's own
    drifted = spawn.run(run, cwd=ROOT, capture_output=True, text=True)
    assert drifted.returncode == 1
    assert "modules/dynamodb-stack/tables.tf: differs from contracts/" in drifted.stdout
    assert '-    projection_type = "KEYS_ONLY"' in drifted.stdout
    assert '+    projection_type = "ALL"' in drifted.stdout
    assert "envs/sit/versions.tf: not written yet" in drifted.stdout
    assert "envs/sit/old.tf: is generated but no longer made from contracts/" in drifted.stdout
    assert "backend.tf" not in drifted.stdout
    assert "run `dynamo-contracts terraform --out" in drifted.stderr
    rewrite = spawn.run(run[:-1], cwd=ROOT, capture_output=True, text=True)
    assert rewrite.returncode == 0
    assert "3 file(s) changed of 15" in rewrite.stdout
    assert not stale.exists()
    assert (folder / "envs" / "sit" / "backend.tf").exists()
    assert spawn.run(run, cwd=ROOT, capture_output=True, text=True).returncode == 0


@pytest.mark.usefixtures("spawn")
def test_environments_terraform_cannot_build_are_refused(tmp_path: Path) -> None:
    for arguments, message in ((["--env", "local"], "a DynamoDB Local environment cannot be built by Terraform"),
                               (["--env", "stt"], "--env stt: no such environment in the contracts")):
        done = spawn.run([sys.executable, "-m", "provision", "terraform", "--out", str(tmp_path), *arguments],
                         cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 1
        assert message in done.stderr
        assert "Traceback" not in done.stderr
    assert not any(tmp_path.iterdir())


@pytest.mark.slow
def test_the_export_is_terraform_fmt_clean_and_terraform_validates_and_plans_every_root(exported: Path) -> None:
    terraform_oracle.needs_terraform()
    fmt = spawn.run(["terraform", "fmt", "-check", "-recursive", "-diff", str(exported)], capture_output=True,
                    text=True, env=terraform_oracle.environment(exported))
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr
    for env in AWS_ENVS:
        plan = terraform_oracle.plan(exported / "envs" / env, within=exported)
        made = {r["address"] for r in plan["resource_changes"] if r["change"]["actions"] == ["create"]}
        assert "module.dynamodb_stack.aws_dynamodb_table.orders" in made
        assert "module.dynamodb_stack.aws_backup_selection.bbws-dynamodb-daily" in made
        assert "aws_iam_policy.order_lambda" in made


def test_only_the_settings_some_environment_overrides_are_variables(desired: DesiredState, tmp_path: Path) -> None:
    sit = desired.environments["sit"]
    overrides = TableOverrides(point_in_time_recovery=False, table_class=TableClass.STANDARD_INFREQUENT_ACCESS,
                               tags={"CostCentre": "42"})
    changed = dataclasses.replace(desired, environments={**desired.environments,
                                                         "sit": dataclasses.replace(sit, overrides=overrides)})
    envs = command.environments(changed, ["sit", "prod"])
    layout.write(tmp_path, layout.export(changed, envs, "contracts/", {}), envs)
    variables = (tmp_path / "modules" / "dynamodb-stack" / "variables.tf").read_text()
    for name in ("deletion_protection", "point_in_time_recovery", "table_class", "tags"):  # prod keeps its own
        assert f"    {name} " in variables
    for env in ("sit", "prod"):
        environment = changed.environments[env]
        schema = observed_from_stack(resolve(changed, environment))
        assert comparable(observe(read_folder(tmp_path / "envs" / env), environment)) == comparable(schema)
    none = dataclasses.replace(desired, environments={
        n: dataclasses.replace(e, overrides=TableOverrides()) for n, e in desired.environments.items()})
    layout.write(tmp_path / "plain", layout.export(none, envs, "contracts/", {}), envs)
    assert "overrides" not in (tmp_path / "plain" / "modules" / "dynamodb-stack" / "variables.tf").read_text()
    assert "enabled = true" in (tmp_path / "plain" / "modules" / "dynamodb-stack" / "tables.tf").read_text()


def test_the_committed_terraform_is_what_contracts_makes(desired: DesiredState) -> None:
    """infra/ is generated: a change to contracts/ (or to a consumer's access patterns) without regenerating it,
    or a hand edit, fails here as `python -m provision terraform --out infra --check` fails in CI."""
    envs = command.environments(desired, None)
    files = layout.export(desired, envs, "contracts/", command.policies(desired, envs, ROOT, command._policy_source()))
    assert [str(d) for d in layout.check(ROOT / "infra", files, envs)] == []
