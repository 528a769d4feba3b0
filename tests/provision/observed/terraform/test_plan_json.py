"""Terraform plan and state JSON as an observed state: `read_plan` then `observe`, on hand-written fixtures.

The fixtures under tests/terraform/plans/ are real plans where Terraform 1.11 can make them (same_local_name,
duplicate_name: written by tests/terraform/corpus/make_plans.py from the folders of those names), and written
by hand in the format Terraform documents (internals/json-format) where it cannot: one per older format
version (0.1, 1.0 state, 1.1), child_module_1.2 (its aws_dynamodb_global_secondary_index is a resource of the
AWS provider 6.x, and a deletion needs a prior state), and the broken ones.
Each test asserts what the checks will see: tables, indexes, settings, backups, and for what cannot be
known, the Unverifiable or Unresolved with its reason; for input no reader can use, the error message.
The converter's own rules are also tested on `Configuration`s built here (the HCL reader's shape).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from dynamo_contracts.provision.desired.model import (
    AttributeType,
    Billing,
    BillingMode,
    Capacity,
    DesiredState,
    EncryptionType,
    Environment,
    KeyAttribute,
    KeySchema,
    Projection,
    ProjectionType,
    StreamView,
    TableClass,
)
from dynamo_contracts.provision.observed.origin import Origin, SourceKind
from dynamo_contracts.provision.observed.state import (
    ObservedEncryption,
    ObservedPlan,
    ObservedSelection,
    ObservedState,
    ObservedVault,
    TagCondition,
    Unresolved,
    Unverifiable,
)
from dynamo_contracts.provision.observed.terraform.plan_json import read_plan
from dynamo_contracts.provision.observed.terraform.records import (
    Configuration,
    Reference,
    Resource,
    TerraformError,
    Unknown,
)
from dynamo_contracts.provision.observed.terraform.to_observed import observe
from tests.support.paths import TERRAFORM

PLANS = TERRAFORM / "plans"
ACCOUNT = "222222222222"  # sit's, in contracts/environments.yaml
AWS_MANAGED_KEY = "arn:aws:kms:eu-west-1:aws-managed:key/dynamodb"  # as provision.observed.schema writes it


def arn(table: str) -> str:
    return f"arn:aws:dynamodb:eu-west-1:{ACCOUNT}:table/{table}"


@pytest.fixture(scope="module")
def sit(desired: DesiredState) -> Environment:
    return desired.environments["sit"]


def observed(name: str, env: Environment) -> ObservedState:
    return observe(read_plan(PLANS / name), env)


def plans(state: ObservedState) -> Mapping[str, ObservedPlan]:
    assert not isinstance(state.backups.plans, Unverifiable)
    return state.backups.plans


def vaults(state: ObservedState) -> Mapping[str, ObservedVault]:
    assert not isinstance(state.backups.vaults, Unverifiable)
    return state.backups.vaults


def unknown(path: Path | str, address: str, field: str, why: str = "known only after apply") -> Unverifiable:
    return Unverifiable("plan", f"{path}: {address}: {field}: {why}")


# A 1.2 plan with a child module ---------------------------------------------------------------------------------

CHILD = PLANS / "child_module_1.2.json"


def test_a_plan_holds_the_managed_resources_it_will_leave_keyed_by_full_address() -> None:
    config = read_plan(CHILD)
    assert (config.source, config.origin, config.notes) == ("plan", str(CHILD), ())
    assert [r.address for r in config.resources] == [
        "aws_dynamodb_table.orders",
        "module.catalogue.aws_dynamodb_global_secondary_index.by_category",
        "module.catalogue.aws_dynamodb_table.campaigns",
        "module.catalogue.aws_dynamodb_table.products",
        'module.catalogue.aws_dynamodb_table.tenants["eu"]',
    ]  # no data source; aws_dynamodb_table.legacy is deleted by the plan
    assert config.resources[-1].where == f'{CHILD}: module.catalogue.aws_dynamodb_table.tenants["eu"]'


def test_a_known_table_is_read_whole(sit: Environment) -> None:
    state = observed(CHILD.name, sit)
    assert (state.source, state.environment) == ("plan", "sit")
    assert set(state.tables) == {"orders-sit", "campaigns-sit", "products-sit"}
    assert state.origin == Origin(SourceKind.PLAN, where=str(CHILD))
    orders = state.tables["orders-sit"]
    assert (orders.status, orders.arn) == ("ACTIVE", arn("orders-sit"))
    assert orders.defined_at == f"{CHILD}: aws_dynamodb_table.orders"
    assert orders.keys == KeySchema(KeyAttribute("pk", AttributeType.S), KeyAttribute("sk", AttributeType.S))
    gsi = orders.global_indexes["OrdersByUser"]
    assert gsi.keys == KeySchema(KeyAttribute("userId", AttributeType.S), KeyAttribute("createdAt", AttributeType.N))
    assert (gsi.projection, gsi.capacity) == (Projection(ProjectionType.INCLUDE, frozenset({"status", "total"})), None)
    lsi = orders.local_indexes["ByCreated"]
    assert (lsi.sort_key, lsi.projection.type) == (KeyAttribute("createdAt", AttributeType.N), ProjectionType.KEYS_ONLY)
    assert orders.billing == Billing(BillingMode.PAY_PER_REQUEST)
    assert orders.stream is StreamView.NEW_AND_OLD_IMAGES
    assert isinstance(orders.encryption, ObservedEncryption)
    assert orders.encryption.type is EncryptionType.CUSTOMER_MANAGED
    assert orders.encryption.kms_key_arn == f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/0f5a3c4e-9b1d-4c2a-8e7f-1a2b3c4d5e6f"
    assert (orders.point_in_time_recovery, orders.ttl_attribute) == (True, "expiresAt")
    assert orders.deletion_protection is True
    assert orders.table_class is TableClass.STANDARD  # "" in the plan: the provider's default
    assert orders.tags == {"team": "orders", "env": "sit"}  # tags_all: default_tags included
    assert orders.other_indexes is None


def test_what_an_older_plan_marks_unknown_is_unverifiable_never_off(sit: Environment) -> None:
    products = observed(CHILD.name, sit).tables["products-sit"]
    address = "module.catalogue.aws_dynamodb_table.products"
    assert products.point_in_time_recovery == unknown(CHILD, address, "point_in_time_recovery")
    assert products.encryption == unknown(CHILD, address, "server_side_encryption")
    assert products.stream is None  # the view is unknown, but stream_enabled is not set: no stream, whatever the view
    assert products.billing == Billing(BillingMode.PROVISIONED, Capacity(5, 5))
    assert products.table_class is TableClass.STANDARD_INFREQUENT_ACCESS
    assert (products.deletion_protection, products.ttl_attribute, products.tags) == (True, None, {})


def test_a_separate_index_resource_joins_the_table_its_unknown_table_name_refers_to(sit: Environment) -> None:
    config = read_plan(CHILD)
    index = next(r for r in config.resources if r.type == "aws_dynamodb_global_secondary_index")
    assert index.values["table_name"] == Reference("module.catalogue.aws_dynamodb_table.products", "id")
    gsi = observe(config, sit).tables["products-sit"].global_indexes["ByCategory"]
    assert gsi.keys == KeySchema(KeyAttribute("category", AttributeType.S), KeyAttribute("price", AttributeType.N))
    assert (gsi.projection, gsi.capacity) == (Projection(ProjectionType.KEYS_ONLY), Capacity(2, 2))


def test_an_unknown_index_list_leaves_other_indexes_unverifiable(sit: Environment) -> None:
    campaigns = observed(CHILD.name, sit).tables["campaigns-sit"]
    address = "module.catalogue.aws_dynamodb_table.campaigns"
    assert campaigns.global_indexes == {}
    assert campaigns.other_indexes == unknown(CHILD, address, "global_secondary_index")
    assert campaigns.tags == unknown(CHILD, address, "tags_all")
    assert (campaigns.stream, campaigns.ttl_attribute, campaigns.point_in_time_recovery) == (None, None, False)


def test_a_table_of_unknown_name_is_unresolved_not_missing(sit: Environment) -> None:
    state = observed(CHILD.name, sit)
    address = 'module.catalogue.aws_dynamodb_table.tenants["eu"]'
    [tenants] = state.unresolved
    assert (tenants.construct, tenants.where, tenants.types) == (address, f"{CHILD}: {address}", ("table",))
    assert tenants.reason.startswith("name is not known (known only after apply); ")
    hidden = state.hidden("table")
    assert hidden is not None
    assert address in hidden.reason
    assert state.hidden("vault") is None


# A 0.1 plan (Terraform 0.12) ------------------------------------------------------------------------------------


def test_a_terraform_0_12_plan_is_read_with_the_provider_defaults(sit: Environment) -> None:
    path = PLANS / "legacy_0.1.json"
    users = observed(path.name, sit).tables["users-sit"]
    assert users.billing == Billing(BillingMode.PROVISIONED, Capacity(10, 5))  # no billing_mode: PROVISIONED
    assert users.global_indexes["UsersByEmail"].capacity == Capacity(2, 1)
    assert users.point_in_time_recovery == unknown(path, "aws_dynamodb_table.users", "point_in_time_recovery")
    assert users.encryption == unknown(path, "aws_dynamodb_table.users", "server_side_encryption")
    assert users.stream is None  # stream_enabled not set: off (the computed view does not matter then)
    assert users.tags == {"team": "identity"}  # no tags_all in that provider: tags


# A state --------------------------------------------------------------------------------------------------------

STATE = PLANS / "state_1.0.json"


def test_a_state_says_it_is_a_state_and_knows_everything(sit: Environment) -> None:
    config = read_plan(STATE)
    assert config.notes == (f"{STATE} is a Terraform state: what is deployed now, not what a plan will build",)
    state = observe(config, sit)
    orders = state.tables["orders-sit"]  # in a child module, with count
    assert (orders.keys.sort, orders.stream, orders.ttl_attribute) == (None, None, None)
    assert orders.deletion_protection is True
    assert state.unresolved == ()
    vault = vaults(state)["main-sit"]
    assert vault.kms_key_arn == f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/9e8d7c6b-5a4f-4e3d-2c1b-0a9f8e7d6c5b"


def test_a_state_selection_joins_its_plan_by_the_literal_plan_id(sit: Environment) -> None:
    plan = plans(observe(read_plan(STATE), sit))["daily-sit"]
    [rule] = plan.rules
    assert (rule.name, rule.vault, rule.schedule) == ("daily", "main-sit", "cron(0 3 * * ? *)")
    assert (rule.retention_days, rule.cold_storage_after_days) == (35, None)  # the state's 0: not set
    assert plan.selections == (ObservedSelection(
        "daily-sit-tables", "aws_backup_selection.tables",
        (arn("archive-*"), arn("orders-sit")), (),
        any_tags=(TagCondition("backup", "daily"),),
        all_tags=(TagCondition("env", "sit", "StringEquals"), TagCondition("tier", "scratch*", "StringNotLike")),
        iam_role_arn=f"arn:aws:iam::{ACCOUNT}:role/backup-sit"),)


# Unknown backup arguments followed through the configuration ----------------------------------------------------

BACKUP = PLANS / "backup_refs_1.1.json"


def test_unknown_selection_arguments_become_references_from_the_configuration() -> None:
    values = {r.address: r.values for r in read_plan(BACKUP).resources}
    tables = values["aws_backup_selection.tables"]
    assert tables["plan_id"] == Reference("aws_backup_plan.daily", "id")
    assert tables["resources"] == [arn("archive-*"), Reference("aws_dynamodb_table.orders", "arn")]
    extra = values["module.extra.aws_backup_selection.this"]  # var.* followed to the module call's arguments
    assert extra["resources"] == [Reference("aws_dynamodb_table.users", "arn")]
    assert values["aws_backup_plan.daily"]["rule"][0]["target_vault_name"] == Reference("aws_backup_vault.main", "id")


def test_selections_resolved_through_references_name_the_tables_arns(sit: Environment) -> None:
    daily = plans(observed(BACKUP.name, sit))["daily-sit"]
    assert daily.plan_id == "aws_backup_plan.daily"
    assert [r.vault for r in daily.rules] == ["main-sit"]
    assert (daily.rules[0].retention_days, daily.rules[0].cold_storage_after_days) == (365, 30)
    assert not isinstance(daily.selections, Unverifiable)
    assert {s.name: s.resources for s in daily.selections} == {
        "daily-sit-tables": (arn("archive-*"), arn("orders-sit")),  # the wildcard stays as written
        "daily-sit-extra": (arn("users-sit"),),
    }
    assert daily.selections[0].iam_role_arn == ""  # the role is created by the same plan


def test_selections_referring_to_what_cannot_be_followed_are_unverifiable(sit: Environment) -> None:
    weekly = plans(observed(BACKUP.name, sit))["weekly-sit"]
    assert not isinstance(weekly.selections, Unverifiable)  # the selection is there; what it names is not known
    [selection] = weekly.selections
    assert selection.resources == (unknown(
        BACKUP, "aws_backup_selection.weekly", "resources",
        "known only after apply: it refers to data.aws_dynamodb_table.shared.arn, which this reader does not "
        "follow to a resource"),)


def test_a_selection_whose_plan_cannot_be_told_is_unresolved(sit: Environment) -> None:
    state = observed(BACKUP.name, sit)
    [by_local] = state.unresolved
    assert (by_local.construct, by_local.types) == ("aws_backup_selection.by_local", ("plan",))
    assert by_local.reason.startswith("plan_id is not known (known only after apply: it refers to local.plan_id")
    assert state.hidden("plan") is not None
    assert state.hidden("table") is None


# Two tables sharing a local name ------------------------------------------------------------------------------


def test_tables_sharing_a_local_name_in_two_modules_are_two_tables(sit: Environment) -> None:
    state = observed("same_local_name_1.2.json", sit)
    assert set(state.tables) == {"orders-sit", "orders-archive-sit"}
    assert state.tables["orders-archive-sit"].table_class is TableClass.STANDARD_INFREQUENT_ACCESS


def test_two_resources_of_one_physical_name_in_one_region_are_one_table_what_they_disagree_on_unknown(
        sit: Environment) -> None:
    """Terraform plans both (resources are keyed by address); AWS refuses the second at apply, and which one is
    created is a race: a setting they give alike is known, one they give differently is not; it is said."""
    path = PLANS / "duplicate_name_1.2.json"
    state = observed(path.name, sit)
    orders = state.tables["orders-sit"]
    assert orders.defined_at == f"{path}: module.archive.aws_dynamodb_table.orders"  # the first, in the plan's order
    assert orders.billing == Billing(BillingMode.PAY_PER_REQUEST)  # alike in both
    (note,) = state.notes
    assert note == (f"{path}: module.live.aws_dynamodb_table.orders and {path}: module.archive.aws_dynamodb_table."
                    "orders both define table 'orders-sit' in one account and region: AWS creates one and refuses "
                    "the other at apply, and which one Terraform creates first is not known; the owners of the "
                    "Terraform: give each its own name, or remove one")
    assert orders.point_in_time_recovery == orders.table_class == Unverifiable("plan", note)  # they differ
    (other,) = state.unresolved  # the one the state cannot hold: it may be that table, and no other
    assert (other.construct, other.reason, other.types) == ("module.live.aws_dynamodb_table.orders", note,
                                                            ("table",))
    assert state.hidden("table", "orders-sit") is not None
    assert state.hidden("table", "orders-archive-sit") is None


def test_two_resources_of_one_name_in_two_regions_are_two_tables_and_the_environments_one_is_checked(
        sit: Environment) -> None:
    keys = {"name": "orders-sit", "hash_key": "id", "attribute": [{"name": "id", "type": "S"}]}
    west = Resource("aws_dynamodb_table.west", "aws_dynamodb_table", {**keys, "table_class": "STANDARD"}, "w.tf:1",
                    region="us-west-2")
    home = Resource("aws_dynamodb_table.home", "aws_dynamodb_table", {**keys, "billing_mode": "PAY_PER_REQUEST"},
                    "h.tf:1")
    state = observe(Configuration("terraform", "infra", (west, home)), sit)
    orders = state.tables["orders-sit"]
    assert (orders.defined_at, orders.arn) == ("h.tf:1 (aws_dynamodb_table.home)", arn("orders-sit"))
    assert orders.billing == Billing(BillingMode.PAY_PER_REQUEST)  # known: the other one is another table
    assert state.notes == ("h.tf:1 (aws_dynamodb_table.home) and w.tf:1 (aws_dynamodb_table.west) both define table "
                           "'orders-sit', in eu-west-1 and us-west-2: two tables; the one in eu-west-1 (the "
                           "environment's region) is checked here",)
    other_keys = Resource("aws_dynamodb_table.other", "aws_dynamodb_table",
                          {**keys, "hash_key": "pk", "attribute": [{"name": "pk", "type": "S"}]}, "o.tf:1")
    state = observe(Configuration("terraform", "infra", (home, other_keys)), sit)
    assert state.tables == {}  # which keys the table gets is a race: what it is, is not known
    (_other, table) = state.unresolved
    assert (table.construct, table.where, table.types) == ("table orders-sit", "o.tf:1", ("table",))
    assert table.reason.endswith("give each its own name, or remove one (their keys differ)")
    assert state.hidden("table", "users-sit") is None  # it is orders-sit, whichever is created


# What is not a plan ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "expected"), [
    ("bad_version.json", "bad_version.json: format_version '2.0' is not one this reader knows (0.1, 0.2 or 1.x"),
    ("raw_tfstate.json", "raw_tfstate.json: has no format_version, so it is not terraform show -json output (it "
                         "looks like a terraform.tfstate file: give `terraform show -json > state.json` instead)"),
    ("broken.json", "broken.json:6:79: not JSON (Expecting property name enclosed in double quotes)"),
    ("not_a_plan.json", "not_a_plan.json: holds JSON list, not the object terraform show -json writes"),
    ("no_values.json", "no_values.json: has neither planned_values (a plan) nor values (a state)"),
    ("missing.json", "missing.json: cannot read it (No such file or directory)"),
])
def test_what_is_not_a_plan_is_refused_saying_what_to_give(name: str, expected: str) -> None:
    with pytest.raises(TerraformError) as error:
        read_plan(PLANS / name)
    assert str(error.value).startswith(f"{PLANS}/{expected}")
    assert "terraform show -json PLANFILE > plan.json" in str(error.value)


def test_json_nested_beyond_reason_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(TerraformError, match="nested too deeply"):
        read_plan(path)


@pytest.mark.parametrize("configuration", [
    [],
    {"root_module": []},
    {"root_module": {"resources": [1], "module_calls": []}},
    {"root_module": {"resources": [{"address": "aws_backup_selection.s", "expressions": {"plan_id": "x"}}]}},
])
def test_a_configuration_of_odd_shape_follows_nothing(tmp_path: Path, configuration: Any) -> None:
    path = tmp_path / "plan.json"
    selection = {"address": "aws_backup_selection.s", "mode": "managed", "type": "aws_backup_selection",
                 "values": {"name": "s"}}
    path.write_text(json.dumps({"format_version": "1.2", "configuration": configuration,
                                "planned_values": {"root_module": {"resources": [selection]}},
                                "resource_changes": [{"address": "aws_backup_selection.s",
                                                      "change": {"after_unknown": {"plan_id": True}}}]}))
    [resource] = read_plan(path).resources
    assert resource.values["plan_id"] == Unknown("known only after apply")


@pytest.mark.parametrize("version", ["0.1", "0.2", "1.0", "1.2", "1.17"])
def test_every_format_of_terraform_0_12_to_1_x_is_read(tmp_path: Path, version: str) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"format_version": version, "planned_values": {"root_module": {}}}))
    assert read_plan(path).resources == ()


def test_a_value_of_the_wrong_type_is_an_error_naming_the_resource(sit: Environment) -> None:
    path = PLANS / "wrong_types.json"
    with pytest.raises(TerraformError) as error:
        observed(path.name, sit)
    assert str(error.value) == (f"{path}: aws_dynamodb_table.orders: global_secondary_index should be a list, "
                                "not a string ('ByUser')")


ODD = [
    {"planned_values": []},
    {"planned_values": {"root_module": "x"}},
    {"planned_values": {"root_module": {"resources": {"a": 1}}}},
    {"planned_values": {"root_module": {"resources": [1]}}},
    {"planned_values": {"root_module": {"child_modules": [1]}}},
    {"planned_values": {"root_module": {"resources": [{"type": "aws_dynamodb_table"}]}}},
    {"planned_values": {"root_module": {"resources": [{"address": "a.b", "type": "a", "values": []}]}}},
    {"planned_values": {"root_module": {}}, "resource_changes": "x"},
    {"planned_values": {"root_module": {}}, "resource_changes": [{"change": {}}]},
    {"planned_values": {"root_module": {"resources": [{"address": "a.b", "type": "a", "values": {}}]}},
     "resource_changes": [{"address": "a.b", "change": {"after_unknown": True}}]},
    {"planned_values": {"root_module": {"resources": [{"address": "a.b", "type": "a", "values": {"x": 1}}]}},
     "resource_changes": [{"address": "a.b", "change": {"after_unknown": [True]}}]},
]


@pytest.mark.parametrize("document", ODD)
def test_an_odd_document_is_a_terraform_error_not_a_traceback(tmp_path: Path, document: dict[str, Any]) -> None:
    path = tmp_path / "odd.json"
    path.write_text(json.dumps({"format_version": "1.2", **document}))
    with pytest.raises(TerraformError, match=str(path)):
        read_plan(path)


def table_document(values: Mapping[str, Any], after_unknown: Any = None, expressions: Any = None) -> dict[str, Any]:
    """A one-table plan: `values` over a valid table, with `after_unknown` and the configuration's expressions."""
    resource = {"address": "aws_dynamodb_table.t", "mode": "managed", "type": "aws_dynamodb_table", "name": "t",
                "values": {"name": "t-sit", "hash_key": "pk", "attribute": [{"name": "pk", "type": "S"}], **values}}
    return {"format_version": "1.2", "planned_values": {"root_module": {"resources": [resource]}},
            "resource_changes": [{"address": "aws_dynamodb_table.t", "change": {"after_unknown": after_unknown}}],
            "configuration": {"root_module": {"resources": [{"address": "aws_dynamodb_table.t",
                                                              "expressions": expressions}]}}}


