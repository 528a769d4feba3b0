"""moto: stands in for AWS where DynamoDB Local has no API (PITR, tags, AWS Backup).

In-process by default (every call served in this process, a fresh account per run); or moto's server
(`moto_server`, `ThreadedMotoServer`) at an endpoint, which serves every service at one address: the one
an environment built there by something else (Terraform's `apply`, in the rehearsal of the AWS path) is
read from.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from moto import mock_aws

from ..desired.model import BackendKind, Environment
from .backend import Backend, local_session


@contextmanager
def moto_backend(env: Environment, endpoint_url: str | None = None) -> Iterator[Backend]:
    if endpoint_url:
        yield Backend(BackendKind.MOTO, local_session(env.region), endpoint_url=endpoint_url,
                      description=f"moto's server at {endpoint_url} ({env.region})")
        return
    with mock_aws():
        yield Backend(BackendKind.MOTO, local_session(env.region), description=f"moto in-process ({env.region})")
