"""Which consumer is blocked by which table or GSI: the consumers x needs matrix of the readiness report.

A need is a table or a GSI (`table.index`, logical names) some contract requires. A consumer's cell for a need
comes from the claims its checked scenarios made about that table or index: a gap when one failed, unverifiable
when none failed but some could not be verified (or were not run) here, ready when every one passed, not needed
when it made none. A consumer not checked in full in this run has no "not needed": what it did not check is
unverifiable. A failure a waiver in force accepts makes the cell waived (the waiver in its reason), one only an
advisory claim states makes it a warning; neither is ever read as ready, and a failure neither covers is a gap.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ..results.findings import Cause, Finding, Kind, Outcome
from ..results.scenarios import Results

NOT_CHECKED = "not checked in this run: some of its scenarios were deselected, skipped or not collected"


class CellState(StrEnum):
    READY = "ready"  # every claim about it passed
    GAP = "gap"  # some claim about it failed
    UNVERIFIABLE = "unverifiable"  # nothing failed, but something was not verified (or not checked) here
    WAIVED = "waived"  # a gap accepted as a risk by a waiver: still shown, never counted ready
    WARNING = "warning"  # only advisory claims about it failed: a warning, blocking nothing
    NOT_NEEDED = "not needed"  # no claim of the consumer is about it


MARK = {CellState.READY: "✓", CellState.GAP: "✗", CellState.UNVERIFIABLE: "?", CellState.WAIVED: "W",
        CellState.WARNING: "!", CellState.NOT_NEEDED: "·"}
LEGEND = {CellState.READY: "ready", CellState.GAP: "gap: blocks the consumer",
          CellState.UNVERIFIABLE: "unverifiable here", CellState.WAIVED: "waived (accepted risk)",
          CellState.WARNING: "advisory claim failing (a warning)", CellState.NOT_NEEDED: "not needed"}


@dataclass(frozen=True)
class Cell:
    state: CellState
    reason: str = ""  # why, in a sentence: what failed, what could not be verified, how many claims passed

    @property
    def mark(self) -> str:
        return MARK[self.state]


NOT_NEEDED = Cell(CellState.NOT_NEEDED, "no claim of this consumer is about it")


@dataclass(frozen=True)
class Matrix:
    needs: list[str] = field(default_factory=list)  # tables and GSIs (table.index), each table before its GSIs
    cells: dict[str, dict[str, Cell]] = field(default_factory=dict)  # consumer -> need -> cell (absent: not needed)

    @property
    def consumers(self) -> list[str]:
        return list(self.cells)

    def cell(self, consumer: str, need: str) -> Cell:
        return self.cells.get(consumer, {}).get(need, NOT_NEEDED)

    def data(self) -> dict[str, Any]:
        return {"needs": self.needs, "cells": {c: {n: {"state": cell.state.value, "reason": cell.reason}
                                                   for n, cell in row.items()} for c, row in self.cells.items()}}


def _need(finding: Finding) -> str | None:
    if not finding.table:
        return None
    if finding.name and (finding.kind in (Kind.GSI, Kind.LSI) or finding.cause is Cause.INDEX):
        return f"{finding.table}.{finding.name}"
    return finding.table


def _why_failed(finding: Finding) -> str:
    if finding.cause is Cause.TABLE:
        return f"table {finding.table} is missing"
    if finding.cause is Cause.INDEX:
        hint = f" (closest: {finding.closest})" if finding.closest else ""
        return f"GSI {finding.name} is missing on table {finding.table}{hint}"
    return f"{finding.subject}: {finding.actual}"


def _cell(findings: list[Finding]) -> Cell:
    """The reasons in name order: the same whatever order the scenarios ran in (pytest-xdist)."""
    failed = sorted({_why_failed(f) for f in findings if f.blocking})
    if failed:
        return Cell(CellState.GAP, "; ".join(failed))
    waived = sorted({f"{_why_failed(f)}: {f.waiver}" for f in findings if f.failed and f.waiver})
    if waived:
        return Cell(CellState.WAIVED, "; ".join(waived))
    advisory = sorted({_why_failed(f) for f in findings if f.failed and f.advisory})
    if advisory:
        return Cell(CellState.WARNING, "advisory, failing: " + "; ".join(advisory))
    open_ = sorted({f"{f.subject}: {f.reason or 'not run here'}" for f in findings
                    if f.outcome in (Outcome.UNVERIFIABLE, Outcome.NOT_RUN)})
    if open_:
        return Cell(CellState.UNVERIFIABLE, "; ".join(open_))
    return Cell(CellState.READY, f"{len(findings)} claim{'s' if len(findings) != 1 else ''} verified")


def needs_of(tables: set[str], gsis: set[tuple[str, str]]) -> list[str]:
    """Each table, then its GSIs, in name order."""
    by_table: dict[str, list[str]] = defaultdict(list)
    for table, index in gsis:
        by_table[table].append(index)
    return [need for table in sorted(tables | set(by_table))
            for need in (table, *(f"{table}.{i}" for i in sorted(by_table[table])))]


def build_matrix(results: Results, needs: list[str], consumers: dict[str, bool]) -> Matrix:
    """`consumers`: each consumer, and whether this run checked it in full."""
    found: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for scenario in results.scenarios:
        for finding in scenario.findings:
            need = _need(finding)
            if need in needs:
                found[scenario.consumer][need].append(finding)
    cells: dict[str, dict[str, Cell]] = {}
    for consumer, in_full in consumers.items():
        row = {need: _cell(claims) for need, claims in found.get(consumer, {}).items()}
        if not in_full:
            row = {need: row.get(need, Cell(CellState.UNVERIFIABLE, NOT_CHECKED)) for need in needs}
        cells[consumer] = {need: row[need] for need in needs if need in row}
    return Matrix(needs, cells)
