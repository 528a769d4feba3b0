"""The readiness report as typed values: the verdict, counts, gaps, consumers, what was not verified.

Built by `steps.report.build` from plain results, rendered by `steps.report.markdown`, and written
as JSON by `data()`, whose layout the README documents (`readiness.json`). Every decision the
markdown shows is a field here (an enum, a count), never words it must read back.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from ..results.findings import Cause, Kind, Outcome
from .matrix import Matrix


class Verdict(StrEnum):
    READY = "READY"  # every consumer checked in full; every claim verified and holding
    ACCEPTED_RISK = "READY WITH ACCEPTED RISK"  # as READY, but for gaps a waiver in force accepts (listed, with it)
    UNVERIFIED = "UNVERIFIED"  # nothing wrong, but some claims could not be verified (or were not run) here
    BLOCKED = "BLOCKED"  # a gap, a difference from the desired state, or a consumer not checked in full


class ConsumerState(StrEnum):
    READY = "ready"
    ACCEPTED_RISK = "ready with accepted risk"  # checked in full, verified; its only failures are waived
    BLOCKED = "blocked"  # some scenario failed
    UNVERIFIED = "unverified"  # nothing failed, but some claims could not be verified or were not run here
    NOT_CHECKED = "not checked"  # some scenario was deselected, skipped or not collected in this run


class VerifiedWhere(StrEnum):
    """Where a check that was not verified here can be."""

    AWS = "aws"  # the backend cannot answer: an AWS environment can
    FULL_RUN = "full run"  # not checked in this run: a run of every consumer
    WITHOUT_READ_ONLY = "without read-only"  # --read-only: a run that may write contract items
    WRITABLE = "writable"  # the environment does not allow contract items: one that does
    LIVE = "live"  # a static source (the schema) runs no query: the environment itself can
    ROLE_DECLARED = "role declared"  # no Lambda role declared for the consumer: contracts that declare one can
    INPUT = "input"  # the input left it unknown (a variable with no value, ...): a run given what it lacks can


@dataclass(frozen=True)
class Count:
    expected: int
    actual: int | None  # None: not read in this run, or the backend cannot report it


@dataclass(frozen=True)
class Counts:
    tables: Count
    gsis: Count
    backup_plans: Count


@dataclass(frozen=True)
class Tally:
    """Claims per outcome."""

    passed: int = 0
    failed: int = 0
    unverifiable: int = 0
    not_run: int = 0

    @property
    def open(self) -> int:
        """Claims not verified: unverifiable here, or not run."""
        return self.unverifiable + self.not_run

    @property
    def total(self) -> int:
        return self.passed + self.failed + self.open

    def data(self) -> dict[str, int]:
        return {Outcome.PASSED.value: self.passed, Outcome.FAILED.value: self.failed,
                Outcome.UNVERIFIABLE.value: self.unverifiable, Outcome.NOT_RUN.value: self.not_run}


TABLE_MISSING = "table missing"  # a setting's claims that failed only because their table is missing


@dataclass(frozen=True)
class Settings:
    """Claims per setting of the brief's key findings, by outcome (and "table missing": failed for that)."""

    pitr: dict[str, int]
    stream: dict[str, int]
    encryption: dict[str, int]
    backup_vault: dict[str, int]
    backup_coverage: dict[str, int]
    alarms: dict[str, int] = field(default_factory=dict)
    cost: dict[str, int] = field(default_factory=dict)
    permissions: dict[str, int] = field(default_factory=dict)  # may each consumer's role make its calls


