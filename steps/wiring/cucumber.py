"""`--cucumberjson`: each step shows what its own claims found, not the scenario's overall outcome.

Claims are judged when a scenario ends (every claim is checked before the verdict), so pytest-bdd,
which marks a step failed only when the step itself raises, writes every step of a scenario whose
claims failed as passed, and an unverifiable scenario's steps too: Cucumber viewers show them
green. After pytest-bdd has added a scenario to its JSON, this rewrites each step's result from the
recorder's step outcomes: failed (with its failed claims), skipped (unverifiable or not run here,
or never reached), passed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from pytest_bdd.reporting import test_report_context_registry

from steps.wiring import results as properties


class CucumberSteps:
    """Registered when --cucumberjson is given; runs after pytest-bdd's own Cucumber writer."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config

    @pytest.hookimpl(trylast=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        writer = getattr(self.config, "_bddcucumberjson", None)
        outcomes: Mapping[Any, Mapping[str, str]] | None = dict(report.user_properties).get(properties.STEPS)  # type: ignore[assignment]
        context = test_report_context_registry.get(report)
        if writer is None or report.when != "call" or outcomes is None or context is None:
            return
        feature = writer.features.get(context.scenario["feature"]["filename"])
        elements = [e for e in (feature or {}).get("elements", []) if e.get("id") == context.name]
        if elements:
            rewrite_steps(elements[-1]["steps"], outcomes)


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


def configure(config: pytest.Config) -> None:
    if config.getoption("cucumber_json_path", None) and not hasattr(config, "workerinput"):
        config.pluginmanager.register(CucumberSteps(config), "contracts-cucumber-steps")
