"""Record every AWS call the tool makes, as IAM sees it: (action, resource ARN, request context).

A botocore `before-parameter-build` handler on the tool's boto3 session (clients made from it afterwards, and
the DynamoDB resource, inherit it) sees every call before it is sent, failed and retried ones included. Each
call is looked up in the operation catalogue (a call it does not name is recorded as uncatalogued, which the
test fails on), and its resource ARN derived from the parameters, as AWS derives the one it authorises:
TableName (and IndexName for Query), ResourceArn, KeyId, BackupVaultName, BackupPlanId. The further actions AWS
checks for a call (`Operation.also`) are recorded with it: iam:PassRole of the selection's role, to AWS Backup.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dynamo_contracts.provision import operations as ops
from dynamo_contracts.provision.desired.stack import OWNERSHIP_TAG_KEY

TagsOf = Callable[[str], Mapping[str, str]]  # a table's ARN -> its tags, read apart from the recorded session


@dataclass(frozen=True)
class Call:
    """One IAM authorisation a call needs."""

    service: str
    operation: str
    action: str | None  # None: the catalogue says it needs no permission; "?": not in the catalogue
    resource: str
    context: tuple[tuple[str, str], ...] = ()

    def data(self) -> dict[str, Any]:
        return {"action": self.action, "resource": self.resource, "context": dict(self.context),
                "call": f"{self.service}.{self.operation}"}


UNCATALOGUED = "?"


def _catalogued(service: str, operation: str) -> ops.Operation | None:
    """The catalogue's entry, looked up at call time (a test may add one)."""
    return next((op for op in ops.CATALOGUE if (op.service, op.name) == (service, operation)), None)


@dataclass
class Recorder:
    region: str
    account: str
    tags_of: TagsOf | None = None
    calls: list[Call] = field(default_factory=list)
    paused: Callable[[], bool] | None = None  # while it answers True, calls are not recorded

    def attach(self, session: Any) -> None:
        """Record every call of the clients made from this boto3 session from now on."""
        session.events.register("before-parameter-build", self._handle)

    def _handle(self, params: Mapping[str, Any], model: Any, **_: Any) -> None:
        if self.paused is not None and self.paused():
            return
        service = model.service_model.service_name
        self.calls.extend(self.authorisations(service, model.name, params))

    def authorisations(self, service: str, operation: str, params: Mapping[str, Any]) -> list[Call]:
        op = _catalogued(service, operation)
        if op is None:
            return [Call(service, operation, UNCATALOGUED, self.resource(service, operation, params))]
        resource = self.resource(service, operation, params)
        found = [Call(service, operation, op.iam_action, resource, self.context(op, resource))]
        for action in op.also:
            found += self._also(op, action, resource, params)
        return found

    def _also(self, op: ops.Operation, action: str, resource: str, params: Mapping[str, Any]) -> list[Call]:
        if action == "iam:PassRole":
            role = params["BackupSelection"]["IamRoleArn"]
            return [Call(op.service, op.name, action, role, (("iam:PassedToService", "backup.amazonaws.com"),))]
        if action == "dynamodb:TagResource" and not params.get("Tags"):
            return []  # CreateTable needs it only to tag the new table
        if action.startswith("backup-storage:"):
            return [Call(op.service, op.name, action, "*")]
        return [Call(op.service, op.name, action, resource)]

    def context(self, op: ops.Operation, resource: str) -> tuple[tuple[str, str], ...]:
        """What AWS puts in the request context that the policies condition on: the table's tags for a delete."""
        if op != ops.DELETE_TABLE or self.tags_of is None:
            return ()
        tags = self.tags_of(resource)
        return tuple(sorted((f"aws:ResourceTag/{k}", v) for k, v in tags.items() if k == OWNERSHIP_TAG_KEY))

    def resource(self, service: str, operation: str, params: Mapping[str, Any]) -> str:
        base = f"arn:aws:{service}:{self.region}:{self.account}"
        if "ResourceArn" in params:
            return str(params["ResourceArn"])
        if "PolicySourceArn" in params:  # iam:SimulatePrincipalPolicy: the role whose policies are simulated
            return str(params["PolicySourceArn"])
        if service == "dynamodb" and "TableName" in params:
            table = f"{base}:table/{params['TableName']}"
            return f"{table}/index/{params['IndexName']}" if params.get("IndexName") else table
        if service == "kms" and "KeyId" in params:
            key = str(params["KeyId"])
            return key if key.startswith("arn:") else f"{base}:key/{key}"
        if service == "backup" and "BackupPlanId" in params:
            return f"{base}:backup-plan:{params['BackupPlanId']}"
        if service == "backup" and operation == "CreateBackupPlan":
            return f"{base}:backup-plan:{uuid.uuid4()}"  # the id AWS gives it: any id must be allowed
        if service == "cloudwatch":
            return f"{base}:alarm:{params.get('AlarmName', '*')}"  # DescribeAlarms: every alarm of the account
        if service == "backup" and "BackupVaultName" in params:
            return f"{base}:backup-vault:{params['BackupVaultName']}"
        return "*"

    def needing_permission(self) -> list[Call]:
        """Each distinct authorisation, without those the catalogue says need no permission."""
        return sorted({c for c in self.calls if c.action is not None}, key=lambda c: (c.action or "", c.resource))

    def save(self, path: Path) -> None:
        path.write_text(json.dumps([c.data() for c in self.calls]))


def load(path: Path) -> list[Call]:
    found = []
    for data in json.loads(path.read_text()):
        service, operation = data["call"].split(".", 1)
        found.append(Call(service, operation, data["action"], data["resource"], tuple(data["context"].items())))
    return found
