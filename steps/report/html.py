"""The readiness report as one self-contained HTML page (`readiness.html`): the consumers x tables/GSIs matrix
at the top, a column group per source in a multi-source run, then the same sections as readiness.md.

No network: the CSS is inline, nothing is fetched. Each cell carries a mark and a word (not colour alone), its
reason in a `title` and in a focusable `<details>`; the matrix is a real `<table>` with scoped headers.
"""

from __future__ import annotations

from typing import Any

from .markdown import context
from .matrix import LEGEND, MARK
from .model import Readiness, SideBySide
from .owners import Codeowners
from .templating import render_template


def _views(readiness: Readiness | SideBySide, codeowners: Codeowners | None) -> dict[str, Any]:
    owners = codeowners or Codeowners()
    sources = {readiness.backend: readiness} if isinstance(readiness, Readiness) else readiness.sources
    first = next(iter(sources.values()))
    return {"title": f"Readiness: DynamoDB stack in {first.environment}", "verdict": readiness.verdict.value,
            "sources": {label: context(r, owners) for label, r in sources.items()},
            "needs": list(dict.fromkeys(n for r in sources.values() for n in r.matrix.needs)),
            "consumers": list(dict.fromkeys(c for r in sources.values() for c in r.consumers)),
            "several": len(sources) > 1}


def render_summary(readiness: Readiness | SideBySide, codeowners: Codeowners | None = None) -> str:
    """The GitHub step summary: the first screen of each source, and the matrix as a Markdown table."""
    views = _views(readiness, codeowners)
    columns = [(label, c) for label in views["sources"] for c in views["consumers"]]
    header = ["Table / GSI", *(f"{label}: {c}" if views["several"] else c for label, c in columns)]
    rows = [[need, *(views["sources"][label]["matrix"].cell(c, need).mark for label, c in columns)]
            for need in views["needs"]]
    legend = ", ".join(f"{MARK[state]} {words}" for state, words in LEGEND.items())
    return render_template("summary.md.j2", {**views, "matrix_header": header, "matrix_rows": rows,
                                             "legend": legend})


def render_html(readiness: Readiness | SideBySide, codeowners: Codeowners | None = None) -> str:
    legend = [(state.value, MARK[state], words) for state, words in LEGEND.items()]
    return render_template("readiness.html.j2", {**_views(readiness, codeowners), "legend": legend})
