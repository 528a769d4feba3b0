"""Mistakes in a consumer's features stop the run before anything runs, each at its feature line.

Issue 7, items 7-10: a scenario with no step, an outline placeholder no Examples column fills, two
scenarios of one name, a folder whose features are gone; a table or index the desired state does
not define (unless asked for), a bad key condition, an item value of the wrong type or without its
keys; `-m` naming nothing; and what needs no boilerplate any more (a folder holds only features).
Each test runs pytest on a small project in a subprocess, as a Lambda team would.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support import spawn

pytest.register_assert_rewrite("tests.support.contract_project")
from tests.support.contract_project import REPO_ROOT, ContractProject, ContractRun, pytester_runner  # noqa: E402

pytest_plugins = ["pytester", "tests.support.contract_project"]

USAGE_ERROR = 4  # pytest's own exit code for a usage error


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> ContractProject:
    return ContractProject(pytester.path, pytester_runner(pytester, monkeypatch))


def refused(run: ContractRun, *lines: str) -> None:
    """The run stopped before any scenario, exit 4, with these lines (fnmatch) and no traceback."""
    assert run.result.ret == USAGE_ERROR, run.output
    assert "Traceback" not in run.output
    assert not run.scenarios, run.output
    run.result.stderr.fnmatch_lines(list(lines))


# --- item 7: scenarios that would check nothing, or check something else than written -------------------


def test_a_scenario_with_no_step_or_no_then_of_its_own_is_refused(project: ContractProject) -> None:
    """Each would pass checking nothing: no step at all, only the Background's steps (issue 17.1), or a query
    with no Then to judge it."""
    project.feature("alpha", "Feature: empty\n  Scenario: orders exist\n\n  Scenario: users exist\n"
                             '    Then the table "users" must exist\n')
    project.feature("alpha", """Feature: background only
  Background:
    Given the table "orders" holds the items:
      | tenantId | orderId |
      | t1       | o1      |

  Scenario: the items are written

  Scenario: a tenant's orders
    When querying the table "orders" where "tenantId = t1"

  Scenario: one order
    When querying the table "orders" where "tenantId = t1 and orderId = o1"
    Then the query must return exactly, in order:
      | orderId |
      | o1      |
""", "background.feature")
    run = project.run("--env=moto")
    refused(run,
            "*features/alpha/background.feature:7: the scenario 'the items are written' has no step of its own, "
            "only the Background's, so it would check nothing*",
            "*features/alpha/background.feature:9: the scenario 'a tenant's orders' has no Then step of its own*",
            "*features/alpha/contract.feature:2: the scenario 'orders exist' has no step*")
    assert "background.feature:12" not in run.output


def test_an_outline_placeholder_missing_from_its_examples_is_refused(project: ContractProject) -> None:
    project.feature("alpha", """Feature: outline
  Scenario Outline: <table> exists
    Then the table "<table>" must exist
    And the table "<tabel>" must have point-in-time recovery

    Examples:
      | table  |
      | orders |
""")
    refused(project.run("--env=moto"),
            "*features/alpha/contract.feature:4: <tabel> is not a column of this outline's Examples (columns: table)*")


def test_an_outline_without_examples_is_refused(project: ContractProject) -> None:
    project.feature("alpha", 'Feature: outline\n  Scenario Outline: <table> exists\n    Then the table "<table>" '
                             "must exist\n")
    refused(project.run("--env=moto"), "*features/alpha/contract.feature:2: this Scenario Outline has no Examples*")


def test_an_outline_whose_placeholders_are_filled_runs_each_row_named_with_its_example(
        project: ContractProject) -> None:
    project.feature("alpha", """Feature: outline
  Scenario Outline: <table> exists
    Then the table "<table>" must exist

    Examples:
      | table  |
      | orders |
      | users  |
