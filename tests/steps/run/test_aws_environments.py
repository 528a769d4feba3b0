"""dev, sit and prod: read as they are, changed only with --provision (after the plan is shown),
prod only with --confirm-prod too, and never with another account's credentials.

There is no AWS here: the inner runs put moto in front of every boto3 call (mock_aws in their
conftest), so the AWS code path (a plain boto3 session, STS for the account) runs for real
against moto's answers. moto's account is 123456789012.
"""

from __future__ import annotations

import json

import pytest

pytest.register_assert_rewrite("tests.support.contract_project")
from tests.support.contract_project import ContractProject, pytester_runner  # noqa: E402

pytest_plugins = ["pytester", "tests.support.contract_project"]

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
    # tests/provision/apply/test_requests.py), so these runs provision the tables only.
    (project.contracts / "backup.yaml").unlink()
    project.feature("order_lambda", FEATURE)
    return project


def test_sit_is_read_as_it_is_and_a_missing_table_fails(project: ContractProject) -> None:
    run = project.run("--env=sit")
    scenario = run.scenario("orders is there")
    assert scenario.outcome == "failed"
    assert "no table orders-sit in sit (aws)" in scenario.message
    assert "Plan for environment" not in run.output


def test_provision_shows_the_plan_then_applies_it(project: ContractProject) -> None:
    run = project.run("--env=sit", "--provision", "-s")
    output = run.output
    assert "Plan for environment 'sit' on aws:" in output
    assert output.index("+ create table orders-sit") < output.index("applying: create table orders-sit")
    assert run.scenario("orders is there").outcome == "passed"


def test_prod_needs_the_confirm_option_on_top_of_provision(project: ContractProject) -> None:
    refused = project.run("--env=prod", "--provision", "-s")
    assert "is protected" in refused.output
    assert "--confirm-prod" in refused.output
    assert "applying:" not in refused.output
    assert refused.result.ret != 0
    confirmed = project.run("--env=prod", "--provision", "--confirm-prod", "-s")
    assert "applying: create table orders-prod" in confirmed.output
    assert confirmed.scenario("orders is there").outcome == "passed"


def test_credentials_of_another_account_change_nothing(project: ContractProject) -> None:
    project.set_environment("sit", account_id="222222222222")
    run = project.run("--env=sit", "--provision", "-s")
    assert "the credentials belong to AWS account 123456789012" in run.output
    assert "applying:" not in run.output
    assert run.result.ret != 0



@pytest.mark.parametrize(("env", "account", "says"), [
    pytest.param("prod", None, "contracts: 'prod' is protected: review the plan above, then add --confirm-prod to "
                 "apply it. Nothing was changed.", id="prod-unconfirmed"),
    pytest.param("sit", "222222222222", "contracts: the credentials belong to AWS account 123456789012, but "
                 "environment 'sit' is account 222222222222: nothing was changed.", id="another-account"),
])
def test_a_refused_provision_stops_the_run_before_the_first_scenario_once(
        project: ContractProject, env: str, account: str | None, says: str) -> None:
    if account:
        project.set_environment(env, account_id=account)
    project.feature("order_lambda", ORDERS_ACCESS, "access.feature")  # first: its Lambda role is asked of IAM
    run = project.run(f"--env={env}", "--provision")
    assert run.result.ret == 1
    assert run.output.count(says) == 1, run.output
    assert "Interrupted" in run.output
    for traceback in ("RefusedError", "AccountMismatchError", "provision/", "Traceback"):
        assert traceback not in run.output
    assert "applying:" not in run.output
    assert [name for name in run.scenarios if name] == []  # none ran against the environment as it was
    assert "contract checks on" not in run.output


# --- reading an environment that cannot be read --------------------------------------------------------

NO_CREDENTIALS = {"AWS_CONFIG_FILE": "/nonexistent/config", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials",
                  "AWS_EC2_METADATA_DISABLED": "true"}
CREDENTIAL_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
                        "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN",
                        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI")


@pytest.mark.parametrize("xdist", [[], ["-n", "2"]], ids=["serial", "xdist"])
def test_missing_credentials_stop_the_run_with_one_message_and_no_report(
        pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, xdist: list[str]) -> None:
    for name in CREDENTIAL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in NO_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    project = ContractProject(pytester.path, pytester_runner(pytester, monkeypatch))  # no moto: the real AWS path
    project.copy_real_features()
    (project.path / "out").mkdir()
    (project.path / "out" / "readiness.md").write_text("an earlier run: READY\n")
    run = project.run("--env=sit", "--readiness-report=out", *xdist)
    assert run.result.ret == 1
    message = ("contracts: cannot read environment 'sit' (AWS account 222222222222, region eu-west-1, the default "
               "credentials *): Unable to locate credentials. Nothing was checked. Give this run credentials of "
               "account 222222222222 that may read DynamoDB, AWS Backup and STS in eu-west-1 *")
    run.result.stdout.fnmatch_lines([f"*{message}*"])
    assert "Traceback" not in run.output
    assert "INTERNALERROR" not in run.output
    assert "contract checks on" not in run.output
    assert "verified" not in run.output
    assert not (project.path / "out" / "readiness.md").exists()  # no report, and no stale one claiming anything
    assert [s for s in run.scenarios.values() if s.outcome in ("error", "failed")] == []


# --- access patterns on AWS: the account first, never an unmarkable table ------------------------------

