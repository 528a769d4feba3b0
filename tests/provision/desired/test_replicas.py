"""Global tables (issue 18, item 6): `replicas:` in the contracts, validated at file:line; read from Terraform
(`replica` blocks), from AWS (DescribeTable's Replicas, each replica's PITR in its region) and from the schema;
unverifiable where DynamoDB Local and moto have no global tables; checked by a consumer sentence and by the
platform's "the environment must match the desired state", whose plan shows the change and whose apply
refuses it, saying how to make it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from moto import mock_aws

pytest.register_assert_rewrite("tests.support.contract_project")
from dynamo_contracts.provision.desired.load import load_contracts  # noqa: E402
from dynamo_contracts.provision.desired.model import DesiredState, Environment, Replica  # noqa: E402
from dynamo_contracts.provision.desired.stack import Stack, resolve  # noqa: E402
from dynamo_contracts.provision.errors import ContractError, RefusedError  # noqa: E402
from dynamo_contracts.provision.observed.schema import observed_from_stack  # noqa: E402
from dynamo_contracts.provision.observed.state import ObservedReplica, ObservedState, Unverifiable  # noqa: E402
from dynamo_contracts.provision.observed.terraform.records import Configuration, Resource, Unknown  # noqa: E402
from dynamo_contracts.provision.observed.terraform.to_observed import observe  # noqa: E402
from dynamo_contracts.provision.planning.changes import Refused  # noqa: E402
from dynamo_contracts.provision.planning.diff import diff  # noqa: E402
from dynamo_contracts.provision.planning.plan import Plan  # noqa: E402
from dynamo_contracts.steps.checks.replicas import replicated  # noqa: E402
from dynamo_contracts.steps.checks.target import Target  # noqa: E402
from dynamo_contracts.steps.results.findings import Outcome  # noqa: E402
from tests.support.contract_project import CONTRACTS, ContractProject, ContractRun, subprocess_runner  # noqa: E402
from tests.support.origins import ON_AWS, ON_LOCAL, ON_MOTO  # noqa: E402
from tests.support.paths import TERRAFORM  # noqa: E402

FOLDER = TERRAFORM / "hcl" / "replicas"
REPLICAS = ["us-east-1", {"region": "ap-southeast-2", "point_in_time_recovery": True}]
FEATURE = """
Feature: orders is a global table
  Scenario: replicated
    Then the table "orders" must be replicated to the region "us-east-1"
    And the table "orders" must be replicated to the region "ap-southeast-2"
    And the table "orders" must not be replicated to the region "eu-west-2"

  Scenario: as the desired state
    Then the environment must match the desired state
