"""The readiness report as Markdown, in the brief's order: status, key findings, naming,
downstream impact, what could not be verified here, success criteria. Readable in a terminal
and on GitHub (a job summary)."""

from __future__ import annotations

from collections.abc import Iterable

from steps.readiness import AWS_CHECK, BLOCKED, Count, Gap, Readiness, describe_gap

_STATUS = {"ready": "✅ ready", "blocked": "❌ blocked", "unverified": "⚠️ unverified"}


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(header: Iterable[str], rows: Iterable[Iterable[object]]) -> list[str]:
    header = list(header)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def _names(gaps: list[Gap], *kinds: str) -> list[str]:
    return sorted({(g.name if g.kind not in ("table",) else g.table) or "" for g in gaps if g.kind in kinds} - {""})


def _count(count: Count) -> str:
    return "not reported here" if count.actual is None else str(count.actual)


def _tally(counts: dict[str, int]) -> str:
    if not counts:
        return "not required"
    return ", ".join(f"{n} {outcome}" for outcome, n in counts.items())


def _key_findings(report: Readiness) -> list[str]:
    gaps = report.gaps
    tables, gsis, plans = report.counts["tables"], report.counts["gsis"], report.counts["backup_plans"]
    missing_tables = _names(gaps, "table")
    missing_gsis = _names(gaps, "gsi")
    extra_tables, extra_gsis = report.unexpected["tables"], report.unexpected["gsis"]
    vault_gaps = [g for g in gaps if g.kind == "backup_vault"]
    wanted_vaults, found_vaults = report.vaults["expected"] or [], report.vaults["actual"]
    rows = [
        ("Tables", tables.expected, _count(tables), _missing_and_extra(missing_tables, extra_tables)),
        ("GSIs", gsis.expected, _count(gsis), _missing_and_extra(missing_gsis, extra_gsis)),
        ("Backup vault", ", ".join(wanted_vaults) or "not required",
         "not reported here" if found_vaults is None else ", ".join(found_vaults) or "none",
         f"missing ({', '.join(sorted({g.name or '' for g in vault_gaps}))})" if vault_gaps else
         _gap_words(report.settings["backup_vault"])),
        ("Backup plans", plans.expected, _count(plans),
         "none" if plans.actual is None or plans.actual >= plans.expected
         else f"{plans.expected - plans.actual} missing"),
        ("Backup coverage", "every required table", _tally(report.settings["backup_coverage"]),
         _gap_words(report.settings["backup_coverage"])),
        ("Point-in-time recovery", "enabled where required", _tally(report.settings["pitr"]),
         _gap_words(report.settings["pitr"])),
        ("Streams", "as required", _tally(report.settings["stream"]), _gap_words(report.settings["stream"])),
        ("Encryption", "as required", _tally(report.settings["encryption"]), _gap_words(report.settings["encryption"])),
    ]
    return _table(("Check", "Expected", "Actual", "Gap"), rows)


def _missing_and_extra(missing: list[str], extra: list[str]) -> str:
    parts = [f"{len(missing)} missing ({', '.join(missing)})"] if missing else []
    parts += [f"{len(extra)} not in any contract ({', '.join(extra)})"] if extra else []
    return "; ".join(parts) or "none"


def _gap_words(counts: dict[str, int]) -> str:
    parts = []
    if counts.get("failed"):
        parts.append(f"{counts['failed']} failing")
    if counts.get("unverifiable"):
        parts.append(f"{counts['unverifiable']} not verifiable here")
    return ", ".join(parts) or "none"


def _naming(report: Readiness) -> list[str]:
    rows = [(g.table or "", g.name or "", g.closest or "no similar index", ", ".join(g.consumers))
            for g in report.gaps if g.kind == "gsi"]
    if not rows:
        return ["No GSI a consumer expects is missing or named differently."]
    return _table(("Table", "Consumers expect", "Closest found", "Consumers"), rows)


def _impact(report: Readiness) -> list[str]:
    rows = []
    for consumer, status in report.consumers.items():
        gaps = "; ".join(status.gaps) if status.gaps else "none"
        rows.append((consumer, _STATUS[status.status], gaps))
    return _table(("Consumer", "Status", "Blocking gaps"), rows)


def _unverified(report: Readiness) -> list[str]:
    if not report.unverified:
        return [f"Everything the contracts check was verified on {report.backend}."]
    rows = [(item["check"], item["reason"], AWS_CHECK if "unverifiable" in item["reason"] else
             "an environment that allows contracts to write items") for item in report.unverified]
    return _table(("Check", "Why not here", "Where it can be verified"), rows)


def _criteria(report: Readiness) -> list[str]:
    def box(done: bool, text: str, open_note: str = "") -> str:
        return f"- [{'x' if done else ' '}] {text}{open_note}"

    kinds_failing = {g.kind for g in report.gaps}
    backup = report.settings["backup_coverage"]
    unverifiable_backup = bool(backup.get("unverifiable"))
    return [
        box("table" not in kinds_failing and "table_set" not in kinds_failing,
            "All required tables created and ACTIVE"),
        box("gsi" not in kinds_failing and "gsi_set" not in kinds_failing, "All GSIs created and ACTIVE"),
        box(not ({"backup_vault", "backup_plan", "backup_coverage"} & kinds_failing) and not unverifiable_backup,
            "Backup vault configured and every table covered by a plan",
            f" (not verifiable on {report.backend})" if unverifiable_backup and not (
                {"backup_vault", "backup_plan", "backup_coverage"} & kinds_failing) else ""),
        box(report.checks.get("failed", 0) == 0, "Every contract check passes",
            f" ({report.checks.get('unverifiable', 0)} not verifiable here)" if report.checks.get("unverifiable")
            else ""),
        box(all(s.status != "blocked" for s in report.consumers.values()),
            "Downstream Lambda services can use their tables, indexes and queries"),
    ]


def render(report: Readiness) -> str:
    blocked = [c for c, s in report.consumers.items() if s.status == "blocked"]
    open_claims = report.checks.get("unverifiable", 0) + report.checks.get("not run", 0)
    mark = "❌" if report.verdict == BLOCKED else "✅"
    status = f"{mark} **{report.verdict}**"
    if blocked:
        status += f": {len(blocked)} of {len(report.consumers)} consumers blocked ({', '.join(blocked)})"
    status += (f"; {open_claims} of {sum(report.checks.values())} checks could not be verified on {report.backend}"
               if open_claims else f"; every check verified on {report.backend}")
    lines = [f"# Readiness: DynamoDB stack in {report.environment} ({report.backend})", "",
             f"**Status**: {status}.", "", f"Generated {report.generated_at} by the contract suite.", "",
             "## Key findings", "", *_key_findings(report), "",
             "## Naming inconsistencies", "", *_naming(report), "",
             "## Downstream impact", "", *_impact(report), "",
             "## Not verified here", "", *_unverified(report), "",
             "## Success criteria", "", *_criteria(report), ""]
    if report.gaps:
        lines += ["## All gaps", "", *_table(("Gap", "Expected", "Found", "Blocks"), [
            (describe_gap(g), g.expected, g.actual, ", ".join(g.consumers)) for g in report.gaps]), ""]
    return "\n".join(lines)
