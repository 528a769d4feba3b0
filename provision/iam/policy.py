"""IAM policy documents for the roles the tool plays, built from the operation catalogue alone.

Each IAM action an operation needs (its own and those AWS also checks, `Operation.also`) is scoped by what the
operation touches (`Touches`) to the environment's ARNs, and the actions are grouped by the resources they are
scoped to: one statement per scope, its Sid saying what the scope is and, where IAM forces a pattern, why.

- Tables the tool changes: the exact ARNs of the contracts' tables.
- Tables the tool reads (DescribeTable, ...): the environment's name pattern (`table/*-sit`), because `observe`
  reads every table named like the pattern to tell ours from another team's (by its ownership tag). Metadata only.
- DeleteTable: only tables named like the pattern that carry `ManagedBy=dynamo-contracts` (the tool's own rule,
  enforced by IAM too); not at all in a protected environment, where deletes are refused.
- Backup plans: `backup-plan:*` of the account and region: a plan's ARN holds the id AWS gives it at creation, and
  the reader reads every plan to find ours by name. Vaults: exact ARNs. The backup role: exact, passed to AWS
  Backup only. KMS keys: `key/*` of the account and region (the AWS managed key's id is not in the contracts).
- List operations IAM does not scope to a resource (ListTables, ListBackupVaults, ...): `*`.
- The tool's own verdict store (`dynamo-contracts-verdicts`, only in an environment with `record_verdicts: true`):
  its exact ARN. The reader, the role CI runs the contracts with, may put and query its items (a run records each
  consumer's verdict; can-i-deploy queries them; record-deployment puts one), and nothing else there; the
  provisioner creates, reads and updates it as a table of the contracts, and never deletes it. A consumer's Lambda
  role gets nothing on it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .. import operations as ops
from ..desired.stack import OWNERSHIP_TAG_KEY, OWNERSHIP_TAG_VALUE
from ..operations import Operation, Role, Touches
from .arns import StackArns

VERSION = "2012-10-17"
# IAM authorises these on the table's ARN even when they change one of its indexes.
ON_THE_TABLE_ONLY = frozenset({"dynamodb:UpdateTable"})
_SERVICE_OF: Mapping[Touches, str] = {Touches.TABLE: "dynamodb", Touches.INDEX: "dynamodb",
                                      Touches.STREAM: "dynamodb", Touches.VAULT: "backup", Touches.PLAN: "backup",
                                      Touches.KEY: "kms", Touches.ROLE: "iam", Touches.ALARM: "cloudwatch",
                                      Touches.LAMBDA_ROLE: "iam"}

Condition = tuple[tuple[str, str, str], ...]  # (operator, key, value)


@dataclass(frozen=True)
class Scope:
    """Resources (and a condition) that some actions are allowed on: one statement."""

    sid: str
    resources: tuple[str, ...]
    why: str = ""  # said where IAM forces a pattern or a condition narrows it
    condition: Condition = ()


@dataclass(frozen=True)
class Statement:
    scope: Scope
    actions: tuple[str, ...]  # sorted, no wildcard

    def data(self) -> dict[str, Any]:
        found: dict[str, Any] = {"Sid": self.scope.sid, "Effect": "Allow", "Action": list(self.actions),
                                 "Resource": list(self.scope.resources)}
        if self.scope.condition:
            conditions: dict[str, dict[str, str]] = {}
            for operator, key, value in self.scope.condition:
                conditions.setdefault(operator, {})[key] = value
            found["Condition"] = conditions
        return found


@dataclass(frozen=True)
class Policy:
    statements: tuple[Statement, ...]

    def data(self) -> dict[str, Any]:
        return {"Version": VERSION, "Statement": [s.data() for s in self.statements]}

    def render(self) -> str:
        return json.dumps(self.data(), indent=2)

    def notes(self) -> list[str]:
        return [f"{s.scope.sid}: {s.scope.why}" for s in self.statements if s.scope.why]


@dataclass(frozen=True)
class Use:
    """One operation a consumer's access patterns make on a table (physical name) or one of its indexes."""

    operation: Operation
    table: str
    index: str | None = None


# What the runs that record verdicts, can-i-deploy and record-deployment call on the verdict store (the steps'
# `deployments.store`, which this layer cannot import: tests/provision/iam/test_verdict_store.py records its
# calls and checks them).
VERDICT_STORE_CALLS = (ops.PUT_ITEM, ops.QUERY)

ANY = Scope("AccountWideListsIamCannotScope", ("*",),
            "these list operations (and backup-storage:MountCapsule, which CreateBackupVault needs) take no resource")


