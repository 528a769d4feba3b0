"""The plugin as a program: verdicts, the summary, consumer markers, collection and option errors.

Each test builds a small inner project with pytester and runs pytest on it in a subprocess, on
moto or on the session's one DynamoDB Local (`--endpoint-url`, tables named apart per project).
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.support import spawn

pytest.register_assert_rewrite("tests.support.contract_project")
from tests.support.contract_project import REPO_ROOT, ContractProject, ContractRun, pytester_runner  # noqa: E402

pytest_plugins = ["pytester", "tests.support.contract_project"]

NOT_RUN = "not run on {env}: this environment does not allow contracts to write items (writes_allowed in contracts/)"


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> ContractProject:
    return ContractProject(pytester.path, pytester_runner(pytester, monkeypatch))


@pytest.fixture(params=["moto", pytest.param("local", marks=pytest.mark.slow)])
def env(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def run_args(env: str, request: pytest.FixtureRequest) -> Iterator[list[str]]:
    """The arguments that point an inner run at `env`: moto in-process, or the shared DynamoDB Local."""
    if env == "moto":
        yield ["--env=moto"]
    else:
        yield ["--endpoint-url", request.getfixturevalue("dynamodb_local_endpoint")]


def backend_of(env: str) -> str:
    return "moto" if env == "moto" else "dynamodb-local"


def local_client(endpoint: str) -> Any:
    return boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="local",
                        aws_secret_access_key="local")


def items_in(endpoint: str, table: str) -> list[dict[str, object]]:
    return list(local_client(endpoint).scan(TableName=table)["Items"])


# --- verdicts ---------------------------------------------------------------------------------------


def test_a_missing_table_fails_even_where_its_settings_are_unverifiable(
        project: ContractProject, env: str, run_args: list[str]) -> None:
    project.isolate_local()
    project.feature("alpha", """
Feature: a table nobody created
  Scenario: invoices are recoverable and tagged
    Then the table "invoices" must exist
    And the table "invoices" must have point-in-time recovery
    And the table "invoices" must have table class STANDARD
    And the table "invoices" must be encrypted with AWS_MANAGED
    And the table "invoices" must have the tags:
      | key     | value |
      | Project | bbws  |
    And the table "invoices" must be covered by a backup plan keeping backups at least 14 days in vault "bbws-dynamodb"
""")
    run = project.run(*run_args)
    run.result.assert_outcomes(failed=1)
    physical = project.physical("invoices", env)
    run.result.stdout.fnmatch_lines([
        "*: 6 of 6 claims failed:",
        f"  FAIL table invoices: expected {physical}, ACTIVE, found no table {physical} in {env} *",
        f"  FAIL point-in-time recovery of table invoices: expected enabled, found no table {physical} in {env} "
        f"({backend_of(env)}) (the same cause as above)",  # the missing table, and who must act, said once
        "  FAIL table class of table invoices: *found no table*",
        "  FAIL encryption at rest of table invoices: *found no table*",
        "  FAIL tags of table invoices: *found no table*",
        "  FAIL backups of table invoices: *found no table*",
    ])
    message = run.scenario("invoices are recoverable and tagged").message
    assert "unverifiable on" not in message
    assert message.count("the platform team must add it (contracts/tables/invoices.yaml)") == 1, message


def test_one_failing_claim_does_not_hide_the_others(project: ContractProject) -> None:
    project.feature("alpha", """
Feature: many claims
  Scenario: orders as the team remembers them
    Then the table "orders" must have billing mode PROVISIONED
    And the table "orders" must exist
    And the table "orders" must have a stream of view type KEYS_ONLY
    And the table "orders" must have table class STANDARD
    And the table "orders" must have the GSI "OrdersByStatus"
