"""A verdict a gate can trust (issue 7, items 1-6, 12, 15): the holes found by using the tool, each closed.

Black-box where a user would see it: inner projects run in a subprocess. Where the environment must
drift after provisioning on moto (which lives in the inner process), the inner conftest changes it
in a session fixture that runs after `contract_backend` provisioned it and before it is read.
Pure checks (a GSI still CREATING, the closest index) run on built observed states.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

pytest.register_assert_rewrite("tests.support.contract_project")
from dynamo_contracts.provision.desired.model import AttributeType, KeyAttribute, KeySchema, Projection, ProjectionType  # noqa: E402
from dynamo_contracts.provision.desired.stack import Stack  # noqa: E402
from dynamo_contracts.provision.observed.schema import observed_from_stack  # noqa: E402
from dynamo_contracts.provision.observed.state import ObservedIndex, ObservedState  # noqa: E402
from dynamo_contracts.steps import checks  # noqa: E402
from dynamo_contracts.steps.checks.target import Target, summarize  # noqa: E402
from dynamo_contracts.steps.report.build import build  # noqa: E402
from dynamo_contracts.steps.report.markdown import render  # noqa: E402
from dynamo_contracts.steps.report.model import Readiness  # noqa: E402
from dynamo_contracts.steps.results.expected import Requirements  # noqa: E402
from dynamo_contracts.steps.results.findings import Finding, Kind, Outcome  # noqa: E402
from dynamo_contracts.steps.results.run import RunResults, SourceResults  # noqa: E402
from dynamo_contracts.steps.results.scenarios import Results, ScenarioOutcome, ScenarioResult  # noqa: E402
from dynamo_contracts.steps.wiring import terminal  # noqa: E402
from tests.support.contract_project import (  # noqa: E402
    CONFTEST,
    ContractProject,
    pytester_runner,
    subprocess_runner,
)
from tests.support.local_tables import table_items  # noqa: E402
from tests.support.origins import ON_AWS  # noqa: E402

pytest_plugins = ["pytester", "tests.support.contract_project"]


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> ContractProject:
    return ContractProject(pytester.path, pytester_runner(pytester, monkeypatch))


def real_project(path: Path) -> ContractProject:
    project = ContractProject(path, subprocess_runner(path))
    project.copy_real_features()
    return project


def report_of(out: Path) -> dict[str, Any]:
    return dict(json.loads((out / "readiness.json").read_text(encoding="utf-8")))


def drift_after_provisioning(project: ContractProject, body: str) -> None:
    """An inner conftest that changes the moto environment once provisioned (`backend`: the Backend)."""
    code = textwrap.indent(textwrap.dedent(body).strip(), "    ")
    (project.path / "conftest.py").write_text(
        CONFTEST + "\nimport pytest\n\n\n@pytest.fixture(scope=\"session\", autouse=True)\n"
        f"def drifted(contract_backend):\n    backend = contract_backend\n{code}\n")


# --- item 1: deselected means not checked -----------------------------------------------------------------


@pytest.mark.slow  # the whole contract suite in a subprocess
def test_a_deselected_scenario_leaves_its_consumer_not_checked_and_the_report_blocked(tmp_path: Path) -> None:
    project = real_project(tmp_path)
    out = tmp_path / "out"
    run = project.run("--env=moto", "-k", "not OrdersByUser", f"--readiness-report={out}")
    assert run.result.ret == 1, run.output
    report = report_of(out)
    assert report["verdict"] == "BLOCKED"
    assert report["consumers"]["order_lambda"]["status"] == "not checked"
    assert report["consumers"]["order_lambda"]["checked"] == "8 of 9"
    assert "| order_lambda | ❌ not checked in this run (8 of 9 scenarios checked) |" in (
        out / "readiness.md").read_text(encoding="utf-8")
    said = [line.split() for line in run.result.outlines if line.startswith("  order_lambda ")]
    assert [line[1:6] for line in said] == [["not", "checked", "(8", "of", "9"]], run.output  # as the report says


class Lines:
    """A terminal reporter that keeps what it was told to write."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def write_sep(self, sep: str, title: str) -> None:
        self.lines.append(f"{sep * 3} {title} {sep * 3}")

    def write_line(self, line: str) -> None:
        self.lines.append(line)


