"""The readiness report as Markdown, in the brief's order: status, key findings, naming,
downstream impact, what could not be verified here, success criteria. Readable in a terminal
and on GitHub (a job summary). It reads the model (`steps.report.model`) and nothing else."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..results.findings import Kind
from . import brief, standing
from .model import (
    TABLE_MISSING,
    ConsumerState,
    ConsumerStatus,
    Count,
    Readiness,
    Verdict,
    VerifiedWhere,
)
from .owners import Codeowners
from .standing import unknown
from .templating import render_template

STATUS = {ConsumerState.READY: "✅ ready", ConsumerState.ACCEPTED_RISK: "☑️ ready with accepted risk",
          ConsumerState.BLOCKED: "❌ blocked",
           ConsumerState.UNVERIFIED: "⚠️ unverified", ConsumerState.NOT_CHECKED: "❌ not checked in this run"}
MARK = {Verdict.READY: "✅", Verdict.ACCEPTED_RISK: "☑️", Verdict.UNVERIFIED: "⚠️", Verdict.BLOCKED: "❌"}
AWS_CHECK = "AWS: run `pytest --env=<aws environment>` (dev, sit or prod)"


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def table(header: Iterable[str], rows: Iterable[Iterable[object]]) -> list[str]:
    header = list(header)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def _count(count: Count, report: Readiness) -> str:
    return unknown(report) if count.actual is None else str(count.actual)


def _tally(counts: dict[str, int]) -> str:
    if not counts:
        return "not required"
    return ", ".join(f"{n} {outcome}" for outcome, n in counts.items())


def key_findings(report: Readiness) -> list[tuple[object, ...]]:
    """Expected, actual and gap per check; the gap (and whether it holds) is `standing`'s, as the criteria's."""
    counts, settings = report.counts, report.settings
    wanted_vaults, found_vaults = report.vaults_expected, report.vaults_actual
    vault, plans, coverage = standing.backups(report)
    rows: list[tuple[object, ...]] = [
        ("Tables", counts.tables.expected, _count(counts.tables, report), standing.tables(report).gap),
        ("GSIs", counts.gsis.expected, _count(counts.gsis, report), standing.gsis(report).gap),
        ("Backup vault", ", ".join(wanted_vaults) or "not required",
         unknown(report) if found_vaults is None else ", ".join(found_vaults) or "none", vault.gap),
        ("Backup plans", counts.backup_plans.expected, _count(counts.backup_plans, report), plans.gap),
        ("Backup coverage", "every required table", _tally(settings.backup_coverage), coverage.gap),
        ("Point-in-time recovery", "enabled where required", _tally(settings.pitr),
         standing.claims(report, settings.pitr).gap),
        ("Streams", "as required", _tally(settings.stream), standing.claims(report, settings.stream).gap),
        ("Encryption", "as required", _tally(settings.encryption), standing.claims(report, settings.encryption).gap),
        ("Lambda role permissions", "every call of every access pattern", _tally(settings.permissions),
         standing.claims(report, settings.permissions).gap),
    ]
    return rows


def naming(report: Readiness) -> list[tuple[object, ...]]:
    """Expected GSIs found under another name; a GSI simply missing is a key finding, not a naming one."""
    rows: list[tuple[object, ...]] = [(g.table or "", g.name or "", g.closest, ", ".join(g.consumers))
            for g in report.gaps if g.kind is Kind.GSI and g.closest]
    return rows


def impact(report: Readiness) -> list[tuple[object, ...]]:
    """Per consumer: its status, the gaps (one line each, as the detail lists them) blocking it, scenarios failed."""
    lines = brief.gap_lines(report)
    rows: list[tuple[object, ...]] = []
    for consumer, status in report.consumers.items():
        gaps = [line.short for line in lines if consumer in line.blocks]
        said = "; ".join(gaps) if gaps else ("unknown" if status.status is ConsumerState.NOT_CHECKED else "none")
        rows.append((consumer, _consumer_status(status), said, f"{len(status.failed)} of {status.scenarios}"))
    return rows


def _consumer_status(status: ConsumerStatus) -> str:
    if status.status is ConsumerState.NOT_CHECKED and status.scenarios_checked:
        return f"{STATUS[status.status]} ({status.checked} scenarios checked)"
    return STATUS[status.status]


def unverified(report: Readiness) -> list[tuple[object, ...]]:
    """What was not verified here, the checks of one reason in one row."""
    grouped: dict[tuple[str, VerifiedWhere], list[str]] = {}
    for item in report.unverified:
        grouped.setdefault((item.reason, item.where), []).append(item.check)
    return [("; ".join(checks), reason, _where(where, report)) for (reason, where), checks in grouped.items()]


def _where(where: VerifiedWhere, report: Readiness) -> str:
    return {VerifiedWhere.FULL_RUN: f"a run of every consumer: `pytest --env={report.environment}`",
            VerifiedWhere.AWS: AWS_CHECK,
            VerifiedWhere.WITHOUT_READ_ONLY: "a run without --read-only, on an environment that allows contracts to "
                                             "write items",
            VerifiedWhere.WRITABLE: "an environment that allows contracts to write items",
            VerifiedWhere.LIVE: f"a run against the environment itself: `pytest --env={report.environment}`",
            VerifiedWhere.INPUT: "a run given what the input lacks (`--tf-var-file=FILE` or `TF_VAR_<name>` for a "
                                 "variable, `terraform init` for a module, a plan for the rest); it fails the gate "
                                 "unless accepted (`--allow-unknown`)",
            VerifiedWhere.ROLE_DECLARED: f"a run once the environment names the consumer's Lambda role "
                                         f"(lambda_roles of {report.environment})"}[where]


def _box(done: bool, text: str, note: str = "") -> str:
    return f"- [{'x' if done else ' '}] {text}" + (f" ({note})" if note else "")


def _row_box(rows: list[standing.Row], text: str) -> str:
    """Ticked only when every key finding behind it holds: a criterion never says more than its findings."""
    done = all(r.standing in (standing.Standing.HOLDS, standing.Standing.NOT_REQUIRED) for r in rows)
    failing = any(r.standing is standing.Standing.FAILING for r in rows)
    notes = [] if done or failing else [r.note for r in rows if r.standing is standing.Standing.OPEN and r.note]
    return _box(done, text, "; ".join(notes))


def criteria(report: Readiness) -> list[str]:
    settings = report.settings
    return [
        _row_box([standing.tables(report)], "All required tables created and ACTIVE"),
        _row_box([standing.gsis(report)], "All GSIs created and ACTIVE"),
        _row_box(standing.backups(report), "Backup vault configured and every table covered by a plan"),
        _box(not report.checks.failed and not report.checks.open and not report.not_checked(),
             "Every contract check passes", _open_note(report)),
        _checked_box(report, settings.alarms, "No errors or alarms in CloudWatch: every alarm the contracts ask for "
                                              "exists and none is in ALARM"),
        _checked_box(report, settings.cost, "The monthly cost estimate is within the environment's budget"),
        _checked_box(report, settings.permissions, "Downstream Lambda services can access the tables: each "
                     "consumer's role may make every call of its access patterns") + _privilege_note(report),
        _box(not report.blocked() and not report.not_checked(),
             "Downstream Lambda services can use their tables, indexes and queries",
             f"not checked in this run: {', '.join(report.not_checked())}" if report.not_checked() else ""),
    ]


def _checked_box(report: Readiness, counts: dict[str, int], text: str) -> str:
    """A criterion checked by claims of one kind: ticked only when some were made and every one passed."""
    row = standing.claims(report, counts)
    if row.standing is standing.Standing.FAILING:
        note = f"{counts.get('failed', 0) + counts.get(TABLE_MISSING, 0)} failing"
    else:
        note = row.note
    return _box(row.done, text, note)


def _privilege_note(report: Readiness) -> str:
    """Criterion 7's warning: a role that may make its calls but may do more (never hidden behind the tick)."""
    roles = [w for w in report.warnings if " is over-privileged: " in w]
    return f" ⚠️ but {len(roles)} role{'s' if len(roles) > 1 else ''} over-privileged (see Warnings)" if roles else ""