@pytest.mark.parametrize(("values", "after_unknown"), [
    ({"hash_key": 5}, None),
    ({"attribute": "pk"}, None),
    ({"attribute": [["pk"]]}, None),
    ({"billing_mode": 3}, None),
    ({"tags": ["a"]}, None),
    ({"tags": {"a": 1}}, None),
    ({"ttl": [1]}, None),
    ({"read_capacity": 1.5, "billing_mode": "PROVISIONED", "write_capacity": 1}, None),
    ({"deletion_protection_enabled": "yes"}, None),
    ({"point_in_time_recovery": [{"enabled": 1}]}, None),
    ({"name": "t-sit"}, {"name": {"x": True}}),
    ({"ttl": {"enabled": True}}, {"ttl": [{"enabled": True}]}),
])
def test_odd_values_are_a_terraform_error_naming_the_resource(tmp_path: Path, sit: Environment,
                                                              values: dict[str, Any], after_unknown: Any) -> None:
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(table_document(values, after_unknown)))
    with pytest.raises(TerraformError, match=f"{path}: aws_dynamodb_table.t: "):
        observe(read_plan(path), sit)


def test_an_unknown_attribute_absent_from_planned_values_is_still_unknown(tmp_path: Path, sit: Environment) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(table_document({}, {"deletion_protection_enabled": True, "ttl": [{"enabled": True}]})))
    table = observe(read_plan(path), sit).tables["t-sit"]
    assert table.deletion_protection == unknown(path, "aws_dynamodb_table.t", "deletion_protection_enabled")
    assert table.ttl_attribute == unknown(path, "aws_dynamodb_table.t", "ttl[0].enabled")


