"""Checks over the whole environment: exact name sets, exact counts, the naming convention.

A missing name in an exact set yields its own failed finding as well (kind table or gsi), so
the readiness report can list each gap and the consumers it blocks.
"""

from __future__ import annotations

import dataclasses

from ...provision.desired.naming import follows_convention
from ...provision.observed.state import Unknowable, Unverifiable
from ..results.findings import Finding, Kind, Outcome, unknown_of, verdict
from .indexes import GSI, index_exists
from .tables import missing_table, table_exists
from .target import Target


def _difference(expected: set[str], actual: set[str]) -> str:
    parts = []
    if expected - actual:
        parts.append(f"missing {', '.join(sorted(expected - actual))}")
    if actual - expected:
        parts.append(f"not expected {', '.join(sorted(actual - expected))}")
    return "; ".join(parts)


def _outcome(actual: set[str], wanted: set[str], must: bool, hidden: Unverifiable | None) -> Outcome:
    """Exactly these names, or not; unverifiable when some are not here but the source may hide them
    (and nothing here is already too many)."""
    if hidden is not None and actual < wanted:
        return Outcome.UNVERIFIABLE
    return verdict(actual == wanted, must)


def _hidden(reasons: list[Unverifiable | None]) -> Unverifiable | None:
    """Why every one of the names missing may be defined where the source could not read, or None when one of them
    is surely missing (or none is)."""
    if not reasons or any(r is None for r in reasons):
        return None
    found = [r for r in reasons if r is not None]
    unknown = Unknowable.INPUT if any(r.unknown is Unknowable.INPUT for r in found) else Unknowable.LIMIT
    return Unverifiable(found[0].source, "; ".join(dict.fromkeys(r.reason for r in found)), unknown)


def exact_tables(target: Target, names: list[str], must: bool) -> list[Finding]:
    actual = set(target.logical_tables())
    wanted = set(names)
    hidden = _hidden([target.observed.hidden("table", target.physical(n)) for n in sorted(wanted - actual)])
    outcome = _outcome(actual, wanted, must, hidden)
    summary = Finding(Kind.TABLE_SET, outcome, f"tables of {target.environment.name}",
                      f"exactly {len(wanted)}: {', '.join(sorted(wanted))}",
                      f"{len(actual)}: {', '.join(sorted(actual)) or 'none'}", required=must,
                      reason=_because(_difference(wanted, actual), hidden, outcome), unknown=unknown_of(hidden),
                      expected_names=tuple(sorted(wanted)), unexpected_names=tuple(sorted(actual - wanted)))
    missing = [table_exists(target, name, True) for name in sorted(wanted - actual)] if must else []
    return [summary, *missing]


def _because(difference: str, hidden: Unverifiable | None, outcome: Outcome) -> str:
    """Why the set differs; where the names not read may be defined where the source could not read, they are
    not read, not missing."""
    if hidden is None or not difference:
        return difference
    if outcome is Outcome.UNVERIFIABLE:
        difference = difference.replace("missing ", "not among what could be read: ", 1)
    return f"{difference} ({hidden})"


def table_count(target: Target, count: int, must: bool) -> Finding:
    actual = target.logical_tables()
    subject = f"number of tables in {target.environment.name}"
    names = ", ".join(sorted(actual)) or "none"
    return Finding(Kind.TABLE_SET, verdict(len(actual) == count, must), subject, f"{'' if must else 'not '}{count}",
                   f"{len(actual)} ({names})", required=must)


def exact_indexes(target: Target, table: str, names: list[str], must: bool) -> list[Finding]:
    subject = f"GSIs of table {table}"
    wanted = set(names)
    seen = target.table(table)
    if seen is None:
        absent = missing_table(target, table, Kind.GSI_SET, subject, f"exactly {', '.join(sorted(wanted))}", must)
        return [dataclasses.replace(absent, expected_names=tuple(sorted(wanted)))]
    actual = set(seen.global_indexes)
    unseen = target.observed.unseen_indexes(seen)
    outcome = _outcome(actual, wanted, must, unseen)
    summary = Finding(Kind.GSI_SET, outcome, subject,
                      f"exactly {len(wanted)}: {', '.join(sorted(wanted))}",
                      f"{len(actual)}: {', '.join(sorted(actual)) or 'none'}", table=table, required=must,
                      reason=_because(_difference(wanted, actual), unseen, outcome), unknown=unknown_of(unseen),
                      expected_names=tuple(sorted(wanted)), unexpected_names=tuple(sorted(actual - wanted)))
    missing = [index_exists(target, GSI, table, name, True) for name in sorted(wanted - actual)] if must else []
    return [summary, *missing]


def index_count(target: Target, count: int, must: bool) -> Finding:
    per_table = {name: len(t.global_indexes) for name, t in sorted(target.logical_tables().items())}
    total = sum(per_table.values())
    detail = ", ".join(f"{name} {n}" for name, n in per_table.items() if n)
    return Finding(Kind.GSI_SET, verdict(total == count, must), f"number of GSIs in {target.environment.name}",
                   f"{'' if must else 'not '}{count}", f"{total} ({detail or 'none'})", required=must)


def naming_convention(target: Target, template: str, must: bool) -> Finding:
    breaking, tables = [], []
    checked = 0
    for logical, table in sorted(target.logical_tables().items()):
        for index in [*table.global_indexes, *table.local_indexes]:
            checked += 1
            if not follows_convention(index, template, logical):
                breaking.append(f"{index} on {logical}")
                tables.append(logical)
    subject = f"index names in {target.environment.name}"
    # Indexes the source could not read (of tables, or GSIs, it could not see) may follow it or not.
    unseen = target.observed.hidden("table") or next(
        (u for t in target.logical_tables().values() if (u := target.observed.unseen_indexes(t))), None)
    if not breaking and unseen is not None:
        return Finding(Kind.NAMING, Outcome.UNVERIFIABLE, subject, f"names like {template}",
                       f"{checked} checked among what {target.where()} could read", required=must,
                       reason=str(unseen), unknown=unknown_of(unseen))
    if not checked:
        return Finding(Kind.NAMING, Outcome.FAILED if must else Outcome.PASSED, subject, f"names like {template}",
                       "no index at all", required=must, reason="there is no index to check")
    rename = f"the owners of the Terraform: rename the indexes at {target.indexes_at(tables)}"
    return Finding(Kind.NAMING, verdict(not breaking, must), subject,
                   f"{'every' if must else 'some'} name following {template}",
                   f"{checked} checked" + (f"; not following: {', '.join(breaking)}" if breaking else ", all follow"),
                   required=must, action=rename if must and breaking and target.terraform else "")
