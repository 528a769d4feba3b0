"""Backends: each yields a `Backend` (a boto3 session and a DynamoDB endpoint) to the rest.

`open_backend(env, ...)` is the one entry point: DynamoDB Local (an endpoint given, a
container, or Amazon's jar), moto in-process, or AWS. What each backend cannot report is
in `provision.observed.capabilities`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config

from provision.backends.retries import RetryBound, bound_retries
from provision.desired.model import BackendKind, Environment

# botocore retries throttling, limits and server errors itself (standard mode: 5 retries, backoff up to
# 20 s), within the deadline of the apply running (`Backend.retry_bound`); provision.apply.retry handles the rest.
CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 5}, connect_timeout=5, read_timeout=60)
LOCAL_CREDENTIALS = {"aws_access_key_id": "local", "aws_secret_access_key": "local"}


@dataclass
class Backend:
    """Where an environment lives and how to talk to it."""

    kind: BackendKind
    session: boto3.Session
    endpoint_url: str | None = None  # DynamoDB's endpoint; None means the session's default (AWS, moto)
    description: str = ""
    retry_bound: RetryBound = field(default_factory=RetryBound, repr=False)  # an apply sets its deadline here
    _clients: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def name(self) -> str:
        return self.kind.value

    def client(self, service: str) -> Any:
        """One client per service, shared by the threads of an apply (boto3 clients are thread safe).

        botocore's own retries on it end at the deadline of the apply running, if any (`retry_bound`).
        """
        if service not in self._clients:
            endpoint = self.endpoint_url if service == "dynamodb" else None
            client = self.session.client(service, endpoint_url=endpoint, config=CLIENT_CONFIG)  # type: ignore[call-overload]
            bound_retries(client, self.retry_bound)
            self._clients[service] = client
        return self._clients[service]

    def resource(self) -> Any:
        return self.session.resource("dynamodb", endpoint_url=self.endpoint_url, config=CLIENT_CONFIG)


def local_session(region: str) -> boto3.Session:
    """A session with dummy credentials, so nothing local ever picks up real AWS credentials."""
    return boto3.Session(region_name=region, aws_access_key_id=LOCAL_CREDENTIALS["aws_access_key_id"],
                         aws_secret_access_key=LOCAL_CREDENTIALS["aws_secret_access_key"])


@contextmanager
def open_backend(env: Environment, endpoint_url: str | None = None, start_local: bool = True) -> Iterator[Backend]:
    """The backend of `env`, started if need be and stopped on exit.

    For DynamoDB Local, `endpoint_url` (or the environment's own, or AWS_ENDPOINT_URL_DYNAMODB)
    is used as it is; otherwise, with `start_local`, a throwaway instance is started.
    """
    if env.backend is BackendKind.MOTO:
        from provision.backends.moto import moto_backend

        with moto_backend(env) as backend:
            yield backend
    elif env.backend is BackendKind.AWS:
        from provision.backends.aws import aws_backend

        yield aws_backend(env)
    else:
        from provision.backends.dynamodb_local import dynamodb_local_backend

        with dynamodb_local_backend(env, endpoint_url, start_local) as backend:
            yield backend
