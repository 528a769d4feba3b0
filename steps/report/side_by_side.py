"""The readiness report of a run against several sources, as Markdown: one column per source.

What the consumers expect, what each source holds (the schema in contracts/, what Terraform will
build, what is live), the gaps of each with the consumers they block and who must act, and where
the sources disagree with each other. Each source's full report follows, as `markdown.render`
writes it for a run of that source alone. It reads the model (`steps.report.model`) and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable

from .markdown import MARK, STATUS, render, table
from .model import Count, Readiness, SideBySide
from .owners import Codeowners


def _count(count: Count, report: Readiness, missing: list[str], unseen: list[str] | None = None) -> str:
    if count.actual is None:
        return "not read" if not report.read else f"not verifiable on {report.backend}"
    parts = [*([f"missing {', '.join(missing)}"] if missing else []),
             *([f"not known here: {', '.join(unseen)}"] if unseen else [])]
    return f"{count.actual}" + (f" ({'; '.join(parts)})" if parts else "")


def _vaults(report: Readiness) -> str:
    if report.vaults_actual is None:
        return "not read" if not report.read else f"not verifiable on {report.backend}"
    return ", ".join(report.vaults_actual) or "none"


ROWS: list[tuple[str, Callable[[Readiness], str]]] = [
    ("Verdict", lambda r: f"{MARK[r.verdict]} {r.verdict.value}"),
    ("Tables", lambda r: _count(r.counts.tables, r, r.missing["tables"], list(r.unknown.tables))),
    ("GSIs", lambda r: _count(r.counts.gsis, r, r.missing["gsis"], list(r.unknown.gsis))),
    ("Backup vaults", _vaults),
    ("Backup plans", lambda r: _count(r.counts.backup_plans, r, [])),
    ("Not in any contract", lambda r: ", ".join(r.unexpected["tables"] + r.unexpected["gsis"]) or "none"),
    ("Gaps", lambda r: str(len(r.gaps))),
    ("Consumers blocked", lambda r: ", ".join(r.blocked()) or "none"),
    ("Checks passed / failed / not verified", lambda r: f"{r.checks.passed} / {r.checks.failed} / {r.checks.open}"),
]


def _expected(report: Readiness) -> dict[str, str]:
    counts = report.counts
    return {"Tables": str(counts.tables.expected), "GSIs": str(counts.gsis.expected),
            "Backup vaults": ", ".join(report.vaults_expected) or "none required",
            "Backup plans": str(counts.backup_plans.expected), "Not in any contract": "none", "Gaps": "none",
            "Consumers blocked": "none"}


def _heading(label: str, report: SideBySide) -> str:
    """A source's column: its label and what it read, or the backend it read (live: moto); the schema is itself."""
    said = report.origins.get(label) or report.sources[label].backend
    return label if said == label else f"{label} ({said})"


def _side_by_side(report: SideBySide) -> list[str]:
    labels = list(report.sources)
    first = next(iter(report.sources.values()))
    expected = _expected(first)
    rows = [(name, expected.get(name, ""), *(cell(report.sources[label]) for label in labels)) for name, cell in ROWS]
    return table(("", "Consumers expect", *(_heading(label, report) for label in labels)), rows)


SHOWN_GAPS = 3  # per consumer and source in the overview; the source's own section lists every one


def _first_gaps(gaps: list[str]) -> str:
    if not gaps:
        return ""
    more = f"; and {len(gaps) - SHOWN_GAPS} more" if len(gaps) > SHOWN_GAPS else ""
    return ": " + "; ".join(gaps[:SHOWN_GAPS]) + more


def _impact(report: SideBySide) -> list[str]:
    labels = list(report.sources)
    consumers = sorted({c for r in report.sources.values() for c in r.consumers})
    rows = []
    for consumer in consumers:
        cells = []
        for label in labels:
            status = report.sources[label].consumers.get(consumer)
            cells.append("not checked" if status is None else STATUS[status.status] + _first_gaps(status.gaps))
        rows.append((consumer, *cells))
    return table(("Consumer", *labels), rows)


def _gaps(report: SideBySide) -> list[str]:
    lines: list[str] = []
    for label, readiness in report.sources.items():
        if not readiness.gaps:
            continue
        lines += [f"### {_heading(label, report)}", "", *table(
            ("Gap", "Expected", "Found", "Blocks", "Who must act", "Stated at"),
            [(g.describe(), g.expected, g.actual, ", ".join(g.consumers), g.action or "see the gap",
              ", ".join(g.stated_at)) for g in readiness.gaps]), ""]
    return lines or ["No source has a gap.", ""]


def _status(report: SideBySide) -> str:
    each = "; ".join(f"{label} {MARK[r.verdict]} {r.verdict.value}" for label, r in report.sources.items())
    return f"{MARK[report.verdict]} **{report.verdict.value}** overall ({each})"


def _demoted(markdown: str) -> list[str]:
    """A source's own report under this one's headings: `#` becomes `###`."""
    return [f"##{line}" if line.startswith("#") else line for line in markdown.splitlines()]


def render_side_by_side(report: SideBySide, codeowners: Codeowners | None = None) -> str:
    drift = [f"- {d.describe()}" for d in report.drift] or ["The sources hold the same tables, GSIs and backups."]
    lines = [f"# Readiness: DynamoDB stack in {report.environment}, side by side: {', '.join(report.sources)}", "",
             f"**Status**: {_status(report)}.", "", f"Generated {report.generated_at} by the contract suite.", "",
             "## Side by side", "", *_side_by_side(report), "",
             "## Where the sources disagree", "", *drift, "",
             "## Downstream impact", "", *_impact(report), "",
             "## Gaps by source", "", *_gaps(report),
             "## Each source in full", ""]
    for label, readiness in report.sources.items():
        lines += [*_demoted(render(readiness, codeowners).replace(
            f"# Readiness: DynamoDB stack in {readiness.environment} ({readiness.backend})",
            f"# {_heading(label, report)}", 1)), ""]
    return "\n".join(lines)
