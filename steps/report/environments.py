"""Several environments side by side, from each one's saved results: one column per environment.

`python -m steps.report --env dev,sit,prod` reads each environment's `results.json` (where its run wrote it with
`--readiness-report`: `readiness/<env>/results.json` by default, `--results 'drift-{env}/results.json'` for the drift
workflow's artifacts), builds each one's report as `python -m steps.report` would, and writes `environments.md` and
`environments.json`: the verdict, counts, gaps and every consumer's state per environment. A run of several sources
(the drift workflow's live and Terraform) is shown by its live source, the environment itself; the worst verdict
of all is the overall one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ...provision.observed.origin import SourceKind, kind_of
from ..results.files import write_whole
from ..results.run import RunResults
from .build import build
from .markdown import MARK, STATUS, table
from .model import Readiness, Verdict
from .side_by_side import ROWS, SHOWN_GAPS

FILES = ("environments.md", "environments.json")
DEFAULT_RESULTS = "readiness/{env}/results.json"
WORST = (Verdict.BLOCKED, Verdict.UNVERIFIED, Verdict.READY)


def environment_report(run: RunResults) -> Readiness:
    """One environment's report: of its run's one source, or of its live source (else its first) among several."""
    built = build(run)
    if isinstance(built, Readiness):
        return built
    live = [r for label, r in built.sources.items() if kind_of(label) is SourceKind.LIVE]
    return live[0] if live else next(iter(built.sources.values()))


def load_environments(envs: list[str], pattern: str) -> dict[str, tuple[Path, Readiness]]:
    """Each environment's results file and report; ResultsFileError or ValueError for one that cannot be read."""
    found = {}
    for env in envs:
        path = Path(pattern.format(env=env))
        run = RunResults.load(path)
        if run.environment != env:
            raise ValueError(f"{path}: these are the results of environment '{run.environment}', not '{env}'; "
                             f"give --results a pattern that makes each environment's own (with {{env}})")
        found[env] = (path, environment_report(run))
    return found


def overall(reports: Mapping[str, Readiness]) -> Verdict:
    return next(v for v in WORST if any(r.verdict is v for r in reports.values()))


def _consumer(report: Readiness, consumer: str) -> str:
    status = report.consumers.get(consumer)
    if status is None:
        return "not in that run"
    gaps = status.gaps[:SHOWN_GAPS]
    return STATUS[status.status] + (": " + "; ".join(gaps) if gaps else "")


def render_environments(reports: Mapping[str, tuple[Path, Readiness]]) -> str:
    envs = list(reports)
    readiness = {env: report for env, (_, report) in reports.items()}
    verdict = overall(readiness)
    each = "; ".join(f"{env} {MARK[r.verdict]} {r.verdict.value}" for env, r in readiness.items())
    header = ("", *(f"{env} ({r.backend}, {r.generated_at})" for env, r in readiness.items()))
    consumers = sorted({c for r in readiness.values() for c in r.consumers})
    sources = ", ".join(f"{env} `{path}`" for env, (path, _) in reports.items())
    rows = [(name, *(cell(readiness[e]) for e in envs)) for name, cell in ROWS]
    states = [(c, *(_consumer(readiness[e], c) for e in envs)) for c in consumers]
    lines = [f"# Readiness of the DynamoDB stack by environment: {', '.join(envs)}", "",
             f"**Status**: {MARK[verdict]} **{verdict.value}** overall ({each}).", "",
             f"From each environment's saved results: {sources}.", "",
             "## Side by side", "", *table(header, rows), "",
             "## Consumers", "", *table(("Consumer", *envs), states), ""]
    for env, report in readiness.items():
        if report.gaps:
            lines += [f"## Gaps in {env}", "", *(f"- {g.describe()}" + (f" ({g.action})" if g.action else "")
                                                 for g in report.gaps), ""]
    return "\n".join(lines)


def environments_data(reports: Mapping[str, tuple[Path, Readiness]]) -> dict[str, Any]:
    readiness = {env: report for env, (_, report) in reports.items()}
    return {"verdict": overall(readiness).value,
            "environments": {env: {"results": str(path), **report.data()} for env, (path, report) in reports.items()}}


def write_environments(reports: Mapping[str, tuple[Path, Readiness]], folder: Path) -> Verdict:
    folder.mkdir(parents=True, exist_ok=True)
    write_whole({folder / FILES[0]: render_environments(reports),
                 folder / FILES[1]: json.dumps(environments_data(reports), indent=2) + "\n"})
    return overall({env: report for env, (_, report) in reports.items()})
