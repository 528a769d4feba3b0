"""The Lambda role the permission tests judge (order_lambda on moto), its table and indexes, and policy documents
written in a line; shared by the tests of criterion 7."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dynamo_contracts.provision.desired.lambda_roles import LambdaRole, PolicyFile, PolicySource
from dynamo_contracts.provision.iam.simulate import Request

CONSUMERS = ("campaigns_lambda", "order_lambda", "product_lambda", "tenant_management")
ROLE = "arn:aws:iam::123456789012:role/order_lambda-moto"
TABLE = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders-moto"
BY_USER = f"{TABLE}/index/OrdersByUser"
BY_DATE = f"{TABLE}/index/OrdersByDate"


def policy(*statements: Mapping[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(actions: list[str], resources: list[str], **more: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": actions, "Resource": resources, **more}


def role(documents: Mapping[str, Mapping[str, Any]] | None = None, arn: str = ROLE) -> LambdaRole:
    if documents is None:
        return LambdaRole("order_lambda", arn, PolicySource.GENERATED)
    files = tuple(PolicyFile(name, document) for name, document in documents.items())
    return LambdaRole("order_lambda", arn, PolicySource.FILES, files)


def query_not_delete() -> dict[str, dict[str, Any]]:
    """A role's one policy file: Query on the table allowed, DeleteItem denied anywhere, nothing else granted."""
    return {"iam/orders.json": policy(allow(["dynamodb:Query"], [TABLE]),
                                      {"Sid": "NoDeletes", "Effect": "Deny", "Action": ["dynamodb:DeleteItem"],
                                       "Resource": ["*"]})}


def requests(documents: Mapping[str, Mapping[str, Any]], *actions: str) -> list[Request]:
    """The evaluator's questions: may ROLE, with `documents`, make each of `actions` on TABLE?"""
    return [Request(ROLE, "123456789012", documents, action, TABLE) for action in actions]
