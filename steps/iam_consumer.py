"""A consumer's least-privilege policy, from what its access-pattern scenarios call (features/NAME/*.feature).

`python -m steps.iam_consumer --env ENV --role consumer:NAME` (reader and provisioner too, as
`python -m provision iam`). It lives here, not in provision, because the provisioner must not read the
contracts suite (an import contract): this side parses the features and hands `provision.iam` the uses.

What each step calls is read in one place, `steps.permissions.calls`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dynamo_contracts.provision.desired.model import DEFAULT_ACCOUNT
from dynamo_contracts.provision.desired.stack import Stack
from dynamo_contracts.provision.errors import ToolError
from dynamo_contracts.provision.iam import command
from dynamo_contracts.provision.iam.arns import of_stack
from dynamo_contracts.provision.iam.policy import Policy, consumer_policy
from dynamo_contracts.steps.gherkin.parse import parse_all
from dynamo_contracts.steps.permissions.calls import uses_of
from dynamo_contracts.steps.sentences import catalogue


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


def policies_of_stack(rootpath: Path, stack: Stack) -> dict[str, dict[str, Any]]:
    """Every consumer's generated policy document in the stack's environment, for the Terraform export (the entry
    point `dynamo_contracts.consumer_policies`): consumers without access patterns call nothing and get none."""
    catalogue.load_all()
    parsed = parse_all(rootpath)
    arns = of_stack(stack, account=stack.environment.account_id or DEFAULT_ACCOUNT)  # moto's where none is named
    found = {}
    for consumer in parsed.consumers:
        uses = uses_of(parsed.scenarios, consumer, stack)
        if uses:
            found[consumer] = consumer_policy(arns, uses).data()
    return found


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
