"""What a Terraform source's findings say (issue 18, item 5), as a user meets them: `pytest --env=sit
--against=terraform:DIR --readiness-report=out` on a stack written as a team writes it (tests/terraform/hcl/
team_stack: one table written out, one behind a local module that is followed, one behind the registry module
terraform-aws-modules/dynamodb-table that is not installed, audit tables over a set the pipeline gives), with
defects planted one by one in copies of it, all read side by side in one run.

What stays unknown is said as unknown: a table, GSI, vault or plan only something unread could define is
neither `missing` nor counted as absent; the absence of one that nothing unread could define fails, and one
that a construct could define is unverifiable naming that one construct. Every gap names who acts and where.
A table or GSI only Terraform defines is one Terraform would create, never one whose data is lost.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytest.register_assert_rewrite("tests.support.contract_project")
from tests.support.contract_project import FEATURES, ContractProject, subprocess_runner  # noqa: E402
from tests.support.paths import TERRAFORM  # noqa: E402

STACK = TERRAFORM / "hcl" / "team_stack"
COVERED = 'be covered by a backup plan keeping backups at least 14 days in vault "bbws-dynamodb"'

FEATURE = f"""
Feature: the orders team's tables, as the Terraform defines them before apply

  Scenario: orders
    Then the table "orders" must exist
    And the table "orders" must have point-in-time recovery
    And the table "orders" must have the GSI "OrdersByUser"

  Scenario: users
    Then the table "users" must have the GSI "UsersByEmail"
    And the GSI "UsersByEmail" of table "users" must project the attributes:
      | attribute   |
      | displayName |
      | role        |

  Scenario: campaigns
    Then the table "campaigns" must exist

  Scenario: backups
    Then the backup vault "bbws-dynamodb" must exist
    And the table "orders" must {COVERED}
