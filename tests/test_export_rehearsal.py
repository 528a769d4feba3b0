"""The AWS path rehearsed with real Terraform: the export of `--env moto` applied by `terraform apply` on moto's
server, then every consumer's contracts against what Terraform built there, as on moto provisioned by the tool.

moto has no backup selections (and the provider waits minutes on one), so everything but the selection is
applied; the selection stays unverifiable there, as it is on moto in-process.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from tests import terraform_oracle
from tests.contract_project import ContractProject, inner_environment, subprocess_runner

pytestmark = pytest.mark.slow
CONSUMERS = ("campaigns_lambda", "order_lambda", "platform", "product_lambda", "tenant_management")
SERVICES = ("dynamodb", "backup", "cloudwatch", "iam", "sts")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def moto_server() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def _apply(root: Path, endpoint: str) -> None:
    """`terraform apply` of everything but the backup selections, against moto's server."""
    endpoints = "\n".join(f'    {service} = "{endpoint}"' for service in SERVICES)
    (root / "zz_rehearsal_override.tf").write_text(
        'provider "aws" {\n  access_key              = "rehearsal"\n  secret_key              = "rehearsal"\n'
        f"  skip_metadata_api_check = true\n  endpoints {{\n{endpoints}\n  }}\n}}\n")
    env = terraform_oracle.environment(root)

    def terraform(*arguments: str) -> str:
        done = subprocess.run(["terraform", *arguments, "-no-color"], cwd=root, env=env, capture_output=True,
                              text=True, timeout=terraform_oracle.TIMEOUT_SECONDS)
        assert done.returncode == 0, f"terraform {arguments[0]}:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    terraform("init", "-backend=false", f"-plugin-dir={terraform_oracle.mirror()}")
    planned = terraform("plan", "-refresh=false")
    made = [line.split("# ", 1)[1].split(" will be created")[0] for line in planned.splitlines()
            if line.lstrip().startswith("# ") and line.endswith("will be created")]
    targets = [f"-target={address}" for address in made if ".aws_backup_selection." not in address]
    assert any("aws_dynamodb_table.orders" in t for t in targets)
    terraform("apply", "-auto-approve", "-refresh=false", *targets)


def test_the_export_applied_by_terraform_on_moto_holds_every_contract_as_the_provisioner_does(
        moto_server: str, tmp_path: Path) -> None:
    terraform_oracle.needs_terraform()
    project = ContractProject(tmp_path / "project", subprocess_runner(tmp_path / "project"))
    project.copy_real_features()
    done = subprocess.run([sys.executable, "-m", "provision", "terraform", "--env", "moto", "--out", "infra"],
                          cwd=project.path, capture_output=True, text=True,
                          env=inner_environment())
    assert done.returncode == 0, done.stderr
    iam = boto3.client("iam", endpoint_url=moto_server, region_name="us-east-1", aws_access_key_id="rehearsal",
                       aws_secret_access_key="rehearsal")
    for consumer in CONSUMERS:  # the Lambda teams' roles, which the export attaches each policy to
        iam.create_role(RoleName=f"{consumer}-moto", AssumeRolePolicyDocument="{}")
    _apply(project.path / "infra" / "envs" / "moto", moto_server)

    built = project.run("--env=moto", f"--endpoint-url={moto_server}", "--no-provision")
    provisioned = project.run("--env=moto")
    assert set(built.summary()) == set(CONSUMERS)
    assert built.summary() == provisioned.summary(), built.output
    assert not built.blocked()
    unverifiable = [line for line in built.result.outlines if "unverifiable on moto:" in line]
    assert any("Create/ListBackupSelections" in line for line in unverifiable)