def test_the_terminal_never_calls_a_partly_checked_consumer_ready() -> None:
    holds = Finding(Kind.TABLE, Outcome.PASSED, "table orders", "exists", "exists", table="orders")
    ran = ScenarioResult("a", "orders exist", "alpha", ScenarioOutcome.PASSED, (holds,), "features/alpha/x.feature:2")
    deselected = ScenarioResult("b", "users exist", "alpha", ScenarioOutcome.SKIPPED, (), "features/alpha/x.feature:5")
    reporter = Lines()
    terminal.write(reporter, Results([ran, deselected]), "aws (aws)", Requirements(scenarios={"alpha": 3}))
    assert "  alpha                not checked (1 of 3 scenarios) 1 passed, 0 failed, 0 unverifiable, 0 not run" in (
        reporter.lines)
    reporter = Lines()
    terminal.write(reporter, Results([ran]), "aws (aws)", Requirements(scenarios={"alpha": 1}))
    assert "  alpha                ready      1 passed, 0 failed, 0 unverifiable, 0 not run" in reporter.lines


# --- item 2: the desired state is the platform team's contract ----------------------------------------------

DRIFTS = {
    "deletion protection": ('backend.client("dynamodb").update_table(TableName="tenants-moto", '
                            "DeletionProtectionEnabled=True)",
                            "deletion protection of tenants-moto", "UpdateDeletionProtection",
                            "turn deletion protection off for table tenants-moto"),
    "tags": ('c = backend.client("dynamodb")\n'
             'c.untag_resource(ResourceArn=c.describe_table(TableName="users-moto")["Table"]["TableArn"], '
             'TagKeys=["Project"])', "tags of users-moto", "TagTable", "tag table users-moto: Project=bbws"),
    # moto has no UpdateBackupPlan (and keeps a deleted plan's name): change its record of the rule
    "weekly backups": ("from moto.backup.models import backup_backends\n"
                       'for plan in backup_backends["123456789012"]["eu-west-1"].plans.values():\n'
                       '    plan.backup_plan["Rules"][0]["ScheduleExpression"] = "cron(0 3 ? * SUN *)"',
                       "backup plan of bbws-dynamodb-daily-moto", "UpdateBackupPlan",
                       "update backup plan bbws-dynamodb-daily-moto: cron(0 3 * * ? *)"),
    # moto cannot write to a table whose stream was turned off: only platform runs in this case
    "stream": ('backend.client("dynamodb").update_table(TableName="users-moto", '
               'StreamSpecification={"StreamEnabled": False})',
               "stream of users-moto", "UpdateStream", "set stream of table users-moto to NEW_AND_OLD_IMAGES"),
}


@pytest.mark.slow  # the whole contract suite in a subprocess
@pytest.mark.parametrize("drift", sorted(DRIFTS))
def test_a_setting_no_feature_states_that_drifts_blocks_the_platform_team_with_the_plan_line(
        tmp_path: Path, drift: str) -> None:
    change, subject, kind, line = DRIFTS[drift]
    project = real_project(tmp_path)
    drift_after_provisioning(project, change)
    out = tmp_path / "out"
    run = project.run("--env=moto", f"--readiness-report={out}", *(["-m", "platform"] if drift == "stream" else []))
    report = report_of(out)
    assert report["verdict"] == "BLOCKED", run.output
    assert run.failed_consumers() == {"platform"}, run.output
    gap = next(g for g in report["gaps"] if g["change"] == kind)
    assert gap["subject"] == subject
    assert line in gap["actual"]
    assert gap["consumers"] == ["platform"]
    assert gap["action"].startswith("the platform team: apply the plan (`dynamo-contracts apply --env moto`)")


