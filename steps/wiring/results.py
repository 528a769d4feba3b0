"""The contract scenarios among pytest's test reports, as plain results (`steps.results`).

Findings travel on each test report's user_properties (set by the plugin's hooks), so the
summary and the readiness report also work under pytest-xdist, where scenarios run in other
processes. This is the one place that writes and reads them back: values that are not text are
recorded as JSON, which is what JUnit XML shows (pytest writes each value's `str`, a Python repr
for a list or a dict).
"""

from __future__ import annotations

import contextlib
import json
import weakref
from collections.abc import Iterable, Mapping
from typing import Any

from ..results.findings import Finding
from ..results.scenarios import Results, ScenarioOutcome, ScenarioResult

FINDINGS = "contract_findings"
STEPS = "contract_steps"  # each step's outcome by its feature line (for the Cucumber JSON)
CONSUMER = "consumer"
SCENARIO = "contract_scenario"  # the scenario as written: {"name", "file", "line"}
SOURCE = "contract_source"  # the source a scenario ran against, when the run has several


JSON_VALUED = (FINDINGS, STEPS, SCENARIO)


def record(node: Any, name: str, value: Any) -> None:
    """Add a property to a test item's report: text as it is, anything else as JSON."""
    node.user_properties.append((name, value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)))


_RECORDED: dict[str, tuple[Finding, ...]] = {}  # findings recorded in this process, by the JSON recorded for them


def record_findings(node: Any, findings: Iterable[Finding]) -> None:
    """Add a scenario's findings to its report as JSON (`FINDINGS`), kept by that text too: a report of this process
    gives them back as they were, where one of another (a pytest-xdist worker's) is read back from its JSON."""
    kept = tuple(findings)
    text = json.dumps([f.data() for f in kept], ensure_ascii=False)
    _RECORDED[text] = kept
    record(node, FINDINGS, text)


def properties_of(report: Any) -> Mapping[str, Any]:
    """A report's properties, those recorded as JSON read back."""
    found = dict(getattr(report, "user_properties", []) or [])
    for name in JSON_VALUED:
        if isinstance(found.get(name), str):
            found[name] = json.loads(found[name])
    return found


_READ: weakref.WeakKeyDictionary[Any, tuple[int, Mapping[str, Any], tuple[Finding, ...] | None]] = (
    weakref.WeakKeyDictionary())


def _read(report: Any) -> tuple[Mapping[str, Any], tuple[Finding, ...] | None]:
    """A report's properties and its findings (None when it recorded none), read back once per report: the gate on
    unknowns, the summary and the readiness report each collect the same reports."""
    count = len(getattr(report, "user_properties", None) or [])
    try:
        known = _READ.get(report)
    except TypeError:  # a report that cannot be referenced weakly is read each time
        known = None
    if known is not None and known[0] == count:
        return known[1], known[2]
    raw = dict(getattr(report, "user_properties", []) or []).get(FINDINGS)
    properties = properties_of(report)
    recorded = properties.get(FINDINGS)
    if isinstance(raw, str) and raw in _RECORDED:
        findings: tuple[Finding, ...] | None = _RECORDED[raw]
    else:
        findings = None if recorded is None else tuple(Finding.from_data(d) for d in recorded)
    with contextlib.suppress(TypeError):
        _READ[report] = (count, properties, findings)
    return properties, findings


# One scenario has a report per phase (setup, call, teardown): the worst outcome is its outcome, so
# a cleanup that fails after the checks passed makes the scenario an error, never a pass.
PRIORITY = ("failed", "error", "skipped", "passed")


def collect(stats: Mapping[str, Iterable[Any]], source: str | None = None) -> Results:
    """The contract scenarios among the reports pytest kept, with their findings (failed > error > skipped > passed).

    With `source`, only those that ran against it (a scenario with no source ran against the run's only one)."""
    outcomes: dict[str, str] = {}
    found: dict[str, tuple[str, tuple[Finding, ...]]] = {}
    written: dict[str, Mapping[str, Any]] = {}
    for outcome in PRIORITY:
        for report in stats.get(outcome, []):
            properties, recorded = _read(report)
            if CONSUMER not in properties or (source is not None and properties.get(SOURCE, source) != source):
                continue
            outcomes.setdefault(report.nodeid, outcome)
            written.setdefault(report.nodeid, properties.get(SCENARIO) or {})
            if recorded is not None or report.nodeid not in found:
                found[report.nodeid] = (properties[CONSUMER], recorded or ())
    results = Results()
    for nodeid, outcome in outcomes.items():
        consumer, findings = found[nodeid]
        scenario = written[nodeid]
        where = f"{scenario['file']}:{scenario['line']}" if scenario.get("file") else ""
        results.scenarios.append(ScenarioResult(nodeid, str(scenario.get("name") or nodeid.split("::")[-1]),
                                                consumer, ScenarioOutcome(outcome), findings, where))
    return results
