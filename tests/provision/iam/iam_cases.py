"""What the IAM tests share: moto's account, the consumer they judge, the policies of a stack, the command run in
process, and node for the IAM evaluator."""

from __future__ import annotations

import argparse

import pytest

from dynamo_contracts.provision.apply.executor import ApplyOptions
from dynamo_contracts.provision.desired.stack import Stack
from dynamo_contracts.provision.iam import command
from dynamo_contracts.provision.iam.arns import of_stack
from dynamo_contracts.provision.iam.policy import Policy, role_policy
from dynamo_contracts.provision.operations import Role
from dynamo_contracts.steps import iam_consumer
from tests.support.iam import evaluate
from tests.support.paths import ROOT

MOTO_ACCOUNT = "123456789012"
CONSUMER = "order_lambda"
needs_node = pytest.mark.skipif(evaluate.node() is None, reason=f"run `{evaluate.NPM_CI}` (node and the simulator)")


def policies_of(stack: Stack) -> dict[str, Policy]:
    return {"reader": role_policy(Role.READER, of_stack(stack)),
            "provisioner": role_policy(Role.PROVISIONER, of_stack(stack)),
            f"consumer:{CONSUMER}": iam_consumer.policy_for(ROOT, CONSUMER, stack)}


QUIET = ApplyOptions(progress=lambda _line: None)  # apply without its progress lines


def run_iam(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--contracts", default=str(ROOT / "contracts"))
    command.add_parser(parser.add_subparsers(dest="command"), [common])
    return command.run(parser.parse_args(["iam", *argv]))