@pytest.mark.parametrize(("written", "expected"), [
    ([{"enabled": {"constant_value": True}}], EncryptionType.AWS_MANAGED),  # no key written: the AWS managed one
    ([{"enabled": {"constant_value": True}, "kms_key_arn": {"references": ["aws_kms_key.k.arn", "aws_kms_key.k"]}}],
     EncryptionType.CUSTOMER_MANAGED),  # a key created in the stack: a customer's, its ARN known after apply
    ([{"enabled": {"constant_value": True}, "kms_key_arn": {"references": ["aws_kms_key.k"]}}],  # Terraform 0.12's
     EncryptionType.CUSTOMER_MANAGED),
    ([{"enabled": {"constant_value": True}, "kms_key_arn": {"references": ["local.key"]}}], None),
    (None, None),  # a dynamic block: the configuration does not show it
])
def test_encryption_with_a_computed_key_is_told_by_the_configuration(
        tmp_path: Path, sit: Environment, written: Any, expected: EncryptionType | None) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(table_document({"server_side_encryption": [{"enabled": True}]},
                                              {"server_side_encryption": [{"kms_key_arn": True}]},
                                              {"server_side_encryption": written} if written else {})))
    encryption = observe(read_plan(path), sit).tables["t-sit"].encryption
    if expected is None:  # a KMS key, so not the AWS owned key; which one, and whose, is known after apply
        hidden = unknown(path, "aws_dynamodb_table.t", "server_side_encryption[0].kms_key_arn")
        assert encryption == ObservedEncryption(hidden, hidden)
    else:
        assert isinstance(encryption, ObservedEncryption)
        assert encryption.type is expected
        if expected is EncryptionType.CUSTOMER_MANAGED:
            assert encryption.kms_key_arn == unknown(path, "aws_dynamodb_table.t", "server_side_encryption[0]."
                                                     "kms_key_arn", "it is aws_kms_key.k.arn, known only after apply")


