"""`--cucumberjson`: each step shows what its own claims found, and no scenario shows green that pytest did not pass.

Claims are judged when a scenario ends (every claim is checked before the verdict), so pytest-bdd,
which marks a step failed only when the step itself raises, writes every step of a scenario whose
claims failed as passed, and an unverifiable scenario's steps too: Cucumber viewers show them
green. After pytest-bdd has added a scenario to its JSON, this rewrites each step's result from the
recorder's step outcomes: failed (with its failed claims), skipped (unverifiable or not run here,
or never reached), passed.

pytest-bdd writes a scenario only when its body ran: one not run before its first step (an access pattern
against a static source, a `@skip` tag) was left out, as if it did not exist. It is added here, every step
skipped, with the reason. A scenario skipped although each of its steps passed (a claim of no step's) gets a
skipped `after` hook saying why, and one whose cleanup failed a failed one: Cucumber viewers count hooks.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from typing import Any

import pytest

from ..compat import bdd
from . import results as properties

HOOK = "steps.plugin: the scenario's verdict"


class CucumberSteps:
    """Registered when --cucumberjson is given; runs after pytest-bdd's own Cucumber writer."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config

    @pytest.hookimpl(trylast=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        features = bdd.cucumber_features(self.config)
        context = bdd.report_context(report)
        if features is None or context is None or report.when == "setup":
            return
        filename, name = context
        elements = [e for e in (features.get(filename) or {}).get("elements", []) if e.get("id") == name]
        if not elements:
            return
        element = elements[-1]
        if report.when == "teardown":
            if report.failed:  # the cleanup failed: pytest says error
                element.setdefault("after", []).append(_hook("failed", str(report.longrepr)))
            return
        outcomes: Mapping[Any, Mapping[str, str]] | None = properties.properties_of(report).get(properties.STEPS)
        if outcomes is not None:
            rewrite_steps(element["steps"], outcomes)
        if report.skipped and all(s["result"]["status"] == "passed" for s in element["steps"]):
            element.setdefault("after", []).append(_hook("skipped", skip_reason(report)))

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]
                                  ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        features = bdd.cucumber_features(self.config)
        if features is not None and report.when == "setup" and report.skipped:
            add_not_run(features, item, skip_reason(report))
        return report


def _hook(status: str, message: str) -> dict[str, Any]:
    return {"match": {"location": HOOK}, "result": {"status": status, "duration": 0, "error_message": message}}


def skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    text = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr or "")
    return text.removeprefix("Skipped: ")


def rewrite_steps(steps: list[dict[str, Any]], outcomes: Mapping[Any, Mapping[str, str]]) -> None:
    """Set each Cucumber step's result from the outcome recorded for its line (keys int, or str after JSON)."""
    for step in steps:
        outcome = outcomes.get(step["line"]) or outcomes.get(str(step["line"]))
        result = step.setdefault("result", {})
        result.pop("error_message", None)
        if outcome is None:
            result["status"] = "skipped"  # never reached: an earlier step stopped the scenario
            continue
        result["status"] = outcome["status"]
        if outcome["status"] == "failed" and outcome.get("message"):
            result["error_message"] = outcome["message"]


def add_not_run(features: dict[str, Any], item: pytest.Item, reason: str) -> None:
    """Add a scenario skipped before its first step, as pytest-bdd would have written it, every step skipped."""
    scenario = bdd.rendered(item)
    if scenario is None:
        return
    data = bdd.scenario_data(scenario)
    feature = data["feature"]
    entry = features.setdefault(feature["filename"], {
        "keyword": feature["keyword"], "uri": feature["rel_filename"],
        "name": feature["name"] or feature["rel_filename"],
        "id": feature["rel_filename"].lower().replace(" ", "-"), "line": feature["line_number"],
        "description": feature["description"], "language": feature["language"], "tags": _tags(feature),
        "elements": []})
    steps: list[dict[str, Any]] = [{"keyword": step.keyword, "name": step.name, "line": step.line_number,
                                    "match": {"location": ""}, "result": {"status": "skipped", "duration": 0}}
                                   for step in scenario.steps]
    if steps:
        steps[0]["result"]["error_message"] = reason  # why it was not run
    entry["elements"].append({"keyword": data["keyword"], "id": item.name, "name": data["name"],
                              "line": data["line_number"], "description": data["description"],
                              "tags": _tags(data), "type": "scenario", "steps": steps})


def _tags(item: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [{"name": tag, "line": item["line_number"] - 1} for tag in item["tags"]]


def configure(config: pytest.Config) -> None:
    if bdd.cucumber_json_asked(config) and not hasattr(config, "workerinput"):
        config.pluginmanager.register(CucumberSteps(config), "contracts-cucumber-steps")
