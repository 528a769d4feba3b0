"""The quick suite cannot take a slow test by mistake: every process a test starts goes through tests/support/spawn.py,
and a test that is not marked slow (by requesting `spawn`, `pytester`, `dynamodb_local`, ...) cannot start one."""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.support import spawn as spawn_module
from tests.support.paths import TESTS

# The one way tests start a program (spawn.py, and warm_python.py, which it runs warm programs with), and programs a
# person runs by hand (not collected by pytest): they may start processes as they please.
SCRIPTS = {TESTS / "support" / "spawn.py", TESTS / "support" / "warm_python.py", TESTS / "brief" / "goldens.py",
           TESTS / "terraform" / "corpus" / "make_plans.py"}
PROCESS_MODULES = {"subprocess", "multiprocessing", "pty"}
PROCESS_CALLS = {"system", "popen", "fork", "forkpty", "posix_spawn", "posix_spawnp", "spawnl", "spawnv",
                 "spawnlp", "spawnvp", "spawnle", "spawnve", "execv", "execve", "execl", "execlp", "execvp"}


def _process_uses(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [f"{path.name}:{node.lineno} import {a.name}" for a in node.names
                      if a.name.split(".")[0] in PROCESS_MODULES]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in PROCESS_MODULES:
            found.append(f"{path.name}:{node.lineno} from {node.module} import ...")
        elif (isinstance(node, ast.Attribute) and node.attr in PROCESS_CALLS
              and isinstance(node.value, ast.Name) and node.value.id == "os"):
            found.append(f"{path.name}:{node.lineno} os.{node.attr}")
    return found


def test_no_test_module_starts_a_process_but_through_tests_spawn() -> None:
    modules = sorted(p for p in TESTS.rglob("*.py") if p not in SCRIPTS and ".venv" not in p.parts)
    assert len(modules) > 50  # the scan reads the real tests
    uses = [use for path in modules for use in _process_uses(path)]
    assert uses == [], "start programs with tests/support/spawn.py (`spawn.run`), so the test is marked slow"


def test_the_scan_sees_each_way_of_starting_a_process(tmp_path: Path) -> None:
    module = tmp_path / "test_sneaky.py"
    module.write_text("import subprocess\nfrom multiprocessing import Process\nimport os\nos.system('true')\n")
    assert _process_uses(module) == ["test_sneaky.py:1 import subprocess",
                                     "test_sneaky.py:2 from multiprocessing import ...", "test_sneaky.py:4 os.system"]


def test_a_quick_test_that_starts_a_process_fails(request: pytest.FixtureRequest) -> None:
    assert request.node.get_closest_marker("slow") is None
    with pytest.raises(spawn_module.NotMarkedSlow, match="request the `spawn` fixture"):
        spawn_module.run([sys.executable, "-c", "print('started')"])


def test_requesting_spawn_marks_the_test_slow_and_lets_it_start_a_program(
        spawn: ModuleType, request: pytest.FixtureRequest) -> None:
    assert request.node.get_closest_marker("slow") is not None
    done = spawn.run([sys.executable, "-c", "print('started')"])
    assert (done.returncode, done.stdout) == (0, "started\n")


@pytest.fixture
def uses_spawn(spawn: ModuleType) -> ModuleType:
    return spawn


def test_a_fixture_that_requests_spawn_marks_the_test_slow(
        uses_spawn: ModuleType, request: pytest.FixtureRequest) -> None:
    assert request.node.get_closest_marker("slow") is not None