@dataclass(frozen=True)
class Gap:
    """One thing missing or wrong, and every consumer it blocks (claims that failed only because a
    table, index or vault is missing count toward that one gap)."""

    kind: Kind
    name: str | None
    table: str | None
    expected: str
    actual: str
    consumers: list[str]
    reason: str = ""
    closest: str | None = None
    subject: str = ""
    cause: Cause | None = None  # the gap is that this table, index or vault is missing
    action: str = ""  # who must do what, and where
    stated_at: list[str] = field(default_factory=list)  # the feature lines of the claims: features/x.feature:12
    change: str | None = None  # a difference from the desired state: the plan's change kind
    waiver: str = ""  # accepted risk: every claim of the gap is waived, by this (who, why, until when, where)
    advisory: bool = False  # every claim of the gap is advisory (@advisory): a warning
    unexpected: list[str] = field(default_factory=list)  # an exact set's gap: the names found but not required

    @property
    def blocking(self) -> bool:
        return not self.waiver and not self.advisory

    @property
    def is_index(self) -> bool:
        return self.kind in (Kind.GSI, Kind.LSI)

    def describe(self) -> str:
        """A short label a Lambda developer understands."""
        if self.kind is Kind.TABLE:
            return f"table {self.table} is missing" if self.cause is Cause.TABLE else f"{self.subject}: {self.actual}"
        if self.is_index:
            label = self.kind.value.upper()
            if self.cause is not Cause.INDEX:
                return f"{label} {self.name} on table {self.table} exists but is not ACTIVE yet ({self.actual})"
            hint = f" (closest: {self.closest})" if self.closest else ""
            return f"{label} {self.name} is missing on table {self.table}{hint}"
        if self.kind is Kind.BACKUP_VAULT and self.cause is Cause.VAULT:
            return f"backup vault {self.name} is missing"
        if self.change:
            return f"{self.subject}: {self.actual}"
        if self.kind in (Kind.TABLE_SET, Kind.GSI_SET) and self.reason:
            return f"{self.subject}: {self.reason}"
        return f"{self.subject}: {self.actual}"


@dataclass(frozen=True)
class ConsumerStatus:
    status: ConsumerState
    failed: list[str]  # failed scenarios, as written, with their feature line
    gaps: list[str] = field(default_factory=list)
    scenarios_checked: int = 0  # how many of its scenarios this run checked
    scenarios: int = 0  # how many its features hold
    accepted: list[str] = field(default_factory=list)  # its gaps accepted as risk, each with its waiver

    @property
    def checked(self) -> str:
        return f"{self.scenarios_checked} of {self.scenarios}"


@dataclass(frozen=True)
class Unverified:
    """A check not verified here: what, why, and where it can be."""

    check: str
    reason: str
    where: VerifiedWhere


@dataclass(frozen=True)
class Unseen:
    """What the contracts require, the source could not read, and something it could not follow may define (a
    Terraform module call not followed, a `for_each` over an unknown): unknown, never missing. Each name with what
    could define it ('module "x" at infra/main.tf:3')."""

    tables: dict[str, list[str]] = field(default_factory=dict)  # logical table names
    gsis: dict[str, list[str]] = field(default_factory=dict)  # table.index
    vaults: dict[str, list[str]] = field(default_factory=dict)  # physical names
    backup_plans: list[str] = field(default_factory=list)  # what could define the backup plans not read

    @staticmethod
    def could(names: dict[str, list[str]]) -> str:
        """"campaigns, orders: module "x" at main.tf:3 could define them"."""
        constructs = list(dict.fromkeys(c for found in names.values() for c in found))
        return f"{', '.join(names)}: {'; '.join(constructs)} could define {'it' if len(names) == 1 else 'them'}"


