"""A program run warm (tests/support/warm_python.py, through `spawn.run`) behaves as the same program run cold:
its exit status, streams, working folder, environment, `sys.path`, atexit handlers and threads, its timeout; and
what it cannot reproduce runs cold."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.support import spawn as spawn_module
from tests.support import warm_python
from tests.support.contract_project import ContractProject, ContractRun, subprocess_runner

PROBE = """\
import atexit, os, sys, threading, time

print("argv", sys.argv[1:])
print("cwd", os.getcwd())
print("path0", sys.path[0])
print("extra", os.environ.get("PROBE_EXTRA"))
print("importable", __import__("helper").VALUE)
print("to stderr", file=sys.stderr)
atexit.register(lambda: print("atexit ran"))
threading.Thread(target=lambda: (time.sleep(0.2), print("thread ended"))).start()
what = sys.argv[1] if len(sys.argv) > 1 else ""
if what == "exit-3":
    sys.exit(3)
if what == "exit-text":
    sys.exit("stopped: a message")
if what == "raise":
    raise RuntimeError("boom")
if what == "sleep":
    time.sleep(60)
"""


@pytest.fixture(autouse=True)
def warm_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests compare the two ways, whatever way the suite runs its programs."""
    monkeypatch.delenv(warm_python.COLD_VARIABLE, raising=False)


@pytest.fixture
def probe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A module `probe` (run as `python -m probe`) in a folder of its own, importing `helper` from PYTHONPATH."""
    package = tmp_path / "work" / "probe"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "__main__.py").write_text(PROBE)
    library = tmp_path / "library"
    library.mkdir()
    (library / "helper.py").write_text("VALUE = 42\n")
    monkeypatch.setattr(warm_python, "WARM_MODULES", (*warm_python.WARM_MODULES, "probe"))
    return tmp_path


Done = spawn_module.CompletedProcess[str]


def _both(spawn: ModuleType, probe: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[Done, Done]:
    env = {**os.environ, "PROBE_EXTRA": "given", "PYTHONPATH": str(probe / "library")}
    command = [sys.executable, "-m", "probe", *args]
    assert warm_python.eligible(command, {"env": env, "cwd": probe / "work", "timeout": 60, "capture_output": True,
                                          "text": True, "check": False})
    warm: Done = spawn.run(command, env=env, cwd=probe / "work", timeout=60)
    monkeypatch.setenv(warm_python.COLD_VARIABLE, "1")
    cold: Done = spawn.run(command, env=env, cwd=probe / "work", timeout=60)
    monkeypatch.delenv(warm_python.COLD_VARIABLE)
    return warm, cold


@pytest.mark.parametrize("what", ["", "exit-3", "exit-text", "raise"])
def test_a_warm_run_exits_prints_and_finds_what_a_cold_one_does(spawn: ModuleType, probe: Path,
                                                               monkeypatch: pytest.MonkeyPatch, what: str) -> None:
    warm, cold = _both(spawn, probe, monkeypatch, *([what] if what else []))
    assert (warm.returncode, warm.stdout, warm.stderr) == (cold.returncode, cold.stdout, cold.stderr)
    said = set(warm.stdout.splitlines())
    assert {f"cwd {probe / 'work'}", f"path0 {probe / 'work'}", "importable 42", "extra given"} <= said
    assert {"atexit ran", "thread ended"} <= said


def test_a_warm_run_past_its_timeout_is_killed_and_says_so(spawn: ModuleType, probe: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(probe / "library")}
    with pytest.raises(spawn.TimeoutExpired):
        spawn.run([sys.executable, "-m", "probe", "sleep"], env=env, cwd=probe / "work", timeout=3)


def test_what_a_warm_run_cannot_reproduce_runs_cold(spawn: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    command = [sys.executable, "-m", "pytest", "--version"]
    given = {"timeout": 60, "capture_output": True, "text": True, "check": False}
    assert warm_python.eligible(command, given)
    assert not warm_python.eligible(command, {**given, "input": "text on stdin"})
    assert not warm_python.eligible(command, {**given, "env": {**os.environ, "PYTHONWARNINGS": "error"}})
    assert not warm_python.eligible(["bash", "-c", "true"], given)
    assert not warm_python.eligible([sys.executable, "-c", "pass"], given)
    monkeypatch.setenv(warm_python.COLD_VARIABLE, "1")
    assert not warm_python.eligible(command, given)


def test_a_contract_run_says_the_same_warm_and_cold(spawn: ModuleType, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    project = ContractProject(tmp_path, subprocess_runner(tmp_path))
    project.copy_real_features()
    warm = project.run("--against=schema", "-p", "no:randomly")
    monkeypatch.setenv(warm_python.COLD_VARIABLE, "1")
    cold = project.run("--against=schema", "-p", "no:randomly")

    def said(run: ContractRun) -> list[str]:
        timing = re.compile(r"\d+(\.\d+)?s\b|report-\d\.xml")  # the run's duration, and each run's JUnit file
        return [timing.sub("#", line) for line in run.output.splitlines()]

    assert warm.result.ret == cold.result.ret
    assert said(warm) == said(cold)
    assert {n: (s.outcome, s.message) for n, s in warm.scenarios.items()} == \
        {n: (s.outcome, s.message) for n, s in cold.scenarios.items()}