def _open_note(report: Readiness) -> str:
    parts = []
    if report.checks.failed:
        parts.append(f"{report.checks.failed} failed")
    if report.checks.unverifiable:
        parts.append(f"{report.checks.unverifiable} not verifiable on {report.backend}")
    if report.checks.not_run:
        parts.append(f"{report.checks.not_run} not run")
    if report.not_checked():
        parts.append(f"{len(report.not_checked())} consumers not checked")
    return ", ".join(parts)


def status(report: Readiness) -> str:
    blocked = report.blocked()
    not_checked = report.not_checked()
    total = len(report.consumers)
    parts = []
    if blocked:
        parts.append(f"{len(blocked)} of {total} consumers blocked ({', '.join(blocked)})")
    if not_checked:
        parts.append(f"{len(not_checked)} of {total} consumers not checked in this run ({', '.join(not_checked)})")
    accepted = report.accepted()
    advisory = report.advisory()
    if len(report.gaps) > len(accepted) + len(advisory) and not blocked:
        parts.append(f"{len(report.gaps) - len(accepted) - len(advisory)} gaps")
    if accepted:
        parts.append(f"{len(accepted)} gap{'s' if len(accepted) > 1 else ''} accepted as risk (see Accepted risk)")
    checks = report.checks.total
    if not checks:
        parts.append("no check ran")
    elif report.checks.open:
        parts.append(f"{report.checks.open} of {checks} checks could not be verified on {report.backend}")
    elif not_checked or any(i.where is VerifiedWhere.FULL_RUN for i in report.unverified):
        parts.append(f"every check that ran was verified on {report.backend}")
    else:
        parts.append(f"every check verified on {report.backend}")
    if report.warnings:
        parts.append(f"{len(report.warnings)} warning{'s' if len(report.warnings) > 1 else ''} (not blocking)")
    lead = ": " if blocked or not_checked or report.verdict is Verdict.UNVERIFIED else "; "
    return f"{MARK[report.verdict]} **{report.verdict.value}**" + lead + "; ".join(parts)


def render(report: Readiness, codeowners: Codeowners | None = None) -> str:
    return render_template("readiness.md.j2", context(report, codeowners or Codeowners()))


def context(report: Readiness, codeowners: Codeowners) -> dict[str, Any]:
    """Everything the templates (Markdown and HTML) lay out, computed once."""
    return {"report": report, "status": status(report), "key_findings": key_findings(report),
            "naming": naming(report), "impact": impact(report), "unverified": unverified(report),
            "criteria": criteria(report), "until": brief.until(report), "decisions": brief.decisions(report),
            "working_well": brief.working_well(report), "approvals": brief.approvals(report, codeowners),
            "matrix": report.matrix,
            "risk_rows": [(r.risk, r.likelihood, r.impact, r.consequence) for r in brief.risks(report)],
            "accepted": [(g.describe(), ", ".join(g.consumers), g.waiver) for g in report.accepted()],
            "gap_rows": [(g.gap, g.blocks_text, g.action, ", ".join(g.stated_at))
                         for g in brief.gap_lines(report)]}
