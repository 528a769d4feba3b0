"""What a run found that CI should point at, each once, with where it is: the readiness report's gaps.

One problem per gap, never per symptom: the four claims a missing GSI fails are one gap (`steps.report.build`
groups them), placed where its fix goes (the Terraform `file:line` or the `contracts/` file the gap's action
names), else at the feature line of its first claim; its message names every consumer it blocks and every
line that needs it. A scenario that failed with no failed claim (a step raised) is a problem at its line; a waiver
past its date is one at its line of contracts/ (what it covered blocks again, as its own gap).
A warning (a role granted more than it needs) is one, not blocking; claims that could not be verified here or
were not run are notes, one per check kind and reason. Annotations and SARIF are both written from these.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum

from ..report.build import build_source
from ..report.model import Gap
from ..results.findings import Finding, Kind, Outcome
from ..results.run import RunResults, SourceResults
from ..results.scenarios import ScenarioResult
from .places import Place, Places

SCENARIO_RULE = "scenario"  # a scenario that failed with no failed claim: a step raised, or its cleanup failed
WAIVER_RULE = "waiver"  # a waiver past its date, at its line of contracts/: what it covered blocks again
_EXPIRED = re.compile(r"^(?P<file>.+?):(?P<line>[0-9]+): (?P<what>.*)$", re.DOTALL)


class Level(StrEnum):
    ERROR = "error"  # blocks: a gap
    WARNING = "warning"  # holds, but should not be so; blocks nothing
    NOTE = "note"  # could not be verified here, or not run: check it where it can be


@dataclass(frozen=True)
class Problem:
    level: Level
    rule: str  # the check kind (a `Kind` value), or SCENARIO_RULE
    title: str
    message: str
    place: Place | None  # where the fix goes; None only when nothing the run read says where
    related: tuple[Place, ...] = ()  # the feature lines of the claims that need it
    consumers: tuple[str, ...] = ()  # those it blocks (an error), or whose claims it is about
    source: str = ""  # the source of observed state (live, schema, terraform, plan) when the run had several
    identity: str = ""  # the same problem in another run (lines may move): for code scanning's fingerprints
    count: int = 1  # the claims it stands for


def problems(run: RunResults, places: Places) -> list[Problem]:
    """The run's problems, errors first, then warnings, then notes (GitHub shows only the first few of each)."""
    several = len(run.sources) > 1
    found: list[Problem] = []
    for source in run.sources:
        label = source.name if several else ""
        readiness = build_source(run, source)
        found += _folded([_gap(gap, places, label, run.environment) for gap in readiness.gaps], readiness.gaps)
        found += _failed_scenarios(source, places, label)
        found += _warnings(source, places, label)
        found += _open(source, places, label)
    found += _expired(run, places)
    order = {Level.ERROR: 0, Level.WARNING: 1, Level.NOTE: 2}
    return sorted(found, key=lambda p: order[p.level])


SETS = {Kind.TABLE_SET.value: Kind.TABLE.value, Kind.GSI_SET.value: Kind.GSI.value}


def _folded(found: list[Problem], gaps: list[Gap]) -> list[Problem]:
    """A set's gap ("GSIs of table orders: missing OrdersByUser") is a symptom of the missing index's gap when it
    says nothing more (no name found that is not expected: `Gap.unexpected`) and its fix goes at the same place:
    one annotation, not two."""
    kept = []
    for problem, gap in zip(found, gaps, strict=True):
        member = SETS.get(problem.rule)
        if member is not None and not gap.unexpected and any(
                other.rule == member and other.place == problem.place and problem.place is not None
                for other in found):
            continue
        kept.append(problem)
    return kept


def _expired(run: RunResults, places: Places) -> list[Problem]:
    """Each expired waiver, an error at its `file:line` (`contracts/waivers.yaml:2: this waiver expired on ...`)."""
    found = []
    for text in run.expired_waivers:
        located = _EXPIRED.match(text)
        place = places.find(located["file"], int(located["line"])) if located else None
        what = located["what"] if located else text
        found.append(Problem(Level.ERROR, WAIVER_RULE, "waiver expired", _sentence(what), place,
                             identity=_identity(WAIVER_RULE, located["file"] if located else None,
                                                what.split(" (today is ", 1)[0])))
    return found


def _identity(*parts: str | None) -> str:
    return hashlib.sha256("\x1f".join(p or "" for p in parts).encode("utf-8")).hexdigest()[:32]


def _prefix(label: str) -> str:
    return f"[{label}] " if label else ""


