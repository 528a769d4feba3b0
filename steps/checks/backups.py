"""Checks on backups: the vault, and a table's coverage by a plan that keeps backups long enough."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ...provision.observed.state import Maybe, ObservedPlan, ObservedRule, Unverifiable, all_of, any_of
from ..results.findings import Cause, Finding, Kind, Outcome, unknown_of, verdict
from .coverage import selection_covers
from .tables import missing_table
from .target import Target


def vault_exists(target: Target, vault: str, must: bool) -> Finding:
    physical = target.vault(vault)
    subject = f"backup vault {vault}"
    expected = physical if must else "no such vault"
    vaults = target.observed.backups.vaults
    if isinstance(vaults, Unverifiable):
        return Finding(Kind.BACKUP_VAULT, Outcome.UNVERIFIABLE, subject, expected, "cannot be read here",
                       name=vault, required=must, reason=str(vaults), unknown=unknown_of(vaults))
    present = ", ".join(sorted(vaults)) or "none"
    hidden = target.observed.hidden("vault", physical)
    if physical not in vaults and hidden is not None:
        return Finding(Kind.BACKUP_VAULT, Outcome.UNVERIFIABLE, subject, expected,
                       f"no vault {physical} among what {target.where()} could read (vaults: {present})",
                       name=vault, required=must, reason=str(hidden), unknown=unknown_of(hidden))
    actual = physical if physical in vaults else f"no vault {physical} (vaults here: {present})"
    missing = must and physical not in vaults
    return Finding(Kind.BACKUP_VAULT, verdict(physical in vaults, must), subject, expected, actual, name=vault,
                   required=must, reason="" if physical in vaults else "no backups can be stored: the vault is missing",
                   cause=Cause.VAULT if missing else None,
                   action=(target.undefined_vault(vault) or target.to_build(f"backup vault {physical}"))
                   if missing else "")


def _keeps(rule: ObservedRule | Unverifiable, vault: str, days: int) -> Maybe:
    """Whether a rule writes to `vault` keeping backups `days` or more; unknown where a value it needs is."""
    if isinstance(rule, Unverifiable):
        return rule
    into = rule.vault if isinstance(rule.vault, Unverifiable) else rule.vault == vault
    retention = rule.retention_days
    long_enough = retention if isinstance(retention, Unverifiable) else retention is None or retention >= days
    return all_of([into, long_enough])


def backup_coverage(target: Target, table: str, days: int, vault: str, must: bool) -> Finding:
    """Covered: some plan writes to `vault`, keeps at least `days`, and one of its selections names the table."""
    physical_vault = target.vault(vault)
    subject = f"backups of table {table}"
    expected = f"a backup plan into {physical_vault} keeping at least {days} days that selects the table"
    if not must:
        expected = "no backup plan selecting the table"
    seen = target.table(table)
    if seen is None:
        return missing_table(target, table, Kind.BACKUP_COVERAGE, subject, expected, must, vault)
    vault_finding = vault_exists(target, vault, True)
    if vault_finding.outcome is not Outcome.PASSED:
        # Unverifiable either way; a missing vault fails "must" and satisfies "must not".
        outcome = vault_finding.outcome if must or vault_finding.outcome is Outcome.UNVERIFIABLE else Outcome.PASSED
        return Finding(Kind.BACKUP_COVERAGE, outcome, subject, expected, vault_finding.actual, table=table, name=vault,
                       required=must, reason=vault_finding.reason,
                       cause=Cause.VAULT if vault_finding.outcome is Outcome.FAILED else None,
                       action=vault_finding.action if must else "")
    plans = target.observed.backups.plans
    if isinstance(plans, Unverifiable):
        return Finding(Kind.BACKUP_PLAN, Outcome.UNVERIFIABLE, subject, expected, "cannot be read here",
                       table=table, name=vault, required=must, reason=str(plans), unknown=unknown_of(plans))
    keeps = {name: any_of(_keeps(r, physical_vault, days) for r in plan.rules) for name, plan in plans.items()}
    candidates = [plan for plan in plans.values() if keeps[plan.name] is not False]
    hidden = target.observed.hidden("plan")
    if not candidates:
        outcome = Outcome.UNVERIFIABLE if hidden is not None else verdict(False, must)
        return Finding(Kind.BACKUP_PLAN, outcome, subject, expected, _describe_plans(plans.values()),
                       table=table, name=vault, required=must, reason=str(hidden) if hidden is not None else
                       f"no backup plan writes to {physical_vault} keeping backups {days} days or more")
    answers = [all_of([keeps[plan.name], _plan_covers(plan, seen.arn, seen.tags)]) for plan in candidates]
    covering = [plan.name for plan, answer in zip(candidates, answers, strict=True) if answer is True]
    if covering:
        return Finding(Kind.BACKUP_COVERAGE, verdict(True, must), subject, expected,
                       f"selected by plan {', '.join(covering)}", table=table, name=vault, required=must)
    unknown = [answer for answer in answers if isinstance(answer, Unverifiable)]
    if unknown or hidden is not None:
        names = ", ".join(p.name for p in candidates)
        return Finding(Kind.BACKUP_COVERAGE, Outcome.UNVERIFIABLE, subject, expected,
                       f"vault and plan {names} exist; whether they keep and select the table cannot be read here",
                       table=table, name=vault, required=must, reason=str(unknown[0] if unknown else hidden),
                       unknown=unknown_of(unknown[0] if unknown else hidden))
    return Finding(Kind.BACKUP_COVERAGE, verdict(False, must), subject, expected,
                   f"plan {', '.join(p.name for p in candidates)} selects other resources", table=table, name=vault,
                   required=must, reason=f"no selection names {seen.name} by ARN, wildcard or tag")


def _plan_covers(plan: ObservedPlan, arn: str, tags: Mapping[str, str | Unverifiable] | Unverifiable) -> Maybe:
    if isinstance(plan.selections, Unverifiable):
        return plan.selections
    return any_of(selection_covers(s, arn, tags) for s in plan.selections)


def _describe_rule(rule: ObservedRule | Unverifiable) -> str:
    if isinstance(rule, Unverifiable):
        return "rules not known here"
    days = "an unknown number of" if isinstance(rule.retention_days, Unverifiable) else rule.retention_days
    vault = "a vault not known here" if isinstance(rule.vault, Unverifiable) else rule.vault
    return f"{days} days into {vault}"


def _describe_plans(plans: Iterable[ObservedPlan]) -> str:
    described = [f"{p.name} ({'; '.join(_describe_rule(r) for r in p.rules)})" for p in plans]
    return "plans: " + ", ".join(described) if described else "no backup plan"
