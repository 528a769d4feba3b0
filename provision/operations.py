"""Every AWS operation the tool calls, once: its service, its IAM action, what it touches, who calls it.

Each call site goes through an entry (`DESCRIBE_TABLE.call(client, TableName=...)`,
`LIST_TABLES.pages(client)`), so no operation name is a plain string anywhere else, and the IAM
actions each role the tool plays needs can be listed from this module alone (`actions(Role.READER)`):

- the reader: what `pytest --env=ENV --read-only` calls (reading the environment, the account check);
- the provisioner: what `python -m provision apply` calls (which reads first);
- a consumer: what the access patterns call on its tables and indexes (writes, queries, cleanup).

A boto3 resource (`dynamodb.Table`) has the same method names as its client, so an entry calls either.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from botocore import xform_name


class Role(StrEnum):
    READER = "reader"
    PROVISIONER = "provisioner"
    CONSUMER = "consumer"


class Touches(StrEnum):
    """The resource an operation acts on, as IAM scopes it."""

    TABLE = "table"
    INDEX = "index"  # a table's index (arn:...:table/NAME/index/INDEX)
    STREAM = "stream"
    VAULT = "backup vault"
    PLAN = "backup plan"
    KEY = "KMS key"
    ROLE = "IAM role"  # AWS Backup's role, passed to a selection
    LAMBDA_ROLE = "Lambda role"  # a consumer's execution role (lambda_roles), whose permissions are simulated
    ALARM = "CloudWatch alarm"
    ANY = "*"  # list operations, and those IAM does not scope to a resource


READING = frozenset({Role.READER, Role.PROVISIONER})
PROVISIONING = frozenset({Role.PROVISIONER})
ACCESS_PATTERNS = frozenset({Role.CONSUMER})


@dataclass(frozen=True)
class Operation:
    service: str  # botocore's service name: dynamodb, backup, sts, kms
    name: str  # the API operation: DescribeTable
    touches: tuple[Touches, ...]
    roles: frozenset[Role]
    action: str | None = ""  # the IAM action; "" means service:name; None: needs no permission
    also: tuple[str, ...] = ()  # further IAM actions AWS checks for this call (iam:PassRole)

    @property
    def iam_action(self) -> str | None:
        return None if self.action is None else (self.action or f"{self.service}:{self.name}")

    @property
    def method(self) -> str:
        """The boto3 method: describe_table."""
        return xform_name(self.name)

    def call(self, client: Any, **params: Any) -> Any:
        """Call it on a boto3 client (or a resource with the same method) of its service."""
        _check_service(client, self.service)
        return getattr(client, self.method)(**params)

    def pages(self, client: Any, **params: Any) -> Iterator[dict[str, Any]]:
        """Every page of a paginated list operation."""
        _check_service(client, self.service)
        return iter(client.get_paginator(self.method).paginate(**params))

    def wait(self, client: Any, waiter: str, **params: Any) -> None:
        """boto3's waiter `waiter` (which calls this operation until it answers as wanted)."""
        _check_service(client, self.service)
        client.get_waiter(waiter).wait(**params)


def _check_service(client: Any, service: str) -> None:
    meta = getattr(client, "meta", None)
    model = getattr(getattr(meta, "client", meta), "meta", meta)
    found = getattr(getattr(model, "service_model", None), "service_name", service)
    if found != service:
        raise ValueError(f"an operation of {service} called on a client of {found}")


def _op(service: str, name: str, touches: Touches | tuple[Touches, ...], roles: frozenset[Role],
        action: str | None = "", also: tuple[str, ...] = ()) -> Operation:
    return Operation(service, name, touches if isinstance(touches, tuple) else (touches,), roles, action, also)


