"""The findings of one scenario and its verdict, given when the scenario ends.

Then-steps only record: every claim of a scenario is checked, so one gap does not hide the
next. At the end: any failed claim fails the scenario (all listed, expected versus actual);
otherwise any claim this backend cannot answer makes it skipped as unverifiable; never a pass.
"""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from steps.findings import Finding, Outcome

MARKS = {Outcome.PASSED: "ok  ", Outcome.FAILED: "FAIL", Outcome.UNVERIFIABLE: "??  ", Outcome.NOT_RUN: "--  "}


class ScenarioFindings:
    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.step_failed = False  # a step raised: its own error is the verdict

    def add(self, found: Finding | Iterable[Finding]) -> None:
        self.findings += [found] if isinstance(found, Finding) else list(found)

    def require(self, found: Finding) -> None:
        """For Given and When steps: record, and stop the scenario now unless the finding passed."""
        self.add(found)
        if found.outcome is not Outcome.PASSED:
            self.give_verdict()

    def of(self, outcome: Outcome) -> list[Finding]:
        return [f for f in self.findings if f.outcome is outcome]

    def report(self) -> str:
        order = (Outcome.FAILED, Outcome.UNVERIFIABLE, Outcome.NOT_RUN, Outcome.PASSED)
        return "\n".join(f"  {MARKS[o]} {f.message()}" for o in order for f in self.of(o))

    def give_verdict(self) -> None:
        """Fail, or skip as unverifiable or not run; return only when every claim passed."""
        failed = self.of(Outcome.FAILED)
        if failed:
            count = f"{len(failed)} of {len(self.findings)} claims failed"
            pytest.fail(f"{count}:\n{self.report()}", pytrace=False)
        for outcome in (Outcome.UNVERIFIABLE, Outcome.NOT_RUN):
            open_claims = self.of(outcome)
            if open_claims:
                others = f" (and {len(open_claims) - 1} more)" if len(open_claims) > 1 else ""
                pytest.skip(f"{open_claims[0].reason}{others}")
