"""`python -m provision iam --env ENV --role reader|provisioner`: print the role's least-privilege policy (JSON).

Where IAM forces a pattern (backup plans, KMS keys, tables read by name pattern), the statement's Sid says so,
and the reason is printed on stderr. A consumer's policy (`--role consumer:NAME`) comes from its features, which
the provisioner does not read (the import contracts keep it apart from the contracts suite): it is made by
`python -m steps.iam_consumer`, which takes the same options.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from ..desired.load import load_contracts
from ..desired.model import DesiredState, Environment
from ..desired.stack import Stack, resolve
from ..errors import ToolError
from ..operations import Role
from .arns import of_stack
from .policy import Policy, role_policy

CONSUMER_COMMAND = "python -m steps.iam_consumer"
EXIT_OK = 0


@dataclass(frozen=True)
class RoleChoice:
    role: Role
    consumer: str | None = None

    def __str__(self) -> str:
        return f"{self.role.value}:{self.consumer}" if self.consumer else self.role.value


def role_choice(text: str) -> RoleChoice:
    """`reader`, `provisioner` or `consumer:NAME`."""
    name, _, consumer = text.partition(":")
    if name in (Role.READER, Role.PROVISIONER) and not consumer:
        return RoleChoice(Role(name))
    if name == Role.CONSUMER and consumer:
        return RoleChoice(Role.CONSUMER, consumer)
    raise argparse.ArgumentTypeError(f"'{text}' is not a role: write reader, provisioner or consumer:NAME "
                                     "(NAME a folder of features/, e.g. consumer:order_lambda)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--env", required=True, help="an AWS environment of the contracts (one with an account_id)")
    parser.add_argument("--role", required=True, type=role_choice, metavar="ROLE",
                        help="reader (pytest --read-only), provisioner (apply) or consumer:NAME (its access patterns)")


def add_parser(commands: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    sub = commands.add_parser("iam", parents=parents, help="print a role's least-privilege IAM policy (JSON)",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(sub)


def environment(desired: DesiredState, name: str) -> Environment:
    if name not in desired.environments:
        raise ToolError(f"no environment '{name}' in the contracts; choose one of: {', '.join(desired.environments)}")
    return desired.environments[name]


def stack_of(args: argparse.Namespace) -> Stack:
    desired = load_contracts(Path(args.contracts))
    return resolve(desired, environment(desired, args.env))


def show(policy: Policy) -> int:
    """The policy on stdout; why each pattern is there, on stderr."""
    print(policy.render())
    for note in policy.notes():
        print(f"note: {note}", file=sys.stderr)
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    choice: RoleChoice = args.role
    if choice.role is Role.CONSUMER:
        raise ToolError(f"a consumer's policy is made from its features: run `{CONSUMER_COMMAND} --env {args.env} "
                        f"--role {choice}` (the provisioner does not read features/)")
    return show(role_policy(choice.role, of_stack(stack_of(args))))
