"""The findings of one scenario and its verdict, given when the scenario ends.

Then-steps only record: every claim of a scenario is checked, so one gap does not hide the
next. At the end: any failed claim fails the scenario (all listed, expected versus actual);
otherwise any claim this backend cannot answer makes it skipped as unverifiable; never a pass.

Each claim is stamped with the feature line of the step that made it, so the failure, the
Cucumber JSON (`steps.wiring.cucumber`) and the readiness report can point at the line.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

import pytest

from ..results.findings import Cause, Finding, Outcome

MARKS = {Outcome.PASSED: "ok  ", Outcome.FAILED: "FAIL", Outcome.UNVERIFIABLE: "??  ", Outcome.NOT_RUN: "--  "}


def _cause_of(finding: Finding) -> tuple[Cause, str | None, str | None] | None:
    """The missing table, index or vault a failed claim failed for, as a key (claims of one share it)."""
    if finding.outcome is not Outcome.FAILED or finding.cause is None:
        return None
    if finding.cause is Cause.TABLE:
        return (Cause.TABLE, finding.table, None)
    return (finding.cause, finding.table, finding.name)


class ScenarioFindings:
    def __init__(self, where: str = "") -> None:
        self.where = where  # "features/order_lambda/tables.feature:17", for the failure's first line
        self.findings: list[Finding] = []
        self.step_failed = False  # a step raised: its own error is the verdict
        self.step_line: int | None = None  # the line of the step running now
        self.started: list[int] = []  # the lines of the steps that started, in order
        self.errored: int | None = None  # the line of the step that raised, if one did
        self.accept: Callable[[Finding], Finding] | None = None  # marks a failure a waiver in force accepts
        self.step_advisory = False  # the step running now says "should": its claims are advisory

    def begin_step(self, line: int, advisory: bool = False) -> None:
        self.step_line, self.step_advisory = line, advisory
        self.started.append(line)

    def step_error(self) -> None:
        self.step_failed = True
        self.errored = self.step_line

    def add(self, found: Finding | Iterable[Finding]) -> None:
        found = [found] if isinstance(found, Finding) else list(found)
        found = [f if f.line is not None else dataclasses.replace(f, line=self.step_line) for f in found]
        if self.step_advisory:
            found = [dataclasses.replace(f, advisory=True) for f in found]
        self.findings += [self.accept(f) for f in found] if self.accept is not None else found

    def complete(self, completed: Callable[[Finding], Finding]) -> None:
        """Each claim as the source completes it (who acts, where), before the verdict is given."""
        self.findings = [completed(f) for f in self.findings]

    def require(self, found: Finding) -> None:
        """For Given and When steps: record, and stop the scenario now unless the finding passed."""
        self.add(found)
        if found.outcome is not Outcome.PASSED:
            self.give_verdict()

    def of(self, outcome: Outcome) -> list[Finding]:
        return [f for f in self.findings if f.outcome is outcome]

    def report(self) -> str:
        """Every claim, failed first. Claims failing for one cause (a missing table, index or vault) say why, and
        who must act, once: the first in full, the others only what they expected and found."""
        order = (Outcome.FAILED, Outcome.UNVERIFIABLE, Outcome.NOT_RUN, Outcome.PASSED)
        said: set[tuple[Cause, str | None, str | None]] = set()
        lines = []
        for outcome in order:
            for f in self.of(outcome):
                cause = _cause_of(f)
                if cause is not None and cause in said:
                    lines.append(f"  {MARKS[outcome]} {f.subject}: expected {f.expected}, found {f.actual} (the same "
                                 "cause as above)")
                    continue
                if cause is not None:
                    said.add(cause)
                lines.append(f"  {MARKS[outcome]} {f.message()}")
        return "\n".join(lines)

    def give_verdict(self) -> None:
        """Fail (a failed claim no waiver accepts), or skip as accepted risk, unverifiable or not run; return only
        when every claim passed."""
        failed = [f for f in self.of(Outcome.FAILED) if f.blocking]
        if failed:
            where = f"{self.where}: " if self.where else ""
            count = f"{where}{len(failed)} of {len(self.findings)} claims failed"
            pytest.fail(f"{count}:\n{self.report()}", pytrace=False)
        advisory = [f for f in self.of(Outcome.FAILED) if f.advisory and not f.waiver]
        if advisory:  # a warning, never a pass
            others = f" (and {len(advisory) - 1} more)" if len(advisory) > 1 else ""
            pytest.skip(f"advisory, failing (a warning, not blocking): {advisory[0].message()}{others}")
        accepted = [f for f in self.of(Outcome.FAILED) if f.waiver]
        if accepted:  # not a pass: what fails is accepted as risk, said with its waiver
            others = f" (and {len(accepted) - 1} more)" if len(accepted) > 1 else ""
            pytest.skip(f"accepted risk: {accepted[0].subject}: expected {accepted[0].expected}, found "
                        f"{accepted[0].actual}; {accepted[0].waiver}{others}")
        for outcome in (Outcome.UNVERIFIABLE, Outcome.NOT_RUN):
            open_claims = self.of(outcome)
            if open_claims:
                others = f" (and {len(open_claims) - 1} more)" if len(open_claims) > 1 else ""
                pytest.skip(f"{open_claims[0].reason}{others}")

    def step_outcomes(self) -> dict[int, dict[str, Any]]:
        """Each started step's outcome by its line: failed (with its failed claims), skipped (its claims could
        not be verified or were not run), or passed; a step that raised is failed."""
        outcomes: dict[int, dict[str, Any]] = {}
        for line in self.started:
            mine = [f for f in self.findings if f.line == line]
            failed = [f.message() for f in mine if f.outcome is Outcome.FAILED]
            if line == self.errored or failed:
                outcomes[line] = {"status": "failed", "message": "\n".join(failed)}
            elif any(f.outcome in (Outcome.UNVERIFIABLE, Outcome.NOT_RUN) for f in mine):
                outcomes[line] = {"status": "skipped", "message": "; ".join(
                    f.reason for f in mine if f.outcome is not Outcome.PASSED)}
            else:
                outcomes[line] = {"status": "passed", "message": ""}
        return outcomes
