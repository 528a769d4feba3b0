"""`python -m provision iam` (`provision.iam.command`): the policy printed as JSON, and each refusal saying what
to give instead."""

from __future__ import annotations

import argparse
import json

import pytest

from dynamo_contracts.provision.desired.stack import Stack
from dynamo_contracts.provision.errors import ToolError
from dynamo_contracts.provision.iam import command
from dynamo_contracts.provision.iam.policy import Policy
from dynamo_contracts.steps import iam_consumer
from tests.provision.iam.iam_cases import CONSUMER, run_iam
from tests.support.iam import evaluate
from tests.support.iam.recorder import Call
from tests.support.paths import ROOT

# --- the command ---------------------------------------------------------------------------------------------


def test_the_command_prints_the_policy_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_iam("--env", "sit", "--role", "reader") == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["Version"] == "2012-10-17"
    assert "backup plan's ARN holds the id" in err


@pytest.mark.parametrize("env", ["local", "moto"])
def test_an_environment_without_account_is_refused_saying_which_to_give(env: str) -> None:
    with pytest.raises(ToolError, match=r"no account_id.*e\.g\. --env sit"):
        run_iam("--env", env, "--role", "provisioner")


def test_a_consumer_is_sent_to_the_suites_command() -> None:
    with pytest.raises(ToolError, match=r"python -m steps\.iam_consumer --env sit --role consumer:order_lambda"):
        run_iam("--env", "sit", "--role", "consumer:order_lambda")


@pytest.mark.parametrize("text", ["admin", "consumer", "consumer:", "reader:x"])
def test_a_role_that_is_not_one_is_refused(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="reader, provisioner or consumer:NAME"):
        command.role_choice(text)


def test_an_unknown_consumer_is_refused(moto_stack: Stack) -> None:
    with pytest.raises(ToolError, match=r"no consumer 'nobody'.*order_lambda"):
        iam_consumer.policy_for(ROOT, "nobody", moto_stack)


def test_a_grant_no_call_needs_is_reported(sit_policies: dict[str, Policy]) -> None:
    """The grants side of the check, on calls made up here: what the consumer's calls leave unused is named."""
    base = "arn:aws:dynamodb:eu-west-1:222222222222:table/orders-sit"
    calls = [Call("dynamodb", "PutItem", "dynamodb:PutItem", base), Call("dynamodb", "Query", "dynamodb:Query", base),
             Call("dynamodb", "Query", "dynamodb:Query", f"{base}/index/OrdersByDate")]
    assert evaluate.unused(sit_policies[f"consumer:{CONSUMER}"].data(), calls) == [
        f"IndexesOfOrdersSit: {base}/index/OrdersByUser is granted, but no recorded call touches it",
        "ItemsOfOrdersSit: dynamodb:DeleteItem is granted, but no recorded call needs it"]
    assert evaluate.matches("arn:aws:dynamodb:r:1:table/*-sit", "arn:aws:dynamodb:r:1:table/payments-sit")
    assert not evaluate.matches("arn:aws:dynamodb:r:1:table/*-sit", "arn:aws:dynamodb:r:1:table/orders-prod")