""")
    run = project.run("--env=moto")
    run.result.assert_outcomes(passed=2)
    assert set(run.scenarios) == {"<table> exists[orders]", "<table> exists[users]"}


def test_two_scenarios_of_one_name_are_refused(project: ContractProject) -> None:
    project.feature("alpha", 'Feature: twice\n  Scenario: orders\n    Then the table "orders" must exist\n\n'
                             '  Scenario: orders\n    Then the table "users" must exist\n')
    refused(project.run("--env=moto"),
            "*features/alpha/contract.feature:5: a second scenario named 'orders' (the first is on line 2)*")


def test_a_consumer_folder_whose_features_are_gone_is_refused_without_a_traceback(project: ContractProject) -> None:
    project.feature("alpha", 'Feature: x\n  Scenario: y\n    Then the table "orders" must exist\n')
    gone = project.path / "features" / "beta"
    gone.mkdir()
    (gone / "test_contracts.py").write_text('from pytest_bdd import scenarios\n\nscenarios(".")\n')
    run = project.run("--env=moto")
    refused(run, "*features/beta/: this consumer folder holds no .feature file, so nothing of beta is checked*")
    assert "NoScenariosFound" not in run.output


def test_a_consumer_folder_needs_no_python_file_and_an_old_one_does_not_run_its_scenarios_twice(
        project: ContractProject) -> None:
    project.feature("alpha", 'Feature: x\n  Scenario: y\n    Then the table "orders" must exist\n')
    run = project.run("--env=moto")
    run.result.assert_outcomes(passed=1)
    (project.path / "features" / "alpha" / "test_contracts.py").write_text(
        'from pytest_bdd import scenarios\n\nscenarios(".")\n')
    project.run("--env=moto").result.assert_outcomes(passed=1)


# --- item 8: names and values the desired state does not allow ---------------------------------------


def test_a_table_the_desired_state_does_not_define_is_a_mistake_with_the_name_meant(project: ContractProject) -> None:
    project.feature("alpha", 'Feature: x\n  Scenario: y\n    Then the table "order" must have point-in-time '
                             "recovery\n")
    refused(project.run("--env=moto"),
            '*features/alpha/contract.feature:3: the table "order" is not in the desired state (it defines campaigns, '
            'orders, products, tenants, users). Did you mean "orders"? If alpha needs a new table, ask for it with '
            "'Then the table \"order\" must exist'*")


def test_a_table_the_consumer_asks_for_is_a_gap_the_platform_team_must_close(project: ContractProject) -> None:
    project.feature("alpha", """Feature: invoices
  Scenario: invoices are kept
    Then the table "invoices" must exist
    And the table "invoices" must have point-in-time recovery
""")
    out = project.path / "out"
    run = project.run("--env=moto", f"--readiness-report={out}")
    run.result.assert_outcomes(failed=1)
    gap = next(g for g in json.loads((out / "readiness.json").read_text())["gaps"] if g["table"] == "invoices")
    assert gap["consumers"] == ["alpha"]
    assert gap["action"] == ("the desired state defines no table invoices: the platform team must add it "
                             "(contracts/tables/invoices.yaml)")
    assert gap["stated_at"] == ["features/alpha/contract.feature:3,4"]


def test_a_query_on_an_index_the_desired_state_does_not_define_is_a_mistake(project: ContractProject) -> None:
    project.feature("alpha", """Feature: x
  Scenario: by user
    When querying the GSI "OrdersByUsr" of table "orders" where "userId = u1"
    Then the query must return exactly, in order:
      | orderId |
      | o1      |
""")
    refused(project.run("--env=moto"),
            '*features/alpha/contract.feature:3: table "orders" has no GSI "OrdersByUsr" in the desired state (its '
            'GSIs: OrdersByDate, OrdersByUser). Did you mean "OrdersByUser"?*')


def test_an_index_the_consumer_asks_for_says_where_the_platform_team_must_add_it(project: ContractProject) -> None:
    project.feature("alpha", """Feature: x
  Scenario: orders by status
    Then the table "orders" must have the GSI "OrdersByStatus"
    When querying the GSI "OrdersByStatus" of table "orders" where "status = PLACED"
""")
    run = project.run("--env=moto")
    run.result.assert_outcomes(failed=1)
    assert ("the desired state defines no GSI OrdersByStatus on table orders: the platform team must add it to "
            "contracts/tables/orders.yaml") in run.scenario("orders by status").message


INVOICES_BY_DATE = """Feature: invoices
  Scenario: a tenant's invoices by date
    Then the table "orders" must have the GSI "InvoicesByDate"
    And the GSI "InvoicesByDate" of table "orders" must have the partition key "tenantId" of type S
    And the GSI "InvoicesByDate" of table "orders" must have the sort key "invoiceDate" of type S
    And the GSI "InvoicesByDate" of table "orders" must project ALL
