"""Fixtures of the Terraform readers' tests: `sit`, the environment the plans are read for."""

from __future__ import annotations

import pytest

from dynamo_contracts.provision.desired.model import DesiredState, Environment


@pytest.fixture(scope="module")
def sit(desired: DesiredState) -> Environment:
    return desired.environments["sit"]
