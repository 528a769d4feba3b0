"""Small helpers for tests that talk to a real DynamoDB Local: an environment, a table, an open port."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager

from dynamo_contracts.provision.backends import local_session
from dynamo_contracts.provision.backends.dynamodb_local import launch
from dynamo_contracts.provision.desired.model import BackendKind, Environment


@contextmanager
def running_dynamodb_local() -> Iterator[str]:
    """A real DynamoDB Local (Amazon's jar, or a container where Docker runs) until the block ends: its endpoint."""
    instance = launch()
    try:
        instance.wait_ready()
        yield instance.endpoint_url
    finally:
        instance.stop()


def local_env(endpoint_url: str | None = None) -> Environment:
    return Environment(name="local", backend=BackendKind.DYNAMODB_LOCAL, endpoint_url=endpoint_url)


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def create_table(endpoint_url: str, name: str) -> None:
    client = local_session("us-east-1").client("dynamodb", endpoint_url=endpoint_url)
    client.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


def table_names(endpoint_url: str) -> list[str]:
    client = local_session("us-east-1").client("dynamodb", endpoint_url=endpoint_url)
    return list(client.list_tables()["TableNames"])


def table_items(endpoint_url: str, table: str) -> list[dict[str, object]]:
    """Every item of `table` on the DynamoDB Local at `endpoint_url`, as DynamoDB answers them (one page)."""
    client = local_session("us-east-1").client("dynamodb", endpoint_url=endpoint_url)
    return list(client.scan(TableName=table)["Items"])
