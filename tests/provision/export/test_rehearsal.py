"""The AWS path rehearsed with real Terraform: the export of `--env moto` applied by `terraform apply` on moto's
server, then every consumer's contracts against what Terraform built there, as on moto provisioned by the tool.

moto has no backup selections (and the provider waits minutes on one), so everything but the selection is
applied; the selection stays unverifiable there, as it is on moto in-process.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from tests.support import spawn, terraform_oracle
from tests.support.contract_project import ContractProject, inner_environment, subprocess_runner

pytestmark = pytest.mark.slow
CONSUMERS = ("campaigns_lambda", "order_lambda", "platform", "product_lambda", "tenant_management")


@pytest.fixture(scope="module")
def moto_server() -> Iterator[str]:
    with terraform_oracle.moto_server() as url:
        yield url


def test_the_export_applied_by_terraform_on_moto_holds_every_contract_as_the_provisioner_does(
        moto_server: str, tmp_path: Path) -> None:
    terraform_oracle.needs_terraform()
    project = ContractProject(tmp_path / "project", subprocess_runner(tmp_path / "project"))
    project.copy_real_features()
    done = spawn.run([sys.executable, "-m", "dynamo_contracts.provision", "terraform", "--env", "moto",
                      "--out", "infra"], cwd=project.path, capture_output=True, text=True, env=inner_environment())
    assert done.returncode == 0, done.stderr
    iam = boto3.client("iam", endpoint_url=moto_server, region_name="us-east-1", aws_access_key_id="rehearsal",
                       aws_secret_access_key="rehearsal")
    for consumer in CONSUMERS:  # the Lambda teams' roles, which the export attaches each policy to
        iam.create_role(RoleName=f"{consumer}-moto", AssumeRolePolicyDocument="{}")
    root, infra = project.path / "infra" / "envs" / "moto", project.path / "infra"
    terraform_oracle.apply(root, endpoint=moto_server, planned=terraform_oracle.plan(root, within=infra),
                           within=infra, replan=False)  # all but the backup selection, which moto does not implement

    built = project.run("--env=moto", f"--endpoint-url={moto_server}", "--no-provision")
    provisioned = project.run("--env=moto")
    assert set(built.summary()) == set(CONSUMERS)
    assert built.summary() == provisioned.summary(), built.output
    assert not built.blocked()
    unverifiable = [line for line in built.result.outlines if "unverifiable on moto:" in line]
    assert any("Create/ListBackupSelections" in line for line in unverifiable)
