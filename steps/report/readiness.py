"""The readiness report's content: the brief's assessment, computed from a contract run.

Expected counts come from what the contracts require: every table, GSI, vault and backup plan
stated anywhere in features/ (steps.gherkin.requirements), not only in the scenarios this run selected.
Actual counts come from the environment as read. Gaps are the failed claims, each with the
consumers it blocks and who must act. A consumer any of whose scenarios was not checked in this
run (deselected, skipped, not collected) is "not checked".

The verdict is READY only when every consumer was checked in full and every claim was verified
and holds; BLOCKED when any gap, difference from the desired state or unchecked consumer remains;
UNVERIFIED when nothing is wrong but some claims could not be verified here (run them on AWS).
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from provision.desired.model import Environment
from provision.observed.state import Unverifiable
from steps.checks.target import Target
from steps.gherkin.requirements import Requirements
from steps.results.findings import Finding, Kind, Outcome
from steps.results.scenarios import Results, ScenarioResult


class Verdict(StrEnum):
    READY = "READY"  # every consumer checked in full; every claim verified and holding
    UNVERIFIED = "UNVERIFIED"  # nothing wrong, but some claims could not be verified (or were not run) here
    BLOCKED = "BLOCKED"  # a gap, a difference from the desired state, or a consumer not checked in full


READY, UNVERIFIED, BLOCKED = Verdict.READY, Verdict.UNVERIFIED, Verdict.BLOCKED
NOT_CHECKED = "not checked"
AWS_CHECK = "AWS: run `pytest --env=<aws environment>` (dev, sit or prod)"
NOT_CHECKED_REASON = "not checked in this run: deselected (-m, -k), skipped or not collected"


@dataclass(frozen=True)
class EnvironmentSummary:
    """What the environment holds, in plain data (sent from xdist workers to the controller)."""

    environment: str
    backend: str
    tables: list[str]
    gsis: dict[str, list[str]]
    backup_plans: list[str] | None  # None: the backend cannot report backups
    vaults: list[str] | None
    inactive: list[str] = field(default_factory=list)  # tables and GSIs there but not ACTIVE yet: "orders.X CREATING"

    @classmethod
    def from_target(cls, target: Target) -> EnvironmentSummary:
        tables = target.logical_tables()
        plans, vaults = target.observed.backups.plans, target.observed.backups.vaults
        inactive = [f"{name} {t.status}" for name, t in sorted(tables.items()) if t.status != "ACTIVE"]
        inactive += [f"{name}.{i.name} {i.status}" for name, t in sorted(tables.items())
                     for i in sorted(t.global_indexes.values(), key=lambda i: i.name) if i.status != "ACTIVE"]
        return cls(target.environment.name, target.backend, sorted(tables),
                   {name: sorted(t.global_indexes) for name, t in sorted(tables.items())},
                   None if isinstance(plans, Unverifiable) else sorted(plans),
                   None if isinstance(vaults, Unverifiable) else sorted(vaults), inactive)

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
    cause: str | None = None  # "table", "index" or "vault": the gap is that it is missing
    action: str = ""  # who must do what, and where
    stated_at: list[str] = field(default_factory=list)  # the feature lines of the claims: features/x.feature:12
    change: str | None = None  # a difference from the desired state: the plan's change kind


@dataclass(frozen=True)
class ConsumerStatus:
    status: str  # ready | blocked | unverified | not checked
    failed: list[str]  # failed scenarios, as written, with their feature line
    gaps: list[str] = field(default_factory=list)
    checked: str = ""  # how many of its scenarios this run checked: "3 of 4"


@dataclass(frozen=True)
class Count:
    expected: int
    actual: int | None  # None: not read in this run, or the backend cannot report it


@dataclass(frozen=True)
class Readiness:
    environment: str
    backend: str
    verdict: Verdict
    generated_at: str
    counts: dict[str, Count]
    gaps: list[Gap]
    consumers: dict[str, ConsumerStatus]
    unverified: list[dict[str, str]]
    checks: dict[str, int]
    settings: dict[str, dict[str, int]]  # pitr, stream, encryption, backup_*: outcome -> count of claims
    vaults: dict[str, list[str] | None]  # expected and actual, physical names (actual None: not reported)
    unexpected: dict[str, list[str]]  # tables and GSIs (table.index) found that no contract asks for
    missing: dict[str, list[str]]  # tables and GSIs (table.index) some contract asks for that are not there
    inactive: list[str] = field(default_factory=list)  # tables and GSIs there but not ACTIVE yet ("orders.X CREATING")

    def data(self) -> dict[str, Any]:
        return asdict(self)

    def not_checked(self) -> list[str]:
        return [c for c, s in self.consumers.items() if s.status == NOT_CHECKED]


def _now() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")  # reproducible reports (and golden tests)
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return moment.replace(microsecond=0).isoformat()


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


def _gaps(results: Results, env: Environment) -> list[Gap]:
    grouped: dict[tuple[str, str, str, str], list[tuple[ScenarioResult, Finding]]] = defaultdict(list)
    for scenario in results.scenarios:
        for f in scenario.findings:
            if f.outcome is Outcome.FAILED:
                grouped[_gap_key(f)].append((scenario, f))
    gaps = []
    for (kind, table, name, subject), found in sorted(grouped.items()):
        # The claim that is about the gap itself says it best (the table's own "must exist").
        best = next((f for _, f in found if f.kind.value == kind and f.cause is not None), found[0][1])
        cause = next((f.cause for _, f in found if f.cause is not None), None)
        action = next((f.action for _, f in found if f.action), "") or _default_action(cause, env)
        stated = _lines([_line_of(s, f) for s, f in found])
        gaps.append(Gap(kind, name or None, table or None, best.expected, best.actual,
                        sorted({s.consumer for s, _ in found}), best.reason, best.closest, subject, cause, action,
                        stated, next((f.change for _, f in found if f.change), None)))
    return gaps


def _lines(places: list[str]) -> list[str]:
    """`file:line` places, one entry per file with its lines in order: features/x.feature:7,9,12."""
    by_file: dict[str, set[int]] = defaultdict(set)
    for place in places:
        file, _, line = place.rpartition(":")
        if file and line.isdigit():
            by_file[file].add(int(line))
    return [f"{file}:{','.join(str(n) for n in sorted(lines))}" for file, lines in sorted(by_file.items())]


def _line_of(scenario: ScenarioResult, finding: Finding) -> str:
    """Where a claim is stated: the feature of its scenario, at the line of its step."""
    file = scenario.where.rpartition(":")[0]
    return f"{file}:{finding.line}" if file and finding.line else scenario.where


def _default_action(cause: str | None, env: Environment) -> str:
    """What closes a gap whose thing the desired state defines but the environment lacks: provisioning it."""
    if cause is None:
        return ""
    return (f"the platform team: provision {env.name} from the desired state "
            f"(`python -m provision apply --env {env.name}`)")


def _consumers(results: Results, gaps: list[Gap], requirements: Requirements) -> dict[str, ConsumerStatus]:
    grouped = results.by_consumer()
    statuses = {}
    for consumer in sorted(set(grouped) | set(requirements.scenarios)):
        scenarios = [s for s in grouped.get(consumer, []) if s.checked]
        total = max(requirements.scenarios.get(consumer, 0), len(scenarios))
        checked = f"{len(scenarios)} of {total}"
        failed = sorted(s.title for s in scenarios if s.outcome in ("failed", "error"))
        blocking = [describe_gap(g) for g in gaps if consumer in g.consumers]
        if failed:
            status = "blocked"
        elif len(scenarios) < total:  # deselected, skipped or not collected: not checked, whatever else ran
            status = NOT_CHECKED
        elif any(f.outcome in (Outcome.UNVERIFIABLE, Outcome.NOT_RUN) for s in scenarios for f in s.findings):
            status = "unverified"
        else:
            status = "ready"
        statuses[consumer] = ConsumerStatus(status, failed, blocking, checked)
    return statuses


def _unchecked(results: Results, requirements: Requirements) -> list[tuple[str, str]]:
    """(what, why) for each consumer some of whose scenarios were not checked in this run."""
    grouped = results.by_consumer()
    found = []
    for consumer, total in sorted(requirements.scenarios.items()):
        checked = sum(1 for s in grouped.get(consumer, []) if s.checked)
        if checked < total:
            found.append((f"{total - checked} of {total} scenarios of {consumer}", NOT_CHECKED_REASON))
    return found


def describe_gap(gap: Gap) -> str:
    """A short label a Lambda developer understands."""
    if gap.kind == Kind.TABLE.value:
        return f"table {gap.table} is missing" if gap.cause == "table" else f"{gap.subject}: {gap.actual}"
    if gap.kind in (Kind.GSI.value, Kind.LSI.value):
        if gap.cause != "index":
            return f"{gap.kind.upper()} {gap.name} on table {gap.table} exists but is not ACTIVE yet ({gap.actual})"
        hint = f" (closest: {gap.closest})" if gap.closest else ""
        return f"{gap.kind.upper()} {gap.name} is missing on table {gap.table}{hint}"
    if gap.kind == Kind.BACKUP_VAULT.value and gap.cause == "vault":
        return f"backup vault {gap.name} is missing"
    if gap.change:
        return f"{gap.subject}: {gap.actual}"
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


def build(results: Results, env: Environment, observed: EnvironmentSummary | None,
          requirements: Requirements) -> Readiness:
    """The assessment of this run of `env`, against everything the contracts in features/ require."""
    findings = results.findings()
    gaps = _gaps(results, env)
    consumers = _consumers(results, gaps, requirements)
    plans_actual = None
    if observed is not None and observed.backup_plans is not None:
        plans_actual = len(observed.backup_plans)
    counts = {
        "tables": Count(len(requirements.tables), None if observed is None else len(observed.tables)),
        "gsis": Count(len(requirements.gsis),
                      None if observed is None else sum(len(g) for g in observed.gsis.values())),
        "backup_plans": Count(len(requirements.plans), plans_actual),
    }
    unverified = sorted({(f.subject, f.reason) for f in findings
                         if f.outcome in (Outcome.UNVERIFIABLE, Outcome.NOT_RUN)})
    unverified += _unchecked(results, requirements)
    tally = {o.value: sum(1 for f in findings if f.outcome is o) for o in Outcome}
    verdict = _verdict(consumers, gaps, unverified)
    return Readiness(env.name, env.backend.value, verdict, _now(), counts, gaps, consumers,
                     [{"check": check, "reason": reason} for check, reason in unverified], tally,
                     _settings(findings),
                     {"expected": sorted(env.backup_name(v) for v in requirements.vaults),
                      "actual": None if observed is None else observed.vaults},
                     _unexpected(observed, requirements), _missing(observed, requirements, gaps),
                     [] if observed is None else list(observed.inactive))


def _verdict(consumers: dict[str, ConsumerStatus], gaps: list[Gap], unverified: list[tuple[str, str]]) -> Verdict:
    """READY only with nothing wrong and nothing unchecked; BLOCKED by any gap or any consumer not checked in full."""
    if gaps or any(s.status in ("blocked", NOT_CHECKED) for s in consumers.values()) or not consumers:
        return Verdict.BLOCKED
    if unverified or any(s.status == "unverified" for s in consumers.values()):
        return Verdict.UNVERIFIED
    return Verdict.READY


def _unexpected(observed: EnvironmentSummary | None, requirements: Requirements) -> dict[str, list[str]]:
    if observed is None:
        return {"tables": [], "gsis": []}
    return {"tables": sorted(set(observed.tables) - requirements.tables),
            "gsis": sorted(f"{t}.{i}" for t, names in observed.gsis.items() for i in names
                           if (t, i) not in requirements.gsis)}


def _missing(observed: EnvironmentSummary | None, requirements: Requirements,
             gaps: list[Gap]) -> dict[str, list[str]]:
    """What the contracts require that is not there; without a reading, what this run's claims found missing."""
    if observed is None:
        return {"tables": sorted({g.table for g in gaps if g.kind == Kind.TABLE.value and g.table}),
                "gsis": sorted({f"{g.table}.{g.name}" for g in gaps if g.kind == Kind.GSI.value})}
    return {"tables": sorted(requirements.tables - set(observed.tables)),
            "gsis": sorted(f"{t}.{i}" for t, i in requirements.gsis if i not in observed.gsis.get(t, []))}
