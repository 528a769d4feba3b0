"""The plugin as a program: verdicts, the summary, consumer markers, and who was checked.

Each test here and beside it builds a small inner project with pytester and runs pytest on it in a subprocess,
on moto or on the session's one DynamoDB Local (`--endpoint-url`, tables named apart per project).
"""

from __future__ import annotations

import json

import pytest

pytest.register_assert_rewrite("tests.support.contract_project")
from tests.steps.plugin.inner_runs import SUMMARY_FEATURES, backend_of  # noqa: E402
from tests.support.contract_project import ContractProject  # noqa: E402

pytest_plugins = ["pytester", "tests.support.contract_project"]

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
