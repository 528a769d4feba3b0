"""Backends: each yields a `Backend` (a boto3 session and a DynamoDB endpoint) to the rest.

`open_backend(env, ...)` is the one entry point: DynamoDB Local (an endpoint given, a
container, or Amazon's jar), moto in-process, or AWS. What each backend cannot report is
in `provision.observed.capabilities`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ..desired.model import BackendKind, Environment
from .backend import LOCAL_CREDENTIALS, Backend, client_config, local_session
from .extras import require

__all__ = ["LOCAL_CREDENTIALS", "Backend", "client_config", "local_session", "open_backend"]


@contextmanager
def open_backend(env: Environment, endpoint_url: str | None = None, start_local: bool = True) -> Iterator[Backend]:
    """The backend of `env`, started if need be and stopped on exit.

    For DynamoDB Local, `endpoint_url` (or the environment's own, or AWS_ENDPOINT_URL_DYNAMODB)
    is used as it is; otherwise, with `start_local`, a throwaway instance is started. For moto,
    `endpoint_url` (or the environment's own) is moto's server; none: moto in this process.
    """
    if env.backend is BackendKind.MOTO:
        require("moto", "moto", f"environment '{env.name}' (backend moto)")
        from .moto import moto_backend

        with moto_backend(env, endpoint_url or env.endpoint_url) as backend:
            yield backend
    elif env.backend is BackendKind.AWS:
        from .aws import aws_backend

        yield aws_backend(env)
    else:
        from .dynamodb_local import dynamodb_local_backend

        with dynamodb_local_backend(env, endpoint_url, start_local) as backend:
            yield backend
