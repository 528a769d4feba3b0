"""A global table's `replica` blocks (on `aws_dynamodb_table`) as observed replicas: region, own KMS key,
point-in-time recovery and propagate_tags, each unknown where Terraform knows it only after apply.
"""

from __future__ import annotations

from ..state import ObservedReplica, Unverifiable, input_unknown
from .records import Reference
from .values import Block, NotKnown, known


def replicas_of(block: Block, source: str) -> tuple[ObservedReplica | Unverifiable, ...]:
    """The table's `replica` blocks (a global table); one whose region is not known is an `Unverifiable` in its
    place (it may be a replica in any region), as are `dynamic "replica"` blocks over an unknown value."""
    try:
        blocks = block.each("replica")
    except NotKnown as unknown:
        return (input_unknown(source, unknown.full),)
    found: list[ObservedReplica | Unverifiable] = []
    for replica in blocks:
        try:
            if isinstance(replica, NotKnown):
                raise replica
            region = replica.required("region_name")
        except NotKnown as unknown:
            found.append(input_unknown(source, unknown.full))
            continue
        found.append(ObservedReplica(
            region, "ACTIVE", _replica_key(replica, source),
            known(source, lambda: bool(replica.flag("point_in_time_recovery"))),  # noqa: B023 - called at once
            known(source, lambda: bool(replica.flag("propagate_tags")))))  # noqa: B023 - called at once
    return tuple(found)


def _replica_key(replica: Block, source: str) -> str | Unverifiable:
    """A replica's own KMS key; where none is written the provider computes it (the plan says unknown too)."""
    try:
        value = replica.raw("kms_key_arn")
    except NotKnown as unknown:
        return input_unknown(source, unknown.full)
    if isinstance(value, Reference):
        return input_unknown(source, f"{replica.where}: {replica.name('kms_key_arn')}: it is {value}, known only after "
                                    "apply")
    return replica.text("kms_key_arn") or input_unknown(
        source, f"{replica.where}: {replica.name('kms_key_arn')}: not written, so the provider sets it (the key of "
                f"that region the table's encryption uses), known only after apply")
