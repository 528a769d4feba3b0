"""Provisioning under AWS-like latency: DynamoDB Local with `-delayTransientStatuses`, where a GSI added by
UpdateTable stays CREATING about 15 s and is ACTIVE after about 31 s, as on AWS.

One apply adding one GSI to each of 5 tables, against the same change on one table: tables are
changed in parallel, so five should cost about one GSI build, not five. The one-after-another
baseline (`table_threads=1`) runs once: it takes five builds.
"""

from __future__ import annotations

import dataclasses
import time
import uuid
from pathlib import Path

from dynamo_contracts.provision.apply.executor import ApplyOptions
from dynamo_contracts.provision.backends import open_backend
from dynamo_contracts.provision.backends.dynamodb_local import fetch
from dynamo_contracts.provision.backends.dynamodb_local_launch import JarProcess
from dynamo_contracts.provision.desired.load import load_contracts
from dynamo_contracts.provision.desired.model import (
    DesiredState,
    GlobalIndex,
    KeySchema,
    Projection,
    ProjectionType,
    TableSpec,
)
from dynamo_contracts.provision.workflow import provision

CONTRACTS = Path(__file__).resolve().parent.parent / "contracts"
QUIET = ApplyOptions(progress=lambda _line: None, poll_interval=0.5)


def _named(desired: DesiredState, suffix: str) -> DesiredState:
    env = desired.environments["local"]
    local = dataclasses.replace(env, table_name_pattern=f"{{table}}-{suffix}")
    return dataclasses.replace(desired, environments={**desired.environments, "local": local}, plans=(), vaults=())


def _with_new_gsi(desired: DesiredState, tables: int) -> DesiredState:
    """One more GSI (keyed on the table's own partition key) on the first `tables` tables."""
    def extra(table: TableSpec) -> GlobalIndex:
        return GlobalIndex("ByLatencyProbe", KeySchema(table.keys.partition), Projection(ProjectionType.KEYS_ONLY))

    changed = tuple(dataclasses.replace(t, global_indexes=(*t.global_indexes, extra(t))) if n < tables else t
                    for n, t in enumerate(desired.tables))
    return dataclasses.replace(desired, tables=changed)


def one_apply(endpoint: str, tables: int, threads: int | None) -> float:
    """Build the stack, then time the apply that adds one GSI to `tables` of its tables."""
    desired = _named(load_contracts(CONTRACTS), f"lat{uuid.uuid4().hex[:6]}")
    env = desired.environments["local"]
    with open_backend(env, endpoint, start_local=False) as backend:
        provision(backend, desired, env, show=lambda _text: None, options=QUIET)
        changed = _with_new_gsi(desired, tables)
        started = time.perf_counter()
        provision(backend, changed, env, show=lambda _text: None,
                  options=dataclasses.replace(QUIET, table_threads=threads))
        return time.perf_counter() - started


def measure(sequential: bool = True) -> dict[str, float]:
    instance = JarProcess.start(fetch(), flags=("-delayTransientStatuses",))
    try:
        instance.wait_ready()
        found = {"one GSI on 1 table": one_apply(instance.endpoint_url, 1, None),
                 "one GSI on each of 5 tables": one_apply(instance.endpoint_url, 5, None)}
        if sequential:
            found["the same, one table after another"] = one_apply(instance.endpoint_url, 5, 1)
        return {name: round(seconds, 2) for name, seconds in found.items()}
    finally:
        instance.stop()
