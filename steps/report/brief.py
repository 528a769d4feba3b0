"""The brief's decision sections of a readiness report, as plain values a template lays out: what must happen
before deploying, the decisions the gaps call for (with the consumers on each side), what is working well, the
risks of deploying as-is, who must approve, and the gaps one line each with their symptoms folded in.

Everything here is derived from the model (`steps.report.model`) and `standing`, the one source of the key
findings and the success criteria, so no section can say what another contradicts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..results.findings import Cause, Kind
from . import standing
from .model import ConsumerState, Gap, Readiness, Verdict
from .owners import Codeowners

FILE = re.compile(r"(?:[\w.-]+/)*[\w.-]+\.(?:ya?ml|tf|tfvars|json|feature)\b")


@dataclass(frozen=True)
class Option:
    name: str
    consumers: list[str]  # the consumers on this side: unblocked by it, or that must change
    says: str


@dataclass(frozen=True)
class Decision:
    title: str
    question: str
    options: list[Option] = field(default_factory=list)
    where: list[str] = field(default_factory=list)  # where each name or need is stated


@dataclass(frozen=True)
class Risk:
    risk: str
    likelihood: str
    impact: str
    consequence: str


@dataclass(frozen=True)
class Approval:
    owners: str
    files: list[str]
    why: list[str]


@dataclass(frozen=True)
class GapLine:
    """One gap as the detail lists it: its symptoms (the claims that failed for it) folded into it."""

    gap: str
    short: str  # a few words, for the downstream impact: "table orders", "GSI CampaignsByStatus"
    consumers: list[str]  # whose claims state it
    action: str
    stated_at: list[str]
    waiver: str = ""  # accepted as risk by this waiver: it blocks nobody
    advisory: bool = False  # stated only by advisory claims: a warning, it blocks nobody

    @property
    def blocks(self) -> list[str]:
        return [] if self.waiver or self.advisory else self.consumers

    @property
    def blocks_text(self) -> str:
        if self.blocks:
            return ", ".join(self.blocks)
        return f"nobody: {'accepted risk' if self.waiver else 'advisory'} ({', '.join(self.consumers)})"


def missing_tables(report: Readiness) -> list[Gap]:
    """The tables missing that block someone (a waived one is accepted risk, decided already)."""
    return [g for g in report.gaps if g.kind is Kind.TABLE and g.cause is Cause.TABLE and g.blocking]


def renamed_gsis(report: Readiness) -> list[Gap]:
    return [g for g in report.gaps if g.kind is Kind.GSI and g.cause is Cause.INDEX and g.closest and g.blocking]


def gap_lines(report: Readiness) -> list[GapLine]:
    """One line per gap; the alarms of one table missing for one reason fold into one line."""
    lines: list[GapLine] = []
    alarms: dict[str, list[Gap]] = {}
    for gap in report.gaps:
        if gap.kind is Kind.ALARM and gap.table and gap.actual.startswith("no alarm") and gap.blocking:
            alarms.setdefault(gap.table, []).append(gap)
            continue
        lines.append(GapLine(gap.describe(), _short(gap), gap.consumers, gap.action or "see the gap", gap.stated_at,
                             gap.waiver, gap.advisory))
    for table, gaps in alarms.items():
        names = ", ".join(g.name or g.subject.split(" ")[0] for g in gaps)
        lines.append(GapLine(f"{len(gaps)} alarms missing on table {table} ({names})", f"{len(gaps)} alarms on {table}",
                             sorted({c for g in gaps for c in g.consumers}),
                             gaps[0].action.split(" alarm: ")[-1].replace(" it ", " them ") if gaps[0].action
                             else "see the gap", _places([place for g in gaps for place in g.stated_at])))
    return sorted(lines, key=lambda line: line.gap)


def _short(gap: Gap) -> str:
    if gap.cause is Cause.TABLE and gap.kind is Kind.TABLE:
        return f"table {gap.table}"
    if gap.cause is Cause.INDEX:
        return f"{gap.kind.value.upper()} {gap.name}"
    if gap.cause is Cause.VAULT:
        return f"backup vault {gap.name}"
    return gap.subject.split(":")[0]


def _places(places: list[str]) -> list[str]:
    """`file:line` places, one per file with its lines in order."""
    lines: dict[str, list[str]] = {}
    for place in places:
        path, _, at = place.partition(":")
        lines.setdefault(path, []).extend(at.split(","))
    return [f"{path}:{','.join(sorted(set(at), key=lambda n: int(n) if n.isdigit() else 0))}"
            for path, at in sorted(lines.items())]


def until(report: Readiness) -> list[str]:
    """What must be true before deploying, in the order the brief gives it."""
    if report.verdict in (Verdict.READY, Verdict.ACCEPTED_RISK):
        return []
    steps = []
    tables = missing_tables(report)
    if tables:
        steps.append(f"Tables {', '.join(sorted(g.table or '' for g in tables))} added, or the architecture revised "
                     "without them (Decision 1)")
    if renamed_gsis(report):
        steps.append("The GSI naming decided and every GSI the consumers use created under it (Decision 2)")
    rows = {"GSIs": standing.gsis(report), "Backups": standing.backups(report)[0]}
    if rows["GSIs"].standing is standing.Standing.FAILING and not renamed_gsis(report):
        steps.append(f"Missing GSIs created: {rows['GSIs'].gap}")
    if any(r.standing is standing.Standing.FAILING for r in standing.backups(report)):
        steps.append("Backup vault and plan configured, every required table covered")
    others = [line.gap for line in gap_lines(report) if line.blocks and not _counted(line.gap, report)]
    if others:
        steps.append(f"The other gaps closed: {'; '.join(others)}")
    if report.not_checked():
        steps.append(f"Every consumer checked in full (not in this run: {', '.join(report.not_checked())})")
    if report.checks.open:
        steps.append(f"The {report.checks.open} checks not verified here verified where they can be (see Not "
                     "verified here)")
    steps.append("Every contract check passing, and the approvals below obtained")
    return steps


def _counted(line: str, report: Readiness) -> bool:
    """Whether `until` already names this gap line (a missing table, a renamed GSI, a backup)."""
    said = {g.describe() for g in (*missing_tables(report), *renamed_gsis(report))}
    naming = bool(renamed_gsis(report)) and line.startswith("index names")
    return line in said or naming or line.startswith("backup vault") or (
        line.startswith("GSI ") and standing.gsis(report).standing is standing.Standing.FAILING
        and not renamed_gsis(report))


def decisions(report: Readiness) -> list[Decision]:
    found = []
    tables = missing_tables(report)
    if tables:
        names = sorted(g.table or "" for g in tables)
        needing = sorted({c for g in tables for c in g.consumers})
        others = sorted(c for c in report.consumers if c not in needing)
        kept = sorted({t for t in report.matrix.needs if "." not in t} - set(names))
        found.append(Decision(
            f"Missing tables: {', '.join(names)}",
            f"Add {' and '.join(names)} to the desired state, or revise the architecture to a {len(kept)}-table "
            f"design ({', '.join(kept)})?",
            [Option("A: add the tables", needing, "unblocks these; the platform team adds them ("
                    + ", ".join(f for g in tables for f in FILE.findall(g.action)) + ")"),
             Option(f"B: revise to {len(kept)} tables", others,
                    f"deployable for these as they stand; {', '.join(needing)} must change their contracts "
                    "and code")],
            [place for g in tables for place in g.stated_at[:1]]))
    renamed = renamed_gsis(report)
    if renamed:
        found.append(Decision(
            "GSI naming",
            "Which name does each GSI go by: the one the consumers query, or the one the stack defines?",
            [Option(f"A: the consumers' names ({', '.join(g.name or '' for g in renamed)})",
                    sorted({c for g in renamed for c in g.consumers}), "the desired state renames its GSIs"),
             Option(f"B: the stack's names ({', '.join(g.closest or '' for g in renamed)})",
                    sorted({c for g in renamed for c in g.consumers}), "each consumer changes its queries and "
                    "its contract")],
            [f"{g.name} / {g.closest}: {g.stated_at[0]}" for g in renamed if g.stated_at]))
    return found


def working_well(report: Readiness) -> list[str]:
    """Every area that passed, stated: what holds, and the consumers ready."""
    settings = report.settings
    areas = {"Tables": standing.tables(report), "GSIs": standing.gsis(report),
             "Backup vault": standing.vault(report), "Backup plans": standing.plans(report),
             "Point-in-time recovery": standing.claims(report, settings.pitr),
             "Streams": standing.claims(report, settings.stream),
             "Encryption": standing.claims(report, settings.encryption),
             "Alarms": standing.claims(report, settings.alarms),
             "Lambda role permissions": standing.claims(report, settings.permissions)}
    said = [f"{name}: every claim holds" for name, row in areas.items() if row.standing is standing.Standing.HOLDS]
    for name, counts in (("Point-in-time recovery", settings.pitr), ("Streams", settings.stream),
                         ("Encryption", settings.encryption), ("Alarms", settings.alarms)):
        passed = counts.get("passed", 0)
        if passed and areas[name].standing is not standing.Standing.HOLDS:
            said.append(f"{name}: {passed} claim{'s' if passed > 1 else ''} verified on the tables that exist")
    present = report.counts.tables.actual
    if present and report.missing["tables"]:
        found = sorted({t for t in report.matrix.needs if "." not in t} - set(report.missing["tables"]))
        said.append(f"Tables present: {', '.join(found)}")
    ready = [c for c, s in report.consumers.items() if s.status is ConsumerState.READY]
    if ready:
        said.append(f"Consumers ready: {', '.join(ready)}")
    accepted = [c for c, s in report.consumers.items() if s.status is ConsumerState.ACCEPTED_RISK]
    if accepted:
        said.append(f"Consumers ready with accepted risk (see Accepted risk): {', '.join(accepted)}")
    return said or ["Nothing verified holds in full yet."]


def risks(report: Readiness) -> list[Risk]:
    found = []
    for gap in missing_tables(report):
        found.append(Risk(f"{', '.join(gap.consumers)} fail", "HIGH", "CRITICAL",
                          f"table {gap.table} does not exist: every call to it fails"))
    renamed = renamed_gsis(report)
    if renamed:
        found.append(Risk("Query failures", "HIGH", "HIGH",
                          f"{', '.join(sorted({c for g in renamed for c in g.consumers}))} query GSIs the stack "
                          f"names otherwise ({', '.join(g.name or '' for g in renamed)})"))
    if any(r.standing is standing.Standing.FAILING for r in standing.backups(report)):
        backup = (Kind.BACKUP_VAULT, Kind.BACKUP_COVERAGE)
        uncovered = sorted({c for g in report.gaps if g.kind in backup for c in g.consumers})
        found.append(Risk("No backup or recovery", "HIGH", "CRITICAL",
                          "data loss if a table is corrupted or deleted" +
                          (f" (tables of {', '.join(uncovered)})" if uncovered else "")))
    if standing.claims(report, report.settings.alarms).standing is standing.Standing.FAILING:
        found.append(Risk("Failures unnoticed", "MEDIUM", "HIGH", "throttling and errors raise no alarm"))
    if report.checks.open:
        found.append(Risk("Unverified checks", "UNKNOWN", "UNKNOWN",
                          f"{report.checks.open} checks could not be verified on {report.backend}"))
    return found


def approvals(report: Readiness, codeowners: Codeowners) -> list[Approval]:
    """The CODEOWNERS owners of each file a gap must change (named in its action; for a GSI under two names,
    the consumers' contracts stating it too)."""
    files: dict[str, set[str]] = {}
    for gap in report.gaps:
        named = FILE.findall(gap.action)
        if gap.closest:
            named += [place.split(":")[0] for place in gap.stated_at]
        for path in named:
            files.setdefault(path, set()).add(gap.describe())
    by_owners: dict[str, Approval] = {}
    for path, why in sorted(files.items()):
        owners = " ".join(codeowners.of(path)) or "no owner in CODEOWNERS"
        held = by_owners.setdefault(owners, Approval(owners, [], []))
        held.files.append(path)
        held.why.extend(w for w in sorted(why) if w not in held.why)
    return list(by_owners.values())
