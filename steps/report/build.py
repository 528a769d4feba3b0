"""The readiness assessment, computed from one run's plain results (`steps.results.run`).

Expected counts come from what the contracts require: every table, GSI, vault and backup plan
stated anywhere in features/, not only in the scenarios this run selected. Actual counts come
from the environment as read. Gaps are the failed claims, each with the consumers it blocks and
who must act. A consumer any of whose scenarios was not checked in this run (deselected, skipped,
not collected) is "not checked".

The verdict is READY only when every consumer was checked in full and every claim was verified
and holds; BLOCKED when any gap, difference from the desired state or unchecked consumer remains;
UNVERIFIED when nothing is wrong but some claims could not be verified here (run them on AWS).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict

from ..results.environment import EnvironmentSummary
from ..results.expected import Requirements
from ..results.findings import Cause, Finding, Kind, NotRun, Outcome
from ..results.run import RunResults, SourceResults
from ..results.scenarios import Results, ScenarioResult
from .matrix import build_matrix, needs_of
from .model import (
    TABLE_MISSING,
    ConsumerState,
    ConsumerStatus,
    Count,
    Counts,
    Disagreement,
    Gap,
    Readiness,
    Settings,
    SideBySide,
    Tally,
    Unseen,
    Unverified,
    Verdict,
    VerifiedWhere,
)

NOT_CHECKED_REASON = "not checked in this run: deselected (-m, -k), skipped or not collected"
GapKey = tuple[Kind, str, str, str]


def _gap_key(f: Finding) -> GapKey:
    """Claims that failed for one missing table, index or vault share that one gap."""
    if f.cause is Cause.TABLE:
        return (Kind.TABLE, f.table or "", "", f"table {f.table}")
    if f.cause is Cause.INDEX:
        kind = Kind.LSI if f.kind is Kind.LSI else Kind.GSI
        return (kind, f.table or "", f.name or "", f"{kind.value.upper()} {f.name} of table {f.table}")
    if f.cause is Cause.VAULT:
        return (Kind.BACKUP_VAULT, "", f.name or "", f"backup vault {f.name}")
    return (f.kind, f.table or "", f.name or "", f.subject)


def _key_of(gap: Gap) -> GapKey:
    return (gap.kind, gap.table or "", gap.name or "", gap.subject)


def _gaps(results: Results, environment: str) -> list[Gap]:
    grouped: dict[GapKey, list[tuple[ScenarioResult, Finding]]] = defaultdict(list)
    for scenario in results.scenarios:
        for f in scenario.findings:
            if f.outcome is Outcome.FAILED:
                grouped[_gap_key(f)].append((scenario, f))
    gaps = []
    for (kind, table, name, subject), found in sorted(grouped.items(), key=lambda item: (item[0][0].value,
                                                                                          *item[0][1:])):
        # The claim that is about the gap itself says it best (the table's own "must exist").
        best = next((f for _, f in found if f.kind is kind and f.cause is not None), found[0][1])
        cause = next((f.cause for _, f in found if f.cause is not None), None)
        action = next((f.action for _, f in found if f.action), "") or _default_action(cause, environment)
        stated = _lines([_line_of(s, f) for s, f in found])
        waived = "; ".join(dict.fromkeys(f.waiver for _, f in found)) if all(f.waiver for _, f in found) else ""
        gaps.append(Gap(kind, name or None, table or None, best.expected, best.actual,
                        sorted({s.consumer for s, _ in found}), best.reason, best.closest, subject, cause, action,
                        stated, next((f.change for _, f in found if f.change), None), waived,
                        all(f.advisory or f.waiver for _, f in found) and any(f.advisory for _, f in found),
                        list(best.unexpected_names)))
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


def _default_action(cause: Cause | None, environment: str) -> str:
    """What closes a gap whose thing the desired state defines but the environment lacks: provisioning it."""
    if cause is None:
        return ""
    return (f"the platform team: provision {environment} from the desired state "
            f"(`dynamo-contracts apply --env {environment}`)")


def _consumers(results: Results, gaps: list[Gap], requirements: Requirements) -> dict[str, ConsumerStatus]:
    grouped = results.by_consumer()
    statuses = {}
    for consumer in sorted(set(grouped) | set(requirements.scenarios)):
        scenarios = [s for s in grouped.get(consumer, []) if s.checked]
        total = max(requirements.scenarios.get(consumer, 0), len(scenarios))
        failed = sorted(s.title for s in scenarios if s.outcome.failed)
        mine = [f for s in scenarios for f in s.findings if f.failed]
        blocks = {_gap_key(f) for f in mine if f.blocking}
        waived = {_gap_key(f): f.waiver for f in mine if f.waiver}
        blocking = [g.describe() for g in gaps if consumer in g.consumers and _key_of(g) in blocks]
        accepted = [f"{g.describe()}: {waived[_key_of(g)]}" for g in gaps
                    if consumer in g.consumers and _key_of(g) in waived and _key_of(g) not in blocks]
        if failed:
            status = ConsumerState.BLOCKED
        elif len(scenarios) < total:  # deselected, skipped or not collected: not checked, whatever else ran
            status = ConsumerState.NOT_CHECKED
        elif any(f.outcome in (Outcome.UNVERIFIABLE, Outcome.NOT_RUN) for s in scenarios for f in s.findings):
            status = ConsumerState.UNVERIFIED
        else:
            status = ConsumerState.ACCEPTED_RISK if accepted else ConsumerState.READY
        statuses[consumer] = ConsumerStatus(status, failed, blocking, len(scenarios), total, accepted)
    return statuses


def _where(finding: Finding) -> VerifiedWhere:
    if finding.input_unknown:
        return VerifiedWhere.INPUT
    if finding.outcome is Outcome.UNVERIFIABLE:
        return VerifiedWhere.AWS
    return {NotRun.READ_ONLY: VerifiedWhere.WITHOUT_READ_ONLY, NotRun.STATIC_SOURCE: VerifiedWhere.LIVE,
            NotRun.NO_ROLE: VerifiedWhere.ROLE_DECLARED}.get(finding.not_run or NotRun.WRITES_NOT_ALLOWED,
                                                            VerifiedWhere.WRITABLE)


def _unverified(results: Results, requirements: Requirements) -> list[Unverified]:
    """What was not verified: claims unverifiable here or not run, then consumers not checked in full."""
    found = {(f.subject, f"{f.reason}; accepted as risk, {f.waiver}" if f.waiver else f.reason): _where(f)
             for f in results.findings()
             if f.outcome in (Outcome.UNVERIFIABLE, Outcome.NOT_RUN)}
    listed = [Unverified(check, reason, where) for (check, reason), where in sorted(found.items())]
    grouped = results.by_consumer()
    for consumer, total in sorted(requirements.scenarios.items()):
        checked = sum(1 for s in grouped.get(consumer, []) if s.checked)
        if checked < total:
            listed.append(Unverified(f"{total - checked} of {total} scenarios of {consumer}", NOT_CHECKED_REASON,
                                     VerifiedWhere.FULL_RUN))
    return listed


SETTING_KINDS = {"pitr": (Kind.PITR,), "stream": (Kind.STREAM,), "encryption": (Kind.ENCRYPTION,),
                 "backup_vault": (Kind.BACKUP_VAULT,), "backup_coverage": (Kind.BACKUP_COVERAGE, Kind.BACKUP_PLAN),
                 "alarms": (Kind.ALARM,), "cost": (Kind.COST,),
                 "permissions": (Kind.PERMISSION,)}


def _settings(findings: list[Finding]) -> Settings:
    """Claims per setting and outcome; those failing only because a table is missing count under tables."""
    result: dict[str, dict[str, int]] = {}
    for name, kinds in SETTING_KINDS.items():
        counts: dict[str, int] = defaultdict(int)
        for f in findings:
            if f.kind in kinds:
                counts[TABLE_MISSING if f.cause is Cause.TABLE else f.outcome.value] += 1
        result[name] = dict(sorted(counts.items()))
    return Settings(**result)


def _tally(findings: list[Finding]) -> Tally:
    counted = {o: sum(1 for f in findings if f.outcome is o) for o in Outcome}
    return Tally(counted[Outcome.PASSED], counted[Outcome.FAILED], counted[Outcome.UNVERIFIABLE],
                 counted[Outcome.NOT_RUN])


def _counts(observed: EnvironmentSummary | None, requirements: Requirements) -> Counts:
    plans = None if observed is None or observed.backup_plans is None else len(observed.backup_plans)
    return Counts(Count(len(requirements.tables), None if observed is None else len(observed.tables)),
                  Count(len(requirements.gsis), None if observed is None else sum(map(len, observed.gsis.values()))),
                  Count(len(requirements.plans), plans))


def _verdict(consumers: dict[str, ConsumerStatus], gaps: list[Gap], unverified: list[Unverified]) -> Verdict:
    """READY only with nothing wrong and nothing unchecked; BLOCKED by any gap no waiver accepts or any consumer not
    checked in full; READY WITH ACCEPTED RISK when all is verified and every gap is waived."""
    states = {s.status for s in consumers.values()}
    if any(g.blocking for g in gaps) or {ConsumerState.BLOCKED, ConsumerState.NOT_CHECKED} & states or not consumers:
        return Verdict.BLOCKED
    if unverified or ConsumerState.UNVERIFIED in states:
        return Verdict.UNVERIFIED
    if any(g.waiver for g in gaps) or ConsumerState.ACCEPTED_RISK in states:
        return Verdict.ACCEPTED_RISK
    return Verdict.READY


def _unexpected(observed: EnvironmentSummary | None, requirements: Requirements) -> dict[str, list[str]]:
    if observed is None:
        return {"tables": [], "gsis": []}
    return {"tables": sorted(set(observed.tables) - requirements.tables),
            "gsis": sorted(f"{t}.{i}" for t, names in observed.gsis.items() for i in names
                           if (t, i) not in requirements.gsis)}


def _missing(observed: EnvironmentSummary | None, requirements: Requirements,
             gaps: list[Gap]) -> dict[str, list[str]]:
    """What the contracts require that is not there (and that nothing the source could not read may define);
    without a reading, what this run's claims found missing."""
    if observed is None:
        return {"tables": sorted({g.table for g in gaps if g.kind is Kind.TABLE and g.table}),
                "gsis": sorted({f"{g.table}.{g.name}" for g in gaps if g.kind is Kind.GSI})}
    return {"tables": sorted(requirements.tables - set(observed.tables) - set(observed.unknown_tables)),
            "gsis": sorted(f"{t}.{i}" for t, i in requirements.gsis if i not in observed.gsis.get(t, [])
                           and f"{t}.{i}" not in observed.unknown_gsis)}


