"""Inner contract projects for black-box tests of the pytest plugin (steps/) and the provisioner.

A `ContractProject` is a folder laid out like this repository: a copy of `contracts/`, a
`conftest.py` loading `steps.plugin`, and `features/<consumer>/*.feature` (the plugin collects
them; no Python file is needed). `run()` runs pytest on it in a subprocess (moto is process-global,
and the plugin is meant to be run as a program) and returns a `ContractRun`: pytest's own
`RunResult` (for `assert_outcomes` and `fnmatch_lines`) plus each scenario's outcome and message,
read from a JUnit report, and the plugin's per-consumer summary.

Load it as a plugin (`pytest_plugins = ["pytester", "tests.support.contract_project"]`) for the fixture
`dynamodb_local_endpoint`: one real DynamoDB Local for the whole test session. Inner runs share
it through `--endpoint-url` and keep apart by a table name pattern unique to each project
(`isolate_local()`).
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shutil
import sys
import time
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from dynamo_contracts.provision.backends.dynamodb_local import ENDPOINT_VARIABLE, cache_dir
from tests.support import spawn
from tests.support.paths import ROOT

REPO_ROOT = ROOT
CONTRACTS = REPO_ROOT / "contracts"
FEATURES = REPO_ROOT / "features"
REAL_CONSUMERS = ("campaigns_lambda", "order_lambda", "platform", "product_lambda", "tenant_management")
# pytester points HOME at a temporary folder: keep the cached DynamoDB Local jar findable anyway.
JAR_CACHE = cache_dir()

PYTEST_INI = "[pytest]\naddopts = -p no:cacheprovider --import-mode=importlib\n"
CONFTEST = 'pytest_plugins = ["dynamo_contracts.steps.plugin"]\n'
INNER_TIMEOUT_SECONDS = 240
# How long DynamoDB Local's asynchronous work (a table or an index made or dropped) may take on a loaded machine.
WAIT_SECONDS = 120.0
# An inner run behaves as on a developer's machine even when the tests run in GitHub Actions: no annotations in
# its output unless a test asks for them, and no report appended to the outer job's summary.
GITHUB_VARIABLES = ("GITHUB_ACTIONS", "GITHUB_WORKSPACE", "GITHUB_STEP_SUMMARY")

Runner = Callable[..., pytest.RunResult]
YamlEdit = Callable[[dict[str, Any]], None]


# --- running ------------------------------------------------------------------------------------


def inner_environment() -> dict[str, str]:
    """The environment of an inner run: the repository importable, no endpoint inherited."""
    env = os.environ.copy()
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH", "")]))
    env.pop(ENDPOINT_VARIABLE, None)
    env.pop("PYTEST_ADDOPTS", None)
    for name in GITHUB_VARIABLES:
        env.pop(name, None)
    env.setdefault("DYNAMO_CONTRACTS_CACHE", str(JAR_CACHE))
    return env


def subprocess_runner(path: Path) -> Runner:
    """Runs `python -m pytest ARGS` in `path`, as a developer would; usable at any fixture scope."""

    def run(*args: str) -> pytest.RunResult:
        started = time.monotonic()
        done = spawn.run([sys.executable, "-m", "pytest", *args], cwd=path, env=inner_environment(),
                         capture_output=True, text=True, timeout=INNER_TIMEOUT_SECONDS, check=False)
        return pytest.RunResult(done.returncode, done.stdout.splitlines(), done.stderr.splitlines(),
                                time.monotonic() - started)

    return run


def pytester_runner(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> Runner:
    """`pytester.runpytest_subprocess`, with the repository importable in the inner run, through `spawn.run` (so
    warm where it can be: tests/support/warm_python.py)."""
    for name, value in inner_environment().items():
        if os.environ.get(name) != value:
            monkeypatch.setenv(name, value)
    monkeypatch.delenv(ENDPOINT_VARIABLE, raising=False)
    monkeypatch.delenv("PYTEST_ADDOPTS", raising=False)
    for name in GITHUB_VARIABLES:
        monkeypatch.delenv(name, raising=False)

    runs = [0]

    def run(*args: str) -> pytest.RunResult:
        runs[0] += 1  # as runpytest_subprocess does: a basetemp of its own for each run, inside the pytester folder
        basetemp = pytester.path / f"runpytest-{runs[0]}"
        started = time.monotonic()
        done = spawn.run([sys.executable, "-m", "pytest", f"--basetemp={basetemp}", *args], cwd=pytester.path,
                         timeout=INNER_TIMEOUT_SECONDS)
        return pytest.RunResult(done.returncode, done.stdout.splitlines(), done.stderr.splitlines(),
                                time.monotonic() - started)

    return run


# --- what a run says ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """One scenario's result, as the JUnit report has it."""

    name: str  # the scenario's name as written (with [example] for an outline's row)
    consumer: str
    outcome: str  # passed, failed, skipped, error
    message: str  # the failure or skip message ("" for a pass)
    findings: tuple[dict[str, Any], ...]


def read_junit(path: Path) -> dict[str, Scenario]:
    scenarios: dict[str, Scenario] = {}
    if not path.exists():
        return scenarios
    for case in ET.parse(path).iter("testcase"):
        properties = {p.get("name"): p.get("value") for p in case.iter("property")}
        outcome, message = "passed", ""
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                outcome = {"failure": "failed", "error": "error", "skipped": "skipped"}[child.tag]
                message = child.text if child.tag == "failure" and child.text else (child.get("message") or "")
                break
        recorded = properties.get("contract_findings")
        findings = json.loads(recorded) if recorded else []  # the plugin records its properties as JSON
        scenarios[case.get("name", "")] = Scenario(case.get("name", ""), properties.get("consumer") or "",
                                                   outcome, message, tuple(findings))
    return scenarios


