"""Fixtures of the planning tests: `moto`, the stack of the moto environment."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from dynamo_contracts.provision.desired.stack import Stack


@pytest.fixture
def moto(stack_for: Callable[[str], Stack]) -> Stack:
    return stack_for("moto")
