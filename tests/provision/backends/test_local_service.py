"""The lasting DynamoDB Local of `python -m provision local up|down|status`: state, stale files, ports, data."""

from __future__ import annotations

import json
import os
import socketserver
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from dynamo_contracts.provision.backends import local_service
from dynamo_contracts.provision.backends.dynamodb_local import dynamodb_local_backend
from dynamo_contracts.provision.backends.dynamodb_local_launch import free_port
from dynamo_contracts.provision.errors import BackendError
from tests.support import spawn
from tests.support.local_tables import create_table, local_env, port_open, table_names

# --- the persistent instance of `local up` -----------------------------------------------------


def test_status_without_a_state_file_is_none(tmp_path: Path) -> None:
    assert local_service.status(tmp_path) is None
    assert local_service.running_endpoint(tmp_path) is None
    assert local_service.down(tmp_path) is False


@pytest.mark.usefixtures("spawn")
def test_a_stale_state_file_is_reported_and_removed(tmp_path: Path) -> None:
    finished = spawn.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True)
    dead_pid = int(finished.stdout)
    state = tmp_path / ".dynamodb-local" / "state.json"
    state.parent.mkdir()
    state.write_text(json.dumps({"pid": dead_pid, "port": 1, "endpoint_url": "http://127.0.0.1:1"}))
    found = local_service.status(tmp_path)
    assert found is not None
    assert found.condition is local_service.Condition.STALE
    assert not found.running
    assert "stale" in found.describe()
    assert not state.exists()
    assert local_service.running_endpoint(tmp_path) is None


@pytest.fixture
def other_program() -> Iterator[int]:
    """A program on a port that is not DynamoDB: it accepts connections and hangs up."""
    server = socketserver.TCPServer(("127.0.0.1", 0), socketserver.BaseRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_an_unreadable_state_file_counts_as_none(tmp_path: Path) -> None:
    state = tmp_path / ".dynamodb-local" / "state.json"
    state.parent.mkdir()
    state.write_text('{"pid": "not a number"}')
    assert local_service.status(tmp_path) is None
    assert not state.exists()


def test_up_on_a_port_taken_by_another_program_suggests_another(tmp_path: Path, other_program: int) -> None:
    with pytest.raises(BackendError, match=f"port {other_program} is taken.*--port"):
        local_service.up(tmp_path, port=other_program)
    assert local_service.status(tmp_path) is None


@pytest.fixture
def project(tmp_path: Path, real_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A project root whose `local up` uses the module's download; whatever runs is stopped after."""
    monkeypatch.setenv("DYNAMO_CONTRACTS_CACHE", str(real_cache))
    yield tmp_path
    local_service.down(tmp_path)


def up_in_another_process(root: Path, port: int) -> str:
    """`local up` as the CLI runs it: the command exits, the JVM stays."""
    code = "import sys; from pathlib import Path; from provision.backends import local_service as s; "
    code += "print(s.up(Path(sys.argv[1]), int(sys.argv[2])).endpoint_url)"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = spawn.run([sys.executable, "-c", code, str(root), str(port)], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.slow
def test_local_up_keeps_data_across_down_and_up(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    port = free_port()
    endpoint = up_in_another_process(project, port)
    assert endpoint == f"http://127.0.0.1:{port}"
    found = local_service.status(project)
    assert found is not None
    assert found.condition is local_service.Condition.RUNNING
    assert (project / ".dynamodb-local" / ".gitignore").read_text() == "*\n"
    assert (project / ".dynamodb-local" / "dynamodb-local.log").is_file()

    again = local_service.up(project, port=port)
    assert again.condition is local_service.Condition.ALREADY_RUNNING
    assert again.pid == found.pid
    assert "already running" in again.describe()
    assert local_service.running_endpoint(project) == endpoint

    monkeypatch.chdir(project)
    monkeypatch.delenv("AWS_ENDPOINT_URL_DYNAMODB", raising=False)
    with dynamodb_local_backend(local_env(), None, start_local=False) as backend:
        assert backend.endpoint_url == endpoint
        create_table(backend.endpoint_url, "orders-local")

    assert local_service.down(project) is True
    assert local_service.status(project) is None
    assert not port_open(port)
    assert local_service.down(project) is False

    restarted = local_service.up(project, port=port)
    assert restarted.condition is local_service.Condition.STARTED
    assert table_names(endpoint) == ["orders-local"]



LEADER_ENDS_FIRST = """\
import ctypes, socket, sys, threading
listening = socket.create_server(("127.0.0.1", 0))
print(listening.getsockname()[1], flush=True)
threading.Thread(target=sys.stdin.read).start()  # lives until the test closes the process's stdin
ctypes.CDLL(None).pthread_exit(None)  # the first thread ends; the process lives on in the other, its port open
"""


def _state(pid: int) -> str:
    return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc")
def test_a_process_whose_first_thread_ended_runs_until_its_last_one_ends(spawn: ModuleType) -> None:
    """As a JVM stopping: its first thread shows Z while the others still hold its port. `local down` waits for the
    last one, so a `local up` on the same port right after finds it free."""
    started = spawn.Popen([sys.executable, "-c", LEADER_ENDS_FIRST], stdin=spawn.PIPE, stdout=spawn.PIPE, text=True)
    assert started.stdout is not None
    assert started.stdin is not None
    port = int(started.stdout.readline())
    deadline = time.monotonic() + 60
    while _state(started.pid) != "Z" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _state(started.pid) == "Z"
    assert port_open(port)
    assert local_service._pid_alive(started.pid)
    started.stdin.close()
    started.wait(timeout=60)
    assert not local_service._pid_alive(started.pid)
    assert not port_open(port)