# Real plans (tests/terraform/corpus): what the configuration says of an argument the provider computes ----------

CORPUS = TERRAFORM / "corpus"


def test_a_selection_whose_not_resources_and_condition_are_written_empty_is_read_whole(sit: Environment) -> None:
    """AFT writes `condition {}` and `not_resources = []`; the provider still marks both unknown."""
    plan = plans(observe(read_plan(CORPUS / "aft-ddb-backup" / "plan.json"), sit))["aft-controltower-backup-plan"]
    assert not isinstance(plan.selections, Unverifiable)
    [selection] = plan.selections
    assert selection.resources == tuple(arn(t) for t in ("aft-request-metadata", "aft-request", "aft-request-audit",
                                                         "aft-controltower-events"))
    assert (selection.not_resources, selection.all_tags) == ((), ())


def test_a_key_given_as_a_module_input_left_null_is_the_aws_managed_key(sit: Environment) -> None:
    """cloudposse: kms_key_arn = var.server_side_encryption_kms_key_arn, whose default is null: the plan knows
    every input, so a key it still calls "known after apply" was not given."""
    state = observe(read_plan(CORPUS / "cp-dynamodb-complete" / "plan.json"), sit)
    for table in state.tables.values():
        assert isinstance(table.encryption, ObservedEncryption), table.name
        assert table.encryption.type is EncryptionType.AWS_MANAGED


