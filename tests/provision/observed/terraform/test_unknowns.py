"""What Terraform knows only after apply stays as small as it is (issue 18, items 4 and 5), as a user meets it:
`pytest --against=terraform:DIR` on tests/terraform/hcl/unknowns. One unknown tag hides that tag, one unknown
selection entry hides only what it could be, a `dynamic "lifecycle"` over an unknown hides that rule's days, an
index of known name is there though its key is unknown, a key created in the stack is customer managed; alarms
and splat selections are read. The converters' finer rules are unit tests at the end.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

pytest.register_assert_rewrite("tests.support.contract_project")
from dynamo_contracts.provision.desired.load import load_contracts  # noqa: E402
from dynamo_contracts.provision.desired.model import Environment  # noqa: E402
from dynamo_contracts.provision.observed.state import (  # noqa: E402
    ObservedSelection,
    ObservedState,
    TagCondition,
    Unverifiable,
)
from dynamo_contracts.provision.observed.terraform.records import Configuration, Reference, Resource, Unknown  # noqa: E402
from dynamo_contracts.provision.observed.terraform.to_observed import observe  # noqa: E402
from dynamo_contracts.steps.checks.coverage import selection_covers  # noqa: E402
from tests.support.contract_project import ContractProject, ContractRun, subprocess_runner  # noqa: E402
from tests.support.origins import FROM_TERRAFORM  # noqa: E402
from tests.support.paths import ROOT, TERRAFORM  # noqa: E402

FOLDER = TERRAFORM / "hcl" / "unknowns"
COVERED = 'be covered by a backup plan keeping backups at least 14 days in vault "bbws-dynamodb"'

FEATURE = f"""
Feature: the orders team's tables, as the Terraform defines them before apply

  Scenario: tags
    Then the table "orders" must have the tags:
      | key     | value    |
      | Project | bbws     |
      | Team    | payments |
      | KeyId   | 1234abcd |

  Scenario: a wrong tag
    Then the table "orders" must have the tags:
      | key     | value |
      | Project | other    |
      | KeyId   | 1234abcd |

  Scenario: the key and the index
    Then the table "orders" must be encrypted with CUSTOMER_MANAGED
    And the table "orders" must have the GSI "OrdersByCustomer"
    And the table "orders" must have exactly these GSIs:
      | index            |
      | OrdersByCustomer |
    And the GSI "OrdersByCustomer" of table "orders" must have the partition key "customerId" of type S

  Scenario: backups
    Then the backup vault "bbws-dynamodb" must exist
    And the table "orders" must {COVERED}
    And the table "audit0" must {COVERED}
    And the table "audit1" must {COVERED}
    And the table "clicks" must {COVERED}
    And the table "users" must {COVERED}

  Scenario: alarms
    Then the table "orders" must have a read_throttles alarm
    And the table "orders" must have a write_throttles alarm
    And the table "users" must have a system_errors alarm
