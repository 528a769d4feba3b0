"""Access patterns and the items they write: not run where writes are not allowed or with --read-only, no item
left behind, never written over another or over one already in the table, and a cleanup that fails is an error."""

from __future__ import annotations

import pytest

pytest.register_assert_rewrite("tests.support.contract_project")
from tests.steps.plugin.inner_runs import local_client  # noqa: E402
from tests.support.contract_project import ContractProject  # noqa: E402
from tests.support.local_tables import table_items  # noqa: E402

pytest_plugins = ["pytester", "tests.support.contract_project"]

NOT_RUN = "not run on {env}: this environment does not allow contracts to write items (writes_allowed in contracts/)"



# --- access patterns where writes are not allowed -------------------------------------------------

READ_ONLY_FEATURE = """
Feature: an access pattern where contracts may not write
  Scenario: a user's orders
    Given the table "orders" holds the items:
      | tenantId | orderId | orderDate  | userId |
      | t1       | o1      | 2026-01-05 | u1     |
    When querying the GSI "OrdersByUser" of table "orders" where "userId = u1"
    Then the query must return exactly, in order:
      | orderId |
      | o1      |

  Scenario: a tenant's orders
    When querying the table "orders" where "tenantId = t1"
    Then every returned item must carry the attributes:
      | attribute |
      | orderId   |

  Scenario: the table is there
    Then the table "orders" must exist
"""


def test_access_patterns_are_not_run_where_writes_are_not_allowed(project: ContractProject, env: str,
                                                                  run_args: list[str],
                                                                  request: pytest.FixtureRequest) -> None:
    project.isolate_local()
    project.set_environment(env, writes_allowed=False)
    project.feature("alpha", READ_ONLY_FEATURE)
    run = project.run(*run_args)
    run.result.assert_outcomes(passed=1, skipped=2)
    for name in ("a user's orders", "a tenant's orders"):
        assert run.scenario(name).message == NOT_RUN.format(env=env)
    run.result.stdout.fnmatch_lines([
        "5 passed, 0 failed, 0 unverifiable here, 2 not run",  # 4 of them: the role may make the calls, checked
        "  alpha                UNVERIFIED 5 passed, 0 failed, 0 unverifiable, 2 not run",  # without writing
        "Not verified here (check these against AWS before calling it ready):",
        f"    2 x {NOT_RUN.format(env=env)}",
    ])
    if env == "local":
        endpoint = request.getfixturevalue("dynamodb_local_endpoint")
        assert table_items(endpoint, project.physical("orders")) == []


@pytest.mark.slow
def test_access_patterns_leave_no_items_behind(project: ContractProject, dynamodb_local_endpoint: str) -> None:
    project.isolate_local()
    too_big = "x" * 410_000  # DynamoDB refuses an item over 400 KB: nothing a feature check can know
    project.feature("alpha", READ_ONLY_FEATURE.replace("| o1      |", "| o9      |", 1)
                    + '\n  Scenario: refused\n    Given the table "orders" holds the items:\n'
                      f"      | tenantId | orderId | note |\n      | t1       | o5      | a |\n"
                      f"      | t1       | o6      | {too_big} |\n"
                      '    Then the table "orders" must exist\n')
    run = project.run("--endpoint-url", dynamodb_local_endpoint)
    run.result.assert_outcomes(passed=1, failed=3)  # written, read back, failed: and cleaned up all the same
    run.result.stdout.fnmatch_lines(["*FAIL items in table orders: expected items the table accepts, found DynamoDB "
                                     "refused an item*"])
    assert table_items(dynamodb_local_endpoint, project.physical("orders")) == []


# --- access patterns: --read-only, never overwriting, verdicts outside exception handling ---------------


def test_read_only_reports_access_patterns_as_not_run_whatever_writes_allowed_says(project: ContractProject) -> None:
    project.feature("alpha", READ_ONLY_FEATURE)
    run = project.run("--env=moto", "--read-only")
    run.result.assert_outcomes(passed=1, skipped=2)
    for name in ("a user's orders", "a tenant's orders"):
        assert run.scenario(name).message == "not run: --read-only (this run writes no items)"


DUPLICATE = """
Feature: the same key twice
  Scenario: one order written twice
    Given the table "orders" holds the items:
      | tenantId | orderId | status  |
      | t1       | o1      | PLACED  |
      | t1       | o1      | SHIPPED |
    When querying the table "orders" where "tenantId = t1"
    Then the query must return exactly, in order:
      | orderId | status |
      | o1      | PLACED |
"""


def test_an_item_is_never_written_over_another(project: ContractProject) -> None:
    project.feature("alpha", DUPLICATE)
    run = project.run("--env=moto")
    run.result.assert_outcomes(failed=1)
    run.result.stdout.fnmatch_lines([
        "  FAIL items in table orders: expected items the table accepts, found the key already holds an item. "
        "contracts never overwrite an item, and the key of item {'tenantId': 't1', 'orderId': 'o1', 'status': "
        "'SHIPPED'} already holds one*"])


@pytest.mark.slow
def test_an_item_already_in_the_table_is_neither_overwritten_nor_deleted(project: ContractProject,
                                                                        dynamodb_local_endpoint: str) -> None:
    project.isolate_local()
    project.add_table("counters", {"description": "a number partition key: the marker cannot apply",
                                   "partition_key": {"name": "counterId", "type": "N"}})
    project.feature("alpha", 'Feature: x\n  Scenario: y\n    Then the table "counters" must exist\n')
    project.run("--endpoint-url", dynamodb_local_endpoint).result.assert_outcomes(passed=1)
    client = local_client(dynamodb_local_endpoint)
    table = project.physical("counters")
    client.put_item(TableName=table, Item={"counterId": {"N": "7"}, "owner": {"S": "someone else"}})
    project.feature("alpha", """
Feature: a counter
  Scenario: counter 7
    Given the table "counters" holds the items:
      | counterId | owner    |
      | 7         | contract |
    When querying the table "counters" where "counterId = 7"
    Then the query must return exactly, in order:
      | owner    |
      | contract |
""")
    run = project.run("--endpoint-url", dynamodb_local_endpoint, "--no-provision")
    run.result.assert_outcomes(failed=1)
    assert "found the key already holds an item" in run.scenario("counter 7").message
    assert table_items(dynamodb_local_endpoint, table) == [{"counterId": {"N": "7"}, "owner": {"S": "someone else"}}]


DROP_TABLE_BEFORE_CLEANUP = '''

def pytest_bdd_after_scenario(request, feature, scenario):
    request.getfixturevalue("contract_backend").client("dynamodb").delete_table(TableName="orders-moto")
'''


def test_a_cleanup_that_fails_makes_the_scenario_an_error_not_a_pass(project: ContractProject) -> None:
    with (project.path / "conftest.py").open("a") as conftest:
        conftest.write(DROP_TABLE_BEFORE_CLEANUP)
    project.feature("alpha", READ_ONLY_FEATURE.split("\n  Scenario: a tenant's orders")[0] + "\n")
    run = project.run("--env=moto")
    run.result.assert_outcomes(passed=1, errors=1)
    run.result.stdout.fnmatch_lines([
        "cleanup: 1 of 1 items this scenario wrote could not be deleted (remove them by hand):",
        "  {'tenantId': 't1#contract-*', 'orderId': 'o1'} in orders-moto: *ResourceNotFoundException*",
        "  alpha                BLOCKED    5 passed, 0 failed, 0 unverifiable, 0 not run",  # 3: the role's calls
    ])
