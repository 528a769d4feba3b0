"""Sentences about the desired state itself: the platform team's promise is exactly `contracts/`."""

from __future__ import annotations

from ..checks import desired
from ..checks.cost import within_budget
from ..checks.target import Target
from ..run.recorder import ScenarioFindings
from .catalogue import sentence


@sentence("then", "the environment {must:Must} have exactly the tables of the desired state",
          "Then the environment must have exactly the tables of the desired state",
          "The environment's tables (logical names) are exactly those contracts/ defines: adding a table is one "
          "edit in contracts/, and this follows.")
def _(contract_target: Target, scenario_findings: ScenarioFindings, must: bool) -> None:
    scenario_findings.add(desired.exact_desired_tables(contract_target, must))


@sentence("then", "every table {must:Must} have exactly the GSIs of the desired state",
          "Then every table must have exactly the GSIs of the desired state",
          "Each table contracts/ defines has exactly the GSIs contracts/ gives it, no more, no fewer.")
def _(contract_target: Target, scenario_findings: ScenarioFindings, must: bool) -> None:
    scenario_findings.add(desired.exact_desired_indexes(contract_target, must))


@sentence("then", "the environment {must:Must} match the desired state",
          "Then the environment must match the desired state",
          "Nothing `python -m provision plan` would change: every pending change of the plan (deletion protection, "
          "tags, encryption, streams, a backup plan's schedule or retention, ...) fails one claim with the plan's "
          "line; what the backend cannot report is unverifiable there.")
def _(contract_target: Target, scenario_findings: ScenarioFindings, must: bool) -> None:
    scenario_findings.add(desired.matches_desired_state(contract_target, must))


@sentence("then", "the monthly cost estimate of the environment must be within its budget",
          "Then the monthly cost estimate of the environment must be within its budget",
          "The estimate of `python -m provision cost` (the desired state, its expected usage, AWS's list prices) "
          "is at most the environment's budget; with no budget declared it is unverifiable.")
def _(contract_target: Target, scenario_findings: ScenarioFindings) -> None:
    scenario_findings.add(within_budget(contract_target))