def test_a_selection_over_a_whole_module_says_where_following_stopped(sit: Environment) -> None:
    """`[for t in module.tables : t.arn]` refers to module.tables only: which output it reads is not in the plan."""
    path = TERRAFORM / "hcl" / "modules_local" / "plan.json"
    selection, = plans(observe(read_plan(path), sit))["bbws-dynamodb-sit-daily"].selections  # type: ignore[misc]
    assert selection.resources == (unknown(path, "module.backup.aws_backup_selection.tables", "resources", (
        "known only after apply: it refers to var.table_arns (followed to module.tables, a whole module: the plan "
        "does not say which of its outputs is read), which this reader does not follow to a resource")),)
    assert selection.name == "bbws-dynamodb-sit-tables"  # the selection itself is known: only its ARNs are not


# The converter's rules, on configurations as the HCL reader gives them ------------------------------------------

WHERE = "infra/dynamodb.tf:3"


def configuration(*resources: Resource, unresolved: tuple[Unresolved, ...] = ()) -> Configuration:
    return Configuration("terraform", "infra", resources, unresolved)


def table(address: str = "aws_dynamodb_table.orders", **values: Any) -> Resource:
    base = {"name": "orders-sit", "hash_key": "pk", "range_key": "sk", "billing_mode": "PAY_PER_REQUEST",
            "attribute": [{"name": "pk", "type": "S"}, {"name": "sk", "type": "N"}]}
    return Resource(address, "aws_dynamodb_table", {**base, **values}, WHERE)


