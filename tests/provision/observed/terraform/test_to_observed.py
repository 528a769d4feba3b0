"""The converter's rules (`provision.observed.terraform.to_observed`), on configurations built as the HCL reader
gives them: encryption, where a table is defined, settings off and defaults, unknown names, types and indexes."""

from __future__ import annotations

from typing import Any

import pytest

from dynamo_contracts.provision.desired.model import (
    AttributeType,
    Billing,
    BillingMode,
    Capacity,
    EncryptionType,
    Environment,
    KeyAttribute,
    TableClass,
)
from dynamo_contracts.provision.observed.state import ObservedSelection, ObservedVault, Unresolved, Unverifiable
from dynamo_contracts.provision.observed.terraform.records import Reference, Resource, TerraformError, Unknown
from dynamo_contracts.provision.observed.terraform.to_observed import observe
from tests.provision.observed.terraform.plan_cases import WHERE, arn, configuration, plans, table, vaults

AWS_MANAGED_KEY = "arn:aws:kms:eu-west-1:aws-managed:key/dynamodb"  # as provision.observed.schema writes it


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