""")
    run = project.run("--env=moto")
    run.result.assert_outcomes(failed=1)
    run.result.stdout.fnmatch_lines([
        "features/alpha/contract.feature:3: 3 of 5 claims failed:",
        "  FAIL billing mode of table orders: expected PROVISIONED, found PAY_PER_REQUEST",
        "  FAIL stream of table orders: expected a stream of KEYS_ONLY, found a stream of NEW_AND_OLD_IMAGES",
        "  FAIL GSI OrdersByStatus of table orders: expected GSI OrdersByStatus, ACTIVE, found no GSI OrdersByStatus *",
        "  ??   table class of table orders: unverifiable on moto: moto never reports TableClassSummary",
        "  ok   table orders: orders-moto, ACTIVE",
    ])


def test_a_scenario_with_only_unverifiable_gaps_is_skipped_never_passed(project: ContractProject) -> None:
    project.feature("alpha", """
Feature: unverifiable
  Scenario: orders class
    Then the table "orders" must exist
    And the table "orders" must have table class STANDARD
""")
    run = project.run("--env=moto")
    run.result.assert_outcomes(skipped=1)
    scenario = run.scenario("orders class")
    assert scenario.message == "unverifiable on moto: moto never reports TableClassSummary"


# --- the summary --------------------------------------------------------------------------------------

SUMMARY_FEATURES = {
    "alpha": """
Feature: alpha reads orders
  Scenario: orders exist
    Then the table "orders" must exist
    And the table "orders" must have the GSI "OrdersByDate"

  Scenario: orders class
    Then the table "orders" must have table class STANDARD
    And the table "orders" must have billing mode PAY_PER_REQUEST
""",
    "beta": """
Feature: beta reads a table nobody made
  Scenario: invoices exist
    Then the table "invoices" must exist
    And the table "orders" must exist
""",
    "gamma": """
Feature: gamma reads tenants
  Scenario: tenants exist
    Then the table "tenants" must exist
""",
}


def test_the_summary_counts_unverifiable_claims_apart(project: ContractProject, env: str,
                                                      run_args: list[str]) -> None:
    project.isolate_local()
    for consumer, text in SUMMARY_FEATURES.items():
        project.feature(consumer, text)
    run = project.run(*run_args)
    run.result.assert_outcomes(passed=2, failed=1, skipped=1)
    backend = backend_of(env)
    reason = ("moto never reports TableClassSummary" if env == "moto"
              else "DynamoDB Local never reports TableClassSummary")
    run.result.stdout.fnmatch_lines([
        f"*= contract checks on {env} ({backend}) =*",
        "5 passed, 1 failed, 1 unverifiable here, 0 not run",
        "  alpha                UNVERIFIED 3 passed, 0 failed, 1 unverifiable, 0 not run",
        "  beta                 BLOCKED    1 passed, 1 failed, 0 unverifiable, 0 not run",
        "  gamma                ready      1 passed, 0 failed, 0 unverifiable, 0 not run",
        "Not verified here (check these against AWS before calling it ready):",
        f"    1 x unverifiable on {backend}: {reason}",
    ])
    assert run.summary() == {"alpha": ("UNVERIFIED", "3 passed, 0 failed, 1 unverifiable, 0 not run"),
                             "beta": ("BLOCKED", "1 passed, 1 failed, 0 unverifiable, 0 not run"),
                             "gamma": ("ready", "1 passed, 0 failed, 0 unverifiable, 0 not run")}


def test_a_consumer_marker_runs_that_consumer_alone(project: ContractProject) -> None:
    for consumer, text in SUMMARY_FEATURES.items():
        project.feature(consumer, text)
    run = project.run("--env=moto", "-m", "beta", "--strict-markers")
    run.result.assert_outcomes(failed=1, deselected=3)
    assert run.summary() == {"beta": ("BLOCKED", "1 passed, 1 failed, 0 unverifiable, 0 not run")}
    assert set(run.scenarios) == {"invoices exist"}
    assert run.failed_consumers() == {"beta"}


def test_consumer_markers_combine_like_any_marker(project: ContractProject) -> None:
    for consumer, text in SUMMARY_FEATURES.items():
        project.feature(consumer, text)
    run = project.run("--env=moto", "-m", "alpha or gamma")
    run.result.assert_outcomes(passed=2, skipped=1, deselected=1)
    assert set(run.summary()) == {"alpha", "gamma"}


def test_the_consumer_markers_are_registered(project: ContractProject) -> None:
    for consumer, text in SUMMARY_FEATURES.items():
        project.feature(consumer, text)
    result = project.runner("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.consumer(name): *",
                                 "@pytest.mark.alpha: contracts of the consumer alpha",
                                 "@pytest.mark.beta: contracts of the consumer beta",
                                 "@pytest.mark.gamma: contracts of the consumer gamma"])


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
        assert items_in(endpoint, project.physical("orders")) == []


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
    assert items_in(dynamodb_local_endpoint, project.physical("orders")) == []


# --- collection and options ---------------------------------------------------------------------------


def test_an_unmatched_step_stops_the_run_with_its_file_line_and_the_closest_sentences(
        project: ContractProject) -> None:
    project.feature("alpha", """Feature: typos

  Scenario: fine
    Then the table "orders" must exist

  Scenario: typo
    Then the table "orders" must exists
    And the table "orders" must have billing PAY_PER_REQUEST