"""


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> ContractRun:
    """One inner run, `pytest --env=sit --against=terraform:tests/terraform/hcl/unknowns`, for every claim below."""
    path = tmp_path_factory.mktemp("unknowns")
    project = ContractProject(path, subprocess_runner(path))
    for table in ("audit0", "audit1", "clicks"):
        project.add_table(table, {"partition_key": {"name": "pk", "type": "S"}})
    project.feature("orders_team", FEATURE)
    return project.run("--env=sit", f"--against=terraform:{FOLDER}")


def outcomes(run: ContractRun, scenario: str) -> dict[str, tuple[str, str]]:
    """Each claim of a scenario by its subject: (outcome, reason or actual)."""
    return {f["subject"]: (f["outcome"], f["reason"] or f["actual"]) for f in run.scenario(scenario).findings}


@pytest.mark.slow
def test_one_unknown_tag_hides_that_tag_only(run: ContractRun) -> None:
    found = outcomes(run, "tags")
    assert found["tags of table orders"][0] == "passed"  # Project and Team are known and right
    outcome, reason = found["tag KeyId of table orders"]
    assert outcome == "unverifiable"
    assert "tags['KeyId']: it is aws_kms_key.tables.key_id, known only after apply" in reason
    assert run.scenario("tags").outcome == "skipped"
    wrong = run.scenario("a wrong tag")
    assert wrong.outcome == "failed"  # a known wrong tag fails, however unknown another one is
    assert "expected Project=other, found KeyId=(known after apply), Project=bbws, Team=payments" in wrong.message


@pytest.mark.slow
def test_a_key_created_in_the_stack_is_customer_managed_and_an_index_of_known_name_is_there(run: ContractRun) -> None:
    found = outcomes(run, "the key and the index")
    assert found["encryption at rest of table orders"][0] == "passed"
    assert found["GSI OrdersByCustomer of table orders"][0] == "passed"
    assert found["GSIs of table orders"][0] == "passed"  # an index of unknown keys is still that one index
    outcome, reason = found["partition key of GSI OrdersByCustomer of table orders"]
    assert (outcome, "terraform.workspace" in reason) == ("unverifiable", True)


@pytest.mark.slow
def test_one_unknown_selection_entry_or_lifecycle_hides_only_what_it_could_be(run: ContractRun) -> None:
    found = outcomes(run, "backups")
    assert found["backup vault bbws-dynamodb"][0] == "passed"
    for table in ("orders", "audit0", "audit1", "clicks"):  # by a known ARN, a [*] splat, values(...)[*]
        assert found[f"backups of table {table}"] == ("passed", "selected by plan bbws-dynamodb-daily-sit"), table
    outcome, reason = found["backups of table users"]  # the ARN of a workspace's table could be the users table
    assert outcome == "unverifiable"
    assert "resources[1]: terraform.workspace" in reason


@pytest.mark.slow
def test_alarms_are_read_from_terraform(run: ContractRun) -> None:
    found = outcomes(run, "alarms")
    assert found["read_throttles alarm of table orders"][0] == "passed"
    outcome, _ = found["write_throttles alarm of table orders"]
    assert outcome == "failed"
    failed = run.scenario("alarms").message
    assert "the owners of the Terraform: add a write_throttles alarm on orders" in failed
    outcome, reason = found["system_errors alarm of table users"]  # an alarm on a table known after apply
    assert (outcome, "dimensions['TableName']" in reason) == ("unverifiable", True)


# The converters, on configurations as the readers give them ------------------------------------------------------

WHERE = "infra/backup.tf:1"


@pytest.fixture(scope="module")
def sit() -> Environment:
    return load_contracts(ROOT / "contracts").environment("sit")


def state(env: Environment, *resources: Resource) -> ObservedState:
    return observe(Configuration("terraform", "infra", resources), env)


def test_a_vault_key_known_after_apply_is_unknown_never_none(sit: Environment) -> None:
    key = Reference("aws_kms_key.backup", "arn")
    found = state(sit, Resource("aws_backup_vault.v", "aws_backup_vault", {"name": "v", "kms_key_arn": key}, WHERE),
                  Resource("aws_backup_vault.w", "aws_backup_vault", {"name": "w"}, WHERE)).backups.vaults
    assert isinstance(found, dict)
    assert isinstance(found["v"].kms_key_arn, Unverifiable)
    assert "aws_kms_key.backup.arn, known only after apply" in found["v"].kms_key_arn.reason
    assert found["w"].kms_key_arn is None  # no key written: AWS Backup's own


def test_a_dynamic_rule_over_an_unknown_leaves_the_plan_and_its_other_rules(sit: Environment) -> None:
    rules = [{"rule_name": "daily", "target_vault_name": "v", "lifecycle": [{"delete_after": 7}]},
             Unknown("the dynamic block iterates over var.rules")]
    plans = state(sit, Resource("aws_backup_plan.p", "aws_backup_plan", {"name": "p", "rule": rules},
                                WHERE)).backups.plans
    assert isinstance(plans, dict)
    daily, hidden = plans["p"].rules
    assert not isinstance(daily, Unverifiable)
    assert daily.retention_days == 7
    assert isinstance(hidden, Unverifiable)
    assert "var.rules" in hidden.reason


ARN = "arn:aws:dynamodb:eu-west-1:222222222222:table/orders-sit"
UNKNOWN = Unverifiable("terraform", "known only after apply")


@pytest.mark.parametrize(("selection", "tags", "covers"), [
    pytest.param(ObservedSelection("s", resources=(ARN, UNKNOWN)), {}, True, id="known-arn-beside-an-unknown"),
    pytest.param(ObservedSelection("s", resources=("arn:aws:dynamodb:eu-west-1:222222222222:table/other",)), {},
                 False, id="no-entry-could-be-it"),
    pytest.param(ObservedSelection("s", resources=("arn:aws:dynamodb:*:*:table/other", UNKNOWN)), {}, UNKNOWN,
                 id="an-unknown-entry-could-be-it"),
    pytest.param(ObservedSelection("s", resources=("arn:aws:dynamodb:*:*:table/orders-*", UNKNOWN)), {}, True,
                 id="a-wildcard-as-today"),
    pytest.param(ObservedSelection("s", resources=(ARN,), not_resources=(UNKNOWN,)), {}, UNKNOWN,
                 id="an-unknown-exclusion"),
    pytest.param(ObservedSelection("s", any_tags=(TagCondition("Backup", "daily"),)), {"Backup": UNKNOWN}, UNKNOWN,
                 id="a-tag-known-after-apply"),
    pytest.param(ObservedSelection("s", any_tags=(TagCondition("Backup", "daily"),)),
                 {"Backup": "daily", "Build": UNKNOWN}, True, id="another-tag-unknown"),
    pytest.param(ObservedSelection("s", any_tags=(UNKNOWN,), all_tags=(TagCondition("env", "prod"),)),
                 {"env": "sit"}, False, id="a-known-condition-fails"),
])
def test_a_selection_with_unknown_entries_covers_by_its_known_ones(
        selection: ObservedSelection, tags: Any, covers: Any) -> None:
    assert selection_covers(selection, ARN, tags) == covers


def test_the_desired_state_diff_skips_only_the_tag_known_after_apply(sit: Environment) -> None:
    from dynamo_contracts.provision.desired.stack import OWNERSHIP_TAG_KEY, resolve
    from dynamo_contracts.provision.observed.schema import observed_from_stack
    from dynamo_contracts.provision.planning.changes import LeftAlone, TagTable
    from dynamo_contracts.provision.planning.diff import diff

    stack = resolve(load_contracts(ROOT / "contracts"), sit)
    schema = observed_from_stack(stack)
    orders = schema.tables["orders-sit"]
    tags = {**orders.tags, "Project": "other", "Stack": UNKNOWN}  # one known wrong, one known after apply
    stray = dataclasses.replace(orders, name="audit-sit", tags={OWNERSHIP_TAG_KEY: UNKNOWN})
    observed = dataclasses.replace(schema, origin=FROM_TERRAFORM, tables={
        **schema.tables, "orders-sit": dataclasses.replace(orders, tags=tags), "audit-sit": stray})
    changes = [c for c in diff(stack, observed, sit.backend) if c.target in ("orders-sit", "audit-sit")]
    tagging = sorted((sorted(c.tags.items()), c.skipped is not None) for c in changes if isinstance(c, TagTable))
    assert tagging == [([("Project", "bbws")], False), ([("Stack", "dynamodb-schemas")], True)]
    [left] = [c for c in changes if c.target == "audit-sit"]  # never deleted on an ownership tag not known
    assert isinstance(left, LeftAlone)
    assert "that tag is known only after apply" in left.why


def test_a_terraform_alarm_of_its_own_name_is_compared_setting_by_setting(sit: Environment) -> None:
    from dynamo_contracts.provision.desired.stack import resolve
    from dynamo_contracts.provision.observed.schema import observed_from_stack
    from dynamo_contracts.provision.planning.changes import PutAlarm
    from dynamo_contracts.provision.planning.diff import diff

    stack = resolve(load_contracts(ROOT / "contracts"), sit)
    schema = observed_from_stack(stack)
    assert isinstance(schema.alarms, dict)
    alarms = {a.name: a for a in schema.alarms.values()}
    throttles, errors = alarms.pop("orders-sit-read-throttles"), alarms.pop("orders-sit-system-errors")
    alarms["orders_reads"] = dataclasses.replace(throttles, name="orders_reads", threshold=5.0)  # Terraform's name
    alarms["orders_errors"] = dataclasses.replace(errors, name="orders_errors", actions=(UNKNOWN,))
    observed = dataclasses.replace(schema, origin=FROM_TERRAFORM, alarms=alarms)
    changes = {c.target: c for c in diff(stack, observed, sit.backend) if isinstance(c, PutAlarm)}
    assert set(changes) == {"orders-sit-read-throttles", "orders-sit-system-errors"}
    assert changes["orders-sit-read-throttles"].was == "threshold 5.0"  # the one known difference
    assert changes["orders-sit-read-throttles"].skipped is None
    assert changes["orders-sit-system-errors"].skipped == UNKNOWN  # its topic is known after apply: may differ
