"""What the apply tests on moto share: an apply without its progress lines, and a table made by someone else, by
hand."""

from __future__ import annotations

from dynamo_contracts.provision.apply.executor import ApplyOptions
from dynamo_contracts.provision.backends import Backend

QUIET = ApplyOptions(progress=lambda _line: None)


def create_foreign_table(backend: Backend, name: str, tags: dict[str, str] | None = None) -> None:
    """A table someone else made, by hand (or a table of ours, when `tags` carry the ownership tag)."""
    extra = {"Tags": [{"Key": k, "Value": v} for k, v in tags.items()]} if tags else {}
    backend.client("dynamodb").create_table(
        TableName=name, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST", **extra)
