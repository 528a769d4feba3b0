"""The readiness report as one self-contained HTML page (`readiness.html`): the consumers x tables/GSIs matrix
at the top, a column group per source in a multi-source run, then the same sections as readiness.md.

No network: the CSS is inline, nothing is fetched. Each cell carries a mark and a word (not colour alone), its
reason in a `title` and in a focusable `<details>`; the matrix is a real `<table>` with scoped headers.
"""

from __future__ import annotations

from steps.report.markdown import context
from steps.report.matrix import LEGEND, MARK
from steps.report.model import Readiness, SideBySide
from steps.report.owners import Codeowners
from steps.report.templating import render_template


def render_html(readiness: Readiness | SideBySide, codeowners: Codeowners | None = None) -> str:
    owners = codeowners or Codeowners()
    sources = {readiness.backend: readiness} if isinstance(readiness, Readiness) else readiness.sources
    first = next(iter(sources.values()))
    needs = list(dict.fromkeys(n for r in sources.values() for n in r.matrix.needs))
    consumers = list(dict.fromkeys(c for r in sources.values() for c in r.consumers))
    return render_template("readiness.html.j2", {
        "title": f"Readiness: DynamoDB stack in {first.environment}", "verdict": readiness.verdict.value,
        "sources": {label: context(r, owners) for label, r in sources.items()}, "needs": needs,
        "consumers": consumers, "legend": [(state.value, MARK[state], words) for state, words in LEGEND.items()],
        "several": len(sources) > 1})
