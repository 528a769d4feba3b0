"""The real contracts/ as the loader reads them: the tables, indexes, backups and environments they declare, and
several mistakes reported together, sorted by file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from dynamo_contracts.provision.desired.load import load_contracts
from dynamo_contracts.provision.desired.model import DesiredState
from dynamo_contracts.provision.desired.stack import resolve
from dynamo_contracts.provision.errors import ContractError
from tests.provision.desired.contracts_edits import (
    BACKUP,
    ENVIRONMENTS,
    ORDERS,
    REAL_CONTRACTS,
    Edit,
    contracts_with,
    line_of,
    show,
)

USERS = "tables/users.yaml"


# --- the real contracts --------------------------------------------------------------------


@pytest.fixture(scope="module")
def real() -> DesiredState:
    return load_contracts(REAL_CONTRACTS)


def test_real_contracts_tables_and_indexes(real: DesiredState) -> None:
    assert sorted(t.name for t in real.tables) == ["campaigns", "orders", "products", "tenants", "users"]
    names = sorted(index.name for table in real.tables for index in table.global_indexes)
    assert names == ["CampaignsByProduct", "CampaignsByStatus", "OrdersByDate", "OrdersByUser",
                     "ProductsByCategory", "ProductsByStatus", "TenantsByDomain", "UsersByEmail"]
    assert all(not table.local_indexes for table in real.tables)
    assert real.index_naming == "<Table>By<Attribute>"


def test_real_contracts_backup(real: DesiredState) -> None:
    assert [vault.name for vault in real.vaults] == ["bbws-dynamodb"]
    assert len(real.plans) == 1
    plan = real.plans[0]
    assert plan.rule.retention_days == 14
    assert plan.rule.vault == "bbws-dynamodb"
    assert plan.covers.all_tables
    plans = resolve(real, real.environments["dev"]).plans
    assert [p.covers.tables for p in plans.values()] == [
        ("campaigns-dev", "orders-dev", "products-dev", "tenants-dev", "users-dev")]


def test_real_contracts_environments(real: DesiredState) -> None:
    assert list(real.environments) == ["local", "moto", "dev", "sit", "prod"]
    assert [env.name for env in real.environments.values() if env.is_aws] == ["dev", "sit", "prod"]
    assert all(not table.deletion_protection for table in real.tables)


@pytest.mark.parametrize(("env", "protected"), [("local", False), ("moto", False), ("dev", False),
                                                ("sit", True), ("prod", True)])
def test_real_contracts_deletion_protection_per_environment(real: DesiredState, env: str, protected: bool) -> None:
    environment = real.environments[env]
    assert environment.overrides.deletion_protection is (True if protected else None)
    stack = resolve(real, environment)
    assert sorted(stack.tables) == sorted(f"{t.name}-{env}" for t in real.tables)
    assert {name: spec.deletion_protection for name, spec in stack.tables.items()} == dict.fromkeys(
        stack.tables, protected)


# --- several mistakes at once --------------------------------------------------------------


def test_all_mistakes_reported_together_sorted_by_file_and_line(tmp_path: Path) -> None:
    edits = [
        Edit(USERS, "        projection: {type: INCLUDE", "        capacity: {read: 1, write: 1}\n"
                                                           "        projection: {type: INCLUDE"),
        Edit(ORDERS, "        projection: ALL\n", "        projecton: ALL\n"),
        Edit(BACKUP, "cron(0 3 * * ? *)", "cron(0 3 * * * *)"),
        Edit(ORDERS, "sort_key: {name: orderId, type: S}", "sort_key: {name: orderId, type: BOOL}"),
        Edit(ENVIRONMENTS, '"111111111111"', '"11111111111"'),
    ]
    folder = contracts_with(tmp_path, edits)
    markers = {USERS: ["capacity:"], ORDERS: ["type: BOOL", "projecton"], BACKUP: ["schedule:"],
               ENVIRONMENTS: ['"11111111111"']}
    expected = sorted((file, line_of((folder / file).read_text(encoding="utf-8"), marker))
                      for file, file_markers in markers.items() for marker in file_markers)
    with pytest.raises(ContractError) as caught:
        load_contracts(folder)
    problems = caught.value.problems
    found = [(Path(p.file).relative_to(folder).as_posix(), p.line) for p in problems]
    assert found == expected, show(problems)
    assert list(problems) == sorted(problems, key=lambda p: (p.file, p.line))
    assert str(caught.value).startswith("5 problems in the contracts:")
