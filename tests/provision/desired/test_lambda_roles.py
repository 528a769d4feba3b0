"""Criterion 7 (issue 11), the roles an environment declares (`lambda_roles`, `provision.desired.load_lambda_roles`):
each consumer's role in every environment of the project, policy files of a consumer's own, and every mistake in
them an error at its line."""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from pathlib import Path

import pytest

from dynamo_contracts.provision.desired.lambda_roles import PolicySource
from dynamo_contracts.provision.desired.load import load_contracts
from dynamo_contracts.provision.desired.model import DesiredState
from dynamo_contracts.provision.errors import ContractError
from dynamo_contracts.steps.gherkin.authoring import role_problems
from tests.steps.permissions.roles import CONSUMERS, TABLE, allow, policy
from tests.support.paths import ROOT

# --- the declared roles -------------------------------------------------------------------------------------------


def test_every_environment_of_the_project_names_each_consumers_role(desired: DesiredState) -> None:
    for env in desired.environments.values():
        for consumer in CONSUMERS:
            found = env.lambda_role(consumer)
            assert found is not None, (env.name, consumer)
            assert found.policies is PolicySource.GENERATED
            assert found.role_arn == f"arn:aws:iam::{env.account_id or '123456789012'}:role/{consumer}-{env.name}"


def _contracts_with(tmp_path: Path, roles: str, files: Mapping[str, str] | None = None) -> Path:
    folder = tmp_path / "contracts"
    shutil.copytree(ROOT / "contracts", folder)
    environments = folder / "environments.yaml"
    text = environments.read_text()
    marker = '    lambda_roles:                  # the IAM role each consumer\'s Lambda runs as ({consumer}: its ' \
             'features/ folder)\n      defaults: {role_arn: "arn:aws:iam::{account}:role/{consumer}-{env}", ' \
             'policies: generated}\n'
    assert text.count(marker) == 1
    environments.write_text(text.replace(marker, roles))
    for name, content in (files or {}).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(content)
    return folder


def _line_of(folder: Path, text: str) -> int:
    lines = (folder / "environments.yaml").read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def test_a_consumer_may_have_a_role_and_policy_files_of_its_own(tmp_path: Path) -> None:
    folder = _contracts_with(tmp_path, "    lambda_roles:\n      consumers:\n        order_lambda: {role_arn: "
                                       '"arn:aws:iam::{account}:role/orders-api", policies: [../iam/orders.json]}\n',
                             {"iam/orders.json": json.dumps(policy(allow(["dynamodb:Query"], [TABLE])))})
    local = load_contracts(folder).environments["local"]
    found = local.lambda_role("order_lambda")
    assert found is not None
    assert found.role_arn == "arn:aws:iam::123456789012:role/orders-api"
    assert found.policies is PolicySource.FILES
    assert found.files[0].document["Statement"][0]["Resource"] == [TABLE]
    assert local.lambda_role("product_lambda") is None  # no defaults: nothing declared for it


def test_a_role_for_a_consumer_without_features_is_a_mistake_at_its_line(tmp_path: Path) -> None:
    folder = _contracts_with(tmp_path, "    lambda_roles:\n      consumers:\n        ordr_lambda: {role_arn: "
                                       '"arn:aws:iam::{account}:role/x", policies: generated}\n')
    problems = role_problems(load_contracts(folder), CONSUMERS)
    assert len(problems) == 1
    assert f"environments.yaml:{_line_of(folder, 'ordr_lambda:')}: lambda_roles of environment 'local'" in problems[0]
    assert "names consumer 'ordr_lambda', which has no features (features/ordr_lambda/). Did you mean " \
           '"order_lambda"?' in problems[0]


@pytest.mark.parametrize(("roles", "at", "says"), [
    pytest.param("    lambda_roles:\n      default: {role_arn: x, policies: generated}\n", "default:",
                 "unknown key 'default' in lambda_roles of environment 'local'; did you mean 'defaults'?", id="typo"),
    pytest.param("    lambda_roles:\n      defaults: {role_arn: 'arn:aws:iam::1:role/x', policies: generated}\n",
                 "defaults:", "is not an IAM role's ARN", id="arn"),
    pytest.param("    lambda_roles:\n      defaults: {role_arn: 'arn:aws:iam::{acount}:role/x', policies: generated}\n",
                 "defaults:", "uses a placeholder other than {consumer}, {env}, {account}", id="placeholder"),
    pytest.param("    lambda_roles:\n      defaults: {role_arn: 'arn:aws:iam::{account}:role/x', policies: generatd}\n",
                 "defaults:", "did you mean 'generated'?", id="policies"),
    pytest.param("    lambda_roles:\n      defaults: {role_arn: 'arn:aws:iam::{account}:role/x'}\n", "defaults:",
                 "needs 'policies'", id="no-policies"),
    pytest.param("    lambda_roles:\n      defaults: {role_arn: 'arn:aws:iam::{account}:role/x', policies: "
                 "[../iam/none.json]}\n", "defaults:", "cannot read the policy document ../iam/none.json", id="file"),
    pytest.param("    lambda_roles: {}\n", "lambda_roles:", "declares no role", id="empty"),
])
def test_a_wrong_role_is_an_error_at_its_line(tmp_path: Path, roles: str, at: str, says: str) -> None:
    folder = _contracts_with(tmp_path, roles)
    with pytest.raises(ContractError) as error:
        load_contracts(folder)
    assert len(error.value.problems) == 1, str(error.value)
    assert f"environments.yaml:{_line_of(folder, at)}" in str(error.value)
    assert says in str(error.value)


@pytest.mark.parametrize(("content", "line", "says"), [
    pytest.param('{\n  "Statement": [\n}\n', 3, "this policy document is not JSON", id="json"),
    pytest.param('["Allow"]\n', 1, "this is not an IAM policy document", id="shape"),
])
def test_a_bad_policy_document_is_an_error_at_its_own_line(tmp_path: Path, content: str, line: int, says: str) -> None:
    folder = _contracts_with(tmp_path, "    lambda_roles:\n      defaults: {role_arn: 'arn:aws:iam::{account}:role/x',"
                                       " policies: [../iam/p.json]}\n", {"iam/p.json": content})
    with pytest.raises(ContractError) as error:
        load_contracts(folder)
    assert f"iam/p.json:{line}: {says}" in str(error.value)
    assert f"listed at {folder.name}" in str(error.value) or "listed at" in str(error.value)
