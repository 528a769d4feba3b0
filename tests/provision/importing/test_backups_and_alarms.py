"""Backups and alarms imported from an observed state as any reader gives it (`provision.importing.backups`,
`.alarms`): selections become covers and alarms become rules, each or a placeholder; a stack the loader refuses is
an error and nothing is written."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from dynamo_contracts.provision.desired.load import load_contracts
from dynamo_contracts.provision.desired.model import AttributeType, Billing, BillingMode, KeyAttribute, KeySchema
from dynamo_contracts.provision.desired.stack import resolve
from dynamo_contracts.provision.errors import ToolError
from dynamo_contracts.provision.importing import command as import_command
from dynamo_contracts.provision.importing import folder
from dynamo_contracts.provision.importing.stack import Options, build
from dynamo_contracts.provision.observed.state import (
    ObservedAlarm,
    ObservedBackups,
    ObservedEncryption,
    ObservedPlan,
    ObservedRule,
    ObservedSelection,
    ObservedState,
    ObservedTable,
    ObservedVault,
    TagCondition,
)
from tests.support.origins import FROM_TERRAFORM

# Backups and alarms, from an observed state as any reader gives it ----------------------------------------------


def _table(name: str, tags: dict[str, str]) -> ObservedTable:
    return ObservedTable(name, "ACTIVE", KeySchema(KeyAttribute("id", AttributeType.S)),
                         arn=f"arn:aws:dynamodb:eu-west-1:no-account:table/{name}",
                         billing=Billing(BillingMode.PAY_PER_REQUEST), encryption=ObservedEncryption(None),
                         tags=tags, defined_at=f"main.tf:1 (aws_dynamodb_table.{name})")


def _plan(name: str, *selections: ObservedSelection) -> ObservedPlan:
    return ObservedPlan(name, name, (ObservedRule(f"{name.removesuffix('-sit')}-rule", "vault-sit", "cron(0 3 * * ? *)",
                                                  35, None),), selections)


def _alarm(name: str, table: str, metric: str = "ReadThrottleEvents", statistic: str = "Sum") -> ObservedAlarm:
    return ObservedAlarm(name, metric, table, 1.0, 60, 1, "GreaterThanOrEqualToThreshold", statistic,
                         ("arn:aws:sns:eu-west-1:444444444444:alarms",))


def test_selections_become_covers_and_alarms_become_rules_each_or_a_placeholder(tmp_path: Path) -> None:
    role = "arn:aws:iam::444444444444:role/backup"
    arn = "arn:aws:dynamodb:eu-west-1:444444444444:table/{}"
    state = ObservedState(FROM_TERRAFORM, "sit", {
        "orders-sit": _table("orders-sit", {"Backup": "daily"}), "users-sit": _table("users-sit", {})},
        ObservedBackups({"vault-sit": ObservedVault("vault-sit", "arn:aws:kms:eu-west-1:444444444444:key/v")}, {
            "every-sit": _plan("every-sit", ObservedSelection("s", resources=("arn:aws:dynamodb:*:*:table/*",),
                                                              iam_role_arn=role)),
            "some-sit": _plan("some-sit", ObservedSelection("s", resources=(arn.format("users-sit"),),
                                                            iam_role_arn=role)),
            "tagged-sit": _plan("tagged-sit", ObservedSelection("s", any_tags=(TagCondition("Backup", "daily"),),
                                                                iam_role_arn=role)),
            "odd-sit": _plan("odd-sit", ObservedSelection("s", resources=("*",), not_resources=(arn.format("x"),),
                                                          iam_role_arn=role))}),
        alarms={"orders-sit-read-throttles": _alarm("orders-sit-read-throttles", "orders-sit"),
                "users-sit-read-throttles": _alarm("users-sit-read-throttles", "users-sit"),
                "orders-latency": _alarm("orders-latency", "orders-sit", "SuccessfulRequestLatency", "Average"),
                "lambda-errors": _alarm("lambda-errors", "some-function")})
    imported = build(state, Options("terraform:infra", "sit"))
    backup = imported.files["backup.yaml"]
    assert '    vault: {kms_key: "arn:aws:kms:eu-west-1:444444444444:key/v"}\n' in backup
    assert "    every:\n      vault: vault\n" in backup
    assert "      covers: all\n" in backup
    assert "      covers: {tables: [users]}\n" in backup
    assert "      covers: {tags: {Backup: daily}}\n" in backup
    assert "      # covers: not written: selection s excludes resources or sets conditions;" in backup
    assert imported.files["stack.yaml"].count("read_throttles: {threshold: 1}") == 1  # a default of both tables
    orders = imported.files["tables/orders.yaml"]
    assert "    alarms: {}\n      # orders-latency: not written: on the metric SuccessfulRequestLatency" in orders
    environments = imported.files["environments.yaml"]
    assert 'account_id: "444444444444"\n' in environments
    assert f'backup_role_arn: "{role}"\n' in environments
    assert 'alarm_actions: ["arn:aws:sns:eu-west-1:444444444444:alarms"]' in environments
    assert imported.others == 1
    assert [p.split(":")[0] for p in imported.placeholders] == ["tables/orders.yaml", "backup.yaml"]
    for relative, text in imported.files.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(text)
    (tmp_path / "backup.yaml").write_text(backup.replace("      # covers: not written", "      covers: all\n#"))
    loaded = resolve(load_contracts(tmp_path), load_contracts(tmp_path).environments["sit"])
    assert sorted(r.kind.value for r in loaded.tables["orders-sit"].alarms) == ["read_throttles"]
    assert loaded.plans["tagged-sit"].covers.tags == {"Backup": "daily"}


def test_a_stack_the_loader_refuses_though_nothing_is_unknown_is_an_error_and_nothing_is_written(
        tmp_path: Path) -> None:
    """Terraform takes a TTL on a string key; the contracts refuse it (no item would ever expire)."""
    table = dataclasses.replace(_table("orders-sit", {}), ttl_attribute="id")
    state = ObservedState(FROM_TERRAFORM, "sit", {"orders-sit": table}, alarms={})
    imported = build(state, Options("terraform:infra", "sit", account_id="444444444444"))
    assert imported.placeholders == []
    out = tmp_path / "contracts"
    with pytest.raises(ToolError, match=r"do not load, so nothing was written:\n  .*contracts/tables/orders.yaml:\d+: "
                                        r"ttl_attribute 'id' is the partition key"):
        folder.write(out, imported.files, import_command.checker(imported, "terraform:infra", out, []))
    assert not any(tmp_path.iterdir())