def _unseen(observed: EnvironmentSummary | None) -> Unseen:
    if observed is None:
        return Unseen()
    return Unseen(observed.unknown_tables, observed.unknown_gsis, observed.unknown_vaults, observed.unknown_plans)


def fold_missing_tables(results: Results) -> Results:
    """A missing table's settings are not gaps of their own: the table is. Every failed claim about a table some
    claim found missing (the plan's "turn point-in-time recovery on for table orders-moto" beside its "create
    table orders-moto") counts as failing for that, under the table's one gap."""
    missing = {f.table for f in results.findings() if f.failed and f.cause is Cause.TABLE and f.table}
    if not missing:
        return results

    def folded(f: Finding) -> Finding:
        return dataclasses.replace(f, cause=Cause.TABLE) if f.failed and f.cause is None and f.table in missing else f

    return Results([dataclasses.replace(s, findings=tuple(folded(f) for f in s.findings)) for s in results.scenarios])


def build_source(run: RunResults, source: SourceResults) -> Readiness:
    """The assessment of one source's results against everything the contracts in features/ require."""
    results, observed, requirements = fold_missing_tables(source.results), source.observed, run.requirements
    findings = results.findings()
    gaps = _gaps(results, run.environment)
    consumers = _consumers(results, gaps, requirements)
    unverified = _unverified(results, requirements)
    return Readiness(run.environment, source.backend, _verdict(consumers, gaps, unverified), run.generated_at,
                     _counts(observed, requirements), gaps, consumers, unverified, _tally(findings),
                     _settings(findings), sorted(run.expected_vaults), None if observed is None else observed.vaults,
                     _unexpected(observed, requirements), _missing(observed, requirements, gaps),
                     [] if observed is None else list(observed.inactive_tables),
                     [] if observed is None else list(observed.inactive_gsis), read=observed is not None,
                     warnings=sorted({f.warning for f in findings if f.warning} | {
                         f"advisory, failing: {f.message()}" for f in findings if f.failed and f.advisory
                         and not f.waiver}), unknown=_unseen(observed),
                     notes=[] if observed is None else list(observed.notes),
                     matrix=build_matrix(results, needs_of(set(requirements.tables), set(requirements.gsis)),
                                         {c: s.status is not ConsumerState.NOT_CHECKED for c, s in consumers.items()}),
                     cost=_cost(findings), expired_waivers=list(run.expired_waivers))


