"""The two ways to run DynamoDB Local: Amazon's jar under a local Java, or its Docker image.

Both start without waiting (the caller overlaps the JVM's start with its own work), then
`wait_ready` polls until ListTables answers, and `stop` is safe to call more than once. The jar's command,
start and stop are in `provision.dynamodb_local_jar`, which imports nothing heavy (the plugin starts it first).
Failures show the tail of DynamoDB Local's own output: that is where the cause is.
"""

from __future__ import annotations

import contextlib
import gc
import os
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from .. import dynamodb_local_classes as classes
from .. import operations as ops
from ..dynamodb_local_jar import (
    COMMON_FLAGS,
    JAR,
    JVM_FLAGS,
    NATIVE_LIBS,
    STOP_GRACE_SECONDS,
    JarJvm,
    free_port,
    java_executable,
    port_in_use,
)
from ..errors import BackendError
from .backend import local_session
from .extras import require

__all__ = ["COMMON_FLAGS", "JAR", "JVM_FLAGS", "NATIVE_LIBS", "STOP_GRACE_SECONDS", "ContainerInstance", "JarProcess",
           "LocalInstance", "docker_available", "endpoint_answers", "free_port", "java_executable", "port_in_use"]

IMAGE = "amazon/dynamodb-local"
CONTAINER_PORT = 8000
POLL_SECONDS = 0.1
# One quick attempt per poll: the polling loop is the retry (a botocore Config, made by _probe_client).
PROBE_SETTINGS: dict[str, Any] = {"connect_timeout": 1, "read_timeout": 3, "retries": {"total_max_attempts": 1}}


class LocalInstance(Protocol):
    """A DynamoDB Local started for the caller, whichever way."""

    description: str

    @property
    def endpoint_url(self) -> str: ...

    def wait_ready(self, timeout: float = 60) -> None: ...

    def stop(self) -> None: ...


def docker_available() -> bool:
    """Whether a Docker daemon answers now; any failure (no client, no socket, no daemon) is a no."""
    if _docker_socket_missing():
        return False
    with _docker_leaks_quietly():
        try:
            from testcontainers.core.docker_client import DockerClient

            client = DockerClient(timeout=3).client
        except Exception:
            return False
        try:
            return bool(client.ping())
        except Exception:
            return False
        finally:
            client.close()


def _docker_socket_missing() -> bool:
    """The usual no-Docker case, told without a connection attempt: the daemon's unix socket is absent."""
    try:
        from testcontainers.core.docker_client import get_docker_host

        host = get_docker_host() or os.environ.get("DOCKER_HOST") or "unix:///var/run/docker.sock"
    except Exception:
        return False  # not known to be missing: let the ping tell
    return host.startswith("unix://") and not Path(host.removeprefix("unix://")).exists()