def one_table(env: Environment, **values: Any) -> Any:
    return observe(configuration(table(**values)), env).tables["orders-sit"]


@pytest.mark.parametrize(("sse", "kind", "key"), [
    (None, EncryptionType.AWS_OWNED, None),
    ([], EncryptionType.AWS_OWNED, None),
    ([{"enabled": False, "kms_key_arn": "arn:aws:kms:eu-west-1:1:key/x"}], EncryptionType.AWS_OWNED, None),
    ([{"enabled": True}], EncryptionType.AWS_MANAGED, AWS_MANAGED_KEY),
    ([{"enabled": True, "kms_key_arn": ""}], EncryptionType.AWS_MANAGED, AWS_MANAGED_KEY),
    ([{"enabled": True, "kms_key_arn": "arn:aws:kms:eu-west-1:1:key/x"}], EncryptionType.CUSTOMER_MANAGED,
     "arn:aws:kms:eu-west-1:1:key/x"),
])
def test_encryption_is_written_as_the_contracts_source_writes_it(
        sit: Environment, sse: Any, kind: EncryptionType, key: str | None) -> None:
    encryption = one_table(sit, server_side_encryption=sse).encryption
    assert (encryption.type, encryption.kms_key_arn) == (kind, key)


def test_a_table_says_where_it_is_defined(sit: Environment) -> None:
    assert one_table(sit).defined_at == f"{WHERE} (aws_dynamodb_table.orders)"