def _gap(gap: Gap, places: Places, label: str, environment: str) -> Problem:
    needed = [place for stated in gap.stated_at for place in places.lines(stated)]
    place = places.first(gap.action, gap.reason, gap.actual) or (needed[0] if needed else None)
    blocks = (f"Accepted risk, blocking nothing ({', '.join(gap.consumers)}): {gap.waiver}." if gap.waiver else
              f"Advisory ({', '.join(gap.consumers)}): a warning, blocking nothing." if gap.advisory else
              f"Blocks {', '.join(gap.consumers)}." if gap.consumers else "")
    lines = [blocks,
             f"Expected {gap.expected}; found {gap.actual}.",
             _sentence(gap.reason), _sentence(gap.action),
             f"Needed at {'; '.join(gap.stated_at)}." if gap.stated_at else ""]
    mark = "accepted risk: " if gap.waiver else "advisory: " if gap.advisory else ""
    level = Level.ERROR if gap.blocking else Level.WARNING
    return Problem(level, gap.kind.value, _prefix(label) + mark + gap.describe(), "\n".join(filter(None, lines)),
                   place, tuple(needed), tuple(gap.consumers), label,
                   _identity(environment, label, gap.kind.value, gap.table, gap.name, gap.subject))


def _sentence(text: str) -> str:
    text = text.strip()
    return "" if not text else text[0].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _step(scenario: ScenarioResult, finding: Finding, places: Places) -> Place | None:
    """Where a claim is stated: its scenario's feature, at its step's line (else the scenario's own)."""
    file = scenario.where.rpartition(":")[0]
    if file and finding.line:
        return places.find(file, finding.line)
    return _scenario(scenario, places)


def _scenario(scenario: ScenarioResult, places: Places) -> Place | None:
    file, _, line = scenario.where.rpartition(":")
    return places.find(file, int(line)) if file and line.isdigit() else None


def _scenarios(source: SourceResults) -> list[ScenarioResult]:
    """In the order of the features (under xdist, results come in the order the workers finish)."""
    return sorted(source.results.scenarios, key=lambda s: (s.where.rpartition(":")[0], _line(s.where), s.nodeid))


def _line(where: str) -> int:
    line = where.rpartition(":")[2]
    return int(line) if line.isdigit() else 0


def _failed_scenarios(source: SourceResults, places: Places, label: str) -> list[Problem]:
    return [Problem(Level.ERROR, SCENARIO_RULE, f"{_prefix(label)}scenario failed: {s.name}",
                    f"Blocks {s.consumer}. {s.title} {s.outcome.value} with no failed claim: a step raised or its "
                    "cleanup failed; pytest's output says why.", _scenario(s, places), (), (s.consumer,), label,
                    _identity(label, SCENARIO_RULE, s.consumer, s.name))
            for s in _scenarios(source) if s.outcome.failed and not any(f.failed for f in s.findings)]


def _warnings(source: SourceResults, places: Places, label: str) -> list[Problem]:
    found: dict[str, list[tuple[ScenarioResult, Finding]]] = defaultdict(list)
    for scenario in _scenarios(source):
        for f in sorted(scenario.findings, key=lambda f: f.line or 0):
            if f.warning:
                found[f.warning].append((scenario, f))
    problems = []
    for warning, claims in sorted(found.items()):
        scenario, first = claims[0]
        consumers = tuple(sorted({s.consumer for s, _ in claims}))
        problems.append(Problem(Level.WARNING, first.kind.value, f"{_prefix(label)}not blocking: {first.subject}",
                                _sentence(warning), places.first(warning) or _step(scenario, first, places),
                                tuple(p for s, f in claims if (p := _step(s, f, places))), consumers, label,
                                _identity(label, first.kind.value, warning)))
    return problems


def _open(source: SourceResults, places: Places, label: str) -> list[Problem]:
    """Claims unverifiable here or not run, one note per check kind and reason (and waiver: an unknown in the input
    a waiver covers is accepted risk, and says by whom, why and until when)."""
    found: dict[tuple[str, Outcome, str, str], list[tuple[ScenarioResult, Finding]]] = defaultdict(list)
    for scenario in _scenarios(source):
        for f in sorted(scenario.findings, key=lambda f: f.line or 0):
            if f.outcome in (Outcome.UNVERIFIABLE, Outcome.NOT_RUN):
                found[(f.kind.value, f.outcome, f.reason, f.waiver)].append((scenario, f))
    problems = []
    for (kind, outcome, reason, waiver), claims in sorted(found.items()):
        scenario, first = claims[0]
        consumers = tuple(sorted({s.consumer for s, _ in claims}))
        stated = tuple(p for s, f in claims if (p := _step(s, f, places)))
        what = "unverifiable here" if outcome is Outcome.UNVERIFIABLE else "not run here"
        count = f"{len(claims)} claim{'s' if len(claims) > 1 else ''}"
        accepted = f"\nAccepted risk: {waiver}." if waiver else ""
        problems.append(Problem(
            Level.NOTE, kind, f"{_prefix(label)}{'accepted risk: ' if waiver else ''}{count} {what}: {kind}",
            f"{_sentence(reason)}\n{count} of {', '.join(consumers)} ({first.subject}"
            f"{' and others' if len(claims) > 1 else ''}); not a pass: check them where they can be.{accepted}",
            places.first(reason) or (stated[0] if stated else None), stated, consumers, label,
            _identity(label, kind, outcome.value, reason, *([waiver] if waiver else [])), len(claims)))
    return problems
