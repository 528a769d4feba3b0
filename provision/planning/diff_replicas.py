"""The diff of a global table's replicas: where the contracts declare `replicas:`, each one there as written.

Part of `provision.planning.diff`. The provisioner does not make replicas (a replica is a whole copy of the
table, made and removed region by region, with costs in each): every difference is a `Refused` change that
the plan shows and `apply` refuses, saying how to make it (Terraform or the console). What the source cannot
read of a replica (DynamoDB Local and moto have no global tables; Terraform knows some values only after
apply) is that change skipped, with why. A table whose contracts say nothing of replicas keeps those it has.
"""

from __future__ import annotations

from ..desired.model import Replica, TableSpec
from ..observed.state import ObservedReplica, ObservedTable, Unverifiable
from .changes import Change, Refused

HOW = ("the provisioner does not make or change replicas: do it with Terraform (a `replica {{ region_name = "
       "\"{region}\" }}` block on the table's aws_dynamodb_table) or in the console (DynamoDB > Tables > {table} > "
       "Global tables), then plan again")
REMOVE = ("the provisioner does not remove replicas (the copy in {region} and its data go with it): remove it with "
          "Terraform or in the console (DynamoDB > Tables > {table} > Global tables) if it should go, or add it "
          "to the contracts' replicas")


def replica_changes(name: str, spec: TableSpec, seen: ObservedTable, backend_gap: Unverifiable | None
                    ) -> list[Change]:
    """What differs between the replicas the contracts declare and those there; nothing where none are declared."""
    if spec.replicas is None:
        return []
    replicas = backend_gap or seen.replicas
    if isinstance(replicas, Unverifiable):
        return [_refused(name, replica, f"{replica} as the contracts want it", replicas) for replica in spec.replicas]
    known = {r.region: r for r in replicas if isinstance(r, ObservedReplica)}
    hidden = next((r for r in replicas if isinstance(r, Unverifiable)), None)
    changes: list[Change] = []
    for replica in spec.replicas:
        current = known.get(replica.region)
        if current is None:
            changes.append(_refused(name, replica, f"no {replica}", hidden))
            continue
        difference, unknown = _difference(spec, replica, current)
        if difference or unknown is not None:
            changes.append(_refused(name, replica, f"{replica}: {difference or 'may differ'}",
                                    None if difference else unknown))
    for region in sorted(set(known) - {r.region for r in spec.replicas}):
        changes.append(Refused(target=name, what=f"a replica in {region}, which the contracts do not declare",
                               how=REMOVE.format(region=region, table=name)))
    return changes


def _refused(name: str, replica: Replica, what: str, skipped: Unverifiable | None) -> Refused:
    return Refused(target=name, what=what, how=HOW.format(region=replica.region, table=name), skipped=skipped)


def _difference(spec: TableSpec, replica: Replica, seen: ObservedReplica) -> tuple[str, Unverifiable | None]:
    """The known differences of one replica (its key, point-in-time recovery, tags), and why others may exist."""
    wanted: list[tuple[str, object, object]] = [
        ("point-in-time recovery", spec.replica_pitr(replica), seen.point_in_time_recovery)]
    if replica.propagate_tags:  # not wanted: whether the tags are copied does not matter
        wanted.append(("propagate_tags", True, seen.propagate_tags))
    if replica.kms_key is not None:
        wanted.append(("KMS key", replica.kms_key, seen.kms_key_arn))
    differing = [f"{what} is {_shown(found)}, the contracts want {_shown(want)}" for what, want, found in wanted
                 if not isinstance(found, Unverifiable) and found != want]
    unknown = next((found for _, _, found in wanted if isinstance(found, Unverifiable)), None)
    return "; ".join(differing), unknown


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    return "none" if value is None else str(value)
