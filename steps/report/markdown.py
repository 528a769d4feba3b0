"""The readiness report as Markdown, in the brief's order: status, key findings, naming,
downstream impact, what could not be verified here, success criteria. Readable in a terminal
and on GitHub (a job summary). It reads the model (`steps.report.model`) and nothing else."""

from __future__ import annotations

from collections.abc import Iterable

from steps.report.model import ConsumerState, ConsumerStatus, Count, Readiness, Verdict, VerifiedWhere
from steps.results.findings import Kind

STATUS = {ConsumerState.READY: "✅ ready", ConsumerState.BLOCKED: "❌ blocked",
           ConsumerState.UNVERIFIED: "⚠️ unverified", ConsumerState.NOT_CHECKED: "❌ not checked in this run"}
MARK = {Verdict.READY: "✅", Verdict.UNVERIFIED: "⚠️", Verdict.BLOCKED: "❌"}
AWS_CHECK = "AWS: run `pytest --env=<aws environment>` (dev, sit or prod)"
BACKUP_KINDS = {Kind.BACKUP_VAULT, Kind.BACKUP_PLAN, Kind.BACKUP_COVERAGE}


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def table(header: Iterable[str], rows: Iterable[Iterable[object]]) -> list[str]:
    header = list(header)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def _unknown(report: Readiness) -> str:
    """Why an actual value is missing: the environment was not read, or this backend cannot tell."""
    return "not read in this run" if not report.read else f"not verifiable on {report.backend}"


def _count(count: Count, report: Readiness) -> str:
    return _unknown(report) if count.actual is None else str(count.actual)


def _tally(counts: dict[str, int]) -> str:
    if not counts:
        return "not required"
    return ", ".join(f"{n} {outcome}" for outcome, n in counts.items())


def _key_findings(report: Readiness) -> list[str]:
    tables, gsis, plans = report.counts.tables, report.counts.gsis, report.counts.backup_plans
    missing_tables, missing_gsis = report.missing["tables"], report.missing["gsis"]
    extra_tables, extra_gsis = report.unexpected["tables"], report.unexpected["gsis"]
    wanted_vaults, found_vaults = report.vaults_expected, report.vaults_actual
    missing_vaults = [] if found_vaults is None else [v for v in wanted_vaults if v not in found_vaults]
    rows = [
        ("Tables", tables.expected, _count(tables, report), _missing_and_extra(missing_tables, extra_tables)),
        ("GSIs", gsis.expected, _count(gsis, report),
         _missing_and_extra(missing_gsis, extra_gsis, report.inactive_gsis)),
        ("Backup vault", ", ".join(wanted_vaults) or "not required",
         _unknown(report) if found_vaults is None else ", ".join(found_vaults) or "none",
         f"missing ({', '.join(missing_vaults)})" if missing_vaults else
         _gap_words(report.settings.backup_vault, report.backend)),
        ("Backup plans", plans.expected, _count(plans, report),
         "none" if plans.actual is None or plans.actual >= plans.expected
         else f"{plans.expected - plans.actual} missing"),
        ("Backup coverage", "every required table", _tally(report.settings.backup_coverage),
         _gap_words(report.settings.backup_coverage, report.backend)),
        ("Point-in-time recovery", "enabled where required", _tally(report.settings.pitr),
         _gap_words(report.settings.pitr, report.backend)),
        ("Streams", "as required", _tally(report.settings.stream),
         _gap_words(report.settings.stream, report.backend)),
        ("Encryption", "as required", _tally(report.settings.encryption),
         _gap_words(report.settings.encryption, report.backend)),
        ("Lambda role permissions", "every call of every access pattern", _tally(report.settings.permissions),
         _gap_words(report.settings.permissions, report.backend)),
    ]
    return table(("Check", "Expected", "Actual", "Gap"), rows)


def _missing_and_extra(missing: list[str], extra: list[str], not_active: Iterable[str] = ()) -> str:
    parts = [f"{len(missing)} missing ({', '.join(missing)})"] if missing else []
    not_active = list(not_active)
    parts += [f"{len(not_active)} not ACTIVE yet ({', '.join(not_active)})"] if not_active else []
    parts += [f"{len(extra)} not in any contract ({', '.join(extra)})"] if extra else []
    return "; ".join(parts) or "none"


def _gap_words(counts: dict[str, int], backend: str) -> str:
    parts = []
    if counts.get("failed"):
        parts.append(f"{counts['failed']} failing")
    if counts.get("unverifiable"):
        parts.append(f"{counts['unverifiable']} not verifiable on {backend}")
    if counts.get("not run"):
        parts.append(f"{counts['not run']} not checked here")
    return ", ".join(parts) or "none"


def _naming(report: Readiness) -> list[str]:
    """Expected GSIs found under another name; a GSI simply missing is a key finding, not a naming one."""
    rows = [(g.table or "", g.name or "", g.closest, ", ".join(g.consumers))
            for g in report.gaps if g.kind is Kind.GSI and g.closest]
    if not rows:
        return ["No GSI a consumer expects is found under another name."]
    return table(("Table", "Consumers expect", "Closest found", "Consumers"), rows)


def _impact(report: Readiness) -> list[str]:
    rows = []
    for consumer, status in report.consumers.items():
        gaps = "; ".join(status.gaps) if status.gaps else (
            "unknown" if status.status is ConsumerState.NOT_CHECKED else "none")
        rows.append((consumer, _consumer_status(status), gaps, "; ".join(status.failed) or "none"))
    return table(("Consumer", "Status", "Blocking gaps", "Failed scenarios"), rows)


def _consumer_status(status: ConsumerStatus) -> str:
    if status.status is ConsumerState.NOT_CHECKED and status.scenarios_checked:
        return f"{STATUS[status.status]} ({status.checked} scenarios checked)"
    return STATUS[status.status]