def test_settings_switched_off_and_defaults(sit: Environment) -> None:
    orders = one_table(sit, stream_enabled=False, stream_view_type="", ttl=[{"attribute_name": "x", "enabled": False}],
                       table_class="", billing_mode=None, read_capacity=3, write_capacity=4)
    assert (orders.stream, orders.ttl_attribute, orders.table_class) == (None, None, TableClass.STANDARD)
    assert orders.billing == Billing(BillingMode.PROVISIONED, Capacity(3, 4))
    assert (orders.point_in_time_recovery, orders.deletion_protection, orders.tags) == (False, False, {})


def test_an_unknown_setting_is_unverifiable_with_its_own_reason(sit: Environment) -> None:
    hidden = Unknown("var.protect has no value here")
    orders = one_table(sit, deletion_protection_enabled=hidden, billing_mode=hidden, tags={"team": hidden})
    assert orders.deletion_protection == Unverifiable("terraform", f"{WHERE}: deletion_protection_enabled: {hidden}")
    assert orders.billing == Unverifiable("terraform", f"{WHERE}: billing_mode: {hidden}")
    assert orders.tags == {"team": Unverifiable("terraform", f"{WHERE}: tags['team']: {hidden}")}  # that one tag


def test_an_index_of_unknown_name_hides_others_and_the_known_ones_stay(sit: Environment) -> None:
    gsis = [{"name": "ByPk", "hash_key": "sk", "projection_type": "ALL"},
            {"name": Unknown("the dynamic block iterates over var.gsi"), "hash_key": "pk", "projection_type": "ALL"}]
    orders = one_table(sit, global_secondary_index=gsis)
    assert list(orders.global_indexes) == ["ByPk"]
    assert orders.other_indexes == Unverifiable(
        "terraform", f"{WHERE}: global_secondary_index[1].name: the dynamic block iterates over var.gsi")


def test_a_key_of_unknown_type_makes_the_table_unresolved(sit: Environment) -> None:
    earlier = Unresolved('module "dynamodb"', "infra/main.tf:1", "a registry module is not read", ("table",))
    attributes = [{"name": "pk", "type": "S"}, {"name": "sk", "type": Unknown("var.sort_type has no value here")}]
    state = observe(configuration(table(attribute=attributes), unresolved=(earlier,)), sit)
    assert state.tables == {}
    assert state.unresolved[0] is earlier  # the reader's own, passed on unchanged
    assert state.unresolved[1] == Unresolved(
        "aws_dynamodb_table.orders", WHERE, "attribute[1].type is not known (var.sort_type has no value here); its "
        "tables cannot be checked from this plan: give it a value known before apply (a literal or a variable) or "
        "check the environment after apply", ("table",), ("orders-sit",))  # its name is known: no other table
    assert state.hiding("table", "orders-sit") == [earlier, state.unresolved[1]]
    assert state.hiding("table", "users-sit") == [earlier]


