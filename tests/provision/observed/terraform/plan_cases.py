"""The plan fixtures of tests/terraform/plans/ read as an observed state, and what the tests ask of one: its
backup plans, vaults, an unknown field; shared by the plan reader's tests in this folder."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dynamo_contracts.provision.desired.model import Environment
from dynamo_contracts.provision.observed.state import (
    ObservedPlan,
    ObservedState,
    ObservedVault,
    Unresolved,
    Unverifiable,
)
from dynamo_contracts.provision.observed.terraform.plan_json import read_plan
from dynamo_contracts.provision.observed.terraform.records import Configuration, Resource
from dynamo_contracts.provision.observed.terraform.to_observed import observe
from tests.support.paths import TERRAFORM

PLANS = TERRAFORM / "plans"
ACCOUNT = "222222222222"  # sit's, in contracts/environments.yaml


def arn(table: str) -> str:
    return f"arn:aws:dynamodb:eu-west-1:{ACCOUNT}:table/{table}"


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


# The converter's rules, on configurations as the HCL reader gives them ------------------------------------------

WHERE = "infra/dynamodb.tf:3"


def configuration(*resources: Resource, unresolved: tuple[Unresolved, ...] = ()) -> Configuration:
    return Configuration("terraform", "infra", resources, unresolved)


def table(address: str = "aws_dynamodb_table.orders", **values: Any) -> Resource:
    base = {"name": "orders-sit", "hash_key": "pk", "range_key": "sk", "billing_mode": "PAY_PER_REQUEST",
            "attribute": [{"name": "pk", "type": "S"}, {"name": "sk", "type": "N"}]}
    return Resource(address, "aws_dynamodb_table", {**base, **values}, WHERE)
