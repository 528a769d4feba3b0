"""Breaking a provisioned DynamoDB Local as an operator would, for tests/project/test_breakage.py: boto3 on the
shared instance deleting or renaming a GSI, dropping a table, turning TTL off; and provisioning a project in
process, as the plugin does before checking."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import boto3

from tests.support.contract_project import ContractProject, ContractRun, wait_until

GSI_DELETE_ATTEMPTS = 60  # x 0.25 s: DynamoDB Local usually drops an index within a second


class LiveTables:
    """boto3 on the shared DynamoDB Local, for breaking one project's provisioned tables."""

    def __init__(self, endpoint: str, project: ContractProject) -> None:
        self.endpoint = endpoint
        self.client: Any = boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-east-1",
                                        aws_access_key_id="local", aws_secret_access_key="local")
        self.project = project

    def name(self, table: str) -> str:
        return self.project.physical(table)

    def describe(self, table: str) -> dict[str, Any]:
        return dict(self.client.describe_table(TableName=self.name(table))["Table"])

    def indexes(self, table: str) -> dict[str, str]:
        return {i["IndexName"]: i.get("IndexStatus", "ACTIVE")
                for i in self.describe(table).get("GlobalSecondaryIndexes", [])}

    def delete_gsi(self, table: str, index: str) -> None:
        """UpdateTable's Delete, as an operator would; where DynamoDB Local never finishes it, the same table
        made again without the index (its asynchronous index worker can hang under load, and stays hung)."""
        self.client.update_table(TableName=self.name(table),
                                 GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": index}}])
        for _ in range(GSI_DELETE_ATTEMPTS):
            if index not in self.indexes(table):
                return
            time.sleep(0.25)
        self.recreate(table, drop=index)

    def recreate(self, table: str, drop: str, add: Mapping[str, Any] | None = None) -> None:
        """The table made again as it is, but without the GSI `drop` (and with `add`); TTL kept."""
        described = self.describe(table)
        ttl = self.client.describe_time_to_live(TableName=self.name(table))["TimeToLiveDescription"]
        indexes = [{"IndexName": i["IndexName"], "KeySchema": i["KeySchema"], "Projection": i["Projection"]}
                   for i in described.get("GlobalSecondaryIndexes", []) if i["IndexName"] != drop]
        indexes += [dict(add)] if add else []
        used = {k["AttributeName"] for k in described["KeySchema"]} | {
            k["AttributeName"] for i in indexes for k in i["KeySchema"]}
        known = {a["AttributeName"]: a["AttributeType"] for a in described["AttributeDefinitions"]}
        self.client.delete_table(TableName=self.name(table))
        wait_until(lambda: self.name(table) not in self.client.list_tables()["TableNames"],
                   f"table {self.name(table)} to go")
        spec: dict[str, Any] = {
            "TableName": self.name(table), "KeySchema": described["KeySchema"], "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": a, "AttributeType": known.get(a, "S")} for a in sorted(used)],
            "StreamSpecification": described.get("StreamSpecification", {"StreamEnabled": False})}
        if indexes:
            spec["GlobalSecondaryIndexes"] = indexes
        self.client.create_table(**spec)
        wait_until(lambda: self.describe(table)["TableStatus"] == "ACTIVE", f"table {self.name(table)} to be ACTIVE")
        if ttl.get("TimeToLiveStatus") in ("ENABLED", "ENABLING"):
            self.client.update_time_to_live(TableName=self.name(table), TimeToLiveSpecification={
                "Enabled": True, "AttributeName": ttl["AttributeName"]})

    def rename_gsi(self, table: str, old: str, new: str) -> None:
        """The index under another name: same keys and projection (DynamoDB cannot rename one in place)."""
        described = next(i for i in self.describe(table)["GlobalSecondaryIndexes"] if i["IndexName"] == old)
        self.recreate(table, drop=old, add={"IndexName": new, "KeySchema": described["KeySchema"],
                                            "Projection": described["Projection"]})

    def delete_table(self, table: str) -> None:
        self.client.delete_table(TableName=self.name(table))
        wait_until(lambda: self.name(table) not in self.client.list_tables()["TableNames"],
                   f"table {self.name(table)} to go")

    def ttl_off(self, table: str, attribute: str) -> None:
        self.client.update_time_to_live(TableName=self.name(table),
                                        TimeToLiveSpecification={"Enabled": False, "AttributeName": attribute})

    def run_as_it_is(self) -> ContractRun:
        return self.project.run("--endpoint-url", self.endpoint, "--no-provision")


def provision_in_process(project: ContractProject, endpoint: str) -> None:
    """What the plugin does before checking: plan and apply the project's contracts on its `local` environment."""
    from dynamo_contracts.provision.backends import open_backend
    from dynamo_contracts.provision.desired.load import load_contracts
    from dynamo_contracts.provision.workflow import provision

    desired = load_contracts(project.contracts)
    env = desired.environments["local"]
    with open_backend(env, endpoint, start_local=False) as backend:
        provision(backend, desired, env, show=lambda _text: None)
