"""The tool's own tables: declared here, and only here, never in contracts/.

`dynamo-contracts-verdicts` holds, per consumer and environment, each run's verdict with the contract's version
(`python -m steps.can_i_deploy` reads it) and which contract version is live there (`record-deployment`). It lives
in the environment's own account and region, created by the provisioner's plan like any table, but only in an
environment that records verdicts (`record_verdicts: true` in contracts/environments.yaml, or a run given
`--record-verdicts`).

It is never part of the stack: its name carries the reserved prefix `dynamo-contracts-`, which no table of the
contracts may make (the loader refuses it), and the live reader leaves tables of that prefix out of the
environment's tables by that prefix, explicitly, so `features/platform/stack.feature`'s "exactly the tables of the
desired state" and the readiness counts never see it, and the diff of the stack never deletes it. One table serves
every environment of an account (the environment is part of each record's key), so its name has no `{env}`.
"""

from __future__ import annotations

from .model import AttributeType, Environment, KeyAttribute, KeySchema, TableSpec

RESERVED_PREFIX = "dynamo-contracts-"
VERDICTS_TABLE = f"{RESERVED_PREFIX}verdicts"
PARTITION = "subject"  # "<environment>#<consumer>"
SORT = "entry"  # "verdict#<time>" for a run's verdict, "deployment#<time>" for a recorded deployment

VERDICTS = TableSpec(
    name=VERDICTS_TABLE,
    keys=KeySchema(KeyAttribute(PARTITION, AttributeType.S), KeyAttribute(SORT, AttributeType.S)),
    point_in_time_recovery=True,  # the record of what was verified where is worth keeping
    tags={"ManagedBy": "dynamo-contracts", "Purpose": "contract-verdicts"},
    description="The tool's own record of contract verdicts and deployments (python -m steps.can_i_deploy).",
)


def is_own(physical: str) -> bool:
    """Whether a table name is the tool's own (the reserved prefix), never a table of the stack."""
    return physical.startswith(RESERVED_PREFIX)


def own_tables(env: Environment) -> dict[str, TableSpec]:
    """The tool's own tables the environment must have: the verdict store where it records verdicts."""
    return {VERDICTS_TABLE: VERDICTS} if env.record_verdicts else {}
