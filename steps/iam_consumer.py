"""A consumer's least-privilege policy, from what its access-pattern scenarios call (features/NAME/*.feature).

`python -m steps.iam_consumer --env ENV --role consumer:NAME` (reader and provisioner too, as
`python -m provision iam`). It lives here, not in provision, because the provisioner must not read the
contracts suite (an import contract): this side parses the features and hands `provision.iam` the uses.

Each `Given the table "T" holds the items:` writes items (PutItem) and deletes them after (DeleteItem) on T;
each `When querying [the GSI|LSI "I" of] table "T" ...` queries T, or its index I.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from provision.backends import operations as ops
from provision.desired.stack import Stack
from provision.errors import ToolError
from provision.iam import command
from provision.iam.arns import of_stack
from provision.iam.policy import Policy, Use, consumer_policy
from steps.gherkin.parse import ParsedScenario, parse_all
from steps.sentences import catalogue

HOLDS_ITEMS = 'the table "{table:Name}" holds the items:'
QUERYING = "querying the "


def _step_uses(keyword: str, text: str) -> Iterator[tuple[ops.Operation, str, str | None]]:
    found = catalogue.find(keyword, text)
    if found is None:
        return
    args: dict[str, Any] = found.parser.parse_arguments(text) or {}
    if found.pattern == HOLDS_ITEMS:
        yield ops.PUT_ITEM, args["table"], None
        yield ops.DELETE_ITEM, args["table"], None  # the suite's cleanup of what it wrote
    elif found.pattern.startswith(QUERYING) and found.keyword == "when":
        yield ops.QUERY, args["table"], args.get("index")


def uses_of(scenarios: Sequence[ParsedScenario], consumer: str, stack: Stack) -> list[Use]:
    """What the consumer's scenarios call, on physical names (each one once)."""
    found: dict[tuple[str, str, str | None], Use] = {}
    for scenario in (s for s in scenarios if s.consumer == consumer):
        for step in scenario.steps:
            for operation, table, index in _step_uses(step.type, step.name):
                physical = stack.physical_table(table)
                found.setdefault((operation.name, physical, index), Use(operation, physical, index))
    return list(found.values())


def policy_for(rootpath: Path, consumer: str, stack: Stack) -> Policy:
    catalogue.load_all()
    parsed = parse_all(rootpath)
    if consumer not in parsed.consumers:
        raise ToolError(f"no consumer '{consumer}' under {rootpath / 'features'}; choose one of: "
                        f"{', '.join(parsed.consumers)}")
    uses = uses_of(parsed.scenarios, consumer, stack)
    if not uses:
        raise ToolError(f"consumer '{consumer}' has no access-pattern scenario: it calls nothing, and needs no policy")
    return consumer_policy(of_stack(stack), uses)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m steps.iam_consumer", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contracts", default="contracts", metavar="DIR")
    parser.add_argument("--rootdir", default=".", type=Path, help="the folder holding features/ (default: .)")
    command.add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        if args.role.consumer is None:
            return command.run(args)
        return command.show(policy_for(args.rootdir, args.role.consumer, command.stack_of(args)))
    except ToolError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
