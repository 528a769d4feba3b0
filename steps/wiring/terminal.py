"""The run's summary in the terminal: claims per outcome, each consumer's state, what was not verified.

Each consumer's state is the readiness report's (steps.report.build), so the two never disagree: a
consumer some of whose scenarios this run did not check is "not checked", never UNVERIFIED or ready.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from ..report.build import build_source
from ..report.model import ConsumerState, ConsumerStatus
from ..results.expected import Requirements
from ..results.findings import Outcome
from ..results.run import RunResults, SourceResults
from ..results.scenarios import Results
from ..results.unknowns import what_to_give

LABELS = {ConsumerState.BLOCKED: "BLOCKED", ConsumerState.UNVERIFIED: "UNVERIFIED", ConsumerState.READY: "ready",
          ConsumerState.ACCEPTED_RISK: "ready with accepted risk"}


def consumer_statuses(results: Results, required: Requirements) -> dict[str, ConsumerStatus]:
    """Each consumer's state as the readiness report judges it, from these results and what the features hold."""
    source = SourceResults("terminal", "", None, results)
    return build_source(RunResults("", "", required, [], [source]), source).consumers


def label(status: ConsumerStatus) -> str:
    if status.status is ConsumerState.NOT_CHECKED:
        return f"not checked ({status.scenarios_checked} of {status.scenarios} scenarios)"
    return LABELS[status.status]


def write(reporter: Any, results: Results, where: str, required: Requirements,
          consumers: Iterable[str] = ()) -> None:
    counts = results.counts()
    waived = sum(1 for f in results.findings() if f.failed and f.waiver)
    reporter.write_sep("=", f"contract checks on {where}")
    reporter.write_line(
        f"{counts[Outcome.PASSED]} passed, {counts[Outcome.FAILED]} failed"
        f"{f' ({waived} accepted as risk)' if waived else ''}, "
        f"{counts[Outcome.UNVERIFIABLE]} unverifiable here, {counts[Outcome.NOT_RUN]} not run")
    statuses = consumer_statuses(results, required)
    checked = {consumer for consumer, status in statuses.items() if status.scenarios_checked}
    for consumer, scenarios in results.by_consumer().items():
        if consumer not in checked:
            continue  # listed below as not checked
        found = Counter(f.outcome for s in scenarios for f in s.findings)
        reporter.write_line(f"  {consumer:<20} {label(statuses[consumer]):<10} {found[Outcome.PASSED]} passed, "
                            f"{found[Outcome.FAILED]} failed, {found[Outcome.UNVERIFIABLE]} unverifiable, "
                            f"{found[Outcome.NOT_RUN]} not run")
    unchecked = sorted((set(consumers) | set(statuses)) - checked)
    if unchecked:
        reporter.write_line(f"Not checked in this run: {', '.join(unchecked)}")
    unknowns = [f for f in results.findings() if f.input_unknown]
    if unknowns:
        reporter.write_line("Unknown in the input (the Terraform left these unknown; to read them, give):",
                            yellow=True)
        for advice in what_to_give(unknowns):
            reporter.write_line(f"  - {advice}", yellow=True)
        for reason, count in sorted(Counter(f.reason for f in unknowns if not f.waiver).items()):
            reporter.write_line(f"  {count:>3} x {reason}")
        for reason, count in sorted(Counter(f"{f.reason}; accepted as risk, {f.waiver}"
                                            for f in unknowns if f.waiver).items()):
            reporter.write_line(f"  {count:>3} x {reason}", yellow=True)
    reasons = Counter(f.reason for f in results.findings()
                      if f.outcome in (Outcome.UNVERIFIABLE, Outcome.NOT_RUN) and not f.input_unknown)
    if reasons:
        reporter.write_line("Not verified here (check these against AWS before calling it ready):")
        for reason, count in sorted(reasons.items()):
            reporter.write_line(f"  {count:>3} x {reason}")
    accepted = Counter(f"{f.subject}: {f.waiver}" for f in results.findings() if f.failed and f.waiver)
    if accepted:
        reporter.write_line("Accepted risk (failing, waived, not blocking):", yellow=True)
        for what, count in sorted(accepted.items()):
            reporter.write_line(f"  {count:>3} x {what}", yellow=True)
    warnings = sorted({f.warning for f in results.findings() if f.warning} | {
        f"advisory, failing: {f.message()}" for f in results.findings() if f.failed and f.advisory and not f.waiver})
    if warnings:
        reporter.write_line("Warnings (not blocking):", yellow=True)
        for warning in warnings:
            reporter.write_line(f"  {warning}", yellow=True)