""")
    run = project.run("--env=moto")
    assert run.result.ret == pytest.ExitCode.USAGE_ERROR
    run.result.stderr.fnmatch_lines([
        "ERROR: some feature steps match no sentence of the step library:",
        "  features/alpha/contract.feature:7: no sentence matches 'Then the table \"orders\" must exists'; "
        "closest sentences:",
        "      the table \"orders\" must exist",
        "  features/alpha/contract.feature:8: no sentence matches *the table \"orders\" must have billing "
        "PAY_PER_REQUEST'; closest sentences:",
        "      the table \"orders\" must have billing mode PAY_PER_REQUEST",
    ])
    assert run.scenarios == {}
    assert "contracts: provisioned" not in run.output


def test_an_unknown_environment_is_an_error_listing_the_environments(project: ContractProject) -> None:
    project.feature("alpha", 'Feature: x\n  Scenario: y\n    Then the table "orders" must exist\n')
    run = project.run("--env=staging")
    assert run.result.ret == pytest.ExitCode.USAGE_ERROR
    run.result.stderr.fnmatch_lines([
        "ERROR: --env staging: no such environment in *contracts; choose one of: local, moto, dev, sit, prod"])
    assert run.scenarios == {}


def test_the_default_environment_is_local_and_the_ini_can_change_it(project: ContractProject) -> None:
    project.feature("alpha", 'Feature: x\n  Scenario: y\n    Then the table "orders" must exist\n')
    (project.path / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider --import-mode=importlib\n"
                                             "contracts_env = moto\n")
    run = project.run()
    run.result.assert_outcomes(passed=1)
    run.result.stdout.fnmatch_lines(["*= contract checks on moto (moto) =*"])


def test_contracts_can_come_from_another_folder(project: ContractProject) -> None:
    (project.path / "elsewhere").mkdir()
    project.contracts.rename(project.path / "elsewhere" / "contracts")
    project.feature("alpha", 'Feature: x\n  Scenario: y\n    Then the table "orders" must exist\n')
    missing = project.run("--env=moto")
    assert missing.result.ret == pytest.ExitCode.USAGE_ERROR
    run = project.run("--env=moto", "--contracts", "elsewhere/contracts")
    run.result.assert_outcomes(passed=1)


@pytest.mark.parametrize("env", ["moto", pytest.param("local", marks=pytest.mark.slow)])
def test_no_provision_on_an_empty_backend_fails_the_table_checks(project: ContractProject, env: str,
                                                                 run_args: list[str],
                                                                 request: pytest.FixtureRequest) -> None:
    project.isolate_local()
    project.feature("alpha", """
Feature: nothing was provisioned
  Scenario: orders
    Then the table "orders" must exist
    And the table "orders" must have point-in-time recovery
    And the table "orders" must have the GSI "OrdersByDate"

  Scenario: the environment
    Then the environment must have exactly 5 tables