"""


def _add_gsi(name: str) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        data["tables"]["orders"]["global_indexes"][name] = {"partition_key": {"name": "tenantId", "type": "S"},
                                                            "sort_key": {"name": "invoiceDate", "type": "S"},
                                                            "projection": "ALL"}
    return edit


def test_an_index_name_breaking_the_convention_gets_the_conforming_name_in_the_run_and_in_validate(
        project: ContractProject) -> None:
    """Issue 17.6: the consumer's run names the index validate will accept (from its stated keys), says the
    missing index once for the scenario's four claims, and validate suggests the same name for the same index."""
    project.feature("alpha", INVOICES_BY_DATE)
    out = project.path / "out"
    run = project.run("--against=schema", f"--readiness-report={out}")
    run.result.assert_outcomes(failed=1)
    message = run.scenario("a tenant's invoices by date").message
    assert ("the platform team must add it to contracts/tables/orders.yaml as OrdersByInvoiceDate (the name "
            "InvoicesByDate breaks the index naming convention '<Table>By<Attribute>'") in message, message
    assert message.count("the platform team must add it") == 1, message
    assert message.count("(the same cause as above)") == 3, message
    assert "OrdersByStatus" not in message
    gap = next(g for g in json.loads((out / "readiness.json").read_text())["gaps"] if g["name"] == "InvoicesByDate")
    assert "as OrdersByInvoiceDate" in gap["action"]
    assert gap["stated_at"] == ["features/alpha/contract.feature:3,4,5,6"]

    def validate() -> spawn.CompletedProcess[str]:
        return spawn.run([sys.executable, "-m", "provision", "validate", "--contracts", str(project.contracts)],
                         cwd=REPO_ROOT, capture_output=True, text=True, check=False, timeout=120)

    project.edit_yaml("tables/orders.yaml", _add_gsi("InvoicesByDate"))  # as the run used to say
    refused_name = validate()
    assert refused_name.returncode == 1
    assert "'InvoicesByDate' does not follow the convention '<Table>By<Attribute>'; name it 'OrdersByInvoiceDate'" in (
        refused_name.stdout + refused_name.stderr)
    project.edit_yaml("tables/orders.yaml", lambda d: d["tables"]["orders"]["global_indexes"].pop("InvoicesByDate"))
    project.edit_yaml("tables/orders.yaml", _add_gsi("OrdersByInvoiceDate"))  # as the run says now
    assert validate().returncode == 0
    again = project.run("--against=schema").scenario("a tenant's invoices by date").message
    assert "but has OrdersByInvoiceDate (contracts/tables/orders.yaml)" in again, again
    assert "ask for OrdersByInvoiceDate in the feature" in again


@pytest.mark.parametrize(("steps", "line", "says"), [
    pytest.param('    When querying the table "orders" where "tenantId is t1"', 3,
                 "cannot read the key condition 'tenantId is t1'; write it like 'tenantId = t1'*", id="condition"),
    pytest.param('    Given the table "ledger" holds the items:\n      | accountId | entryId | amount:N |\n'
                 "      | a1        | 1       | 5        |\n      | a2        | 2       | ten      |", 6,
                 "'ten' is not a number, but the attribute is of type N (column types come from the desired state's "
                 "keys)", id="item-declared-type"),
    pytest.param('    Given the table "ledger" holds the items:\n      | entryId | note |\n      | 1       | x    |', 5,
                 "this item has no accountId: every item of table ledger needs its keys *", id="item-without-key"),
    pytest.param('    Given the table "ledger" holds the items:\n      | accountId | entryId | amount:N |\n'
                 "      | a1        | 1       | 1e200    |", 5,
                 "'1e200' is a number DynamoDB cannot store*", id="number-out-of-range"),
])
def test_unusable_conditions_and_items_are_mistakes_at_their_line(project: ContractProject, steps: str, line: int,
                                                                  says: str) -> None:
    project.add_table("ledger", {"partition_key": {"name": "accountId", "type": "S"},
                                 "sort_key": {"name": "entryId", "type": "N"}})
    project.feature("alpha", f'Feature: x\n  Scenario: y\n{steps}\n    Then the table "ledger" must exist\n')
    refused(project.run("--env=moto"), f"*features/alpha/contract.feature:{line}: {says}")


