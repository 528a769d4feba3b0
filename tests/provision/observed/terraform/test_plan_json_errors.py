"""What is not a Terraform plan, or not one of ours, refused by `read_plan` and `observe` saying what to give: other
documents, JSON nested beyond reason, odd shapes and values of the wrong type, each a Terraform error naming the
resource, never a traceback; a plan of another provider only."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from dynamo_contracts.provision.desired.model import EncryptionType, Environment
from dynamo_contracts.provision.observed.state import ObservedEncryption
from dynamo_contracts.provision.observed.terraform.plan_json import read_plan
from dynamo_contracts.provision.observed.terraform.records import TerraformError, Unknown
from dynamo_contracts.provision.observed.terraform.to_observed import observe
from tests.provision.observed.terraform.plan_cases import PLANS, observed, unknown

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