""")
    run = project.run(*run_args, "--no-provision")
    run.result.assert_outcomes(failed=2)
    physical = project.physical("orders", env)
    run.result.stdout.fnmatch_lines([
        "*: 3 of 3 claims failed:",
        f"  FAIL table orders: expected {physical}, ACTIVE, found no table {physical} in {env} ({backend_of(env)}) "
        "(tables here: none)*",
        "  FAIL point-in-time recovery of table orders: *found no table*",
        f"  FAIL number of tables in {env}: expected 5, found 0 (none)",
    ])
    assert "contracts: provisioned" not in run.output
    if env == "local":
        client = local_client(request.getfixturevalue("dynamodb_local_endpoint"))
        names = client.list_tables()["TableNames"]
        assert not [n for n in names if n.endswith(project.tag)]


def test_provisioning_is_announced_once(project: ContractProject, env: str, run_args: list[str]) -> None:
    project.isolate_local()
    project.feature("alpha", 'Feature: x\n  Scenario: y\n    Then the table "orders" must exist\n')
    run: ContractRun = project.run(*run_args)
    run.result.assert_outcomes(passed=1)
    provisioned = [line for line in run.result.outlines if line.startswith("contracts: provisioned")]
    assert len(provisioned) == 1
    assert provisioned[0].startswith(f"contracts: provisioned {env} on {backend_of(env)} (")



@pytest.mark.parametrize("verbosity", [["-q"], []], ids=["quiet", "default"])
def test_the_plugins_lines_start_on_a_line_of_their_own_in_the_middle_of_the_progress(
        project: ContractProject, verbosity: list[str]) -> None:
    project.feature("alpha", 'Feature: x\n  Scenario: y\n    Then the table "orders" must exist\n'
                             '  Scenario: z\n    Then the table "users" must exist\n')
    run = project.run("--env=moto", "--against=schema,live", "--readiness-report=out", "-p", "no:randomly",
                      *verbosity)  # the schema's scenarios first: provisioning comes after their progress
    run.result.assert_outcomes(passed=4)
    lines = run.result.outlines
    provisioned = [line for line in lines if "contracts: provisioned" in line]
    reported = [line for line in lines if "readiness report:" in line]
    assert [line.startswith("contracts: provisioned moto on moto (") for line in provisioned] == [True], run.output
    assert [line.startswith("readiness report: ") for line in reported] == [True], run.output
    if not verbosity:  # the feature's progress goes on after the message, beside its name
        assert lines[lines.index(provisioned[0]) + 1].startswith("features/alpha/contract.feature ."), run.output


# --- mistakes in features and options: one clear line, no traceback ------------------------------------


def test_a_gherkin_mistake_stops_the_run_with_its_file_and_line(project: ContractProject) -> None:
    project.feature("alpha", """Feature: an extra cell
  Scenario: tags
    Then the table "orders" must have the tags:
      | key     | value |
      | Project | bbws  | extra |
