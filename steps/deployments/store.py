"""The verdict store: the tool's own DynamoDB table in the environment's account, read and written here.

Writes never create it (the provisioner does, in an environment with `record_verdicts`): a store that is not there
is a `StoreMissing` saying how to create it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from ...provision import operations as ops
from ...provision.desired.own_tables import PARTITION, SORT, VERDICTS_TABLE
from .records import DEPLOYMENT, VERDICT, DeploymentRecord, VerdictRecord, subject


class StoreMissing(LookupError):
    """The environment has no verdict store."""


@dataclass(frozen=True)
class History:
    """What the store holds of one consumer in one environment, newest first."""

    verdicts: list[VerdictRecord]
    deployments: list[DeploymentRecord]


class VerdictStore:
    def __init__(self, client: Any, environment: str) -> None:
        self.client, self.environment = client, environment

    def _missing(self) -> StoreMissing:
        return StoreMissing(f"environment '{self.environment}' has no verdict store (table {VERDICTS_TABLE}): set "
                            f"record_verdicts: true for it in contracts/environments.yaml and run `python -m "
                            f"provision apply --env {self.environment}` (a local or moto run given --record-verdicts "
                            "creates it when it provisions)")

    def put(self, record: VerdictRecord | DeploymentRecord) -> None:
        try:
            ops.PUT_ITEM.call(self.client, TableName=VERDICTS_TABLE, Item=record.item())
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
                raise self._missing() from None
            raise

    def history(self, consumer: str) -> History:
        verdicts, deployments = [], []
        request: dict[str, Any] = {"TableName": VERDICTS_TABLE, "KeyConditionExpression": "#p = :p",
                                   "ExpressionAttributeNames": {"#p": PARTITION},
                                   "ExpressionAttributeValues": {":p": {"S": subject(self.environment, consumer)}},
                                   "ScanIndexForward": False}
        while True:
            try:
                page = ops.QUERY.call(self.client, **request)
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
                    raise self._missing() from None
                raise
            for item in page.get("Items", []):
                kind = item.get(SORT, {}).get("S", "").partition("#")[0]
                if kind == VERDICT:
                    verdicts.append(VerdictRecord.from_item(item))
                elif kind == DEPLOYMENT:
                    deployments.append(DeploymentRecord.from_item(item))
            if "LastEvaluatedKey" not in page:
                return History(verdicts, deployments)
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