@dataclass(frozen=True)
class Readiness:
    environment: str
    backend: str
    verdict: Verdict
    generated_at: str
    counts: Counts
    gaps: list[Gap]
    consumers: dict[str, ConsumerStatus]
    unverified: list[Unverified]
    checks: Tally
    settings: Settings
    vaults_expected: list[str]  # physical names
    vaults_actual: list[str] | None  # None: not read, or the backend cannot report them
    unexpected: dict[str, list[str]]  # tables and GSIs (table.index) found that no contract asks for
    missing: dict[str, list[str]]  # tables and GSIs (table.index) some contract asks for that are not there
    inactive_tables: list[str] = field(default_factory=list)  # there but not ACTIVE yet: "orders UPDATING"
    inactive_gsis: list[str] = field(default_factory=list)  # "orders.OrdersByUser CREATING"
    read: bool = True  # whether the environment was read in this run (else actual counts are unknown)
    warnings: list[str] = field(default_factory=list)  # what holds but should not (a role over-privileged)
    notes: list[str] = field(default_factory=list)  # what the source's reader said about what it read
    unknown: Unseen = field(default_factory=Unseen)  # required, not read, but something not read may define it
    matrix: Matrix = field(default_factory=Matrix)  # which consumer each table and GSI blocks
    cost: list[str] = field(default_factory=list)  # the cost claims: "estimated $14.68 a month (at most $50.00 ...)"
    expired_waivers: list[str] = field(default_factory=list)  # each at its file:line: what it covered blocks again

    def not_checked(self) -> list[str]:
        return [c for c, s in self.consumers.items() if s.status is ConsumerState.NOT_CHECKED]

    def accepted(self) -> list[Gap]:
        """The gaps accepted as risk: listed, never hidden, and blocking nothing."""
        return [g for g in self.gaps if g.waiver]

    def advisory(self) -> list[Gap]:
        """The gaps only advisory claims state: warnings, blocking nothing."""
        return [g for g in self.gaps if g.advisory and not g.waiver]

    def blocked(self) -> list[str]:
        return [c for c, s in self.consumers.items() if s.status is ConsumerState.BLOCKED]

    @property
    def inactive(self) -> list[str]:
        return [*self.inactive_tables, *self.inactive_gsis]

    def data(self) -> dict[str, Any]:
        """The JSON the README documents (`readiness.json`)."""
        return {
            "environment": self.environment, "backend": self.backend, "verdict": self.verdict.value,
            "generated_at": self.generated_at, "counts": asdict(self.counts),
            "gaps": [asdict(g) for g in self.gaps],
            "consumers": {name: {"status": s.status.value, "failed": s.failed, "gaps": s.gaps, "checked": s.checked,
                                 "accepted": s.accepted}
                          for name, s in self.consumers.items()},
            "unverified": [{"check": u.check, "reason": u.reason,
                            **({"unknown": "input"} if u.where is VerifiedWhere.INPUT else {})}
                           for u in self.unverified],
            "checks": self.checks.data(), "settings": asdict(self.settings),
            "vaults": {"expected": self.vaults_expected, "actual": self.vaults_actual},
            "unexpected": self.unexpected, "missing": self.missing, "unknown": asdict(self.unknown),
            "inactive": self.inactive,
            "warnings": self.warnings, "matrix": self.matrix.data(), "cost": self.cost,
            **({"notes": self.notes} if self.notes else {}),
            **({"expired_waivers": self.expired_waivers} if self.expired_waivers else {}),
        }


@dataclass(frozen=True)
class Disagreement:
    """Where the sources of one run hold different things: "terraform defines 3 tables, schema 5"."""

    what: str  # "tables", "GSIs of table products", "backup vaults", "backup plans"
    held: dict[str, list[str]]  # by source label, what each holds (sources that could not tell are left out)

    def describe(self) -> str:
        """Sources holding the same grouped, then how each other group differs from the first source's:
        "tables: schema and live 5 (...), terraform 3 (...); terraform lacks orders, users"."""
        groups: dict[tuple[str, ...], list[str]] = {}
        for label, names in self.held.items():
            groups.setdefault(tuple(sorted(names)), []).append(label)
        held = ", ".join(f"{' and '.join(labels)} {len(names)} ({', '.join(names) or 'none'})"
                         for names, labels in groups.items())
        reference, first = next(iter(groups.items()))
        differences = []
        for held_names, labels in list(groups.items())[1:]:
            who, one = " and ".join(labels), len(labels) == 1
            lacking, extra = sorted(set(reference) - set(held_names)), sorted(set(held_names) - set(reference))
            if lacking:
                differences.append(f"{who} {'lacks' if one else 'lack'} {', '.join(lacking)}")
            if extra:
                differences.append(f"{who} {'has' if one else 'have'} {', '.join(extra)}, which "
                                   f"{' and '.join(first)} {'do' if len(first) > 1 else 'does'} not")
        return f"{self.what}: {held}; " + "; ".join(differences)

    def data(self) -> dict[str, Any]:
        return {"what": self.what, "held": self.held, "description": self.describe()}


SEVERITY = {Verdict.READY: 0, Verdict.ACCEPTED_RISK: 1, Verdict.UNVERIFIED: 2, Verdict.BLOCKED: 3}


@dataclass(frozen=True)
class SideBySide:
    """One run checked against several sources (schema, Terraform, live): each source's assessment, where
    they disagree, and the overall verdict, the worst of theirs."""

    environment: str
    generated_at: str
    sources: dict[str, Readiness]  # by label, in the order given
    origins: dict[str, str]  # by label: the folder or file a static source read
    drift: list[Disagreement]

    @property
    def verdict(self) -> Verdict:
        return max((r.verdict for r in self.sources.values()), key=SEVERITY.__getitem__)

    def data(self) -> dict[str, Any]:
        """The JSON the README documents for a run of several sources."""
        return {"environment": self.environment, "verdict": self.verdict.value, "generated_at": self.generated_at,
                "sources": {label: {"origin": self.origins.get(label, ""), **r.data()}
                            for label, r in self.sources.items()},
                "drift": [d.data() for d in self.drift]}
