"""pytest-xdist workers sharing one DynamoDB Local: the stack is provisioned once, whatever the number of workers."""

from __future__ import annotations

import re

import pytest

pytest.register_assert_rewrite("tests.support.contract_project")
from tests.steps.plugin.inner_runs import SUMMARY_FEATURES  # noqa: E402
from tests.support.contract_project import ContractProject  # noqa: E402

pytest_plugins = ["pytester", "tests.support.contract_project"]

# --- pytest-xdist workers sharing one DynamoDB Local ----------------------------------------------------


@pytest.mark.slow
def test_workers_sharing_one_dynamodb_local_provision_it_once(project: ContractProject,
                                                              dynamodb_local_endpoint: str) -> None:
    project.isolate_local()
    for consumer, text in SUMMARY_FEATURES.items():
        project.feature(consumer, text.replace('"invoices"', '"users"'))
    run = project.run("-n", "2", "--endpoint-url", dynamodb_local_endpoint)
    run.result.assert_outcomes(passed=3, skipped=1)
    provisioned = sorted(re.sub(r"\[gw\d\] ", "", line) for line in run.result.outlines
                         if line.startswith("contracts: [gw"))
    assert provisioned == ["contracts: provisioned local on dynamodb-local (0 changes)",
                           "contracts: provisioned local on dynamodb-local (6 changes)"], run.output
