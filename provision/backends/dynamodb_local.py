"""DynamoDB Local: an endpoint given, the one `local up` started, or a throwaway one.

A throwaway instance runs in Docker where a daemon answers, else as Amazon's jar under
the local Java, from the npm package (`provision.backends.dynamodb_local_package`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..desired.model import BackendKind, Environment
from ..dynamodb_local_jar import LAUNCHER_VARIABLE
from ..errors import BackendError
from . import local_service
from .backend import Backend, local_session
from .dynamodb_local_launch import (
    ContainerInstance,
    JarProcess,
    LocalInstance,
    docker_available,
    endpoint_answers,
    java_executable,
)
from .dynamodb_local_package import (
    ENDPOINT_VARIABLE,
    PACKAGE,
    TARBALL_URL,
    VERSION,
    cache_dir,
    fetch,
    tarball_url,
)

__all__ = [
    "ENDPOINT_VARIABLE",
    "LAUNCHER_VARIABLE",
    "PACKAGE",
    "TARBALL_URL",
    "VERSION",
    "ContainerInstance",
    "JarProcess",
    "LocalInstance",
    "cache_dir",
    "docker_available",
    "dynamodb_local_backend",
    "endpoint_answers",
    "fetch",
    "java_executable",
    "launch",
    "tarball_url",
]


def launch(progress: Callable[[str], None] | None = None) -> LocalInstance:
    """Start a throwaway in-memory DynamoDB Local (not yet ready: call `wait_ready`).

    Docker where a daemon answers, else the jar under the local Java;
    DYNAMO_CONTRACTS_LAUNCHER=jar|docker forces one.
    """
    forced = os.environ.get(LAUNCHER_VARIABLE, "").strip().lower()
    if forced not in {"", "jar", "docker"}:
        raise BackendError(f"{LAUNCHER_VARIABLE} is '{forced}': set it to 'jar' or 'docker', or unset it")
    if forced == "docker":
        if not docker_available():
            raise BackendError(
                f"{LAUNCHER_VARIABLE}=docker but no Docker daemon answers: start Docker, or unset {LAUNCHER_VARIABLE}"
            )
        return ContainerInstance.start()
    if not forced and docker_available():
        return ContainerInstance.start()
    java = java_executable()
    if java is None:
        raise BackendError(
            "cannot start DynamoDB Local: install Java 17 or later (or set JAVA_HOME), or start Docker; "
            "or run one yourself and give --endpoint-url"
        )
    return JarProcess.start(fetch(progress=progress), java=java)


def _given_endpoint(env: Environment, endpoint_url: str | None) -> tuple[str, str] | None:
    """The endpoint to use as it is, and where it came from (for messages), in order of precedence."""
    candidates = [
        (endpoint_url, "--endpoint-url"),
        (os.environ.get(ENDPOINT_VARIABLE), ENDPOINT_VARIABLE),
        (env.endpoint_url, f"environment '{env.name}'"),
    ]
    for url, origin in candidates:
        if url:
            if not url.startswith(("http://", "https://")):
                raise BackendError(f"{origin} is '{url}', not an endpoint URL; write it like http://localhost:8000")
            return url, origin
    running = local_service.running_endpoint(Path.cwd())
    return (running, "`local up`") if running else None


@contextmanager
def dynamodb_local_backend(env: Environment, endpoint_url: str | None, start_local: bool) -> Iterator[Backend]:
    """DynamoDB Local for `env`: an endpoint given or running, else (with `start_local`) a throwaway one."""
    given = _given_endpoint(env, endpoint_url)
    if given is not None:
        url, origin = given
        if not endpoint_answers(url, env.region):
            raise BackendError(
                f"no DynamoDB answers at {url} (from {origin}): start DynamoDB Local there, or fix the endpoint"
            )
        yield _backend(env, url, f"DynamoDB Local at {url} (from {origin})")
        return
    if not start_local:
        raise BackendError(
            "no DynamoDB Local is running: start one with `dynamo-contracts local up`, or give --endpoint-url"
        )
    instance = launch()
    try:
        instance.wait_ready()
        url = instance.endpoint_url
        yield _backend(env, url, f"throwaway {instance.description} at {url}")
    finally:
        instance.stop()


def _backend(env: Environment, url: str, description: str) -> Backend:
    session = local_session(env.region)
    return Backend(BackendKind.DYNAMODB_LOCAL, session, endpoint_url=url, description=description)
