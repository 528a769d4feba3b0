"""Fixtures of the apply tests: `moto`, a backend on moto in-process provisioned for nothing yet."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dynamo_contracts.provision.backends import Backend, open_backend
from dynamo_contracts.provision.desired.model import DesiredState


@pytest.fixture
def moto(desired: DesiredState) -> Iterator[Backend]:
    with open_backend(desired.environments["moto"]) as backend:
        yield backend
