"""`python -m provision validate` on the real contracts with a mistake or two: its exit status and what it
prints, file:line and what to write instead, and nothing else."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.provision.desired.contracts_edits import (
    BACKUP,
    DEV_TABLES_WITHOUT_ENV,
    ENVIRONMENTS,
    ORDERS,
    SIT_IN_DEVS_ACCOUNT,
    Edit,
    assert_cli_one_problem,
    contracts_with,
    copy_contracts,
    line_of,
    run_validate,
    sit_pattern,
)


@pytest.mark.usefixtures("spawn")
def test_cli_validate_good_contracts(tmp_path: Path) -> None:
    result = run_validate(copy_contracts(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "contracts are valid: 5 tables, 8 GSIs, 1 backup plans" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


CLI_MISTAKES = [
    pytest.param(Edit(ORDERS, "        projection: ALL\n", "        projecton: ALL\n"), "projecton", id="unknown key"),
    pytest.param(Edit(BACKUP, "retention_days: 14", "retention_days: 0"), "retention_days", id="retention 0"),
    pytest.param(Edit(ENVIRONMENTS, "    backend: moto\n", "    backend: moto\n    table_name_pattern: '{tabel}'\n"),
                 "table_name_pattern", id="table_name_pattern typo"),
]


@pytest.mark.usefixtures("spawn")
@pytest.mark.parametrize(("edit", "marker"), CLI_MISTAKES)
def test_cli_validate_bad_contracts(tmp_path: Path, edit: Edit, marker: str) -> None:
    folder = contracts_with(tmp_path, [edit])
    line = line_of((folder / edit.file).read_text(encoding="utf-8"), marker)
    result = run_validate(folder)
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.returncode == 1, output
    assert result.stderr.startswith("error: 1 problem in the contracts:"), result.stderr
    assert result.stderr.count("error:") == 1, result.stderr
    assert re.search(rf"^  \S*{re.escape(edit.file)}:{line}: \S", result.stderr, re.MULTILINE), result.stderr


@pytest.mark.usefixtures("spawn")
def test_cli_validate_missing_folder(tmp_path: Path) -> None:
    result = run_validate(tmp_path / "nowhere")
    assert result.returncode == 1
    assert result.stderr.startswith("error: 1 problem in the contracts:")
    assert "--contracts DIR" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.usefixtures("spawn")
def test_cli_validate_two_environments_sharing_table_names(tmp_path: Path) -> None:
    mistake = sit_pattern("table_name_pattern: '{table}'")
    folder = contracts_with(tmp_path, [SIT_IN_DEVS_ACCOUNT, DEV_TABLES_WITHOUT_ENV, mistake])
    line = line_of((folder / ENVIRONMENTS).read_text(encoding="utf-8"), "table_name_pattern: '{table}'")
    assert_cli_one_problem(folder, ENVIRONMENTS, line, "environments 'dev' and 'sit' both make the table name")


@pytest.mark.usefixtures("spawn")
def test_cli_validate_a_ttl_attribute_that_is_a_string_key(tmp_path: Path) -> None:
    folder = contracts_with(tmp_path, [Edit(ORDERS, None, "    ttl_attribute: orderId\n")])
    line = line_of((folder / ORDERS).read_text(encoding="utf-8"), "ttl_attribute")
    assert_cli_one_problem(folder, ORDERS, line, "ttl_attribute 'orderId' is the sort key of the table, of type S")
