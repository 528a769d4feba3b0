"""The two ways to run DynamoDB Local: Amazon's jar under a local Java, or its Docker image.

Both start without waiting (the caller overlaps the JVM's start with its own work), then
`wait_ready` polls until ListTables answers, and `stop` is safe to call more than once.
Failures show the tail of DynamoDB Local's own output: that is where the cause is.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from .. import operations as ops
from ..errors import BackendError
from .backend import local_session
from .extras import require

JAR = "DynamoDBLocal.jar"
NATIVE_LIBS = "DynamoDBLocal_lib"
# -sharedDb: one database whatever the access key and region, or every client sees its own tables.
COMMON_FLAGS = ("-sharedDb", "-disableTelemetry")
# The JVM's quick compiler only: DynamoDB Local answers about 0.6 s sooner on 2 cores and serves a short run's
# calls as fast (measured: 1.98 s to the first answer with the default tiered compilation, 1.35 s with this;
# 200 calls 1.38 s against 1.31 s). A long-lived instance loses a little peak speed, which nothing here needs.
JVM_FLAGS = ("-XX:TieredStopAtLevel=1",)
IMAGE = "amazon/dynamodb-local"
CONTAINER_PORT = 8000
STOP_GRACE_SECONDS = 10.0
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


def java_executable() -> str | None:
    """JAVA_HOME's java first, as the JDK tools do; else whatever java is on PATH."""
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        candidate = Path(java_home) / "bin" / ("java.exe" if os.name == "nt" else "java")
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which("java")


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


def free_port() -> int:
    """A port nothing listens on now, chosen by the kernel (binding port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_in_use(port: int) -> bool:
    """Whether something listens on the port, on any interface (DynamoDB Local binds them all)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # As the JVM does: a closed connection in TIME_WAIT is no conflict.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("", port))
        except OSError:
            return True
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


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


PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def _die_with_parent() -> Callable[[], None] | None:
    """A `preexec_fn` asking Linux to SIGTERM the child when its parent dies; None elsewhere.

    So a throwaway JVM goes when pytest is killed (SIGTERM, SIGKILL: no `finally` runs then).
    libc's prctl is looked up here, in the parent, so the forked child only makes the call.
    Linux sends the signal when the *thread* that started the child ends: start from the
    main thread (as pytest and the CLI do), or from one that lives as long as the JVM should.
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def preexec() -> None:
        prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM))
        if os.getppid() != parent:  # the parent died before prctl: the signal will never come
            os.kill(os.getpid(), signal.SIGTERM)

    return preexec


class JarProcess:
    """Amazon's DynamoDBLocal.jar in a JVM of its own, output captured in a file (a pipe could fill up)."""

    def __init__(self, process: subprocess.Popen[bytes], port: int, log_file: Path, owns_log: bool) -> None:
        self.process = process
        self.port = port
        self.log_file = log_file
        self._owns_log = owns_log
        self.description = f"DynamoDB Local jar, pid {process.pid}, port {port}"

    @classmethod
    def start(
        cls,
        home: Path,
        port: int | None = None,
        db_path: Path | None = None,
        *,
        java: str | None = None,
        log_file: Path | None = None,
        detach: bool = False,
        flags: Sequence[str] = (),
    ) -> JarProcess:
        """Start the JVM and return at once. `home` holds DynamoDBLocal.jar (see `fetch`).

        In memory unless `db_path` is given. `log_file` keeps the output there (else a temp
        file, removed by `stop`); `detach` puts the JVM in a session of its own, so it
        outlives the command that started it. Otherwise, on Linux, the JVM is SIGTERMed when
        the process that started it dies, however it dies (no orphaned JVM after a killed pytest).
        """
        java = java or java_executable()
        if java is None:
            raise BackendError("no Java found: install Java 17+ for DynamoDB Local (or set JAVA_HOME)")
        if port is None:
            port = free_port()
        elif port_in_use(port):
            raise BackendError(f"port {port} is already in use: choose another port for DynamoDB Local")
        owns_log = log_file is None
        if log_file is None:
            handle, name = tempfile.mkstemp(prefix="dynamodb-local-", suffix=".log")
            os.close(handle)
            log_file = Path(name)
        command = [java, *JVM_FLAGS, f"-Djava.library.path={NATIVE_LIBS}", "-jar", JAR, *_storage_flags(db_path)]
        command += [*COMMON_FLAGS, *flags, "-port", str(port)]  # flags: e.g. -delayTransientStatuses
        try:
            with log_file.open("ab") as log:
                process = subprocess.Popen(
                    command,
                    cwd=home,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=detach,
                    preexec_fn=None if detach else _die_with_parent(),
                )
        except OSError as error:
            if owns_log:
                log_file.unlink(missing_ok=True)
            raise BackendError(f"cannot run {java} for DynamoDB Local: {error}; check JAVA_HOME") from None
        return cls(process, port, log_file, owns_log)

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_ready(self, timeout: float = 60) -> None:
        """Block until ListTables answers; BackendError with the JVM's output if it died or took too long."""
        client = _probe_client(self.endpoint_url, "us-east-1")
        reason = wait_until(lambda: _probe(client), lambda: self.process.poll() is not None, timeout)
        if reason is not None:
            tail = read_tail(self.log_file)
            self.stop()
            raise not_ready_error(f"DynamoDB Local (port {self.port})", reason, timeout, tail)

    def stop(self) -> None:
        """Terminate, kill after a grace period; a second call does nothing."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(STOP_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._owns_log:
            with contextlib.suppress(OSError):
                self.log_file.unlink(missing_ok=True)


def _storage_flags(db_path: Path | None) -> list[str]:
    # The JVM runs in the jar's folder, so a relative -dbPath would land there.
    return ["-inMemory"] if db_path is None else ["-dbPath", str(db_path.resolve())]


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
