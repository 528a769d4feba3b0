"""What the diff's tests share: an environment's account, set or taken away, and the changes of a diff by kind and
target."""

from __future__ import annotations

import dataclasses

from dynamo_contracts.provision.desired.stack import Stack

ACCOUNT = "210987654321"


def kinds(changes: list) -> list[tuple[str, str]]:
    return [(c.kind, c.target) for c in changes]


def with_account(stack: Stack, account: str | None) -> Stack:
    return dataclasses.replace(stack, environment=dataclasses.replace(stack.environment, account_id=account))
