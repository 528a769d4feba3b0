"""dev, sit and prod: read as they are, changed only with --provision (after the plan is shown),
prod only with --confirm-prod too, and never with another account's credentials.

There is no AWS here: the inner runs put moto in front of every boto3 call (mock_aws in their
conftest), so the AWS code path (a plain boto3 session, STS for the account) runs for real
against moto's answers. moto's account is 123456789012.
"""

from __future__ import annotations

import pytest

pytest.register_assert_rewrite("tests.contract_project")
from tests.contract_project import ContractProject, pytester_runner  # noqa: E402

pytest_plugins = ["pytester", "tests.contract_project"]

MOTO_ACCOUNT = "123456789012"
MOTO_IN_FRONT = '''
import moto

_mock = moto.mock_aws()


def pytest_configure(config):
    _mock.start()


def pytest_unconfigure(config):
    _mock.stop()
'''
FEATURE = """Feature: the orders table
  Scenario: orders is there
    Then the table "orders" must exist
    And the table "orders" must have the GSI "OrdersByDate"
"""


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> ContractProject:
    project = ContractProject(pytester.path, pytester_runner(pytester, monkeypatch))
    with (pytester.path / "conftest.py").open("a") as conftest:
        conftest.write(MOTO_IN_FRONT)
    for env in ("sit", "prod"):
        project.set_environment(env, account_id=MOTO_ACCOUNT)
    # moto cannot create backup selections (the real AWS path is checked with botocore's Stubber in
    # test_requests.py), so these runs provision the tables only.
    (project.contracts / "backup.yaml").unlink()
    project.feature("order_lambda", FEATURE)
    return project


def test_sit_is_read_as_it_is_and_a_missing_table_fails(project: ContractProject) -> None:
    run = project.run("--env=sit")
    scenario = run.scenario("test_orders_is_there")
    assert scenario.outcome == "failed"
    assert "no table orders-sit in sit (aws)" in scenario.message
    assert "Plan for environment" not in run.output


def test_provision_shows_the_plan_then_applies_it(project: ContractProject) -> None:
    run = project.run("--env=sit", "--provision", "-s")
    output = run.output
    assert "Plan for environment 'sit' on aws:" in output
    assert output.index("+ create table orders-sit") < output.index("applying: create table orders-sit")
    assert run.scenario("test_orders_is_there").outcome == "passed"


def test_prod_needs_the_confirm_option_on_top_of_provision(project: ContractProject) -> None:
    refused = project.run("--env=prod", "--provision", "-s")
    assert "is protected" in refused.output
    assert "--confirm-prod" in refused.output
    assert "applying:" not in refused.output
    assert refused.result.ret != 0
    confirmed = project.run("--env=prod", "--provision", "--confirm-prod", "-s")
    assert "applying: create table orders-prod" in confirmed.output
    assert confirmed.scenario("test_orders_is_there").outcome == "passed"


def test_credentials_of_another_account_change_nothing(project: ContractProject) -> None:
    project.set_environment("sit", account_id="222222222222")
    run = project.run("--env=sit", "--provision", "-s")
    assert "the credentials belong to AWS account 123456789012" in run.output
    assert "applying:" not in run.output
    assert run.result.ret != 0