@pytest.mark.slow  # the whole contract suite in a subprocess
def test_the_platform_sets_follow_the_desired_state_so_a_new_index_is_one_edit(tmp_path: Path) -> None:
    project = real_project(tmp_path)
    project.edit_yaml("tables/orders.yaml", lambda d: d["tables"]["orders"]["global_indexes"].update(
        OrdersByStatus={"partition_key": {"name": "status", "type": "S"}, "projection": "KEYS_ONLY"}))
    out = tmp_path / "out"
    run = project.run("--env=moto", "-m", "platform", f"--readiness-report={out}")
    run.result.assert_outcomes(passed=1, skipped=2)  # drift: moto cannot report selections; cost: no budget
    assert report_of(out)["counts"]["gsis"] == {"expected": 9, "actual": 9}


# --- item 3: Cucumber JSON steps say what their claims found ----------------------------------------------


def test_cucumber_json_marks_each_step_by_its_own_claims(project: ContractProject) -> None:
    project.feature("alpha", """Feature: cucumber
  Scenario: orders as remembered
    Then the table "orders" must exist
    And the table "orders" must have billing mode PROVISIONED
    And the table "orders" must have table class STANDARD

  Scenario: unverifiable only
    Then the table "orders" must exist
    And the table "orders" must have table class STANDARD
""")
    cucumber = project.path / "cucumber.json"
    project.run("--env=moto", f"--cucumberjson={cucumber}").result.assert_outcomes(failed=1, skipped=1)
    elements = {e["name"]: e for f in json.loads(cucumber.read_text()) for e in f["elements"]}
    statuses = {name: [s["result"]["status"] for s in e["steps"]] for name, e in elements.items()}
    assert statuses == {"orders as remembered": ["passed", "failed", "skipped"],
                        "unverifiable only": ["passed", "skipped"]}
    failed_step = elements["orders as remembered"]["steps"][1]
    assert "expected PROVISIONED, found PAY_PER_REQUEST" in failed_step["result"]["error_message"]


# --- items 4 and 5: pure checks on built observed states ----------------------------------------------------


def _with_index(stack: Stack, table: str, index: ObservedIndex) -> ObservedState:
    observed = observed_from_stack(stack)
    physical = stack.physical_table(table)
    seen = observed.tables[physical]
    tables = {**observed.tables, physical: type(seen)(**{**seen.__dict__, "global_indexes": {
        **seen.global_indexes, index.name: index}})}
    return ObservedState(observed.origin, observed.environment, tables, observed.backups)


def test_a_gsi_still_creating_is_reported_as_not_active_yet_never_as_missing(stack_for: Any) -> None:
    stack = stack_for("sit")
    keys = KeySchema(KeyAttribute("userId", AttributeType.S), KeyAttribute("orderDate", AttributeType.S))
    creating = ObservedIndex("OrdersByUser", keys, Projection(ProjectionType.INCLUDE, frozenset({"orderTotal",
                                                                                              "status"})), "CREATING")
    target = Target(stack.environment, _with_index(stack, "orders", creating), stack)
    finding = checks.index_exists(target, "GSI", "orders", "OrdersByUser", True)
    assert finding.outcome.value == "failed"
    assert finding.cause is None
    scenario = ScenarioResult("n", "OrdersByUser", "order_lambda", ScenarioOutcome.FAILED, (finding,),
                              "features/x.feature:3")
    report = build(RunResults("sit", "now", Requirements(scenarios={"order_lambda": 1}), [],
                              [SourceResults("live", "aws", summarize(target), Results([scenario]))]))
    assert isinstance(report, Readiness)  # one source
    assert report.missing["gsis"] == []
    assert report.inactive == ["orders.OrdersByUser CREATING"]
    markdown = render(report)
    assert "GSI OrdersByUser on table orders exists but is not ACTIVE yet (GSI OrdersByUser, CREATING)" in markdown
    assert "1 not ACTIVE yet (orders.OrdersByUser CREATING)" in markdown
    assert "OrdersByUser is missing" not in markdown


