"""Which waiver (`provision.desired.waivers`) accepts a failed claim, or a claim the input left unknown: the first that
covers its consumer, scenario, table, index, kind and environment (what a waiver leaves out covers anything) and has
not expired. A waived unknown stays unverifiable (it is not known to hold); only the gate accepts it
(`steps.results.unknowns.accepted`). `kind: input_unknown` covers only claims the input left unknown."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Sequence

from ...provision.desired import waivers as provision_waivers
from ...provision.desired.waivers import INPUT_UNKNOWN, Waiver
from .findings import Cause, Finding, Kind, Outcome


def _kinds(finding: Finding) -> set[str]:
    """The kinds a claim's gap is: its own, the missing table or index it failed for, or an unknown of the input."""
    kinds = {finding.kind.value}
    if finding.input_unknown:
        kinds.add(INPUT_UNKNOWN)
    if finding.cause is Cause.TABLE:
        kinds.add(Kind.TABLE.value)
    elif finding.cause is Cause.INDEX:
        kinds.add(Kind.LSI.value if finding.kind is Kind.LSI else Kind.GSI.value)
    elif finding.cause is Cause.VAULT:
        kinds.add(Kind.BACKUP_VAULT.value)
    return kinds


def covers(waiver: Waiver, finding: Finding, consumer: str, scenario: str, environment: str) -> bool:
    wanted = (
        (waiver.consumer, consumer), (waiver.scenario, scenario), (waiver.table, finding.table),
        (waiver.index, finding.name if finding.kind in (Kind.GSI, Kind.LSI, Kind.PROJECTION) or
         finding.cause is Cause.INDEX else None),
        (waiver.environment, environment))
    if any(want is not None and want != have for want, have in wanted):
        return False
    return waiver.kind is None or waiver.kind in _kinds(finding)


def waive(waivers: Sequence[Waiver], consumer: str, scenario: str, environment: str,
          today: datetime.date) -> Callable[[Finding], Finding]:
    """A failed claim, or one the input left unknown, that a waiver in force covers, marked with it; any other claim as
    it is."""
    live = [w for w in waivers if not w.expired(today)]

    def waived(finding: Finding) -> Finding:
        if not (finding.outcome is Outcome.FAILED or finding.input_unknown) or finding.waiver:
            return finding
        found = next((w for w in live if covers(w, finding, consumer, scenario, environment)), None)
        return finding if found is None else dataclasses.replace(finding, waiver=found.describe())

    return waived


def expired(waivers: Sequence[Waiver], today: datetime.date) -> list[str]:
    """Each expired waiver as an error at its line: what it covered blocks again."""
    return [str(problem) for problem in provision_waivers.expired(waivers, today)]
