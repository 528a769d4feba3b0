"""How each key finding of the readiness report stands: one source for its Gap column and the success criteria.

The key findings say, per check (tables, GSIs, backups, each setting), what is expected, what is there and
the gap; the success criteria tick a box per check. Both come from the `Row` computed here from the same
counts, names and gaps, so the report cannot say "GSIs 8 expected, 6 actual" and tick "All GSIs created".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from ..results.findings import Cause, Kind
from .model import TABLE_MISSING, Count, Gap, Readiness, Unseen


class Standing(StrEnum):
    HOLDS = "holds"  # verified and holding
    FAILING = "failing"  # something listed in the Gap column is wrong or missing
    OPEN = "open"  # nothing wrong found, but not verified here (not read, unverifiable, not run)
    NOT_REQUIRED = "not required"  # no contract states it


@dataclass(frozen=True)
class Row:
    standing: Standing
    parts: list[str] = field(default_factory=list)  # what the Gap column lists
    note: str = ""  # why it is open, for the criterion: "not verifiable on moto"

    @property
    def gap(self) -> str:
        return "; ".join(self.parts) or "none"

    @property
    def done(self) -> bool:
        return self.standing is Standing.HOLDS


def unknown(report: Readiness) -> str:
    """Why an actual value is missing: the environment was not read, or this backend cannot tell."""
    return "not read in this run" if not report.read else f"not verifiable on {report.backend}"


def _named(count: int, what: str, names: Iterable[str]) -> str:
    return f"{count} {what} ({', '.join(names)})"


def _not_known(names: dict[str, list[str]]) -> str:
    """What is required, not read, and may be defined by what the source could not read: never "missing"."""
    return f"{len(names)} not known here ({Unseen.could(names)})"


def _inventory(report: Readiness, count: Count, missing: list[str], inactive: list[str], extra: list[str],
               gaps: list[Gap], explained: set[str], why_missing: Iterable[str] = (),
               unseen: dict[str, list[str]] | None = None) -> Row:
    """Tables or GSIs: what is missing, not known here, not ACTIVE yet, not in any contract, and any other gap."""
    parts = []
    if missing:
        parts.append(f"{len(missing)} missing ({'; '.join([', '.join(missing), *why_missing])})")
    if unseen:
        parts.append(_not_known(unseen))
    if inactive:
        parts.append(_named(len(inactive), "not ACTIVE yet", inactive))
    others = [g.describe() for g in gaps if g.describe() not in explained]
    if others:
        parts.append(_named(len(others), "failing", others))
    if extra:  # not in any contract: wrong only where a claim says so (an exact set), shown either way
        parts.append(_named(len(extra), "not in any contract", extra))
    if missing or inactive or gaps:
        return Row(Standing.FAILING, parts)
    if unseen:
        return Row(Standing.OPEN, parts, f"{len(unseen)} not known on {report.backend}")
    if count.actual is None:
        return Row(Standing.OPEN, parts, unknown(report))
    return Row(Standing.HOLDS, parts)


def _waived(names: list[str], waived: set[str]) -> list[str]:
    """A missing name whose gap is accepted as risk stays listed, said to be waived."""
    return [f"{name} (waived)" if name in waived else name for name in names]


def tables(report: Readiness) -> Row:
    missing = report.missing["tables"]
    waived = {g.table or "" for g in report.accepted() if g.kind is Kind.TABLE}
    gaps = [g for g in report.gaps if g.kind in (Kind.TABLE, Kind.TABLE_SET)]
    inactive_names = {entry.split(" ")[0] for entry in report.inactive_tables}
    explained = {g.describe() for g in gaps if g.kind is Kind.TABLE and (
        (g.cause is Cause.TABLE and g.table in missing) or g.table in inactive_names)}
    if missing or report.unexpected["tables"]:
        explained |= {g.describe() for g in gaps if g.kind is Kind.TABLE_SET}
    return _inventory(report, report.counts.tables, _waived(missing, waived), report.inactive_tables,
                      report.unexpected["tables"], gaps, explained, unseen=report.unknown.tables)


def gsis(report: Readiness) -> Row:
    missing = report.missing["gsis"]
    gaps = [g for g in report.gaps if g.kind in (Kind.GSI, Kind.GSI_SET)]
    inactive_names = {entry.split(" ")[0] for entry in report.inactive_gsis}
    explained = {g.describe() for g in gaps if g.kind is Kind.GSI and (
        f"{g.table}.{g.name}" in missing or f"{g.table}.{g.name}" in inactive_names)}
    if missing or report.unexpected["gsis"]:
        explained |= {g.describe() for g in gaps if g.kind is Kind.GSI_SET}
    gone = sorted({m.split(".")[0] for m in missing} & set(report.missing["tables"]))
    waived = {f"{g.table}.{g.name}" for g in report.accepted() if g.kind is Kind.GSI}
    return _inventory(report, report.counts.gsis, _waived(missing, waived), report.inactive_gsis,
                      report.unexpected["gsis"], gaps, explained,
                      [f"table {t} is missing" for t in gone], report.unknown.gsis)


def claims(report: Readiness, counts: dict[str, int]) -> Row:
    """A setting checked by claims (PITR, streams, encryption, coverage, permissions, alarms, cost): by outcome."""
    if not counts:
        return Row(Standing.NOT_REQUIRED, note="no contract states it")
    parts = []
    if counts.get("failed"):
        parts.append(f"{counts['failed']} failing")
    if counts.get(TABLE_MISSING):
        n = counts[TABLE_MISSING]
        parts.append(f"{n} on {'a missing table' if n == 1 else 'missing tables'} (see Tables)")
    open_parts = []
    if counts.get("unverifiable"):
        open_parts.append(f"{counts['unverifiable']} not verifiable on {report.backend}")
    if counts.get("not run"):
        open_parts.append(f"{counts['not run']} not checked here")
    if parts:
        return Row(Standing.FAILING, parts + open_parts)
    if open_parts:
        return Row(Standing.OPEN, open_parts, ", ".join(open_parts))
    return Row(Standing.HOLDS)


def vault(report: Readiness) -> Row:
    wanted, found, unseen = report.vaults_expected, report.vaults_actual, report.unknown.vaults
    missing = [] if found is None else [v for v in wanted if v not in found and v not in unseen]
    by_claims = claims(report, report.settings.backup_vault)
    vault_gaps = [g for g in report.gaps if g.kind is Kind.BACKUP_VAULT]
    if missing:
        return Row(Standing.FAILING, [f"missing ({', '.join(missing)})"])
    if vault_gaps or by_claims.standing is Standing.FAILING:
        return Row(Standing.FAILING, by_claims.parts or [g.describe() for g in vault_gaps])
    if unseen:
        return Row(Standing.OPEN, [f"not known here ({Unseen.could(unseen)})"], f"not known on {report.backend}")
    if by_claims.standing is Standing.OPEN:
        return by_claims
    if found is None and wanted:
        return Row(Standing.OPEN, [], unknown(report))
    return Row(Standing.HOLDS if wanted or by_claims.done else Standing.NOT_REQUIRED)


def plans(report: Readiness) -> Row:
    count = report.counts.backup_plans
    if count.actual is None:
        return Row(Standing.OPEN if count.expected else Standing.NOT_REQUIRED, [], unknown(report))
    if count.actual < count.expected and report.unknown.backup_plans:
        could = "; ".join(report.unknown.backup_plans)
        return Row(Standing.OPEN, [f"{count.expected - count.actual} not known here ({could} could define them)"],
                   f"not known on {report.backend}")
    if count.actual < count.expected:
        return Row(Standing.FAILING, [f"{count.expected - count.actual} missing"])
    return Row(Standing.HOLDS if count.expected else Standing.NOT_REQUIRED)


def backups(report: Readiness) -> list[Row]:
    """The rows behind "Backup vault configured and every table covered by a plan"."""
    return [vault(report), plans(report), claims(report, report.settings.backup_coverage)]