_VERDICT = re.compile(r"^  (?P<consumer>\S+)\s+(?P<verdict>BLOCKED|UNVERIFIED|ready)\s+(?P<counts>\d+ passed, .*)$")
_FAILED_NODE = re.compile(r"^(?:FAILED|ERROR) features/(?P<consumer>[^/]+)/")


@dataclass
class ContractRun:
    result: pytest.RunResult
    scenarios: dict[str, Scenario] = field(default_factory=dict)

    @property
    def output(self) -> str:
        return "\n".join(self.result.outlines + self.result.errlines)

    def scenario(self, name: str) -> Scenario:
        assert name in self.scenarios, f"no scenario {name} in this run; ran: {sorted(self.scenarios)}\n{self.output}"
        return self.scenarios[name]

    def summary(self) -> dict[str, tuple[str, str]]:
        """The plugin's per-consumer lines: consumer -> (BLOCKED|UNVERIFIED|ready, counts)."""
        lines = self.result.outlines
        start = next((i for i, line in enumerate(lines) if "contract checks on" in line), None)
        if start is None:
            return {}
        found = {}
        for line in lines[start + 2:]:
            match = _VERDICT.match(line)
            if match is None:
                break
            found[match["consumer"]] = (match["verdict"], match["counts"])
        return found

    def blocked(self) -> set[str]:
        return {consumer for consumer, (verdict, _) in self.summary().items() if verdict == "BLOCKED"}

    def failed_consumers(self) -> set[str]:
        """Consumers with a failed scenario, from pytest's own short summary (run with -rf)."""
        return {m["consumer"] for line in self.result.outlines if (m := _FAILED_NODE.match(line))}

    def failure_messages(self, consumer: str) -> str:
        return "\n".join(s.message for s in self.scenarios.values()
                         if s.consumer == consumer and s.outcome in ("failed", "error"))


# --- building a project ---------------------------------------------------------------------------


class ContractProject:
    """A throwaway copy of the contracts layout, with features written by the test."""

    def __init__(self, path: Path, runner: Runner) -> None:
        self.path = path
        self.runner = runner
        self.runs = 0
        self.contracts = path / "contracts"
        shutil.copytree(CONTRACTS, self.contracts, dirs_exist_ok=True)
        (path / "conftest.py").write_text(CONFTEST)
        (path / "pytest.ini").write_text(PYTEST_INI)
        (path / "features").mkdir(exist_ok=True)
        self.tag = uuid.uuid4().hex[:8]

    # contracts/

    def edit_yaml(self, relative: str, edit: YamlEdit) -> None:
        file = self.contracts / relative
        data = yaml.safe_load(file.read_text())
        edit(data)
        file.write_text(yaml.safe_dump(data, sort_keys=False))

    def set_environment(self, name: str, **settings: Any) -> None:
        def edit(data: dict[str, Any]) -> None:
            data["environments"][name].update(settings)

        self.edit_yaml("environments.yaml", edit)

    def isolate_local(self) -> str:
        """Table names no other project on the shared DynamoDB Local uses; the pattern is returned."""
        pattern = "{table}-{env}-" + self.tag
        self.set_environment("local", table_name_pattern=pattern)
        return pattern

    def physical(self, table: str, env: str = "local") -> str:
        pattern = yaml.safe_load((self.contracts / "environments.yaml").read_text())["environments"][env].get(
            "table_name_pattern", "{table}-{env}")
        return str(pattern).format(table=table, env=env)

    def add_table(self, name: str, spec: Mapping[str, Any]) -> None:
        (self.contracts / "tables" / f"{name}.yaml").write_text(yaml.safe_dump({"tables": {name: dict(spec)}},
                                                                               sort_keys=False))

    def remove_table(self, name: str) -> None:
        (self.contracts / "tables" / f"{name}.yaml").unlink()

    # features/

    def feature(self, consumer: str, text: str, filename: str = "contract.feature") -> Path:
        folder = self.path / "features" / consumer
        folder.mkdir(parents=True, exist_ok=True)
        file = folder / filename
        file.write_text(text)
        return file

    def copy_real_features(self) -> None:
        shutil.copytree(FEATURES, self.path / "features", dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__"))

    # running

    def run(self, *args: str) -> ContractRun:
        """pytest on features/ with ARGS; -rfs so failed nodeids are listed, and a JUnit report per run."""
        self.runs += 1
        report = self.path / f"report-{self.runs}.xml"
        result = self.runner("features", "-rfs", f"--junitxml={report}", *args)
        return ContractRun(result, read_junit(report))


def scenario_test_name(title: str) -> str:
    """The test name of a scenario: its title as written (the plugin collects features itself)."""
    return " ".join(title.split())


def message_matches(message: str, patterns: Sequence[str]) -> list[str]:
    """The fnmatch-style patterns (`*` and `?`) that no line of `message` matches."""
    lines = message.splitlines()
    return [p for p in patterns if not any(fnmatch.fnmatchcase(line, f"*{p}*") for line in lines)]


# --- DynamoDB Local -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def dynamodb_local_endpoint(dynamodb_local: str) -> str:
    """The session's one real DynamoDB Local (tests/conftest.py), shared with the other test modules."""
    return dynamodb_local


def wait_until(condition: Callable[[], bool], what: str, within: float = WAIT_SECONDS, pause: float = 0.25) -> None:
    """Poll `condition` (DynamoDB's own asynchronous work, never the test's timing) or fail saying `what`.

    The bound is a time, not a number of attempts: on a loaded machine each attempt is slower, not the work
    faster."""
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() >= deadline:
            pytest.fail(f"gave up waiting {within:.0f} s: {what}")
        time.sleep(pause)