""")
    project.feature("beta", 'Feature: a typo\n  Scenari: orders\n    Then the table "orders" must exist\n')
    run = project.run("--env=moto")
    assert run.result.ret == pytest.ExitCode.USAGE_ERROR
    run.result.stderr.fnmatch_lines([
        "ERROR: some features cannot be read (nothing was run):",
        "  features/alpha/contract.feature:5: this table row has another number of cells than the rows above it *",
        "  features/beta/contract.feature:2: 'Scenari: orders' is read as description text, not as a keyword: did you "
        "mean 'Scenario:'?",
    ])
    assert "Traceback" not in run.output
    assert "NoScenariosFound" not in run.output
    assert run.scenarios == {}


@pytest.mark.parametrize(("args", "message"), [
    (["--env=sit", "--no-provision"], "--no-provision is for local and moto environments; 'sit' is aws*"),
    (["--env=moto", "--provision"], "--provision is for AWS environments (dev, sit, prod); 'moto' is moto*"),
    (["--provision"], "--provision is for AWS environments (dev, sit, prod); 'local' is dynamodb-local*"),
    (["--env=sit", "--confirm-prod"], "--confirm-prod only confirms --provision on a protected environment*"),
    (["--env=dev", "--provision", "--confirm-prod"], "--confirm-prod is for protected environments (prod); 'dev' *"),
    (["--env=sit", "--provision", "--read-only"], "--read-only and --provision contradict each other*"),
    (["--env=sit", "--endpoint-url=http://127.0.0.1:1"],
     "--endpoint-url is for DynamoDB Local and moto environments (moto's server); 'sit' is aws*"),
], ids=["no-provision-on-aws", "provision-on-moto", "provision-on-local", "confirm-without-provision",
        "confirm-unprotected", "read-only-provision", "endpoint-on-aws"])
def test_an_option_that_means_nothing_here_is_refused_with_the_reason(project: ContractProject, args: list[str],
                                                                      message: str) -> None:
    project.feature("alpha", 'Feature: x\n  Scenario: y\n    Then the table "orders" must exist\n')
    run = project.run(*args)
    assert run.result.ret == pytest.ExitCode.USAGE_ERROR
    run.result.stderr.fnmatch_lines([f"ERROR: {message}"])
    assert run.scenarios == {}


@pytest.mark.parametrize(("where", "message"), [
    ("notes.txt", "that is a file; give a folder*"),
    ("notes.txt/out", "cannot create that folder*"),
])
def test_a_readiness_report_folder_that_cannot_be_written_is_refused_before_anything_runs(
        project: ContractProject, where: str, message: str) -> None:
    (project.path / "notes.txt").write_text("not a folder\n")
    project.feature("alpha", 'Feature: x\n  Scenario: y\n    Then the table "orders" must exist\n')
    run = project.run("--env=moto", f"--readiness-report={where}")
    assert run.result.ret == pytest.ExitCode.USAGE_ERROR
    run.result.stderr.fnmatch_lines([f"ERROR: --readiness-report={where}: {message}"])
    assert "INTERNALERROR" not in run.output
    assert run.scenarios == {}


@pytest.mark.usefixtures("spawn")
def test_pytest_runs_from_a_clone_before_pip_install() -> None:
    """pyproject's `pythonpath = ["."]`: the plugin is importable with no PYTHONPATH and no install."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTEST_ADDOPTS")}
    done = spawn.run([str(Path(sys.executable).parent / "pytest"), "--collect-only", "-q", "features/platform"],
                     cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "3 tests collected" in done.stdout


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
    assert items_in(dynamodb_local_endpoint, table) == [{"counterId": {"N": "7"}, "owner": {"S": "someone else"}}]


# --- who was checked ---------------------------------------------------------------------------------------


def test_a_consumer_whose_scenarios_are_all_skipped_is_not_checked(project: ContractProject) -> None:
    project.feature("alpha", 'Feature: x\n  Scenario: y\n    Then the table "orders" must exist\n')
    project.feature("beta", '@skip\nFeature: later\n  Scenario: z\n    Then the table "users" must exist\n')
    run = project.run("--env=moto", "--readiness-report=out")
    run.result.assert_outcomes(passed=1, skipped=1)
    run.result.stdout.fnmatch_lines(["  alpha                ready      1 passed, *",
                                     "Not checked in this run: beta"])
    report = json.loads((project.path / "out" / "readiness.json").read_text())
    assert report["consumers"]["beta"]["status"] == "not checked"
    assert report["verdict"] == "BLOCKED"
    assert run.result.ret == pytest.ExitCode.TESTS_FAILED


# --- pytest-xdist workers sharing one DynamoDB Local ----------------------------------------------------


@pytest.mark.slow
def test_workers_sharing_one_dynamodb_local_provision_it_once(project: ContractProject,
                                                              dynamodb_local_endpoint: str) -> None:
    project.isolate_local()
    for consumer, text in SUMMARY_FEATURES.items():
        project.feature(consumer, text.replace('"invoices"', '"users"'))
    run = project.run("-n", "2", "--endpoint-url", dynamodb_local_endpoint)
    run.result.assert_outcomes(passed=3, skipped=1)
    provisioned = sorted(re.sub(r"\[gw\d\] ", "", line) for line in run.result.outlines
                         if line.startswith("contracts: [gw"))
    assert provisioned == ["contracts: provisioned local on dynamodb-local (0 changes)",
                           "contracts: provisioned local on dynamodb-local (6 changes)"], run.output


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