# --- reading an environment (the reader; the provisioner reads before it plans) --------------------------
LIST_TABLES = _op("dynamodb", "ListTables", Touches.ANY, READING)
DESCRIBE_TABLE = _op("dynamodb", "DescribeTable", Touches.TABLE, READING | PROVISIONING)
DESCRIBE_CONTINUOUS_BACKUPS = _op("dynamodb", "DescribeContinuousBackups", Touches.TABLE, READING)
DESCRIBE_TIME_TO_LIVE = _op("dynamodb", "DescribeTimeToLive", Touches.TABLE, READING)
LIST_TAGS_OF_RESOURCE = _op("dynamodb", "ListTagsOfResource", Touches.TABLE, READING)
DESCRIBE_KEY = _op("kms", "DescribeKey", Touches.KEY, READING)
LIST_BACKUP_VAULTS = _op("backup", "ListBackupVaults", Touches.ANY, READING)
DESCRIBE_BACKUP_VAULT = _op("backup", "DescribeBackupVault", Touches.VAULT, PROVISIONING)
LIST_BACKUP_PLANS = _op("backup", "ListBackupPlans", Touches.ANY, READING)
GET_BACKUP_PLAN = _op("backup", "GetBackupPlan", Touches.PLAN, READING)
LIST_BACKUP_SELECTIONS = _op("backup", "ListBackupSelections", Touches.PLAN, READING)
GET_BACKUP_SELECTION = _op("backup", "GetBackupSelection", Touches.PLAN, READING)
# Which account the credentials are of: before any write or change. GetCallerIdentity needs no permission.
GET_CALLER_IDENTITY = _op("sts", "GetCallerIdentity", Touches.ANY, READING | ACCESS_PATTERNS, action=None)
# A role named for the environment (role_arn) is assumed by the credentials the tool starts with: that
# permission belongs to those credentials, not to the role's own policy.
ASSUME_ROLE = _op("sts", "AssumeRole", Touches.ROLE, frozenset())
# May each consumer's Lambda role make its access patterns' calls (criterion 7)? Asked of IAM on AWS by a
# contracts run, read-only or provisioning first (`pytest --provision`).
SIMULATE_PRINCIPAL_POLICY = _op("iam", "SimulatePrincipalPolicy", Touches.LAMBDA_ROLE, READING)

# --- provisioning ------------------------------------------------------------------------------------------
CREATE_TABLE = _op("dynamodb", "CreateTable", Touches.TABLE, PROVISIONING, also=("dynamodb:TagResource",))
UPDATE_TABLE = _op("dynamodb", "UpdateTable", (Touches.TABLE, Touches.INDEX), PROVISIONING)
DELETE_TABLE = _op("dynamodb", "DeleteTable", Touches.TABLE, PROVISIONING)
UPDATE_CONTINUOUS_BACKUPS = _op("dynamodb", "UpdateContinuousBackups", Touches.TABLE, PROVISIONING)
UPDATE_TIME_TO_LIVE = _op("dynamodb", "UpdateTimeToLive", Touches.TABLE, PROVISIONING)
TAG_RESOURCE = _op("dynamodb", "TagResource", Touches.TABLE, PROVISIONING)
CREATE_BACKUP_VAULT = _op("backup", "CreateBackupVault", Touches.VAULT, PROVISIONING,
                          also=("backup-storage:MountCapsule",))
CREATE_BACKUP_PLAN = _op("backup", "CreateBackupPlan", Touches.PLAN, PROVISIONING)
UPDATE_BACKUP_PLAN = _op("backup", "UpdateBackupPlan", Touches.PLAN, PROVISIONING)
CREATE_BACKUP_SELECTION = _op("backup", "CreateBackupSelection", (Touches.PLAN, Touches.ROLE), PROVISIONING,
                              also=("iam:PassRole",))
DELETE_BACKUP_SELECTION = _op("backup", "DeleteBackupSelection", Touches.PLAN, PROVISIONING)

# --- the consumers' access patterns (marked items only, cleaned up after) -----------------------------------
DESCRIBE_ALARMS = _op("cloudwatch", "DescribeAlarms", Touches.ALARM, READING)  # every alarm: those of the tables
PUT_METRIC_ALARM = _op("cloudwatch", "PutMetricAlarm", Touches.ALARM, PROVISIONING)  # creates or replaces

PUT_ITEM = _op("dynamodb", "PutItem", Touches.TABLE, ACCESS_PATTERNS)
QUERY = _op("dynamodb", "Query", (Touches.TABLE, Touches.INDEX), ACCESS_PATTERNS)
DELETE_ITEM = _op("dynamodb", "DeleteItem", Touches.TABLE, ACCESS_PATTERNS)
# The cleanup's deletes, 25 to a call, on DynamoDB Local only (no IAM there: no role's policy grants it); elsewhere
# each item is deleted with DeleteItem (steps.sentences.query.delete_all).
BATCH_WRITE_ITEM = _op("dynamodb", "BatchWriteItem", Touches.TABLE, frozenset())

CATALOGUE: tuple[Operation, ...] = tuple(v for v in dict(globals()).values() if isinstance(v, Operation))


def operations(role: Role) -> list[Operation]:
    return [op for op in CATALOGUE if role in op.roles]


def actions(role: Role) -> list[str]:
    """The IAM actions a role needs, sorted: each of its operations' own, and those AWS also checks."""
    found = {a for op in operations(role) for a in (op.iam_action, *op.also) if a}
    return sorted(found)
