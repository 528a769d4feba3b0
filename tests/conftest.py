"""Fixtures for the project's own tests: the real contracts, resolved per environment."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from provision.load import load_contracts
from provision.model import DesiredState
from provision.stack import Stack, resolve

ROOT = Path(__file__).resolve().parent.parent
CONTRACTS = ROOT / "contracts"


@pytest.fixture(scope="session")
def desired() -> DesiredState:
    return load_contracts(CONTRACTS)


@pytest.fixture(scope="session")
def stack_for(desired: DesiredState) -> Callable[[str], Stack]:
    def make(env: str) -> Stack:
        return resolve(desired, desired.environments[env])

    return make