def test_the_closest_index_shares_the_whole_key_schema_or_there_is_no_hint(stack_for: Any) -> None:
    stack = stack_for("sit")
    same_partition = ObservedIndex("UserOrdersIndex", KeySchema(KeyAttribute("userId", AttributeType.S),
                                                                KeyAttribute("createdAt", AttributeType.S)),
                                   Projection(ProjectionType.ALL))
    observed = _with_index(stack, "orders", same_partition)
    gone = {n: t for n, t in observed.tables.items()}
    orders = gone[stack.physical_table("orders")]
    gone[orders.name] = type(orders)(**{**orders.__dict__, "global_indexes": {
        k: v for k, v in orders.global_indexes.items() if k != "OrdersByUser"}})
    target = Target(stack.environment, ObservedState(ON_AWS, "sit", gone, observed.backups), stack)
    assert target.closest_index("orders", "OrdersByUser") is None  # same partition key, other sort key
    renamed = ObservedIndex("UserOrdersIndex", stack.spec("orders").global_index("OrdersByUser").keys,
                            Projection(ProjectionType.ALL))
    gone[orders.name] = type(orders)(**{**orders.__dict__, "global_indexes": {"UserOrdersIndex": renamed}})
    target = Target(stack.environment, ObservedState(ON_AWS, "sit", gone, observed.backups), stack)
    assert target.closest_index("orders", "OrdersByUser") == "UserOrdersIndex"


# --- item 6: a key of another type in the environment -------------------------------------------------------


def test_a_key_of_another_type_in_the_environment_says_so(project: ContractProject) -> None:
    drift_after_provisioning(project, '''
        c = backend.client("dynamodb")
        c.delete_table(TableName="users-moto")
        c.create_table(TableName="users-moto", BillingMode="PAY_PER_REQUEST",
                       KeySchema=[{"AttributeName": "tenantId", "KeyType": "HASH"},
                                  {"AttributeName": "userId", "KeyType": "RANGE"}],
                       AttributeDefinitions=[{"AttributeName": "tenantId", "AttributeType": "S"},
                                             {"AttributeName": "userId", "AttributeType": "N"}])
        ''')
    project.feature("alpha", """Feature: users
  Scenario: a user
    Given the table "users" holds the items:
      | tenantId | userId | email |
      | t1       | u1     | a@b.c |
    Then the table "users" must exist
""")
    run = project.run("--env=moto")
    run.result.assert_outcomes(failed=1)
    message = run.scenario("a user").message
    assert ("the environment's key userId of table users is N where the consumer writes S (as the desired state "
            "defines it)") in message
    assert "is not a number" not in message


# --- items 12 and 15: faults during access patterns ---------------------------------------------------------

ACCESS_FEATURE = """Feature: many writes
  Scenario: first
    Given the table "orders" holds the items:
      | tenantId | orderId |
      | t1       | o1      |
    Then the table "orders" must exist

  Scenario: second
    Given the table "orders" holds the items:
      | tenantId | orderId |
      | t1       | o2      |
    Then the table "orders" must exist

  Scenario: third
    Given the table "orders" holds the items:
      | tenantId | orderId |
      | t1       | o3      |
    Then the table "orders" must exist
"""


@pytest.mark.slow
def test_dynamodb_local_killed_mid_run_stops_it_with_one_message_and_no_traceback(tmp_path: Path) -> None:
    from dynamo_contracts.provision.backends.dynamodb_local import launch

    instance = launch()
    try:
        instance.wait_ready()
        project = ContractProject(tmp_path, subprocess_runner(tmp_path))
        project.isolate_local()
        project.feature("alpha", ACCESS_FEATURE)
        pid = getattr(getattr(instance, "process", None), "pid", None)
        if pid is None:
            pytest.skip("DynamoDB Local runs in a container here: its process cannot be killed from the test")
        (tmp_path / "conftest.py").write_text(CONFTEST + textwrap.dedent(f"""
            import os, signal

            def pytest_runtest_logfinish(nodeid, location):
                if nodeid.endswith("::first"):
                    os.kill({pid}, signal.SIGKILL)
            """))
        run = project.run("--endpoint-url", instance.endpoint_url, "--readiness-report", str(tmp_path / "out"))
    finally:
        instance.stop()
    assert run.result.ret == 1, run.output
    assert "Traceback" not in run.output
    said = [line for line in run.output.splitlines() if "stopped answering while writing an item to table "
            "orders-local-" in line]
    assert len(said) == 1, run.output  # once: not again after the counts, as `_pytest.outcomes.Exit: ...`
    assert "Interrupted: contracts: dynamodb-local at " in said[0], run.output
    assert "nothing more was checked and no readiness report was written" in said[0]
    assert "_pytest.outcomes.Exit" not in run.output
    assert len(run.output.splitlines()) < 40, run.output  # one message, not a traceback per access pattern
    assert not (tmp_path / "out" / "readiness.json").exists()