def _scopes(stack: StackArns) -> Mapping[str, Scope]:
    arns = stack.arns
    return {
        "read-tables": Scope("ReadTablesNamedLikeThePattern", (stack.tables_like_pattern,),
                             f"metadata only: the tool reads every table named like {stack.tables_pattern} to tell "
                             "the contracts' and its own from another team's"),
        "change-tables": Scope("ChangeTheContractsTables", tuple(stack.table_arns)),
        "delete-tables": Scope("DeleteOnlyTablesTheToolOwns", (stack.tables_like_pattern,),
                               f"tables no longer in the contracts are deleted only if tagged "
                               f"{OWNERSHIP_TAG_KEY}={OWNERSHIP_TAG_VALUE}",
                               (("StringEquals", f"aws:ResourceTag/{OWNERSHIP_TAG_KEY}", OWNERSHIP_TAG_VALUE),)),
        "vaults": Scope("TheContractsBackupVaults", tuple(stack.vault_arns)),
        "alarms": Scope("TheContractsAlarms", tuple(stack.alarm_arns)),
        "read-alarms": Scope("ReadTheAlarmsOfTheAccountToFindTheTables", (stack.any_alarm,),
                             "DescribeAlarms lists the account's alarms to find those watching the tables"),
        "plans": Scope("BackupPlansOfTheAccountByIdUnknownBeforeCreation", (arns.any_plan,),
                       "a backup plan's ARN holds the id AWS gives it at creation, not its name, and the tool "
                       "reads every plan to find its own by name"),
        "keys": Scope("KmsKeysOfTheTablesIdUnknownBeforehand", (arns.any_key,),
                      "the AWS managed key's id differs per account and is not in the contracts; DescribeKey only"),
        "lambda-roles": Scope("SimulateTheConsumersLambdaRoles", stack.lambda_roles,
                              "whether each consumer's Lambda role may make its access patterns' calls (lambda_roles "
                              "of the environment); no role declared, no statement"),
        "role": Scope("PassTheBackupRoleToAwsBackupOnly", (stack.backup_role,), "",
                      (("StringEquals", "iam:PassedToService", "backup.amazonaws.com"),)),
        "own-tables": Scope("TheToolsOwnVerdictStore", tuple(stack.own_table_arns),
                            "the tool's own table (record_verdicts): created and kept like a table of the contracts, "
                            "never deleted"),
        "verdicts": Scope("RecordAndReadVerdictsInTheToolsOwnTable", tuple(stack.own_table_arns),
                          "items of the tool's own table only: each run's verdicts, can-i-deploy's answers, "
                          "record-deployment"),
    }


def _scope_names(op: Operation, action: str) -> list[str]:
    """Which scopes of `_scopes` an action of this operation is allowed on ([] means `*`)."""
    service = action.split(":", 1)[0]
    touches = [t for t in op.touches if _SERVICE_OF.get(t) == service]
    if action in ON_THE_TABLE_ONLY:
        touches = [t for t in touches if t is not Touches.INDEX] or [Touches.TABLE]
    names = []
    for touch in touches:
        if touch is Touches.TABLE:
            names.append("delete-tables" if op == ops.DELETE_TABLE else
                         "read-tables" if Role.READER in op.roles else "change-tables")
        elif touch is Touches.VAULT:
            names.append("vaults")
        elif touch is Touches.ALARM:
            names.append("read-alarms" if Role.READER in op.roles else "alarms")
        elif touch is Touches.PLAN:
            names.append("plans")
        elif touch is Touches.KEY:
            names.append("keys")
        elif touch is Touches.ROLE:
            names.append("role")
        elif touch is Touches.LAMBDA_ROLE:
            names.append("lambda-roles")
        else:
            raise ValueError(f"{op.name}: no scope for {touch.value} on the {role_names(op)} role's policy")
    return names


def role_names(op: Operation) -> str:
    return ", ".join(sorted(op.roles))


def _actions(op: Operation) -> list[str]:
    return [a for a in (op.iam_action, *op.also) if a]


def _statements(grants: Mapping[Scope, set[str]]) -> Policy:
    kept = [Statement(scope, tuple(sorted(actions))) for scope, actions in grants.items()
            if actions and scope.resources]
    return Policy(tuple(sorted(kept, key=lambda s: s.scope.sid)))


def role_policy(role: Role, stack: StackArns) -> Policy:
    """The reader's or the provisioner's policy: every action of its operations, each on its scope."""
    if role is Role.CONSUMER:
        raise ValueError("a consumer's policy comes from its access patterns: consumer_policy()")
    scopes = _scopes(stack)
    grants: dict[Scope, set[str]] = {}
    for op in ops.operations(role):
        if op == ops.DELETE_TABLE and stack.protected:
            continue  # a protected environment refuses every delete: the policy does too
        for action in _actions(op):
            for scope in [scopes[n] for n in _scope_names(op, action)] or [ANY]:
                grants.setdefault(scope, set()).add(action)
            if role is Role.PROVISIONER and Touches.TABLE in op.touches and op != ops.DELETE_TABLE \
                    and action.startswith("dynamodb:"):
                grants.setdefault(scopes["own-tables"], set()).add(action)
    if role is Role.READER:
        grants[scopes["verdicts"]] = {a for op in VERDICT_STORE_CALLS for a in _actions(op)}
    return _statements(grants)


def consumer_policy(stack: StackArns, uses: Iterable[Use]) -> Policy:
    """Exactly the actions a consumer's access patterns make, on exactly the tables and indexes they use."""
    grants: dict[Scope, set[str]] = {}
    for use in uses:
        for action in _actions(use.operation):
            scope = _consumer_scope(stack, use)
            grants.setdefault(scope, set()).add(action)
    merged: dict[str, tuple[set[str], set[str]]] = {}  # one statement per table and one for its indexes
    for scope, actions in grants.items():
        found = merged.setdefault(scope.sid, (set(), set()))
        found[0].update(scope.resources)
        found[1].update(actions)
    return _statements({Scope(sid, tuple(sorted(resources))): actions
                        for sid, (resources, actions) in merged.items()})


def _consumer_scope(stack: StackArns, use: Use) -> Scope:
    arns = stack.arns
    if use.index is not None and Touches.INDEX in use.operation.touches:
        return Scope(f"IndexesOf{_camel(use.table)}", (arns.index(use.table, use.index),))
    return Scope(f"ItemsOf{_camel(use.table)}", (arns.table(use.table),))


def _camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", name) if part)
