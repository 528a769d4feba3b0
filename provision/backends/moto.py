"""moto in-process: stands in for AWS where DynamoDB Local has no API (PITR, tags, AWS Backup)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from moto import mock_aws

from provision.backends.backend import Backend, local_session
from provision.desired.model import BackendKind, Environment


@contextmanager
def moto_backend(env: Environment) -> Iterator[Backend]:
    with mock_aws():
        yield Backend(BackendKind.MOTO, local_session(env.region), description=f"moto in-process ({env.region})")
