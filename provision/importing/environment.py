"""The environment an import writes: AWS, its region and account, its name patterns, what every table and alarm
of it gets there.

Terraform says the region (the provider's, on every table's ARN) and, in places, the account (the ARNs it names:
the backup role, alarm actions, KMS keys). An account found nowhere is written as a stand-in, 000000000000, listed
with the placeholders: the loader takes it, so the contracts can be run before deploy (`--against=schema`), and
nothing can be applied with it, since every mutating call checks the credentials' account first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from ..desired.model import DEFAULT_BACKUP_ROLE, EncryptionType
from ..errors import ToolError
from ..observed.state import ObservedEncryption, ObservedState
from .document import Block, Entry, Node, Note, Placeholder

STAND_IN_ACCOUNT = "000000000000"
ACCOUNT_IN_ARN = re.compile(r"arn:[\w-]+:[\w-]*:[\w-]*:(\d{12}):")
NOT_IN_TERRAFORM = ("Not in Terraform, so not written: profile or role_arn, writes_allowed, protected, budget, usage, "
                    "lambda_roles; add what applies (README, The contracts format).")


def _arns(state: ObservedState, roles: Iterable[str]) -> list[str]:
    """Every ARN the stack names that may carry its account."""
    found = list(roles)
    for table in state.tables.values():
        encryption = table.encryption
        if isinstance(encryption, ObservedEncryption) and encryption.type is EncryptionType.CUSTOMER_MANAGED:
            found.append(str(encryption.kms_key_arn))
    backups = state.backups
    if isinstance(backups.vaults, Mapping):
        found += [str(v.kms_key_arn) for v in backups.vaults.values() if v.kms_key_arn]
    if isinstance(backups.plans, Mapping):
        for plan in backups.plans.values():
            if isinstance(plan.selections, tuple):
                found += [str(r) for s in plan.selections for r in s.resources]
    if isinstance(state.alarms, Mapping):
        found += [str(a) for alarm in state.alarms.values() for a in alarm.actions]
    return found


def account(state: ObservedState, roles: Iterable[str], given: str | None) -> Entry:
    """The account_id entry: given, else the one account the stack's ARNs name, else a stand-in saying why."""
    seen = sorted({m.group(1) for arn in _arns(state, roles) if (m := ACCOUNT_IN_ARN.match(arn))})
    if given is not None:
        if not re.fullmatch(r"\d{12}", given):
            raise ToolError(f"--account-id {given}: an AWS account id is 12 digits, e.g. --account-id 123456789012")
        if seen and seen != [given]:
            raise ToolError(f"--account-id {given}, but the Terraform names account {', '.join(seen)} in its ARNs; "
                            "give the account it deploys to")
        return Entry("account_id", given)
    if len(seen) == 1:
        return Entry("account_id", seen[0])
    why = (f"the Terraform names accounts {', '.join(seen)}" if seen else
           "the Terraform names no account (no ARN of one)")
    return Entry("account_id", STAND_IN_ACCOUNT, f"unknown here: {why}; write the account's id (or import with "
                                                 "--account-id): nothing can be applied with this one", stand_in=True)


def region(state: ObservedState, given: str | None) -> Entry | Placeholder:
    """The region entry: given, else the one region of the tables' ARNs (their provider's), else a placeholder."""
    seen = sorted({parts[3] for t in state.tables.values() if len(parts := t.arn.split(":")) > 3 and parts[3]})
    if given is not None:
        if seen and seen != [given]:
            raise ToolError(f"--region {given}, but the Terraform's tables are in {', '.join(seen)}; give that region")
        return Entry("region", given)
    if len(seen) == 1:
        return Entry("region", seen[0])
    why = (f"the tables are in several regions ({', '.join(seen)}); an environment has one" if seen else
           "the AWS provider's region is not known (set it, or import with --region)")
    return Placeholder("region", f"unknown here: {why}")


def backup_role(roles: set[str], account_id: str) -> list[Node]:
    """backup_role_arn, when the selections use one role other than the account's default one."""
    if len(roles) > 1:
        return [Placeholder("backup_role_arn", f"the selections use several roles ({', '.join(sorted(roles))}); "
                                               "contracts/ give one to every plan")]
    role = next(iter(roles), None)
    if role is None or role == f"arn:aws:iam::{account_id}:{DEFAULT_BACKUP_ROLE}":
        return []
    return [Entry("backup_role_arn", role)]


def environment_nodes(name: str, settings: Sequence[Node]) -> list[Node]:
    """The `environments:` section of one AWS environment with `settings` (region, account, patterns, ...)."""
    body: list[Node] = [Entry("backend", "aws"), *settings, Note(NOT_IN_TERRAFORM)]
    return [Entry("environments", Block((Entry(name, Block(tuple(body))),)))]
