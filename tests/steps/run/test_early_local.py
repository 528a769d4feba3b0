"""DynamoDB Local's JVM started before the plugin's imports (steps.run.early_local): one JVM for a run that needs
it, started first and used; none left by a run that does not need it, whatever ends that run.

The slow tests run `python -m pytest` on a contract project with JAVA_HOME pointing at a `java` that notes each
start (its pid) in a file, then runs the real one: the runs' JVMs are counted there, and each must be gone when
its run has ended. Other DynamoDB Locals on the machine (other test sessions') are not counted.
"""

from __future__ import annotations

import shutil
import signal
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType

import pytest

from dynamo_contracts.steps.run import early_local
from tests.support.contract_project import CONTRACTS, INNER_TIMEOUT_SECONDS, inner_environment

ORDERS = """Feature: the orders table
  Scenario: orders is there
    Then the table "orders" must exist
"""
GONE_WITHIN_SECONDS = 60.0  # a bound for a JVM's exit on a loaded machine, not a measure of speed
REAL_JAVA = shutil.which("java")
needs_java = pytest.mark.skipif(REAL_JAVA is None or not Path("/proc").is_dir(),
                                reason="needs Java and /proc (Linux)")


# --- the guess from the command line (no process is started) ----------------------------------


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """contracts/, features/order_lambda/ and a tests/ folder of another kind."""
    shutil.copytree(CONTRACTS, tmp_path / "contracts")
    (tmp_path / "features" / "order_lambda").mkdir(parents=True)
    (tmp_path / "features" / "order_lambda" / "contract.feature").write_text(ORDERS)
    (tmp_path / "tests").mkdir()
    return tmp_path


JAR = {"DYNAMO_CONTRACTS_LAUNCHER": "jar"}  # so Docker on the machine running these tests changes nothing


def wanted(cwd: Path, *args: str, program: str = "/venv/bin/pytest", environ: Mapping[str, str] = JAR) -> bool:
    return early_local.wanted([program, *args], cwd, environ)


@pytest.mark.parametrize("args", [(), ("-q",), ("--env=local",), ("--env", "local"), ("--against=live",),
                                  ("--against", "schema,live"), ("-n", "0"), ("features",), ("features/order_lambda",),
                                  ("-m", "order_lambda", "-k", "orders"), ("features/order_lambda/contract.feature",),
                                  ("tests", "features"), ("--no-provision",)])
def test_a_run_of_the_contracts_on_local_is_guessed_to_need_the_jvm(project: Path, args: tuple[str, ...]) -> None:
    assert wanted(project, *args)


@pytest.mark.parametrize("args", [("--env=moto",), ("--env", "sit"), ("--against=schema",),
                                  ("--against", "plan:plan.json"), ("--against=schema", "--against=terraform:x"),
                                  ("--help",), ("-h",), ("--version",), ("--co",), ("--collect-only",), ("--fixtures",),
                                  ("--markers",), ("-n", "2"), ("-n2",), ("-nauto",), ("--numprocesses=2",),
                                  ("--endpoint-url=http://localhost:8000",), ("--contracts", "contracts"),
                                  ("--rootdir=.",), ("tests",), ("@args.txt",)])
def test_a_run_that_needs_no_throwaway_local_or_starts_it_elsewhere_is_guessed_so(project: Path,
                                                                                     args: tuple[str, ...]) -> None:
    assert not wanted(project, *args)


def test_the_guess_reads_the_program_the_folder_and_the_environment(project: Path, tmp_path_factory:
                                                                    pytest.TempPathFactory) -> None:
    pytest_main = str(Path(pytest.__file__).parent / "__main__.py")
    assert wanted(project, program=pytest_main)  # python -m pytest
    assert wanted(project / "features" / "order_lambda")  # run from inside features/
    assert not wanted(project, program="/usr/bin/python3")  # a script calling pytest.main: its own arguments
    assert not wanted(tmp_path_factory.mktemp("elsewhere"))  # no contracts project here
    assert not wanted(project / "tests")
    assert not wanted(project, environ={**JAR, "PYTEST_ADDOPTS": "--env=moto"})
    assert wanted(project, environ={**JAR, "PYTEST_ADDOPTS": "-q --env=local"})
    assert not wanted(project, environ={**JAR, "AWS_ENDPOINT_URL_DYNAMODB": "http://localhost:8000"})
    assert not wanted(project, environ={**JAR, "PYTEST_XDIST_WORKER": "gw0"})
    assert not wanted(project, environ={"DYNAMO_CONTRACTS_LAUNCHER": "docker"})  # launch() starts the container
    assert not wanted(project, environ={"DOCKER_HOST": "tcp://somewhere:2375"})  # launch() asks Docker first


# --- runs of pytest (slow) ----------------------------------------------------------------------


