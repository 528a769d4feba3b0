"""Checks on a global table: it is replicated to a region (a replica there, whatever its state of sync)."""

from __future__ import annotations

from ...provision.observed.capabilities import Feature, gap
from ...provision.observed.state import ObservedReplica, Unverifiable
from ..results.findings import Finding, Kind, Outcome, unknown_of, verdict
from .tables import missing_table
from .target import Target


def _undefined(target: Target, table: str, region: str) -> str:
    """Who must act when the desired state gives the table no replica there; "" when it does."""
    spec = target.stack.spec(table)
    if spec is None or spec.replica(region) is not None:
        return ""
    where = spec.source.file if spec.source else "the desired state"
    return (f"the desired state gives table {table} no replica in {region}: the platform team must add it "
            f"(replicas: [{region}] in {where})")


def replicated(target: Target, table: str, region: str, must: bool) -> Finding:
    """A replica of the table is in `region` (must not: none is). A replica in a region a static source cannot
    know (a `dynamic "replica"` over an unknown value) may be it: then it is unverifiable."""
    subject = f"replica of table {table} in {region}"
    expected = f"{'' if must else 'no '}replica in {region}"
    seen = target.table(table)
    if seen is None:
        return missing_table(target, table, Kind.REPLICA, subject, expected, must, region)
    replicas = gap(target.capabilities, Feature.REPLICAS) or seen.replicas
    if isinstance(replicas, Unverifiable):
        return Finding(Kind.REPLICA, Outcome.UNVERIFIABLE, subject, expected, "cannot be read here", table=table,
                       name=region, required=must, reason=str(replicas), unknown=unknown_of(replicas))
    found = next((r for r in replicas if isinstance(r, ObservedReplica) and r.region == region), None)
    regions = ", ".join(sorted(r.region for r in replicas if isinstance(r, ObservedReplica))) or "none"
    if found is not None:
        return Finding(Kind.REPLICA, verdict(True, must), subject, expected, f"replica in {region}, {found.status}",
                       table=table, name=region, required=must)
    hidden = next((r for r in replicas if isinstance(r, Unverifiable)), None)
    actual = f"no replica in {region} (replicas: {regions})"
    if hidden is not None:
        return Finding(Kind.REPLICA, Outcome.UNVERIFIABLE, subject, expected, f"{actual} among what could be read",
                       table=table, name=region, required=must, reason=str(hidden), unknown=unknown_of(hidden))
    return Finding(Kind.REPLICA, verdict(False, must), subject, expected, actual, table=table, name=region,
                   required=must, reason=f"table {table} has no copy in {region}" if must else "",
                   action=(_undefined(target, table, region)
                           or target.to_build(f'a replica in {region} (replica {{ region_name = "{region}" }})', table))
                   if must else "")
