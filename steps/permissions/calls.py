"""The AWS calls a consumer's access-pattern steps make: what its IAM role must allow.

Each `Given the table "T" holds the items:` writes items (PutItem) and deletes them after (DeleteItem) on T;
each `When querying [the GSI|LSI "I" of] table "T" ...` queries T, or its index I. One place reads this from the
step library, for the consumer's generated policy (`python -m steps.iam_consumer`) and for the claims that its
role may make them (criterion 7 of the readiness report).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol

from ...provision import operations as ops
from ...provision.desired.stack import Stack
from ...provision.iam.policy import Use
from ..sentences import catalogue
from .checks import Call

HOLDS_ITEMS = 'the table "{table:Name}" holds the items:'
QUERYING = "querying the "


class StepLike(Protocol):
    """A Gherkin step as pytest-bdd gives it."""

    type: str
    name: str
    line_number: int


class ScenarioLike(Protocol):
    """A parsed scenario (`steps.gherkin.parse.ParsedScenario`): its consumer and its steps."""

    @property
    def consumer(self) -> str: ...

    @property
    def steps(self) -> Sequence[StepLike]: ...


def step_calls(keyword: str, text: str) -> Iterator[Call]:
    found = catalogue.find(keyword, text)
    if found is None:
        return
    args: dict[str, Any] = found.parser.parse_arguments(text) or {}
    if found.pattern == HOLDS_ITEMS:
        yield Call(ops.PUT_ITEM, args["table"])
        yield Call(ops.DELETE_ITEM, args["table"])  # the suite's cleanup of what it wrote
    elif found.pattern.startswith(QUERYING) and found.keyword == "when":
        yield Call(ops.QUERY, args["table"], args.get("index"))


def scenario_calls(steps: Iterable[StepLike]) -> list[tuple[int, Call]]:
    """Each call the steps make, once, with the line of the first step making it."""
    found: dict[Call, int] = {}
    for step in steps:
        for call in step_calls(step.type, step.name):
            found.setdefault(call, step.line_number)
    return [(line, call) for call, line in found.items()]


def uses_of(scenarios: Iterable[ScenarioLike], consumer: str, stack: Stack) -> list[Use]:
    """What the consumer's scenarios call, on physical names (each one once): what its policy must allow."""
    found: dict[tuple[str, str, str | None], Use] = {}
    for scenario in (s for s in scenarios if s.consumer == consumer):
        for _, call in scenario_calls(scenario.steps):
            physical = stack.physical_table(call.table)
            found.setdefault((call.operation.name, physical, call.index), Use(call.operation, physical, call.index))
    return list(found.values())