"""


def _replace(folder: Path, file: str, old: str, new: str) -> None:
    path = folder / file
    text = path.read_text()
    assert text.count(old) == 1, f"{old!r} is not once in {path}"
    path.write_text(text.replace(old, new))


def _without_orders(folder: Path) -> None:
    text = (folder / "main.tf").read_text()
    start, end = text.index('resource "aws_dynamodb_table" "orders"'), text.index('module "users"')
    (folder / "main.tf").write_text(text[:start] + text[end:])


def gone(folder: Path) -> None:
    """The orders table and the vault removed: nothing unread could define them (the registry module's table is
    campaigns-sit, the audit tables are audit-*-sit)."""
    _without_orders(folder)
    _replace(folder, "backup.tf", 'resource "aws_backup_vault" "main" {\n  name = "bbws-dynamodb-${var.env}"\n}\n', "")
    _replace(folder, "backup.tf", "aws_backup_vault.main.name", '"bbws-dynamodb-${var.env}"')


def unread(folder: Path) -> None:
    """The orders table, the vault and the plan removed, and a module call of a registry source not installed
    that is given no name: it could define any of them. The users module's GSIs come from a variable with no
    value: they are unknown."""
    _without_orders(folder)
    (folder / "backup.tf").write_text("")
    (folder / "extra.tf").write_text('module "extra" {\n  source = "acme/tables/aws"\n}\n')
    _replace(folder, "modules/table/main.tf", "for_each = var.gsis", 'for_each = terraform.workspace == "sit" ? '
             "var.gsis : []")


def wrong(folder: Path) -> None:
    """Point-in-time recovery off on orders (written out), and the users module called with a projection of keys
    only for UsersByEmail (the value is given at the call)."""
    _replace(folder, "main.tf", "  point_in_time_recovery {\n    enabled = true\n  }\n\n  server_side_encryption {\n"
             "    enabled = true\n  }\n}\n\nmodule",
             "  point_in_time_recovery {\n    enabled = false\n  }\n\n  server_side_encryption {\n"
             "    enabled = true\n  }\n}\n\nmodule")
    _replace(folder, "main.tf", '      projection_type    = "INCLUDE"\n      non_key_attributes = ["displayName"',
             '      projection_type    = "KEYS_ONLY"\n      non_key_attributes = ["displayName"')


def typo(folder: Path) -> None:
    """The orders table named orders-stt, and a GSI on users only Terraform defines."""
    _replace(folder, "main.tf", 'name                        = "orders-${var.env}"',
             'name                        = "orders-stt"')
    _replace(folder, "main.tf", "    },\n  ]\n}", '    },\n    { name = "UsersByRole", hash_key = "role", '
             'projection_type = "KEYS_ONLY" },\n  ]\n}')


VARIANTS: dict[str, Callable[[Path], None]] = {"gone": gone, "unread": unread, "wrong": wrong, "typo": typo}


def _line(folder: Path, file: str, text: str) -> str:
    """`tf/VARIANT/file:line` of the first line of `file` holding `text`, as the report names it."""
    lines = (folder / file).read_text().splitlines()
    return f"tf/{folder.name}/{file}:{next(n for n, line in enumerate(lines, 1) if text in line)}"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> ContractProject:
    path = tmp_path_factory.mktemp("team")
    project = ContractProject(path, subprocess_runner(path))
    for table in ("products", "tenants"):
        project.remove_table(table)
    project.feature("orders_team", FEATURE)
    project.feature("platform", (FEATURES / "platform" / "stack.feature").read_text())
    for name, plant in VARIANTS.items():
        folder = path / "tf" / name
        shutil.copytree(STACK, folder)
        plant(folder)
    return project


@pytest.fixture(scope="module")
def reports(project: ContractProject) -> dict[str, Any]:
    """One inner run over every variant side by side: its readiness.json and results.json, by variant."""
    against = ",".join(f"terraform:tf/{name}" for name in VARIANTS)
    done = project.run("--env=sit", f"--against={against}", "--readiness-report=out")
    out = project.path / "out"
    assert (out / "readiness.json").is_file(), done.output[-3000:]
    readiness = json.loads((out / "readiness.json").read_text())
    results = json.loads((out / "results.json").read_text())
    markdown = (out / "readiness.md").read_text()
    found: dict[str, Any] = {}
    for name in VARIANTS:
        label = f"terraform:tf/{name}"
        source = next(s for s in results["sources"] if s["name"] == label)
        found[name] = {"readiness": readiness["sources"][label], "markdown": _section(markdown, label),
                       "findings": [f for s in source["scenarios"] for f in s["findings"]],
                       "folder": project.path / "tf" / name}
    return found


def _section(markdown: str, label: str) -> str:
    """The part of a side-by-side readiness.md about one source in full (its key findings, criteria, gaps)."""
    start = markdown.rindex(f"### {label} (")
    following = markdown.find("\n### ", start + 1)
    return markdown[start:] if following < 0 else markdown[start:following]


def finding(report: dict[str, Any], subject: str, consumer_kind: str | None = None) -> dict[str, Any]:
    found = [f for f in report["findings"] if f["subject"] == subject and (
        consumer_kind is None or f["kind"] == consumer_kind)]
    assert found, f"no finding {subject!r}; subjects: {sorted({f['subject'] for f in report['findings']})}"
    return found[0]


@pytest.mark.slow
def test_an_absence_nothing_unread_could_define_fails_and_is_missing(reports: dict[str, Any]) -> None:
    report = reports["gone"]
    orders = finding(report, "table orders")
    assert orders["outcome"] == "failed", orders
    assert orders["action"].startswith("the owners of the Terraform: add table orders-sit to the Terraform in ")
    vault = finding(report, "backup vault bbws-dynamodb")
    assert vault["outcome"] == "failed", vault
    data = report["readiness"]
    assert data["missing"]["tables"] == ["orders"]
    assert data["unknown"]["tables"] == {"campaigns": [_campaigns(report)]}
    assert data["vaults"]["actual"] == []
    assert "| Tables | 3 | 1 | 1 missing (orders); 1 not known here (campaigns: " in report["markdown"]


def _campaigns(report: dict[str, Any]) -> str:
    return 'module "campaigns" at ' + _line(report["folder"], "main.tf", 'module "campaigns"')


@pytest.mark.slow
def test_an_absence_a_construct_could_define_is_unverifiable_naming_that_one(reports: dict[str, Any]) -> None:
    report = reports["unread"]
    orders = finding(report, "table orders")
    assert orders["outcome"] == "unverifiable", orders
    assert 'module "extra" at ' in orders["reason"]
    assert 'module "campaigns"' not in orders["reason"]  # it defines campaigns-sit only
    assert "aws_dynamodb_table.audit" not in orders["reason"]  # audit-*-sit
    data = report["readiness"]
    assert data["missing"] == {"tables": [], "gsis": []}
    extra = f'module "extra" at {_line(report["folder"], "extra.tf", "module")}'
    assert data["unknown"]["tables"] == {"campaigns": [extra, _campaigns(report)], "orders": [extra]}
    assert data["unknown"]["vaults"] == {"bbws-dynamodb-sit": [extra]}
    assert data["unknown"]["backup_plans"] == [extra]
    assert "users.UsersByEmail" in data["unknown"]["gsis"]
    markdown = report["markdown"]
    assert "missing" not in _row(markdown, "Tables")
    assert "2 not known here (campaigns, orders: " in _row(markdown, "Tables")
    assert "missing" not in _row(markdown, "Backup plans")
    assert "missing" not in _row(markdown, "Backup vault")


def _row(markdown: str, check: str) -> str:
    return next(line for line in markdown.splitlines() if line.startswith(f"| {check} |"))


@pytest.mark.slow
def test_a_wrong_setting_names_who_changes_which_line(reports: dict[str, Any]) -> None:
    report = reports["wrong"]
    folder = report["folder"]
    pitr = finding(report, "point-in-time recovery of table orders")
    assert pitr["outcome"] == "failed"
    orders_at = _line(folder, "main.tf", 'resource "aws_dynamodb_table" "orders"')
    assert pitr["action"].startswith(f"the owners of the Terraform: change {orders_at} "), pitr
    projection = finding(report, "attributes displayName, role in GSI UsersByEmail of table users")
    assert projection["outcome"] == "failed"
    given_at = _line(folder, "main.tf", "  gsis = [")
    assert given_at in projection["action"], projection


@pytest.mark.slow
def test_every_gap_a_terraform_source_finds_names_who_acts(reports: dict[str, Any]) -> None:
    for name, report in reports.items():
        gaps = report["readiness"]["gaps"]
        assert all(g["action"].startswith("the owners of the Terraform: ") for g in gaps), (
            name, [(g["subject"], g["action"]) for g in gaps if not g["action"].startswith("the owners")])


@pytest.mark.slow
def test_a_table_or_gsi_only_terraform_defines_would_be_created(reports: dict[str, Any]) -> None:
    report = reports["typo"]
    said = json.dumps(report["readiness"]) + json.dumps(report["findings"])
    assert "its data is lost" not in said
    assert "DELETE" not in said
    table = finding(report, "table orders-stt")
    assert table["actual"] == "Terraform would create table orders-stt, which contracts/ does not define"
    assert table["outcome"] == "failed"
    gsi = finding(report, "GSI of users-sit")
    assert gsi["actual"] == ("Terraform would create GSI UsersByRole on table users-sit, which contracts/ does not "
                             "define")
