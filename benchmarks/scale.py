"""Scale: a generated desired state of 200 tables with 3 GSIs each, checked by 2,000 scenarios on moto.

- `scale_project`: the project (contracts/ and features/), in a folder of its own;
- `calls`: the contract run in this process, counting every AWS call it makes (botocore's
  `_make_api_call`), against a naive baseline run in the same process on the same moto state:
  one DescribeTable per checked sentence, as a tool that asks AWS for each claim would;
- `provisioning`: the 200-table apply on moto with the parallel apply against one thread.
"""

from __future__ import annotations

import contextlib
import io
import os
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

SENTENCES_PER_SCENARIO = 3  # each generated scenario: the table exists, has the GSI, the GSI's key


def scale_project(folder: Path, tables: int = 200, consumers: int = 10, scenarios_per_consumer: int = 200) -> Path:
    """A project with `tables` tables of 3 GSIs each and consumers * scenarios_per_consumer scenarios."""
    contracts = folder / "contracts"
    contracts.mkdir(parents=True)
    lines = ["conventions:", '  index_naming: "<Table>By<Attribute>"', "tables:"]
    for t in range(tables):
        lines += [f"  t{t:03d}:", "    partition_key: {name: pk, type: S}", "    sort_key: {name: sk, type: S}",
                  "    global_indexes:"]
        for attribute in ("Alpha", "Beta", "Gamma"):
            lines += [f"      T{t:03d}By{attribute}:", f"        partition_key: {{name: {attribute.lower()}, type: S}}",
                      "        projection: KEYS_ONLY"]
    lines += ["environments:",
              "  moto: {backend: moto, region: eu-west-1, writes_allowed: true, destroy_allowed: true}"]
    (contracts / "stack.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for c in range(consumers):
        consumer = folder / "features" / f"consumer{c:02d}"
        consumer.mkdir(parents=True)
        body = [f"Feature: consumer {c} needs its tables", ""]
        for s in range(scenarios_per_consumer):
            t = (c * scenarios_per_consumer + s) % tables
            table, index = f"t{t:03d}", f"T{t:03d}ByBeta"
            body += [f"  Scenario: table {table} and index {s}",
                     f'    Then the table "{table}" must exist',
                     f'    And the table "{table}" must have the GSI "{index}"',
                     f'    And the GSI "{index}" of table "{table}" must have the partition key "beta" of type S',
                     ""]
        (consumer / "needs.feature").write_text("\n".join(body), encoding="utf-8")
    (folder / "conftest.py").write_text('pytest_plugins = ["dynamo_contracts.steps.plugin"]\n')
    (folder / "pytest.ini").write_text("[pytest]\ntestpaths = features\naddopts = --import-mode=importlib\n")
    return folder


@contextlib.contextmanager
def counting() -> Iterator[Counter[str]]:
    """Every AWS call made in this process meanwhile, by operation."""
    from botocore.client import BaseClient

    calls: Counter[str] = Counter()
    original = BaseClient._make_api_call

    def counted(self: Any, operation: str, params: Any) -> Any:
        calls[operation] += 1
        return original(self, operation, params)

    BaseClient._make_api_call = counted  # type: ignore[method-assign]
    try:
        yield calls
    finally:
        BaseClient._make_api_call = original  # type: ignore[method-assign]


@contextlib.contextmanager
def inside(folder: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def calls(project: Path) -> dict[str, Any]:
    """The contract run's AWS calls in this process, and the naive baseline's on the same moto state."""
    import pytest

    from dynamo_contracts.provision.backends import open_backend
    from dynamo_contracts.provision.desired.load import load_contracts
    from dynamo_contracts.provision.observed.live import list_tables

    scenarios = sum(f.read_text().count("Scenario:") for f in (project / "features").rglob("*.feature"))
    with inside(project), counting() as ours, contextlib.redirect_stdout(io.StringIO()):
        started = time.perf_counter()
        pytest.main(["-q", "-p", "no:cacheprovider", "--env=moto", "-p", "no:randomly"])
        contract_seconds = time.perf_counter() - started
    mutating = sum(n for op, n in ours.items() if op.startswith(("Create", "Update", "Put", "Tag", "Delete")))
    reading = sum(ours.values()) - mutating
    desired = load_contracts(project / "contracts")
    env = desired.environments["moto"]
    with open_backend(env) as backend:
        from dynamo_contracts.provision.apply.executor import ApplyOptions
        from dynamo_contracts.provision.workflow import provision

        provision(backend, desired, env, show=lambda _text: None, options=ApplyOptions(progress=lambda _line: None))
        tables = list_tables(backend)
        client = backend.client("dynamodb")
        started = time.perf_counter()
        for n in range(scenarios * SENTENCES_PER_SCENARIO):
            client.describe_table(TableName=tables[n % len(tables)])
        naive_seconds = time.perf_counter() - started
    table_count = len(desired.tables)
    return {"scenarios": scenarios, "tables": table_count, "contract_run_seconds": round(contract_seconds, 3),
            "reading_calls": reading, "provisioning_calls": mutating,
            "reading_calls_per_table": round(reading / table_count, 2),
            "reading_calls_per_scenario": round(reading / scenarios, 4),
            "naive_calls": scenarios * SENTENCES_PER_SCENARIO, "naive_calls_per_scenario": SENTENCES_PER_SCENARIO,
            "naive_describe_seconds": round(naive_seconds, 3)}


def provisioning(project: Path) -> dict[str, float]:
    """The whole 200-table apply on moto: as apply runs it in process (one thread), one thread, eight threads."""
    from dynamo_contracts.provision.apply.executor import ApplyOptions
    from dynamo_contracts.provision.backends import open_backend
    from dynamo_contracts.provision.desired.load import load_contracts
    from dynamo_contracts.provision.workflow import provision

    desired = load_contracts(project / "contracts")
    env = desired.environments["moto"]
    found = {}
    for name, threads in (("as apply runs it (one thread in process)", None), ("one thread", 1),
                          ("eight threads", 8)):
        options = replace(ApplyOptions(progress=lambda _line: None), table_threads=threads)
        with open_backend(env) as backend:
            started = time.perf_counter()
            provision(backend, desired, env, show=lambda _text: None, options=options)
            found[name] = round(time.perf_counter() - started, 3)
    return found