def test_an_attribute_type_aws_does_not_have_is_an_error_saying_what_to_write(sit: Environment) -> None:
    with pytest.raises(TerraformError) as error:
        one_table(sit, attribute=[{"name": "pk", "type": "STRING"}, {"name": "sk", "type": "N"}])
    assert str(error.value) == f"{WHERE}: attribute[0].type is 'STRING'; write S (string), N (number) or B (binary) " \
                               'for attribute "pk"'


def test_a_key_no_attribute_declares_is_an_error_saying_what_to_add(sit: Environment) -> None:
    with pytest.raises(TerraformError) as error:
        one_table(sit, global_secondary_index=[{"name": "ByUser", "hash_key": "userId", "projection_type": "ALL"}])
    assert str(error.value) == (f'{WHERE}: global_secondary_index[0].hash_key is "userId", which no attribute block '
                                'declares; add attribute { name = "userId" type = "S" } (S, N or B) to the table')


def test_an_index_resource_of_unknown_table_may_add_to_any_table(sit: Environment) -> None:
    index = Resource("aws_dynamodb_global_secondary_index.x", "aws_dynamodb_global_secondary_index",
                     {"table_name": Unknown("var.table has no value here"), "index_name": "X"}, "infra/gsi.tf:1")
    orders = observe(configuration(table(), index), sit).tables["orders-sit"]
    assert orders.other_indexes == Unverifiable(
        "terraform", "infra/gsi.tf:1: table_name: var.table has no value here: it may add an index to any table")


def test_a_literal_table_name_and_references_in_backups(sit: Environment) -> None:
    resources = (
        table(),
        Resource("aws_dynamodb_global_secondary_index.x", "aws_dynamodb_global_secondary_index",
                 {"table_name": "orders-sit", "index_name": "BySk", "projection": [{"projection_type": "ALL"}],
                  "key_schema": [{"attribute_name": "sk", "attribute_type": "N", "key_type": "HASH"}]}, "gsi.tf:1"),
        Resource("aws_backup_vault.v", "aws_backup_vault", {"name": "vault-sit"}, "backup.tf:1"),
        Resource("aws_backup_plan.p", "aws_backup_plan", {"name": "plan-sit", "rule": [
            {"rule_name": "r", "target_vault_name": Reference("aws_backup_vault.v", "name"), "schedule": "cron(x)",
             "lifecycle": [{"delete_after": 7}]}]}, "backup.tf:5"),
        Resource("aws_backup_selection.s", "aws_backup_selection", {
            "name": "sel", "plan_id": Reference("aws_backup_plan.p", "id"),
            "iam_role_arn": Reference("aws_iam_role.r", "arn"),
            "resources": [Reference("aws_dynamodb_table.orders", "arn")]}, "backup.tf:12"),
    )
    state = observe(configuration(*resources), sit)
    assert state.tables["orders-sit"].global_indexes["BySk"].keys.partition == KeyAttribute("sk", AttributeType.N)
    plan = plans(state)["plan-sit"]
    assert [(r.vault, r.retention_days) for r in plan.rules] == [("vault-sit", 7)]
    assert plan.selections == (ObservedSelection("sel", "aws_backup_selection.s", (arn("orders-sit"),)),)
    assert vaults(state) == {"vault-sit": ObservedVault("vault-sit")}


def test_a_stream_whose_enabling_is_unknown_is_unverifiable_and_an_enabled_one_with_an_unknown_view_too(
        sit: Environment) -> None:
    unknown_enabled = one_table(sit, stream_enabled=Unknown("known only after apply"), stream_view_type="KEYS_ONLY")
    assert isinstance(unknown_enabled.stream, Unverifiable)
    assert "stream_enabled" in unknown_enabled.stream.reason
    unknown_view = one_table(sit, stream_enabled=True, stream_view_type=Unknown("known only after apply"))
    assert isinstance(unknown_view.stream, Unverifiable)
    assert "stream_view_type" in unknown_view.stream.reason


def test_a_plan_of_another_provider_only_is_refused_not_read_as_a_stack_without_tables(tmp_path: Path) -> None:
    resources = [{"address": "google_sql_database.main", "mode": "managed", "type": "google_sql_database",
                  "name": "main", "values": {}}]
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"format_version": "1.2", "planned_values": {"root_module": {"resources": resources}}}))
    with pytest.raises(TerraformError, match=r"holds no AWS resource, only google ones \(google_sql_database.main\): "
                                             r"it is not the plan of the DynamoDB stack"):
        read_plan(path)
    resources.append({**resources[0], "address": "aws_s3_bucket.b", "type": "aws_s3_bucket"})
    path.write_text(json.dumps({"format_version": "1.2", "planned_values": {"root_module": {"resources": resources}}}))
    assert read_plan(path).of_type("aws_dynamodb_table") == []  # an AWS stack without tables: its gaps are real