SEED_AND_COUNT = '''

import json
import pathlib

import boto3


def pytest_sessionstart(session):
    client = boto3.client("dynamodb", region_name="eu-west-1")
    client.create_table(TableName="orders-sit", BillingMode="PAY_PER_REQUEST",
                        KeySchema=[{"AttributeName": "tenantId", "KeyType": "HASH"},
                                   {"AttributeName": "orderId", "KeyType": "RANGE"}],
                        AttributeDefinitions=[{"AttributeName": "tenantId", "AttributeType": "S"},
                                              {"AttributeName": "orderId", "AttributeType": "S"}])


def pytest_sessionfinish(session):
    items = boto3.client("dynamodb", region_name="eu-west-1").scan(TableName="orders-sit")["Items"]
    pathlib.Path("items-left.json").write_text(json.dumps(items))
'''
ORDERS_ACCESS = """Feature: a tenant's orders
  Scenario: the orders of t1
    Given the table "orders" holds the items:
      | tenantId | orderId |
      | t1       | o1      |
    When querying the table "orders" where "tenantId = t1"
    Then the query must return exactly, in order:
      | orderId |
      | o1      |
"""


# moto has no iam:SimulatePrincipalPolicy: where a test is about items, not the Lambda roles
# (tests/steps/permissions/test_judges.py asks the Stubber), IAM is made to say that the roles may.
ROLES_MAY = """
import dynamo_contracts.provision.iam.access as _access


def _allowed(self, *asked):  # (client,) role, action, arns
    return {arn: _access.Answer(_access.Decision.ALLOWED, "allowed (stand-in)") for arn in asked[-1]}


_access.AwsSimulation._simulate = _allowed
"""


def roles_may(project: ContractProject) -> None:
    with (project.path / "conftest.py").open("a") as conftest:
        conftest.write(ROLES_MAY)


def items_left(project: ContractProject) -> list[object]:
    return list(json.loads((project.path / "items-left.json").read_text()))


def test_items_are_written_to_aws_only_with_credentials_of_its_account(project: ContractProject) -> None:
    with (project.path / "conftest.py").open("a") as conftest:
        conftest.write(SEED_AND_COUNT)
    project.set_environment("sit", account_id="222222222222", writes_allowed=True)
    project.feature("order_lambda", ORDERS_ACCESS)
    run = project.run("--env=sit")
    assert run.result.ret == 1
    run.result.stdout.fnmatch_lines(["*contracts: no item was written: the credentials belong to AWS account "
                                     f"{MOTO_ACCOUNT}, but environment 'sit' is account 222222222222*"])
    assert "Traceback" not in run.output
    assert items_left(project) == []


def test_items_written_to_aws_with_the_right_account_are_read_back_and_removed(project: ContractProject) -> None:
    with (project.path / "conftest.py").open("a") as conftest:
        conftest.write(SEED_AND_COUNT)
    roles_may(project)
    project.set_environment("sit", writes_allowed=True)
    project.feature("order_lambda", ORDERS_ACCESS)
    run = project.run("--env=sit")
    assert run.scenario("the orders of t1").outcome == "passed", run.output
    assert items_left(project) == []


def test_a_table_whose_partition_key_cannot_carry_the_marker_is_not_written_on_aws(project: ContractProject) -> None:
    project.add_table("counters", {"description": "a number partition key",
                                   "partition_key": {"name": "counterId", "type": "N"}})
    roles_may(project)
    project.set_environment("sit", writes_allowed=True)
    project.feature("order_lambda", """Feature: counters
  Scenario: counter 7
    Given the table "counters" holds the items:
      | counterId | owner    |
      | 7         | contract |
    When querying the table "counters" where "counterId = 7"
    Then the query must return exactly, in order:
      | owner    |
      | contract |
""")
    run = project.run("--env=sit", "--provision")
    scenario = run.scenario("counter 7")
    assert scenario.outcome == "skipped"
    assert scenario.message == ("not run on sit: the partition key counterId of table counters is of type N, so "
                                "contract items cannot be marked apart from real ones")


# IAM answering HTTP 500 with a body that is not its XML (a proxy's, a load balancer's): through botocore's own
# parser, on a real socket (moto has no SimulatePrincipalPolicy; the Stubber skips the parser). Each call is counted.
IAM_FAILS = """
import http.server
import os
import pathlib
import threading


class _Fails(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with open("iam-calls", "a") as calls:
            calls.write("asked\\n")
        body = b'{"message": "Internal Server Error"}'
        self.send_response(500)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


_iam = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Fails)
threading.Thread(target=_iam.serve_forever, daemon=True).start()
os.environ["AWS_ENDPOINT_URL_IAM"] = f"http://127.0.0.1:{_iam.server_port}"
"""


def test_iam_answering_http_500_is_one_unverifiable_line_not_a_traceback_per_scenario(
        project: ContractProject) -> None:
    with (project.path / "conftest.py").open("a") as conftest:
        conftest.write(IAM_FAILS)
    project.set_environment("sit", writes_allowed=True)
    project.feature("order_lambda", ORDERS_ACCESS, "access.feature")
    project.feature("product_lambda", ORDERS_ACCESS.replace("Feature: a tenant's orders", "Feature: orders too"))
    run = project.run("--env=sit", "--provision")
    for traceback in ("ResponseParserError", "Traceback", "botocore/", "provision/"):
        assert traceback not in run.output
    said = [line for line in run.result.outlines if " x iam:SimulatePrincipalPolicy" in line]
    assert len(said) == 1, run.output  # the summary's one line, for every claim of both roles
    assert said[0].strip().startswith("6 x iam:SimulatePrincipalPolicy did not answer (an answer that is not IAM's")
    assert (project.path / "iam-calls").read_text().count("asked") == 1
    assert run.scenario("the orders of t1").outcome == "skipped"  # unverifiable, never passed
