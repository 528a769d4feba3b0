"""The platform team's cost claim: the environment's monthly estimate (`python -m provision cost`) is within
its budget. The estimate comes from the desired state and its declared usage, whatever source is read."""

from __future__ import annotations

from ...provision.cost import estimate, file_prices
from ...provision.errors import ToolError
from ...provision.observed.state import Unverifiable
from ..results.findings import Finding, Kind, Outcome, verdict
from .target import Target


def within_budget(target: Target) -> Finding:
    env = target.environment
    subject = f"monthly cost of {env.name}"
    if env.budget is None:
        return Finding(Kind.COST, Outcome.UNVERIFIABLE, subject, "within its budget", "no budget declared",
                       reason=str(Unverifiable(target.backend, f"environment '{env.name}' declares no budget: give it "
                                                  "budget: {monthly_usd: N} in contracts/environments.yaml (and its "
                                                  "expected usage)")))
    budget = env.budget.monthly_usd
    expected = f"at most ${budget:,.2f} a month"
    try:
        found = estimate(target.stack, env.usage, file_prices(env.region))
    except ToolError as error:
        return Finding(Kind.COST, Outcome.UNVERIFIABLE, subject, expected, "cannot be estimated",
                       reason=str(Unverifiable(target.backend, str(error))))
    dimensions = sorted(found.by_dimension().items(), key=lambda item: -item[1])
    largest = ", ".join(f"{d.value} ${usd:,.2f}" for d, usd in dimensions[:3] if usd)
    within = found.total_usd <= budget
    where = env.budget.source or "contracts/environments.yaml"
    return Finding(Kind.COST, verdict(within, True), subject, expected,
                   f"${found.total_usd:,.2f} a month (largest: {largest or 'none'})",
                   reason="" if within else f"the estimate is ${found.total_usd - budget:,.2f} over the budget",
                   action="" if within else (f"the platform team: lower the expected usage or raise the budget of "
                                             f"{env.name} ({where}); `dynamo-contracts cost --env {env.name}` shows "
                                             "each line"))