"""


def with_replicas(data: dict[str, Any]) -> None:
    data["tables"]["orders"]["replicas"] = REPLICAS


# As a user meets it: pytest --against=terraform:DIR ------------------------------------------------------------

@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> ContractRun:
    path = tmp_path_factory.mktemp("replicas")
    project = ContractProject(path, subprocess_runner(path))
    project.edit_yaml("tables/orders.yaml", with_replicas)
    project.feature("order_lambda", FEATURE)
    return project.run("--env=sit", f"--against=terraform:{FOLDER}")


@pytest.mark.slow
def test_a_consumer_claims_the_regions_its_table_is_replicated_to(run: ContractRun) -> None:
    found = {f["subject"]: f for f in run.scenario("replicated").findings}
    assert found["replica of table orders in us-east-1"]["outcome"] == "passed"
    assert found["replica of table orders in eu-west-2"]["outcome"] == "passed"  # must not: none there
    missing = found["replica of table orders in ap-southeast-2"]
    assert missing["outcome"] == "failed"
    assert missing["actual"] == "no replica in ap-southeast-2 (replicas: eu-central-1, us-east-1)"
    assert missing["action"].startswith('the owners of the Terraform: add a replica in ap-southeast-2 (replica { '
                                        'region_name = "ap-southeast-2" }) to ')
    assert "main.tf:8 (aws_dynamodb_table.orders)" in missing["action"]


@pytest.mark.slow
def test_the_desired_state_check_names_each_replica_difference(run: ContractRun) -> None:
    differences = [f["actual"] for f in run.scenario("as the desired state").findings if "replica" in f["actual"]]
    assert sorted(differences) == [
        "a difference: the plan says '! refused on table orders-sit: a replica in eu-central-1, which the contracts "
        "do not declare. " + REMOVE_HOW.format(region="eu-central-1") + "'",
        "a difference: the plan says '! refused on table orders-sit: no replica in ap-southeast-2. "
        + MAKE_HOW.format(region="ap-southeast-2") + "'",
        "a difference: the plan says '! refused on table orders-sit: replica in us-east-1: point-in-time recovery is "
        "off, the contracts want on. " + MAKE_HOW.format(region="us-east-1") + "'",
    ]


MAKE_HOW = ('the provisioner does not make or change replicas: do it with Terraform (a `replica {{ region_name = '
            '"{region}" }}` block on the table\'s aws_dynamodb_table) or in the console (DynamoDB > Tables > '
            'orders-sit > Global tables), then plan again')
REMOVE_HOW = ("the provisioner does not remove replicas (the copy in {region} and its data go with it): remove it "
              "with Terraform or in the console (DynamoDB > Tables > orders-sit > Global tables) if it should go, or "
              "add it to the contracts' replicas")


# The contracts format -------------------------------------------------------------------------------------------

def contracts_with(tmp_path: Path, replicas: Any, encryption: Any = None) -> Path:
    folder = tmp_path / "contracts"
    import shutil

    shutil.copytree(CONTRACTS, folder)
    file = folder / "tables" / "orders.yaml"
    data = yaml.safe_load(file.read_text())
    data["tables"]["orders"]["replicas"] = replicas
    if encryption is not None:
        data["tables"]["orders"]["encryption"] = encryption
    file.write_text(yaml.safe_dump(data, sort_keys=False))
    return folder


def problems(folder: Path) -> list[str]:
    with pytest.raises(ContractError) as error:
        load_contracts(folder)
    return [line.strip() for line in str(error.value).splitlines()[1:]]


def test_replicas_are_read_with_the_tables_point_in_time_recovery_by_default(tmp_path: Path) -> None:
    desired = load_contracts(contracts_with(tmp_path, REPLICAS))
    orders = desired.table("orders")
    assert orders is not None
    assert [(r.region, r.point_in_time_recovery, r.propagate_tags) for r in orders.replicas or ()] == [
        ("us-east-1", None, False), ("ap-southeast-2", True, False)]
    assert orders.replica_pitr(orders.replicas[0]) is True  # type: ignore[index]  # the defaults' PITR
    assert desired.table("users").replicas is None  # type: ignore[union-attr]  # not declared: left alone


def test_each_replica_mistake_is_reported_at_its_line(tmp_path: Path) -> None:
    folder = contracts_with(tmp_path, ["us-east-1", "eu-west-1", "us-east-1", "nowhere", 5,
                                       {"region": "ap-south-1", "kms_key": "arn:aws:kms:ap-south-1:1:key/x"},
                                       {"region": "eu-north-1", "colour": "red"}])
    file = folder / "tables" / "orders.yaml"
    line = next(n for n, text in enumerate(file.read_text().splitlines(), 1) if "replicas:" in text)
    assert problems(folder) == [
        f"{file}:{line + 2}: table 'orders' is replicated to eu-west-1, the region of environments dev, sit, prod "
        "itself: a replica is a copy in another region; remove it or name another region",
        f"{file}:{line + 3}: table 'orders' is replicated to us-east-1 twice (also at line {line + 1}): keep one",
        f"{file}:{line + 4}: 'nowhere' is not an AWS region: write one such as us-east-1 or eu-west-1",
        f"{file}:{line + 5}: a replica of table 'orders' is 5: write a region ('- us-east-1') or a mapping "
        "('- {region: us-east-1}')",
        f"{file}:{line + 7}: a replica's kms_key is only used when the table is encrypted with CUSTOMER_MANAGED, "
        "and table 'orders' is AWS_MANAGED: remove kms_key",
        f"{file}:{line + 9}: unknown key 'colour' in the replica of table 'orders' (allowed: region, kms_key, "
        "point_in_time_recovery, propagate_tags)",
    ]


def test_a_table_with_a_customer_key_needs_a_key_per_replica_in_its_region(tmp_path: Path) -> None:
    key = "arn:aws:kms:eu-west-1:222222222222:key/k"
    folder = contracts_with(tmp_path, ["us-east-1",
                                       {"region": "ap-south-1", "kms_key": "arn:aws:kms:us-east-1:2:key/y"},
                                       {"region": "eu-north-1", "kms_key": "arn:aws:kms:eu-north-1:2:key/z"}],
                            {"type": "CUSTOMER_MANAGED", "kms_key": key})
    found = problems(folder)
    assert len(found) == 2
    assert found[0].endswith("table 'orders' is encrypted with a customer managed key, and a KMS key is regional: "
                             "give its replica in us-east-1 its own key ('- {region: us-east-1, kms_key: "
                             "arn:aws:kms:us-east-1:...}')")
    assert found[1].endswith("the replica's kms_key is not a key of ap-south-1 (a KMS key is regional): give the ARN "
                             "of a key there, arn:aws:kms:ap-south-1:...")


# Sources and the plan -------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def replicated_contracts(tmp_path_factory: pytest.TempPathFactory) -> DesiredState:
    return load_contracts(contracts_with(tmp_path_factory.mktemp("c"), REPLICAS))


def stack(desired: DesiredState, env: str) -> Stack:
    return resolve(desired, desired.environment(env))


def target(desired: DesiredState, env: str, observed: ObservedState) -> Target:
    return Target(desired.environment(env), observed, stack(desired, env))


def test_the_schema_holds_the_replicas_and_moto_and_dynamodb_local_cannot_tell(
        replicated_contracts: DesiredState) -> None:
    schema = observed_from_stack(stack(replicated_contracts, "sit"))
    assert schema.tables["orders-sit"].replicas == (ObservedReplica("us-east-1", "ACTIVE", None, True, False),
                                                    ObservedReplica("ap-southeast-2", "ACTIVE", None, True, False))
    assert replicated(target(replicated_contracts, "sit", schema), "orders", "us-east-1", True).outcome \
        is Outcome.PASSED
    for env in ("moto", "local"):
        observed = observed_from_stack(stack(replicated_contracts, env))
        found = replicated(target(replicated_contracts, env, dataclasses.replace(observed, origin=(
            ON_MOTO if env == "moto" else ON_LOCAL))), "orders", "us-east-1", True)
        assert found.outcome is Outcome.UNVERIFIABLE
        assert "no global tables" in found.reason
        changes = [c for c in diff(stack(replicated_contracts, env), observed, desired_backend(replicated_contracts,
                                                                                               env))
                   if isinstance(c, Refused)]
        assert changes  # shown, and skipped: never refused there
        assert all(c.skipped is not None for c in changes)


def desired_backend(desired: DesiredState, env: str) -> Any:
    return desired.environment(env).backend


def test_apply_refuses_a_missing_replica_and_says_how_to_make_it(replicated_contracts: DesiredState) -> None:
    sit = stack(replicated_contracts, "sit")
    schema = observed_from_stack(sit)
    orders = dataclasses.replace(schema.tables["orders-sit"], replicas=(ObservedReplica("us-east-1", "ACTIVE", None,
                                                                                        True, False),))
    observed = dataclasses.replace(schema, origin=ON_AWS, tables={**schema.tables, "orders-sit": orders})
    plan = Plan(sit.environment, "aws", diff(sit, observed, sit.environment.backend))
    [refused] = plan.refused
    assert refused.describe() == ("refused on table orders-sit: no replica in ap-southeast-2. "
                                  + MAKE_HOW.format(region="ap-southeast-2"))
    with pytest.raises(RefusedError) as error:
        plan.raise_if_unsafe(allow_destroy=False)
    assert "no replica in ap-southeast-2" in str(error.value)


def test_a_dynamic_replica_over_an_unknown_may_be_any_region(sit: Environment) -> None:
    table = Resource("aws_dynamodb_table.orders", "aws_dynamodb_table", {
        "name": "orders-sit", "hash_key": "pk", "attribute": [{"name": "pk", "type": "S"}],
        "replica": [{"region_name": "us-east-1"}, Unknown("the dynamic block iterates over var.regions")]},
        "infra/main.tf:1")
    seen = observe(Configuration("terraform", "infra", (table,)), sit).tables["orders-sit"]
    known, hidden = seen.replicas  # type: ignore[misc]
    assert isinstance(known, ObservedReplica)
    assert known.region == "us-east-1"
    assert isinstance(known.kms_key_arn, Unverifiable)  # computed by the provider, as the plan says
    assert isinstance(hidden, Unverifiable)
    assert "var.regions" in hidden.reason


@pytest.fixture(scope="module")
def sit() -> Environment:
    return load_contracts(CONTRACTS).environment("sit")


# The live reader on AWS ----------------------------------------------------------------------------------------

@pytest.fixture
def aws_backend(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """moto as AWS, with orders-sit in eu-west-1 and its copy in us-east-1 (PITR on there). moto has no global
    tables: its DescribeTable answer in eu-west-1 gets the Replicas AWS reports for such a table."""
    import boto3

    from dynamo_contracts.provision.backends.backend import Backend
    from dynamo_contracts.provision.desired.model import BackendKind

    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    with mock_aws():
        for region in ("eu-west-1", "us-east-1"):
            boto3.client("dynamodb", region_name=region).create_table(
                TableName="orders-sit", BillingMode="PAY_PER_REQUEST",
                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
        boto3.client("dynamodb", region_name="us-east-1").update_continuous_backups(
            TableName="orders-sit", PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})

        def global_table(parsed: dict[str, Any], **_: Any) -> None:
            table = parsed.get("Table", {})
            if ":eu-west-1:" in table.get("TableArn", ""):
                table["Replicas"] = [{"RegionName": "us-east-1", "ReplicaStatus": "ACTIVE"}]

        session = boto3.Session(region_name="eu-west-1")
        session.events.register("after-call.dynamodb.DescribeTable", global_table)
        yield Backend(BackendKind.AWS, session)


def test_aws_reports_each_replica_with_its_point_in_time_recovery(aws_backend: Any) -> None:
    from dynamo_contracts.provision.observed.live import read_tables

    [replica] = read_tables(aws_backend, ["orders-sit"])["orders-sit"].replicas  # type: ignore[misc]
    assert isinstance(replica, ObservedReplica)
    assert (replica.region, replica.status, replica.kms_key_arn, replica.point_in_time_recovery) == (
        "us-east-1", "ACTIVE", None, True)  # PITR read in us-east-1, where it is on (in eu-west-1 it is off)
    assert isinstance(replica.propagate_tags, Unverifiable)


def test_a_replica_written_as_a_region_is_as_the_table_is() -> None:
    assert str(Replica("us-east-1")) == "replica in us-east-1"