@pytest.mark.slow
def test_an_interrupted_write_is_cleaned_up(tmp_path: Path, dynamodb_local_endpoint: str) -> None:
    project = ContractProject(tmp_path, subprocess_runner(tmp_path))
    pattern = project.isolate_local()
    project.feature("alpha", ACCESS_FEATURE)
    (tmp_path / "conftest.py").write_text(CONFTEST + textwrap.dedent("""
        import dynamo_contracts.steps.sentences.access as access

        real_put = access.put_new

        def put_then_interrupted(table, item, partition_key):
            real_put(table, item, partition_key)  # the item is written; its answer never arrives
            raise KeyboardInterrupt

        access.put_new = put_then_interrupted
        """))
    project.run("--endpoint-url", dynamodb_local_endpoint)
    assert table_items(dynamodb_local_endpoint, pattern.format(table="orders", env="local")) == []


@pytest.mark.slow
def test_an_interrupted_cleanup_still_deletes_every_item_then_stops_the_run(tmp_path: Path,
                                                                             dynamodb_local_endpoint: str) -> None:
    project = ContractProject(tmp_path, subprocess_runner(tmp_path))
    pattern = project.isolate_local()
    project.feature("alpha", """Feature: four items
  Scenario: four
    Given the table "orders" holds the items:
      | tenantId | orderId |
      | t1       | c1      |
      | t1       | c2      |
      | t1       | c3      |
      | t1       | c4      |
    Then the table "orders" must exist
""")
    (tmp_path / "conftest.py").write_text(CONFTEST + textwrap.dedent("""
        import types

        import dynamo_contracts.provision.operations as ops
        import dynamo_contracts.steps.sentences.query as query

        real_delete, real_batch = ops.DELETE_ITEM, ops.BATCH_WRITE_ITEM
        pending = [KeyboardInterrupt()]  # Ctrl-C lands in the cleanup's first call, before it is sent

        class Batch:  # DynamoDB Local's cleanup deletes in batches first
            def call(self, resource, **params):
                if pending:
                    raise pending.pop()
                return real_batch.call(resource, **params)

        class Delete:  # then one by one
            def call(self, table, **params):
                if pending:
                    raise pending.pop()
                old = real_delete.call(table, ReturnValues="ALL_OLD", **params).get("Attributes", {})
                with open("deleted.txt", "a") as deleted:  # what each delete found (the item was there)
                    deleted.write(f"{old.get('orderId', 'nothing')}\\n")

        query.ops = types.SimpleNamespace(**{**vars(ops), "DELETE_ITEM": Delete(), "BATCH_WRITE_ITEM": Batch()})
        """))
    run = project.run("--endpoint-url", dynamodb_local_endpoint)
    assert run.result.ret == pytest.ExitCode.INTERRUPTED, run.output  # the Ctrl-C still stops the run
    assert "KeyboardInterrupt" in run.output
    assert sorted((tmp_path / "deleted.txt").read_text().split()) == ["c1", "c2", "c3", "c4"], \
        "the interrupted call never reached DynamoDB Local: each item was there for its delete one by one"
    assert table_items(dynamodb_local_endpoint, pattern.format(table="orders", env="local")) == []
