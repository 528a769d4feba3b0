"""Fixtures of the IAM tests: the moto environment and its stack, and sit's policies."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from dynamo_contracts.provision.desired.model import DesiredState, Environment
from dynamo_contracts.provision.desired.stack import Stack, resolve
from dynamo_contracts.provision.iam.policy import Policy
from tests.provision.iam.iam_cases import MOTO_ACCOUNT, policies_of

# --- the environments and their policies ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def moto_env(desired: DesiredState) -> Environment:
    """moto's environment with moto's account: what the policies of an AWS environment would name."""
    return dataclasses.replace(desired.environments["moto"], account_id=MOTO_ACCOUNT)


@pytest.fixture(scope="module")
def moto_stack(desired: DesiredState, moto_env: Environment) -> Stack:
    return resolve(desired, moto_env)


@pytest.fixture(scope="module")
def sit_policies(stack_for: Callable[[str], Stack]) -> dict[str, Policy]:
    return policies_of(stack_for("sit"))
