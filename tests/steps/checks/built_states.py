"""What the check tests share: the environment they build states for (sit), an edit of a built observed state
(one of them removes a table), and the target a check reads; shared by the check tests of this folder."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from dynamo_contracts.provision.desired.model import AttributeType
from dynamo_contracts.provision.desired.stack import Stack
from dynamo_contracts.provision.observed.schema import observed_from_stack
from dynamo_contracts.provision.observed.state import ObservedState
from dynamo_contracts.steps.checks.target import Target

ENV = "sit"
Edit = Callable[[ObservedState], ObservedState]


def without_table(name: str) -> Edit:
    return lambda state: dataclasses.replace(
        state, tables={k: v for k, v in state.tables.items() if k != f"{name}-{ENV}"})


def target_of(stack: Stack, edit: Edit) -> Target:
    return Target(stack.environment, edit(observed_from_stack(stack)), stack)
S = AttributeType.S