@contextmanager
def _docker_leaks_quietly() -> Iterator[None]:
    """docker-py leaves its socket open when no daemon answers: its warning, not ours to show.

    The socket hangs in a reference cycle with the failure's traceback, so collect it here.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            yield
        finally:
            gc.collect()


def endpoint_answers(endpoint_url: str, region: str = "us-east-1", patience: float = 0.0) -> bool:
    """Whether a DynamoDB API answers ListTables at the endpoint.

    A refusal or a hang-up is a no at once. An answer that is only slow (a read timeout: a JVM on a busy machine)
    is asked again until `patience` seconds have passed, so a loaded machine does not make a running instance
    look dead.
    """
    from botocore.exceptions import ReadTimeoutError  # here, as _probe_client's Config: a static run never asks

    client = _probe_client(endpoint_url, region)
    deadline = time.monotonic() + patience
    while True:
        try:
            ops.LIST_TABLES.call(client, Limit=1)
        except ReadTimeoutError:
            if time.monotonic() >= deadline:
                return False
        except Exception:
            return False
        else:
            return True


def _probe_client(endpoint_url: str, region: str) -> Any:
    from botocore.config import Config  # here: iam.simulate imports this module for its cache folder, statically

    return local_session(region).client("dynamodb", endpoint_url=endpoint_url, config=Config(**PROBE_SETTINGS))


def _probe(client: Any) -> bool:
    try:
        ops.LIST_TABLES.call(client, Limit=1)
    except Exception:
        return False
    return True


def wait_until(answering: Callable[[], bool], died: Callable[[], bool], timeout: float) -> str | None:
    """Poll until `answering()`; the reason it never will ("exited", "timeout") or None once it does."""
    deadline = time.monotonic() + timeout
    while True:
        if died():
            return "exited"
        if answering():
            return "exited" if died() else None
        if time.monotonic() >= deadline:
            return "timeout"
        time.sleep(POLL_SECONDS)


def not_ready_error(what: str, reason: str, timeout: float, tail: str) -> BackendError:
    """The error for an instance that never answered, with its output and the usual cause spelled out."""
    why = "exited before answering" if reason == "exited" else f"did not answer within {timeout:g} s"
    hint = ""
    if "UnsupportedClassVersionError" in tail:
        hint = "\nDynamoDB Local needs Java 17 or later: install it, or point JAVA_HOME at one."
    shown = tail.strip() or "(no output)"
    return BackendError(f"{what} {why}. Its last output:\n{shown}{hint}")


def tail_of(text: str, lines: int = 25) -> str:
    return "\n".join(text.splitlines()[-lines:])


def read_tail(path: Path, lines: int = 25) -> str:
    try:
        with path.open("rb") as handle:
            handle.seek(max(0, path.stat().st_size - 16_000))
            return tail_of(handle.read().decode("utf-8", "replace"), lines)
    except OSError:
        return ""


class JarProcess(JarJvm):
    """Amazon's DynamoDBLocal.jar in a JVM of its own (`provision.dynamodb_local_jar.JarJvm`: the command, the
    start, the stop), and the wait until it answers."""

    @classmethod
    def taken_over(cls, started: JarJvm) -> JarProcess:
        """The JVM another part of this process started (the plugin's early start, steps.run.early_local)."""
        return cls(started.process, started.port, started.log_file, started.owns_log, started.scratch,
                   started.archive, started.plain_again)

    def wait_ready(self, timeout: float = 60) -> None:
        """Block until ListTables answers; BackendError with the JVM's output if it died or took too long.

        A JVM that died before answering with the class archive (provision.dynamodb_local_classes) is started again
        without it, once, and the archive is deleted: an archive can make a start quicker, never make it fail."""
        client = _probe_client(self.endpoint_url, "us-east-1")
        reason = wait_until(lambda: _probe(client), lambda: self.process.poll() is not None, timeout)
        if reason == "exited" and self.plain_again is not None:
            self._start_without_archive()
            reason = wait_until(lambda: _probe(client), lambda: self.process.poll() is not None, timeout)
        if reason is not None:
            tail = read_tail(self.log_file)
            self.stop()
            raise not_ready_error(f"DynamoDB Local (port {self.port})", reason, timeout, tail)

    def _start_without_archive(self) -> None:
        again, archive = self.plain_again, self.archive
        assert again is not None
        self.stop()  # (its log and temporary folder go: it had died)
        if archive is not None:
            classes.forget_archive(archive)
        plain = again()
        self.process, self.log_file, self.owns_log, self.scratch = (plain.process, plain.log_file, plain.owns_log,
                                                                    plain.scratch)
        self.archive, self.plain_again, self.description = None, None, plain.description


class ContainerInstance:
    """The amazon/dynamodb-local image under testcontainers, on a port Docker picks."""

    def __init__(self, container: Any, endpoint_url: str) -> None:
        self.container = container
        self._endpoint_url = endpoint_url
        self._stopped = False
        self.description = f"DynamoDB Local container ({container.image})"

    @classmethod
    def start(cls, image: str = IMAGE) -> ContainerInstance:
        """Pull if need be, create and start the container; readiness is `wait_ready`'s job."""
        DockerContainer = require("testcontainers.core.container", "local",
                                  "DynamoDB Local in a container").DockerContainer

        command = ["-jar", JAR, "-inMemory", *COMMON_FLAGS]
        container: Any = None
        failure = ""
        with _docker_leaks_quietly():
            try:
                container = DockerContainer(image).with_exposed_ports(CONTAINER_PORT).with_command(command)
                container.start()
                host = container.get_container_host_ip()
                return cls(container, f"http://{host}:{container.get_exposed_port(CONTAINER_PORT)}")
            except Exception as error:
                failure = str(error)
                if container is not None:
                    with contextlib.suppress(Exception):
                        container.stop()
        # Raised out here, not in the except: the failure's traceback (and docker's socket) is gone by now.
        raise BackendError(
            f"cannot start the {image} container: {failure}\n"
            "Check that Docker runs and can pull the image, or set DYNAMO_CONTRACTS_LAUNCHER=jar to use Java."
        )

    @property
    def endpoint_url(self) -> str:
        return self._endpoint_url

    def wait_ready(self, timeout: float = 60) -> None:
        client = _probe_client(self.endpoint_url, "us-east-1")
        reason = wait_until(lambda: _probe(client), self._exited, timeout)
        if reason is not None:
            tail = self._logs()
            self.stop()
            raise not_ready_error(self.description, reason, timeout, tail)

    def _exited(self) -> bool:
        try:
            self.container.reload()
            return self.container.status in {"exited", "dead"}
        except Exception:
            return True

    def _logs(self) -> str:
        try:
            out, err = self.container.get_logs()
        except Exception:
            return ""
        return tail_of((out + err).decode("utf-8", "replace"))

    def stop(self) -> None:
        if not self._stopped:
            self._stopped = True
            with contextlib.suppress(Exception):
                self.container.stop()
