"""The plugin's collection and options: an unmatched step or a Gherkin mistake stops the run at its file and
line, an unknown environment or an option that means nothing here is refused with the reason, the default
environment and the contracts folder, provisioning announced once; one clear line each, no traceback."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.support import spawn

pytest.register_assert_rewrite("tests.support.contract_project")
from tests.steps.plugin.inner_runs import backend_of, local_client  # noqa: E402
from tests.support.contract_project import REPO_ROOT, ContractProject, ContractRun  # noqa: E402

pytest_plugins = ["pytester", "tests.support.contract_project"]

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
