"""The run's summary in the terminal: claims per outcome, each consumer's state, what was not verified."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from steps.results.findings import Outcome
from steps.results.scenarios import Results


def write(reporter: Any, results: Results, where: str, consumers: Iterable[str] = ()) -> None:
    counts = results.counts()
    reporter.write_sep("=", f"contract checks on {where}")
    reporter.write_line(
        f"{counts[Outcome.PASSED]} passed, {counts[Outcome.FAILED]} failed, "
        f"{counts[Outcome.UNVERIFIABLE]} unverifiable here, {counts[Outcome.NOT_RUN]} not run")
    checked = {s.consumer for s in results.scenarios if s.checked}
    for consumer, scenarios in results.by_consumer().items():
        if consumer not in checked:
            continue  # listed below as not checked
        found = Counter(f.outcome for s in scenarios for f in s.findings)
        verdict = "BLOCKED" if any(s.outcome.failed for s in scenarios) else (
            "UNVERIFIED" if found[Outcome.UNVERIFIABLE] or found[Outcome.NOT_RUN] else "ready")
        reporter.write_line(f"  {consumer:<20} {verdict:<10} {found[Outcome.PASSED]} passed, "
                            f"{found[Outcome.FAILED]} failed, {found[Outcome.UNVERIFIABLE]} unverifiable, "
                            f"{found[Outcome.NOT_RUN]} not run")
    unchecked = sorted((set(consumers) | set(results.by_consumer())) - checked)
    if unchecked:
        reporter.write_line(f"Not checked in this run: {', '.join(unchecked)}")
    reasons = Counter(f.reason for f in results.findings() if f.outcome in (Outcome.UNVERIFIABLE, Outcome.NOT_RUN))
    if reasons:
        reporter.write_line("Not verified here (check these against AWS before calling it ready):")
        for reason, count in sorted(reasons.items()):
            reporter.write_line(f"  {count:>3} x {reason}")