def _unverified(report: Readiness) -> list[str]:
    if not report.unverified:
        return [f"Everything the contracts check was verified on {report.backend}."]
    rows = [(item.check, item.reason, _where(item.where, report)) for item in report.unverified]
    return table(("Check", "Why not here", "Where it can be verified"), rows)


def _where(where: VerifiedWhere, report: Readiness) -> str:
    return {VerifiedWhere.FULL_RUN: f"a run of every consumer: `pytest --env={report.environment}`",
            VerifiedWhere.AWS: AWS_CHECK,
            VerifiedWhere.WITHOUT_READ_ONLY: "a run without --read-only, on an environment that allows contracts to "
                                             "write items",
            VerifiedWhere.WRITABLE: "an environment that allows contracts to write items",
            VerifiedWhere.LIVE: f"a run against the environment itself: `pytest --env={report.environment}`",
            VerifiedWhere.ROLE_DECLARED: f"a run once the environment names the consumer's Lambda role "
                                         f"(lambda_roles of {report.environment})"}[where]


def _criteria(report: Readiness) -> list[str]:
    def box(done: bool, text: str, open_note: str = "") -> str:
        return f"- [{'x' if done else ' '}] {text}{open_note}"

    kinds_failing = report.failing_kinds()
    unverifiable_backup = bool(report.settings.backup_coverage.get("unverifiable"))
    alarms, cost = report.settings.alarms, report.settings.cost
    return [
        box(not {Kind.TABLE, Kind.TABLE_SET} & kinds_failing, "All required tables created and ACTIVE"),
        box(not {Kind.GSI, Kind.GSI_SET} & kinds_failing, "All GSIs created and ACTIVE"),
        box(not (BACKUP_KINDS & kinds_failing) and not unverifiable_backup,
            "Backup vault configured and every table covered by a plan",
            f" (not verifiable on {report.backend})" if unverifiable_backup and not (
                BACKUP_KINDS & kinds_failing) else ""),
        box(not report.checks.failed and not report.checks.open and not report.not_checked(),
            "Every contract check passes", _open_note(report)),
        _checked_box(alarms, "No errors or alarms in CloudWatch: every alarm the contracts ask for exists and none "
                             "is in ALARM", report),
        _checked_box(cost, "The monthly cost estimate is within the environment's budget", report),
        _checked_box(report.settings.permissions, "Downstream Lambda services can access the tables: each "
                     "consumer's role may make every call of its access patterns", report),
        box(not report.blocked() and not report.not_checked(),
            "Downstream Lambda services can use their tables, indexes and queries",
            f" (not checked in this run: {', '.join(report.not_checked())})" if report.not_checked() else ""),
    ]


def _checked_box(counts: dict[str, int], text: str, report: Readiness) -> str:
    """A criterion checked by claims of one kind: ticked only when some were made and every one passed."""
    done = bool(counts) and set(counts) == {"passed"}
    if not counts:
        note = " (no contract states it)"
    elif counts.get("failed") or counts.get("table missing"):
        note = f" ({counts.get('failed', 0) + counts.get('table missing', 0)} failing)"
    elif counts.get("unverifiable"):
        note = f" ({counts['unverifiable']} not verifiable on {report.backend})"
    elif counts.get("not run"):
        note = f" ({counts['not run']} not checked here)"
    else:
        note = ""
    return f"- [{'x' if done else ' '}] {text}{note}"


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
    return f" ({', '.join(parts)})" if parts else ""


def _status(report: Readiness) -> str:
    blocked = report.blocked()
    not_checked = report.not_checked()
    total = len(report.consumers)
    parts = []
    if blocked:
        parts.append(f"{len(blocked)} of {total} consumers blocked ({', '.join(blocked)})")
    if not_checked:
        parts.append(f"{len(not_checked)} of {total} consumers not checked in this run ({', '.join(not_checked)})")
    if report.gaps and not blocked:
        parts.append(f"{len(report.gaps)} gaps")
    checks = report.checks.total
    if not checks:
        parts.append("no check ran")
    elif report.checks.open:
        parts.append(f"{report.checks.open} of {checks} checks could not be verified on {report.backend}")
    elif not_checked or any(i.where is VerifiedWhere.FULL_RUN for i in report.unverified):
        parts.append(f"every check that ran was verified on {report.backend}")
    else:
        parts.append(f"every check verified on {report.backend}")
    lead = ": " if blocked or not_checked or report.verdict is Verdict.UNVERIFIED else "; "
    return f"{MARK[report.verdict]} **{report.verdict.value}**" + lead + "; ".join(parts)


def _notes(report: Readiness) -> list[str]:
    """What the source's reader said about what it read (a state given for a plan), under the status."""
    return [f"**Source**: {'; '.join(report.notes)}.", ""] if report.notes else []


def render(report: Readiness) -> str:
    status = _status(report)
    lines = [f"# Readiness: DynamoDB stack in {report.environment} ({report.backend})", "",
             f"**Status**: {status}.", "", *_notes(report),
             f"Generated {report.generated_at} by the contract suite.", "",
             "## Key findings", "", *_key_findings(report), "",
             "## Naming inconsistencies", "", *_naming(report), "",
             "## Downstream impact", "", *_impact(report), "",
             "## Not verified here", "", *_unverified(report), "",
             "## Success criteria", "", *_criteria(report), ""]
    if report.gaps:
        lines += ["## All gaps", "", *table(("Gap", "Expected", "Found", "Blocks", "Who must act", "Stated at"), [
            (g.describe(), g.expected, g.actual, ", ".join(g.consumers), g.action or "see the gap",
             ", ".join(g.stated_at)) for g in report.gaps]), ""]
    return "\n".join(lines)