def _cost(findings: list[Finding]) -> list[str]:
    """What the cost claims found against the budget, in a sentence each: the report's cost against the budget."""
    said = {Outcome.PASSED: "within the budget", Outcome.FAILED: "over the budget"}
    return [f"{f.subject}: {f.actual}, " + (f"{said[f.outcome]} ({f.expected})" if f.outcome in said
                                              else f"not verified: {f.reason}")
            for f in findings if f.kind is Kind.COST]


def build(run: RunResults) -> Readiness | SideBySide:
    """The assessment of a run: of its one source, or of several side by side with where they disagree."""
    if not run.sources:
        raise ValueError("these results hold no source: nothing was checked")
    if len(run.sources) == 1:
        return build_source(run, run.sources[0])
    return SideBySide(run.environment, run.generated_at, {s.name: build_source(run, s) for s in run.sources},
                      {s.name: s.origin for s in run.sources if s.origin}, disagreements(run.sources))


def disagreements(sources: list[SourceResults]) -> list[Disagreement]:
    """What the sources hold differently: tables, each table's GSIs, vaults, plans (among those that could tell)."""
    read = [s for s in sources if s.observed is not None]
    found = []

    def compare(what: str, held: dict[str, list[str]]) -> None:
        if len({tuple(sorted(v)) for v in held.values()}) > 1:
            found.append(Disagreement(what, {label: sorted(v) for label, v in held.items()}))

    compare("tables", {s.name: s.observed.tables for s in read if s.observed})
    tables = sorted({t for s in read if s.observed for t in s.observed.tables})
    for table in tables:
        compare(f"GSIs of table {table}", {s.name: s.observed.gsis.get(table, []) for s in read
                                           if s.observed and table in s.observed.tables})
    compare("backup vaults", {s.name: s.observed.vaults for s in read if s.observed and s.observed.vaults is not None})
    compare("backup plans", {s.name: s.observed.backup_plans for s in read
                             if s.observed and s.observed.backup_plans is not None})
    return found
