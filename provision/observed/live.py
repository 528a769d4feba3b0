"""Read an environment into the observed-state model: once, with calls that grow with tables.

Per table: DescribeTable, DescribeContinuousBackups, DescribeTimeToLive, ListTagsOfResource;
then the backup vaults, plans and selections. What the backend cannot report (see
`provision.observed.capabilities`) is never asked and becomes `Unverifiable`; an API a backend
turns out not to have is reported the same way, with the error it gave.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, TypeVar

from botocore.exceptions import ClientError

from .. import operations as ops
from ..backends import Backend
from ..backends.backend import client_config
from ..desired.model import (
    AttributeType,
    Billing,
    BillingMode,
    Capacity,
    Environment,
    KeyAttribute,
    Projection,
    ProjectionType,
    StreamView,
    TableClass,
)
from ..desired.own_tables import is_own
from .capabilities import Feature, gap
from .origin import Origin
from .state import (
    Keys,
    ObservedAlarm,
    ObservedBackups,
    ObservedEncryption,
    ObservedIndex,
    ObservedLocalIndex,
    ObservedPlan,
    ObservedReplica,
    ObservedRule,
    ObservedSelection,
    ObservedState,
    ObservedTable,
    ObservedVault,
    PartialKeys,
    TagCondition,
    UnreadKey,
    Unverifiable,
    key_schema,
)

T = TypeVar("T")
READ_THREADS = 8
_MISSING_API = {"UnknownOperationException", "NotImplementedError", "InvalidAction"}


def _ask(backend: Backend, feature: Feature, call: Callable[[], T]) -> T | Unverifiable:
    """Call only where the backend can answer; an API it lacks, or an answer lacking what it should hold,
    becomes Unverifiable, not an error."""
    known_gap = gap(backend.kind, feature)
    if known_gap is not None:
        return known_gap
    try:
        return call()
    except (KeyError, ValueError, TypeError, AttributeError) as error:  # an answer lacking a part it should have
        return Unverifiable(backend.name, f"{feature.value}: the answer does not report it ({_why(error)})")
    except NotImplementedError as error:  # moto in-process raises this for unimplemented actions
        return Unverifiable(backend.name, f"{feature.value}: {error}")
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code in _MISSING_API or error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 501:
            return Unverifiable(backend.name, f"{feature.value}: {code}")
        raise


def observe(backend: Backend, env: Environment, tables: Iterable[str] | None = None) -> ObservedState:
    """The environment as it is now: its tables (those named like its pattern, or `tables`) and its backups.

    A name of the pattern's shape does not make a table ours: the diff deletes one the contracts
    do not name only when its tags say so (`provision.desired.stack.OWNERSHIP_TAG`).
    """
    names = tables_named_like(backend, env) if tables is None else list(tables)
    return ObservedState(
        origin=Origin.live(backend.kind),
        environment=env.name,
        tables=read_tables(backend, names, listed=tables is None),
        backups=read_backups(backend),
        alarms=read_alarms(backend),
    )


def read_alarms(backend: Backend) -> dict[str, ObservedAlarm] | Unverifiable:
    """Every metric alarm of the account and region on a DynamoDB metric (one paginated call)."""
    def alarms() -> dict[str, ObservedAlarm]:
        found = {}
        for page in ops.DESCRIBE_ALARMS.pages(backend.client("cloudwatch"), AlarmTypes=["MetricAlarm"]):
            for alarm in page.get("MetricAlarms", []):
                if alarm.get("Namespace") != "AWS/DynamoDB":
                    continue
                table = next((d["Value"] for d in alarm.get("Dimensions", []) if d.get("Name") == "TableName"), None)
                found[alarm["AlarmName"]] = ObservedAlarm(
                    alarm["AlarmName"], alarm.get("MetricName", ""), table, float(alarm.get("Threshold", 0)),
                    int(alarm.get("Period", 0)), int(alarm.get("EvaluationPeriods", 0)),
                    alarm.get("ComparisonOperator", ""), alarm.get("Statistic", ""),
                    tuple(alarm.get("AlarmActions", [])), alarm.get("StateValue", "INSUFFICIENT_DATA"))
        return found

    return _ask(backend, Feature.ALARMS, alarms)


def read_tables(backend: Backend, names: Iterable[str], listed: bool = False) -> dict[str, ObservedTable]:
    """The named tables that exist, read in parallel; `listed`: the names came from ListTables just now."""
    wanted = sorted(names)
    if not listed:
        existing = set(list_tables(backend))
        wanted = [name for name in wanted if name in existing]
    reader = _TableReader(backend)
    with ThreadPoolExecutor(max_workers=1 if backend.in_process else READ_THREADS) as pool:
        observed = list(pool.map(reader.read, wanted))
    return {table.name: table for table in observed if table is not None}


def list_tables(backend: Backend) -> list[str]:
    return [name for page in ops.LIST_TABLES.pages(backend.client("dynamodb")) for name in page.get("TableNames", [])]


def tables_named_like(backend: Backend, env: Environment) -> list[str]:
    """The tables whose names the environment's pattern could have made: ours, or another team's of that shape.
    The tool's own tables (the verdict store, `provision.desired.own_tables`) are left out here, by their reserved
    prefix, whatever the pattern: no table of the stack, so no exact set counts them and no diff deletes them."""
    return sorted(name for name in list_tables(backend)
                  if env.logical_table_name(name) is not None and not is_own(name))


class _Described:
    """One DescribeTable answer, read part by part: a part missing or not understood (moto drops the
    AttributeDefinitions an UpdateTable does not repeat) is `Unverifiable` for that part, never a crash."""

    def __init__(self, backend: Backend, name: str, table: Mapping[str, Any]) -> None:
        self.backend, self.name, self.table = backend, name, table
        self.types = {a.get("AttributeName"): a.get("AttributeType") for a in _entries(table, "AttributeDefinitions")}

    def unread(self, what: str) -> Unverifiable:
        return Unverifiable(self.backend.name, f"DescribeTable of {self.name} does not report {what}")

    def part(self, what: str, read: Callable[[], T]) -> T | Unverifiable:
        try:
            return read()
        except (KeyError, ValueError, TypeError, AttributeError) as error:
            return self.unread(f"{what} ({_why(error)})")

    def key(self, element: Mapping[str, Any] | None, role: str, owner: str) -> KeyAttribute | UnreadKey:
        name = element.get("AttributeName") if isinstance(element, Mapping) else None
        if not isinstance(name, str) or not name:
            return UnreadKey(None, self.unread(f"the {role} key of {owner} (its KeySchema names none)"))
        kind = self.types.get(name)
        if kind not in {t.value for t in AttributeType}:
            listed = ", ".join(sorted(str(n) for n in self.types)) or "none"
            said = "no type" if kind is None else f"the type {kind!r}"
            return UnreadKey(name, self.unread(f"the type of {owner}'s {role} key {name}: AttributeDefinitions "
                                               f"gives it {said} (it defines {listed})"))
        return KeyAttribute(name, AttributeType(kind))

    def keys(self, data: Mapping[str, Any], owner: str) -> Keys:
        elements = {e.get("KeyType"): e for e in _entries(data, "KeySchema")}
        if "HASH" not in elements:
            unread = self.unread(f"the key schema of {owner} (KeySchema has no HASH key)")
            return PartialKeys(UnreadKey(None, unread), UnreadKey(None, unread))
        sort = self.key(elements["RANGE"], "sort", owner) if "RANGE" in elements else None
        return key_schema(self.key(elements["HASH"], "partition", owner), sort)

    def projection(self, data: Mapping[str, Any], owner: str) -> Projection | Unverifiable:
        def read() -> Projection:
            found = data["Projection"]
            return Projection(ProjectionType(found["ProjectionType"]), frozenset(found.get("NonKeyAttributes", [])))

        return self.part(f"the projection of {owner}", read)

    def global_indexes(self, provisioned: bool) -> tuple[dict[str, ObservedIndex], Unverifiable | None]:
        found: dict[str, ObservedIndex] = {}
        nameless = 0
        for gsi in _entries(self.table, "GlobalSecondaryIndexes"):
            name = gsi.get("IndexName")
            if not isinstance(name, str):
                nameless += 1
                continue
            owner = f"GSI {name}"
            status = gsi.get("IndexStatus", "ACTIVE")
            found[name] = ObservedIndex(name, self.keys(gsi, owner), self.projection(gsi, owner), str(status),
                                        _capacity(gsi.get("ProvisionedThroughput")) if provisioned else None)
        return found, self.unread(f"the name of {nameless} GSI(s)") if nameless else None

    def local_indexes(self) -> tuple[dict[str, ObservedLocalIndex], Unverifiable | None]:
        found: dict[str, ObservedLocalIndex] = {}
        nameless = 0
        for lsi in _entries(self.table, "LocalSecondaryIndexes"):
            name = lsi.get("IndexName")
            if not isinstance(name, str):
                nameless += 1
                continue
            owner = f"LSI {name}"
            sort = self.keys(lsi, owner).sort
            if sort is None:
                sort = UnreadKey(None, self.unread(f"the sort key of {owner} (KeySchema has no RANGE key)"))
            found[name] = ObservedLocalIndex(name, sort, self.projection(lsi, owner))
        return found, self.unread(f"the name of {nameless} LSI(s)") if nameless else None

    def billing(self) -> Billing | Unverifiable:
        def read() -> Billing:  # no BillingModeSummary: a table provisioned since before there was one (AWS)
            mode = BillingMode((self.table.get("BillingModeSummary") or {}).get("BillingMode", "PROVISIONED"))
            return Billing(mode, _capacity(self.table.get("ProvisionedThroughput"))
                           if mode is BillingMode.PROVISIONED else None)

        return self.part("the billing mode", read)

    def stream(self) -> StreamView | Unverifiable | None:
        stream = self.table.get("StreamSpecification") or {}
        if not stream.get("StreamEnabled"):
            return None
        return self.part("the stream's view type", lambda: StreamView(stream["StreamViewType"]))


def _entries(data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    """A list of an answer, its entries that are objects (a missing list is empty)."""
    found = data.get(key) or []
    return [e for e in found if isinstance(e, Mapping)] if isinstance(found, list) else []


def _why(error: Exception) -> str:
    return f"no {error.args[0]}" if isinstance(error, KeyError) and error.args else str(error)


def _capacity(data: Mapping[str, Any] | None) -> Capacity | None:
    if not data or not data.get("ReadCapacityUnits") or not data.get("WriteCapacityUnits"):
        return None
    return Capacity(int(data["ReadCapacityUnits"]), int(data["WriteCapacityUnits"]))


class _TableReader:
    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.client = backend.client("dynamodb")
        self._key_managers: dict[str, str | Unverifiable] = {}

    def read(self, name: str) -> ObservedTable | None:
        try:
            table = ops.DESCRIBE_TABLE.call(self.client, TableName=name).get("Table") or {}
        except ClientError as error:
            if error.response["Error"]["Code"] == "ResourceNotFoundException":
                return None  # deleted between listing and reading
            raise
        described = _Described(self.backend, name, table)
        billing = described.billing()
        provisioned = isinstance(billing, Billing) and billing.mode is BillingMode.PROVISIONED
        keys = described.keys(table, f"table {name}")
        global_indexes, other_indexes = described.global_indexes(provisioned)
        local_indexes, other_local_indexes = described.local_indexes()
        status = table.get("TableStatus")
        arn = table.get("TableArn")
        return ObservedTable(
            name=name,
            status=status if isinstance(status, str) else described.unread("its status (no TableStatus)"),
            keys=keys,
            arn=arn if isinstance(arn, str) else "",
            global_indexes=global_indexes,
            local_indexes=local_indexes,
            billing=billing,
            stream=described.stream(),
            encryption=self._encryption(table.get("SSEDescription")),
            point_in_time_recovery=_ask(self.backend, Feature.PITR, lambda: self._pitr(name)),
            ttl_attribute=_ask(self.backend, Feature.TTL, lambda: self._ttl(name)),
            deletion_protection=bool(table.get("DeletionProtectionEnabled", False)),
            table_class=_ask(self.backend, Feature.TABLE_CLASS, lambda: TableClass(
                (table.get("TableClassSummary") or {}).get("TableClass", "STANDARD"))),
            tags=_ask(self.backend, Feature.TAGS, lambda: self._tags(arn) if isinstance(arn, str)
                      else described.unread("its ARN (no TableArn), so its tags cannot be listed")),
            other_indexes=other_indexes,
            other_local_indexes=other_local_indexes,
            replicas=gap(self.backend.kind, Feature.REPLICAS) or tuple(
                self._replica(name, r) for r in table.get("Replicas", []) if r.get("RegionName")),
        )

    def _replica(self, name: str, replica: Mapping[str, Any]) -> ObservedReplica:
        """One replica as DescribeTable reports it; its point-in-time recovery is asked in its own region."""
        region = str(replica["RegionName"])

        def pitr() -> bool:
            client = self.backend.session.client("dynamodb", region_name=region, config=client_config())
            description = ops.DESCRIBE_CONTINUOUS_BACKUPS.call(client, TableName=name)["ContinuousBackupsDescription"]
            return description.get("PointInTimeRecoveryDescription", {}).get("PointInTimeRecoveryStatus") == "ENABLED"

        return ObservedReplica(
            region, str(replica.get("ReplicaStatus", "ACTIVE")), replica.get("KMSMasterKeyId") or None,
            _ask(self.backend, Feature.PITR, pitr),
            Unverifiable(self.backend.name, "propagate_tags is Terraform's setting: DynamoDB reports a replica's "
                                            "tags in its own region, which is not read here"))

    def _pitr(self, name: str) -> bool:
        description = ops.DESCRIBE_CONTINUOUS_BACKUPS.call(self.client, TableName=name)["ContinuousBackupsDescription"]
        return bool(description["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED")

    def _ttl(self, name: str) -> str | None:
        description = ops.DESCRIBE_TIME_TO_LIVE.call(self.client, TableName=name).get("TimeToLiveDescription", {})
        if description.get("TimeToLiveStatus") in ("ENABLED", "ENABLING"):
            return str(description["AttributeName"])
        return None

    def _tags(self, arn: str) -> dict[str, str]:
        tags: dict[str, str] = {}
        kwargs: dict[str, str] = {"ResourceArn": arn}
        while True:
            page = ops.LIST_TAGS_OF_RESOURCE.call(self.client, **kwargs)
            tags.update({tag["Key"]: tag["Value"] for tag in page.get("Tags") or []})
            if not page.get("NextToken"):
                return tags
            kwargs["NextToken"] = page["NextToken"]

    def _encryption(self, sse: Mapping[str, Any] | None) -> ObservedEncryption | Unverifiable:
        reported = gap(self.backend.kind, Feature.ENCRYPTION)
        if reported is not None:
            return reported
        if not sse or sse.get("Status") not in ("ENABLED", "ENABLING", "UPDATING"):
            return ObservedEncryption()
        key = str(sse.get("KMSMasterKeyArn", ""))
        if key not in self._key_managers:
            self._key_managers[key] = _ask(self.backend, Feature.KMS_KEY_MANAGER, lambda: str(
                ops.DESCRIBE_KEY.call(self.backend.client("kms"), KeyId=key)["KeyMetadata"]["KeyManager"]))
        return ObservedEncryption(key, self._key_managers[key])


def read_backups(backend: Backend) -> ObservedBackups:
    client = None if gap(backend.kind, Feature.BACKUP_VAULTS) else backend.client("backup")

    def vaults() -> dict[str, ObservedVault]:
        pages = ops.LIST_BACKUP_VAULTS.pages(client)
        return {v["BackupVaultName"]: ObservedVault(v["BackupVaultName"], v.get("EncryptionKeyArn"))
                for page in pages for v in page.get("BackupVaultList", [])}

    def plans() -> dict[str, ObservedPlan]:
        pages = ops.LIST_BACKUP_PLANS.pages(client)
        found = {}
        for summary in (p for page in pages for p in page.get("BackupPlansList", [])):
            plan_id = summary["BackupPlanId"]
            plan = ops.GET_BACKUP_PLAN.call(client, BackupPlanId=plan_id)["BackupPlan"]
            rules = tuple(_rule(rule) for rule in plan.get("Rules", []))
            selections = _ask(backend, Feature.BACKUP_SELECTIONS, partial(_selections, client, plan_id))
            found[plan["BackupPlanName"]] = ObservedPlan(plan["BackupPlanName"], plan_id, rules, selections)
        return found

    return ObservedBackups(vaults=_ask(backend, Feature.BACKUP_VAULTS, vaults),
                           plans=_ask(backend, Feature.BACKUP_PLANS, plans))


def _rule(rule: Mapping[str, Any]) -> ObservedRule:
    lifecycle = rule.get("Lifecycle", {})
    return ObservedRule(rule["RuleName"], rule["TargetBackupVaultName"], rule.get("ScheduleExpression", ""),
                        lifecycle.get("DeleteAfterDays"), lifecycle.get("MoveToColdStorageAfterDays"))


def _selections(client: Any, plan_id: str) -> tuple[ObservedSelection, ...]:
    result = []
    for page in ops.LIST_BACKUP_SELECTIONS.pages(client, BackupPlanId=plan_id):
        for summary in page.get("BackupSelectionsList", []):
            selection = ops.GET_BACKUP_SELECTION.call(client, BackupPlanId=plan_id, SelectionId=summary["SelectionId"])
            body = selection["BackupSelection"]
            conditions = body.get("Conditions", {})
            all_tags = tuple(TagCondition(c["ConditionKey"].removeprefix("aws:ResourceTag/"), c["ConditionValue"],
                                          operator)
                             for operator in ("StringEquals", "StringLike", "StringNotEquals", "StringNotLike")
                             for c in conditions.get(operator, []))
            any_tags = tuple(TagCondition(c["ConditionKey"].removeprefix("aws:ResourceTag/"), c["ConditionValue"])
                             for c in body.get("ListOfTags", []) if c.get("ConditionType") == "STRINGEQUALS")
            result.append(ObservedSelection(body["SelectionName"], summary["SelectionId"],
                                            tuple(body.get("Resources", [])),
                                            tuple(body.get("NotResources", [])), any_tags, all_tags,
                                            body.get("IamRoleArn", "")))
    return tuple(result)
