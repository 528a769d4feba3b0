"""What each backend cannot hold or report, written down once.

The reader marks these facts `Unverifiable` without calling; the plan shows changes to
them as skipped, with the reason; checks report them as unverifiable. Nothing is dropped
silently and nothing is faked. Sources: ../shared notes on backends, measured against
DynamoDB Local 3.3.1 and moto 5.2.
"""

from __future__ import annotations

from enum import StrEnum

from ..desired.model import BackendKind
from .state import Unverifiable


class Feature(StrEnum):
    PITR = "point-in-time recovery"
    TAGS = "tags"
    ENCRYPTION = "encryption at rest"
    KMS_KEY_MANAGER = "who manages the KMS key"
    TABLE_CLASS = "table class"
    TTL = "time to live"
    BACKUP_VAULTS = "backup vaults"
    BACKUP_PLANS = "backup plans"
    BACKUP_SELECTIONS = "backup selections"
    ALARMS = "CloudWatch alarms"
    ALARM_STATES = "alarm states"
    REPLICAS = "global table replicas"


_NO_BACKUP = "DynamoDB Local has no AWS Backup service"

GAPS: dict[BackendKind, dict[Feature, str]] = {
    BackendKind.DYNAMODB_LOCAL: {
        Feature.PITR: "DynamoDB Local has no Describe/UpdateContinuousBackups (UnknownOperationException)",
        Feature.TAGS: "DynamoDB Local has no tagging API and drops tags given to CreateTable",
        Feature.ENCRYPTION: "DynamoDB Local accepts SSESpecification but never reports SSEDescription",
        Feature.KMS_KEY_MANAGER: "DynamoDB Local never reports SSEDescription",
        Feature.TABLE_CLASS: "DynamoDB Local never reports TableClassSummary",
        Feature.BACKUP_VAULTS: _NO_BACKUP,
        Feature.BACKUP_PLANS: _NO_BACKUP,
        Feature.BACKUP_SELECTIONS: _NO_BACKUP,
        Feature.ALARMS: "DynamoDB Local has no CloudWatch",
        Feature.ALARM_STATES: "DynamoDB Local has no CloudWatch",
        Feature.REPLICAS: "DynamoDB Local has no global tables: it neither makes nor reports replicas",
    },
    BackendKind.MOTO: {
        Feature.TABLE_CLASS: "moto never reports TableClassSummary",
        Feature.KMS_KEY_MANAGER: "moto's KMS reports the key it makes for DynamoDB as customer managed",
        Feature.BACKUP_SELECTIONS: "moto does not implement Create/ListBackupSelections",
        Feature.ALARM_STATES: "moto holds alarms but never evaluates them against metrics (every one stays OK)",
        Feature.REPLICAS: "moto has no global tables: it ignores ReplicaUpdates and reports no Replicas",
    },
    BackendKind.AWS: {},
}


def gap(backend: BackendKind, feature: Feature) -> Unverifiable | None:
    """Why `backend` cannot report `feature`, or None when it can."""
    reason = GAPS[backend].get(feature)
    return None if reason is None else Unverifiable(backend.value, reason)
