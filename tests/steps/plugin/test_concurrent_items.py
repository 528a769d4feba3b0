"""A scenario's items, written concurrently on DynamoDB Local: each refused item said on its own in the items'
order, a repeated key refused on its later item, and a Ctrl-C during the writes leaving nothing of the
scenario's behind while an item already in the table stays as it was."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

pytest.register_assert_rewrite("tests.support.contract_project")
from tests.steps.plugin.inner_runs import local_client  # noqa: E402
from tests.support.contract_project import CONFTEST, ContractProject, subprocess_runner  # noqa: E402
from tests.support.local_tables import table_items  # noqa: E402

pytest_plugins = ["pytester", "tests.support.contract_project"]

TOO_BIG = "x" * 410_000  # DynamoDB refuses an item over 400 KB


@pytest.mark.slow
def test_each_refused_item_is_said_on_its_own_in_the_items_order(project: ContractProject,
                                                                 dynamodb_local_endpoint: str) -> None:
    project.isolate_local()
    project.feature("alpha", f"""Feature: several items
  Scenario: two refused
    Given the table "orders" holds the items:
      | tenantId | orderId | status  | note |
      | t1       | o1      | PLACED  | a    |
      | t1       | o2      | PLACED  | {TOO_BIG} |
      | t1       | o3      | PLACED  | a    |
      | t1       | o1      | SHIPPED | a    |
      | t1       | o4      | PLACED  | a    |
    Then the table "orders" must exist
""")
    run = project.run("--endpoint-url", dynamodb_local_endpoint)
    run.result.assert_outcomes(failed=1)
    message = run.scenario("two refused").message
    assert message.count("FAIL items in table orders") == 2, message
    too_big = message.index("found DynamoDB refused an item")
    repeated = message.index("found the key already holds an item")
    assert too_big < repeated, message  # the items' order, not the order the answers came in
    assert "'orderId': 'o1', 'status': 'SHIPPED'" in message[repeated:], message  # the later one, always
    assert table_items(dynamodb_local_endpoint, project.physical("orders")) == []



@pytest.mark.slow
def test_a_ctrl_c_during_the_writes_leaves_nothing_behind_and_an_item_already_there_untouched(
        tmp_path: Path, dynamodb_local_endpoint: str) -> None:
    project = ContractProject(tmp_path, subprocess_runner(tmp_path))
    project.isolate_local()
    project.add_table("counters", {"description": "a number partition key: the marker cannot apply",
                                   "partition_key": {"name": "counterId", "type": "N"}})
    project.feature("alpha", 'Feature: x\n  Scenario: y\n    Then the table "counters" must exist\n')
    project.run("--endpoint-url", dynamodb_local_endpoint).result.assert_outcomes(passed=1)
    table = project.physical("counters")
    local_client(dynamodb_local_endpoint).put_item(TableName=table,
                                                   Item={"counterId": {"N": "7"}, "owner": {"S": "someone else"}})
    project.feature("alpha", """Feature: counters
  Scenario: three counters
    Given the table "counters" holds the items:
      | counterId | owner    |
      | 5         | contract |
      | 7         | contract |
      | 9         | contract |
      | 11        | contract |
    Then the table "counters" must exist
""")
    (tmp_path / "conftest.py").write_text(CONFTEST + textwrap.dedent("""
        import dynamo_contracts.steps.sentences.access as access

        real_put = access.put_new

        def put_then_interrupted(table, item, partition_key):
            answer = real_put(table, item, partition_key)
            if item["counterId"] == 9:  # written; its answer never arrives
                raise KeyboardInterrupt
            return answer

        access.put_new = put_then_interrupted
        """))
    run = project.run("--endpoint-url", dynamodb_local_endpoint, "--no-provision")
    assert run.result.ret == pytest.ExitCode.INTERRUPTED, run.output
    assert table_items(dynamodb_local_endpoint, table) == [{"counterId": {"N": "7"}, "owner": {"S": "someone else"}}]
