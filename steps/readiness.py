"""The readiness report's content: the brief's assessment, computed from a contract run.

Expected counts come from what the consumers' contracts require (every table and GSI any
scenario names, and the exact sets the platform states); actual counts from the environment
as read. Gaps are the failed claims, each with the consumers it blocks.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from provision.state import Unverifiable
from steps.findings import Finding, Kind, Outcome
from steps.summary import Results
from steps.target import Target

READY, BLOCKED = "READY", "BLOCKED"
AWS_CHECK = "AWS: run `pytest --env=<aws environment>` (dev, sit or prod)"


@dataclass(frozen=True)
class EnvironmentSummary:
    """What the environment holds, in plain data (sent from xdist workers to the controller)."""

    environment: str
    backend: str
    tables: list[str]
    gsis: dict[str, list[str]]
    backup_plans: list[str] | None  # None: the backend cannot report backups
    vaults: list[str] | None

    @classmethod
    def from_target(cls, target: Target) -> EnvironmentSummary:
        tables = target.logical_tables()
        plans, vaults = target.observed.backups.plans, target.observed.backups.vaults
        return cls(target.environment.name, target.backend, sorted(tables),
                   {name: sorted(t.global_indexes) for name, t in sorted(tables.items())},
                   None if isinstance(plans, Unverifiable) else sorted(plans),
                   None if isinstance(vaults, Unverifiable) else sorted(vaults))

    def data(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Gap:
    """One thing missing or wrong, and every consumer it blocks (claims that failed only because a
    table, index or vault is missing count toward that one gap)."""

    kind: str
    name: str | None
    table: str | None
    expected: str
    actual: str
    consumers: list[str]
    reason: str = ""
    closest: str | None = None
    subject: str = ""


@dataclass(frozen=True)
class ConsumerStatus:
    status: str  # ready | blocked | unverified
    failed: list[str]
    gaps: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Count:
    expected: int
    actual: int | None  # None: the backend cannot report it


@dataclass(frozen=True)
class Readiness:
    environment: str
    backend: str
    verdict: str
    generated_at: str
    counts: dict[str, Count]
    gaps: list[Gap]
    consumers: dict[str, ConsumerStatus]
    unverified: list[dict[str, str]]
    checks: dict[str, int]
    settings: dict[str, dict[str, int]]  # pitr, stream, encryption, backup_*: outcome -> count of claims
    vaults: dict[str, list[str] | None]  # expected (logical names) and actual (as found; None: not reported)
    unexpected: dict[str, list[str]]  # tables and GSIs (table.index) found that no contract asks for

    def data(self) -> dict[str, Any]:
        return asdict(self)


def _now() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")  # reproducible reports (and golden tests)
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return moment.replace(microsecond=0).isoformat()


def _expected(findings: list[Finding]) -> tuple[set[str], set[tuple[str, str]], set[str]]:
    tables: set[str] = set()
    gsis: set[tuple[str, str]] = set()
    vaults: set[str] = set()
    for f in findings:
        if not f.required:
            continue
        if f.table:
            tables.add(f.table)
        if f.kind is Kind.TABLE_SET:
            tables.update(f.expected_names)
        elif f.kind is Kind.GSI and f.table and f.name:
            gsis.add((f.table, f.name))
        elif f.kind is Kind.GSI_SET and f.table:
            gsis.update((f.table, name) for name in f.expected_names)
        elif f.kind in (Kind.BACKUP_COVERAGE, Kind.BACKUP_PLAN, Kind.BACKUP_VAULT) and f.name:
            vaults.add(f.name)
    return tables, gsis, vaults


_CAUSE_KIND = {"table": Kind.TABLE, "vault": Kind.BACKUP_VAULT}


def _gap_key(f: Finding) -> tuple[str, str, str, str]:
    """Claims that failed for one missing table, index or vault share that one gap."""
    if f.cause == "table":
        return (Kind.TABLE.value, f.table or "", "", f"table {f.table}")
    if f.cause == "index":
        kind = Kind.LSI if f.kind is Kind.LSI else Kind.GSI
        return (kind.value, f.table or "", f.name or "", f"{kind.value.upper()} {f.name} of table {f.table}")
    if f.cause == "vault":
        return (Kind.BACKUP_VAULT.value, "", f.name or "", f"backup vault {f.name}")
    return (f.kind.value, f.table or "", f.name or "", f.subject)


def _gaps(results: Results) -> list[Gap]:
    grouped: dict[tuple[str, str, str, str], list[tuple[str, Finding]]] = defaultdict(list)
    for scenario in results.scenarios:
        for f in scenario.findings:
            if f.outcome is Outcome.FAILED:
                grouped[_gap_key(f)].append((scenario.consumer, f))
    gaps = []
    for (kind, table, name, subject), found in sorted(grouped.items()):
        # The claim that is about the gap itself says it best (the table's own "must exist").
        best = next((f for _, f in found if f.kind.value == kind and f.cause is not None), found[0][1])
        gaps.append(Gap(kind, name or None, table or None, best.expected, best.actual, sorted({c for c, _ in found}),
                        best.reason, best.closest, subject))
    return gaps


def _consumers(results: Results, gaps: list[Gap]) -> dict[str, ConsumerStatus]:
    statuses = {}
    for consumer, scenarios in results.by_consumer().items():
        failed = sorted(s.name for s in scenarios if s.outcome in ("failed", "error"))
        open_claims = any(f.outcome in (Outcome.UNVERIFIABLE, Outcome.NOT_RUN) for s in scenarios for f in s.findings)
        status = "blocked" if failed else "unverified" if open_claims else "ready"
        blocking = [describe_gap(g) for g in gaps if consumer in g.consumers]
        statuses[consumer] = ConsumerStatus(status, failed, blocking)
    return statuses


def describe_gap(gap: Gap) -> str:
    """A short label a Lambda developer understands."""
    if gap.kind == Kind.TABLE.value:
        return f"table {gap.table} is missing"
    if gap.kind in (Kind.GSI.value, Kind.LSI.value):
        hint = f" (closest: {gap.closest})" if gap.closest else ""
        return f"{gap.kind.upper()} {gap.name} is missing on table {gap.table}{hint}"
    if gap.kind == Kind.BACKUP_VAULT.value:
        return f"backup vault {gap.name} is missing"
    if gap.kind in (Kind.TABLE_SET.value, Kind.GSI_SET.value) and gap.reason:
        return f"{gap.subject}: {gap.reason}"
    return f"{gap.subject}: {gap.actual}"


SETTINGS = {"pitr": (Kind.PITR,), "stream": (Kind.STREAM,), "encryption": (Kind.ENCRYPTION,),
            "backup_vault": (Kind.BACKUP_VAULT,), "backup_coverage": (Kind.BACKUP_COVERAGE, Kind.BACKUP_PLAN)}


def _settings(findings: list[Finding]) -> dict[str, dict[str, int]]:
    """Claims per setting and outcome; those failing only because a table is missing count under tables."""
    result: dict[str, dict[str, int]] = {}
    for name, kinds in SETTINGS.items():
        counts: dict[str, int] = defaultdict(int)
        for f in findings:
            if f.kind in kinds:
                counts["table missing" if f.cause == "table" else f.outcome.value] += 1
        result[name] = dict(sorted(counts.items()))
    return result


def build(results: Results, environment: str, backend: str, observed: EnvironmentSummary | None) -> Readiness:
    findings = results.findings()
    tables, gsis, vaults = _expected(findings)
    gaps = _gaps(results)
    consumers = _consumers(results, gaps)
    plans_actual = None
    if observed is not None and observed.backup_plans is not None:
        plans_actual = len(observed.backup_plans)
    counts = {
        "tables": Count(len(tables), None if observed is None else len(observed.tables)),
        "gsis": Count(len(gsis), None if observed is None else sum(len(g) for g in observed.gsis.values())),
        "backup_plans": Count(1 if vaults else 0, plans_actual),
    }
    unverified = sorted({(f.subject, f.reason) for f in findings
                         if f.outcome in (Outcome.UNVERIFIABLE, Outcome.NOT_RUN)})
    tally = {o.value: sum(1 for f in findings if f.outcome is o) for o in Outcome}
    blocked = any(s.status == "blocked" for s in consumers.values())
    return Readiness(environment, backend, BLOCKED if blocked else READY, _now(), counts, gaps, consumers,
                     [{"check": check, "reason": reason} for check, reason in unverified], tally,
                     _settings(findings),
                     {"expected": sorted(vaults), "actual": None if observed is None else observed.vaults},
                     _unexpected(observed, tables, gsis))


def _unexpected(observed: EnvironmentSummary | None, tables: set[str],
                gsis: set[tuple[str, str]]) -> dict[str, list[str]]:
    if observed is None:
        return {"tables": [], "gsis": []}
    return {"tables": sorted(set(observed.tables) - tables),
            "gsis": sorted(f"{t}.{i}" for t, names in observed.gsis.items() for i in names if (t, i) not in gsis)}