def test_a_key_the_desired_state_retypes_to_n_is_a_gap_for_the_platform_not_a_consumer_mistake(
        project: ContractProject) -> None:
    """Issue 17.2: contracts/ makes OrdersByUser's userId and products' sort key numbers while order_lambda and
    product_lambda write and query them as strings ('u1', 'p1'). The run goes on: each such scenario fails with
    both types and who must act, nothing is sent to the backend for them, the report lists the gaps, and the
    other consumers are checked as usual."""
    project.copy_real_features()
    project.edit_yaml("tables/orders.yaml", lambda d: d["tables"]["orders"]["global_indexes"]["OrdersByUser"]
                      ["partition_key"].update(type="N"))
    project.edit_yaml("tables/products.yaml", lambda d: d["tables"]["products"]["sort_key"].update(type="N"))
    out = project.path / "out"
    run = project.run("--env=moto", f"--readiness-report={out}")
    assert run.result.ret == pytest.ExitCode.TESTS_FAILED, run.output
    assert "is not a number" not in run.output
    assert "Traceback" not in run.output
    history = run.scenario("O2 a user's order history, newest first, with totals and status")
    assert history.outcome == "failed"
    assert ("FAIL type of key userId of table orders: expected userId (S), the type of the consumer's values ('u1', "
            "'u2', 'u3': not numbers), found userId (N) in the desired state (contracts/tables/orders.yaml: the "
            "partition key of GSI OrdersByUser)") in history.message, history.message
    assert "DynamoDB" not in history.message  # refused before any item or query was sent
    assert "found productId (N) in the desired state" in run.failure_messages("product_lambda")
    assert run.scenario("The orders table is keyed by tenant and order").outcome == "passed"
    assert run.summary()["tenant_management"][0] != "BLOCKED"
    assert "campaigns_lambda" not in run.blocked()
    report = json.loads((out / "readiness.json").read_text())
    gap = next(g for g in report["gaps"] if g["subject"] == "type of key userId of table orders")
    assert gap["kind"] == "key"
    assert gap["consumers"] == ["order_lambda"]
    assert gap["action"].startswith("the platform team: give userId type S in contracts/tables/orders.yaml")
    assert gap["stated_at"] == ["features/order_lambda/access_patterns.feature:6"]
    assert report["consumers"]["order_lambda"]["status"] == "blocked"
    assert "type of key productId of table products" in "; ".join(report["consumers"]["product_lambda"]["gaps"])


# --- item 9: names as written; -m naming nothing -----------------------------------------------------


def test_scenario_names_as_written_with_their_line_in_failures_junit_and_the_report(project: ContractProject) -> None:
    project.feature("alpha", """Feature: x

  Scenario: Orders keep a history :: per user
    Then the table "orders" must have billing mode PROVISIONED
""")
    out = project.path / "out"
    run = project.run("--env=moto", f"--readiness-report={out}")
    run.result.stdout.fnmatch_lines(["features/alpha/contract.feature:3: 1 of 1 claims failed:",
                                     "FAILED features/alpha/contract.feature::Orders keep a history : per user*"])
    assert run.scenario("Orders keep a history : per user").outcome == "failed"
    report = json.loads((out / "readiness.json").read_text())
    assert report["consumers"]["alpha"]["failed"] == [
        "Orders keep a history : per user (features/alpha/contract.feature:3)"]
    markdown = (out / "readiness.md").read_text()  # a brief: the count per consumer, the claim's line per gap
    assert any(line.startswith("| alpha | ❌ blocked |") and line.endswith("| 1 of 1 |")
               for line in markdown.splitlines())
    assert "features/alpha/contract.feature:4" in markdown  # the step that claims it


def test_a_marker_naming_no_consumer_is_an_error_listing_the_consumers(project: ContractProject) -> None:
    project.feature("alpha", 'Feature: x\n  Scenario: y\n    Then the table "orders" must exist\n')
    project.feature("beta", 'Feature: x\n  Scenario: z\n    Then the table "users" must exist\n')
    run = project.run("--env=moto", "-m", "alpah or beta")
    refused(run, "*-m alpah or beta: no consumer, tag or marker is named 'alpah'. Did you mean \"alpha\"? The "
                 "consumers are: alpha, beta")
    project.run("--env=moto", "-m", "alpha and not beta").result.assert_outcomes(passed=1)


# --- item 10: the plugin wherever pytest runs -----------------------------------------------------------


@pytest.mark.usefixtures("spawn")
@pytest.mark.skipif(shutil.which("pip") is None, reason="needs the project installed")
def test_contracts_outside_the_checkout_with_a_space_run_the_contracts_not_the_tests(tmp_path: Path) -> None:
    """pytest picks its rootdir from the command line before plugins load: `--contracts DIR` used to run the
    project's own tests with DIR as the rootdir (or, uninstalled, refuse the option)."""
    contracts = tmp_path / "elsewhere"
    shutil.copytree(REPO_ROOT / "contracts", contracts)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_ADDOPTS", "PYTHONPATH")}
    done = spawn.run([sys.executable, "-m", "pytest", "--env=moto", "--contracts", str(contracts),
                           "--collect-only", "-q"], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                     timeout=120, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "38 tests collected" in done.stdout
    assert "tests/" not in done.stdout