@pytest.fixture
def counted_java(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(a JAVA_HOME whose bin/java notes its pid in a file, then is the real java; that file)."""
    home = tmp_path_factory.mktemp("java-home")
    started = home / "started.txt"
    (home / "bin").mkdir()
    java = home / "bin" / "java"
    java.write_text(f'#!/bin/sh\necho "$$" >> "{started}"\n'
                    f'exec "{REAL_JAVA}" "$@"\n')
    java.chmod(0o755)
    return home, started


# `python -m pytest`, noting on stderr what was imported when each java was started (an audit hook sees the start).
WATCHED = ("botocore", "boto3", "pytest_bdd.parser", "dynamo_contracts.steps.checks",
           "dynamo_contracts.steps.run.session", "dynamo_contracts.provision.backends")
WATCHING = f"""import atexit, runpy, sys
seen = []
def noted(event, args):
    if event == "subprocess.Popen" and "java" in str(args[1]):
        seen.append([name for name in {WATCHED!r} if name in sys.modules])
sys.addaudithook(noted)
atexit.register(lambda: sys.stderr.write(f"imported when java started: {{seen}}\\n"))
runpy.run_module("pytest", run_name="__main__", alter_sys=True)
"""


def pytest_in(spawn: ModuleType, folder: Path, java_home: Path, *args: str) -> tuple[int, str, str]:
    """`python -m pytest ARGS` in `folder` with the counted java (run through WATCHING: argv[0] is pytest's)."""
    env = {**inner_environment(), "JAVA_HOME": str(java_home), "DYNAMO_CONTRACTS_LAUNCHER": "jar"}
    env.pop("PYTEST_XDIST_WORKER", None)
    done = spawn.run([sys.executable, "-c", WATCHING, "-p", "no:randomly", *args], cwd=folder, env=env,
                     timeout=INNER_TIMEOUT_SECONDS)
    return done.returncode, done.stdout, done.stderr


def jvms(started: Path) -> list[int]:
    return [int(line) for line in started.read_text().split()] if started.exists() else []


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def assert_gone(pids: list[int]) -> None:
    deadline = time.monotonic() + GONE_WITHIN_SECONDS
    while any(running(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in pids if running(pid)], "a JVM the run started is still running"


@needs_java
def test_a_run_on_local_starts_one_jvm_before_the_plugins_imports_and_checks_on_it(
        spawn: ModuleType, project: Path, counted_java: tuple[Path, Path]) -> None:
    java_home, started = counted_java
    code, out, err = pytest_in(spawn, project, java_home, "-rA")
    assert code == 0, out[-3000:] + err[-3000:]
    assert "contract checks on local (dynamodb-local)" in out
    assert "PASSED features/order_lambda/contract.feature::orders is there" in out
    assert len(jvms(started)) == 1  # the one started early was the one used: no second launch
    assert "imported when java started: [[]]" in err  # none of botocore, pytest-bdd's parser, the plugin's modules
    assert_gone(jvms(started))


@needs_java
@pytest.mark.parametrize("args", [("--env=moto",), ("--against=schema",), ("--help",), ("--collect-only",)])
def test_a_run_that_needs_no_throwaway_local_starts_no_jvm(spawn: ModuleType, project: Path,
                                                           counted_java: tuple[Path, Path],
                                                           args: tuple[str, ...]) -> None:
    java_home, started = counted_java
    code, out, err = pytest_in(spawn, project, java_home, *args)
    assert code == 0, out[-3000:] + err[-3000:]
    assert jvms(started) == []


@needs_java
def test_a_jvm_started_early_that_the_run_does_not_need_is_stopped_at_configure(
        spawn: ModuleType, project: Path, counted_java: tuple[Path, Path]) -> None:
    """The ini file's options are not read by the guess: `addopts = --env=moto` starts the JVM, then the run on
    moto stops it, and checks on moto."""
    java_home, started = counted_java
    (project / "pytest.ini").write_text("[pytest]\naddopts = --env=moto\n")
    code, out, err = pytest_in(spawn, project, java_home)
    assert code == 0, out[-3000:] + err[-3000:]
    assert "contract checks on moto (moto)" in out
    assert len(jvms(started)) == 1
    assert_gone(jvms(started))


@needs_java
@pytest.mark.parametrize(("args", "said"), [
    (("--no-such-option",), "unrecognized arguments: --no-such-option"),  # pytest's own, while it parses options
    (("--confirm-prod",), "--confirm-prod only confirms --provision"),  # the plugin's, at configure
])
def test_a_usage_error_after_the_early_start_leaves_no_jvm(spawn: ModuleType, project: Path,
                                                          counted_java: tuple[Path, Path], args: tuple[str, ...],
                                                          said: str) -> None:
    java_home, started = counted_java
    code, out, err = pytest_in(spawn, project, java_home, *args)
    assert code == pytest.ExitCode.USAGE_ERROR, out[-3000:] + err[-3000:]
    assert said in err
    assert "Traceback" not in out + err
    assert len(jvms(started)) == 1
    assert_gone(jvms(started))


@needs_java
def test_ctrl_c_after_the_early_start_leaves_no_jvm(spawn: ModuleType, project: Path,
                                                   counted_java: tuple[Path, Path]) -> None:
    java_home, started = counted_java
    env = {**inner_environment(), "JAVA_HOME": str(java_home), "DYNAMO_CONTRACTS_LAUNCHER": "jar"}
    run = spawn.Popen([sys.executable, "-m", "pytest", "-p", "no:randomly"], cwd=project, env=env,
                      stdout=spawn.PIPE, stderr=spawn.PIPE)
    try:
        deadline = time.monotonic() + GONE_WITHIN_SECONDS
        while not jvms(started) and run.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert jvms(started), "the run started no JVM"
        run.send_signal(signal.SIGINT)
        run.communicate(timeout=INNER_TIMEOUT_SECONDS)
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
    assert len(jvms(started)) == 1
    assert_gone(jvms(started))

