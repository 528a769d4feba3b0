"""Fixtures of the check tests: `stack`, the real desired state resolved for sit."""

from __future__ import annotations

import pytest

from dynamo_contracts.provision.desired.model import DesiredState
from dynamo_contracts.provision.desired.stack import Stack, resolve
from tests.steps.checks.built_states import ENV


@pytest.fixture(scope="module")
def stack(desired: DesiredState) -> Stack:
    return resolve(desired, desired.environments[ENV])
