"""Carry out a plan: tables in parallel (bounded), one change at a time per table, waiting for ACTIVE.

AWS allows one index creation or deletion per UpdateTable and one update at a time per
table, so each table's changes run in order, each followed by a wait until the table AND
all its indexes are ACTIVE (boto3's `table_exists` waiter does not wait for indexes).
On AWS, the caller's account is checked before the first mutating call.

A plan may be stale by the time a change is made: another apply at once, or a hand change, may
have made it already. A change whose call fails is done all the same when reading the table (or
vault, plan, selection) again shows the wanted state (`provision.apply.already`): two applies at once end
in the same state, and both succeed.
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial, singledispatchmethod
from typing import Any, TypeVar

from botocore.exceptions import ClientError, WaiterError

from .. import operations as ops
from ..backends import Backend
from ..backends.retries import Deadline, DeadlineExceeded
from ..desired.model import (
    ALARM_COMPARISON,
    ALARM_STATISTIC,
    AttributeType,
    BackendKind,
    KeyAttribute,
)
from ..errors import ToolError
from ..planning.changes import (
    AwaitActive,
    Change,
    CreateBackupPlan,
    CreateIndex,
    CreateSelection,
    CreateTable,
    CreateVault,
    DeleteIndex,
    DeleteSelection,
    DeleteTable,
    PutAlarm,
    TagTable,
    UpdateBackupPlan,
    UpdateBilling,
    UpdateDeletionProtection,
    UpdateEncryption,
    UpdateIndexCapacity,
    UpdatePitr,
    UpdateStream,
    UpdateTableClass,
    UpdateTtl,
)
from ..planning.plan import Plan
from . import already, requests
from .retry import RETRYABLE, TABLE_BUSY, TRANSIENT, error_code, with_retry
from .safety import check_account

T = TypeVar("T")

# Right after CreateTable, AWS often answers UpdateContinuousBackups with this for a while: it clears by waiting.
PITR_NOT_READY = "ContinuousBackupsUnavailableException"


def _stderr(message: str) -> None:
    sys.stderr.write(message + "\n")  # one write per line, so lines from parallel tables do not interleave
    sys.stderr.flush()


# DynamoDB runs up to 50 CreateTable/UpdateTable/DeleteTable operations on tables with secondary indexes at once
# per account and region (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html);
# the clients' connection pool is as large (provision.backends.backend.client_config()).
TABLE_OPERATIONS = 50


@dataclass
class ApplyOptions:
    timeout: float = 1800.0  # the whole apply, waits included
    poll_interval: float | None = None  # None: by backend (local and moto answer at once)
    table_threads: int | None = None  # None: one per table with changes, up to TABLE_OPERATIONS
    report_every: float = 10.0  # seconds between progress lines while waiting
    first_retry_delay: float = 0.5  # backoff doubles from here, capped at 20 s
    progress: Callable[[str], None] = _stderr


@dataclass
class ApplyResult:
    done: list[Change] = field(default_factory=list)
    failed: list[tuple[Change, str]] = field(default_factory=list)


class ApplyError(ToolError):
    def __init__(self, result: ApplyResult) -> None:
        self.result = result
        lines = [f"  {change.describe()}: {why}" for change, why in result.failed]
        super().__init__(f"{len(result.failed)} change(s) failed ({len(result.done)} done):\n" + "\n".join(lines)
                         + "\nWhat was done stays done; fix the cause and run apply again to finish.")


def apply_plan(backend: Backend, plan: Plan, options: ApplyOptions | None = None) -> ApplyResult:
    """Make the plan's pending changes; raise ApplyError listing any that failed."""
    options = options or ApplyOptions()
    pending = plan.pending
    result = ApplyResult()
    if not pending:
        return result
    deadline = Deadline(options.timeout)
    with backend.retry_bound.until(deadline):  # botocore's own retries end at the deadline too
        if plan.environment.is_aws:
            check_account(backend, plan.environment)
        executor = _Executor(backend, options, deadline)
        by_table: dict[str, list[Change]] = defaultdict(list)
        for change in pending:
            if not change.is_backup:
                by_table[change.target].append(change)
        with ThreadPoolExecutor(max_workers=_threads(options, len(by_table), backend)) as pool:
            for outcome in pool.map(executor.run_all, by_table.values()):
                result.done += outcome.done
                result.failed += outcome.failed
        backups = executor.run_all([c for c in pending if c.is_backup])
    result.done += backups.done
    result.failed += backups.failed
    if result.failed:
        raise ApplyError(result)
    return result


def _threads(options: ApplyOptions, tables: int, backend: Backend) -> int:
    """Every table with changes at once (AWS builds one index per table at a time, and tables in parallel), up to
    what AWS lets run together; one at a time in process (moto), where nothing waits; `table_threads` wins."""
    default = 1 if backend.in_process else tables
    wanted = options.table_threads if options.table_threads is not None else default
    return max(1, min(wanted, TABLE_OPERATIONS))


class _Executor:
    def __init__(self, backend: Backend, options: ApplyOptions, deadline: Deadline) -> None:
        self.backend = backend
        self.options = options
        self.deadline = deadline
        self.dynamodb = backend.client("dynamodb")
        local = backend.kind is not BackendKind.AWS
        self.poll = options.poll_interval if options.poll_interval is not None else (0.1 if local else 2.0)
        self.plan_ids: dict[str, str] = {}

    def run_all(self, changes: Sequence[Change]) -> ApplyResult:
        """Run one table's (or the backups') changes in order; stop that sequence at the first failure."""
        result = ApplyResult()
        for change in changes:
            started = time.monotonic()
            self.options.progress(f"  applying: {change.describe()}")
            try:
                self.do(change)
            except (ClientError, DeadlineExceeded) as error:
                why = str(error) if isinstance(error, DeadlineExceeded) else (
                    f"{error_code(error)}: {error.response.get('Error', {}).get('Message', error)}")
                self.options.progress(f"  FAILED: {change.describe()}: {why}")
                result.failed.append((change, why))
                return result
            self.options.progress(f"  done: {change.describe()} ({time.monotonic() - started:.1f} s)")
            result.done.append(change)
        return result

    def call(self, client: Any, operation: ops.Operation, retry_on: frozenset[str] = RETRYABLE,
             **kwargs: Any) -> Any:
        """One API call, retried (backoff, within the deadline) while it fails with a code in `retry_on`."""
        return with_retry(lambda: operation.call(client, **kwargs), self.deadline,
                          first_delay=self.options.first_retry_delay, retry_on=retry_on,
                          on_retry=lambda code, pause: self.options.progress(
                              f"  {operation.name}: {code}, retrying in {pause:.1f} s"))

    def describe_table(self, table: str) -> dict[str, Any]:
        return dict(self.call(self.dynamodb, ops.DESCRIBE_TABLE, TableName=table)["Table"])

    def update_table(self, change: Change, request: dict[str, Any]) -> None:
        """One UpdateTable, then the wait; done too when it failed because the table is already so."""
        table = request["TableName"]
        try:
            self.call(self.dynamodb, ops.UPDATE_TABLE, **request)
        except ClientError as error:
            self.settle(change, error, lambda: self.describe_table(table), partial(already.holds, change))
        self.wait_until_active(table)

    def settle(self, change: Change, error: ClientError, read: Callable[[], T], holds: Callable[[T], bool]) -> T:
        """After a mutating call failed: done if what it was to do holds now (another run did it since the plan
        was read, or a hand change), and what was read is returned; otherwise the call's own error. Decided by
        reading, never by the message."""
        try:
            now = read()
        except ClientError:
            raise error from None
        if not holds(now):
            raise error
        self.options.progress(f"  already so: {change.describe()} (made since the plan was read; "
                              f"{error_code(error)} was the answer)")
        return now

    def table_exists(self, table: str) -> bool:
        try:
            self.describe_table(table)
        except ClientError as error:
            if error_code(error) == "ResourceNotFoundException":
                return False
            raise
        return True

    # --- waiting ---------------------------------------------------------------------------

    def wait_until_active(self, table: str) -> None:
        """Until the table and every index is ACTIVE (and no index is backfilling or being deleted)."""
        started = last_report = time.monotonic()
        while True:
            description = self.describe_table(table)
            waiting = [] if description["TableStatus"] == "ACTIVE" else [f"table {description['TableStatus']}"]
            for index in description.get("GlobalSecondaryIndexes", []):
                status = index.get("IndexStatus", "ACTIVE")
                if status != "ACTIVE" or index.get("Backfilling"):
                    backfilling = " (backfilling)" if index.get("Backfilling") else ""
                    waiting.append(f"GSI {index['IndexName']} {status}{backfilling}")
            if not waiting:
                return
            now = time.monotonic()
            if self.deadline.passed():
                raise DeadlineExceeded(f"timed out after {self.deadline.seconds:.0f} s waiting for {table}: "
                                       + ", ".join(waiting))
            if now - last_report >= self.options.report_every:
                self.options.progress(f"  waiting for {table}: {', '.join(waiting)} ({now - started:.0f} s)")
                last_report = now
            time.sleep(self.poll)

    def wait_until_deleted(self, table: str) -> None:
        """boto3's `table_not_exists` waiter (DescribeTable until ResourceNotFound), within the deadline."""
        attempts = max(1, int(self.deadline.left() / self.poll))
        try:
            ops.DESCRIBE_TABLE.wait(self.dynamodb, "table_not_exists", TableName=table,
                                    WaiterConfig={"Delay": self.poll, "MaxAttempts": attempts})
        except WaiterError as error:
            if "Max attempts exceeded" in str(error):
                raise DeadlineExceeded(f"timed out waiting for table {table} to be deleted") from None
            raise

    # --- one change ------------------------------------------------------------------------

    @singledispatchmethod
    def do(self, change: Change) -> None:
        raise NotImplementedError(f"no way to apply {change.kind}")

    @do.register
    def _(self, change: PutAlarm) -> None:
        alarm, rule = change.alarm, change.alarm.rule
        self.call(self.backend.client("cloudwatch"), ops.PUT_METRIC_ALARM, AlarmName=alarm.name,
                  Namespace="AWS/DynamoDB", MetricName=rule.kind.metric, Statistic=ALARM_STATISTIC,
                  Dimensions=[{"Name": "TableName", "Value": alarm.table}], Period=rule.period_seconds,
                  EvaluationPeriods=rule.evaluation_periods, Threshold=rule.threshold,
                  ComparisonOperator=ALARM_COMPARISON, AlarmActions=list(alarm.actions),
                  TreatMissingData="notBreaching",
                  AlarmDescription=f"dynamo-contracts: {rule.kind.value} of table {alarm.table}")

    @do.register
    def _(self, change: AwaitActive) -> None:
        self.wait_until_active(change.target)

    @do.register
    def _(self, change: CreateTable) -> None:
        try:
            self.call(self.dynamodb, ops.CREATE_TABLE, retry_on=TRANSIENT,
                      **requests.create_table(change.target, change.spec))
        except ClientError as error:
            if error_code(error) != TABLE_BUSY:
                raise
            # To CreateTable this means the table exists: another apply made it since the plan was read.
            # Done once it is ACTIVE; the next plan shows whatever differs from the contracts.
            self.options.progress(f"  {change.target} already exists (made by another run): waiting until it "
                                  "is ACTIVE; the next plan shows any difference")
        self.wait_until_active(change.target)

    @do.register
    def _(self, change: DeleteTable) -> None:
        try:
            self.call(self.dynamodb, ops.DELETE_TABLE, TableName=change.target)
        except ClientError as error:
            self.settle(change, error, lambda: self.table_exists(change.target), lambda exists: not exists)
        self.wait_until_deleted(change.target)

    @do.register
    def _(self, change: CreateIndex) -> None:
        table = self.describe_table(change.target)
        if already.holds(change, table):  # another run added it since the plan was read: done once ACTIVE
            self.options.progress(f"  already so: {change.describe()} (made since the plan was read)")
            self.wait_until_active(change.target)
            return
        provisioned = table.get("BillingModeSummary", {}).get("BillingMode", "PROVISIONED") == "PROVISIONED"
        defined = [KeyAttribute(a["AttributeName"], AttributeType(a["AttributeType"]))
                   for a in table.get("AttributeDefinitions", [])]
        self.update_table(change, requests.create_index(change.target, change.index, provisioned, defined))

    @do.register
    def _(self, change: DeleteIndex) -> None:
        self.update_table(change, requests.delete_index(change.target, change.index))

    @do.register
    def _(self, change: UpdateIndexCapacity) -> None:
        self.update_table(change, requests.update_index_capacity(change.target, change.index, change.capacity))

    @do.register
    def _(self, change: UpdateBilling) -> None:
        self.update_table(change, requests.update_billing(change.target, change.billing, change.index_capacity))

    @do.register
    def _(self, change: UpdateStream) -> None:
        if change.was is not None and change.view is not None:  # a new view type: off first, then on
            if already.holds(change, self.describe_table(change.target)):
                # Turning off a stream another run just set as wanted would give consumers a new stream ARN.
                self.options.progress(f"  already so: {change.describe()} (made since the plan was read)")
                return
            off = UpdateStream(target=change.target, view=None, was=change.was)
            self.update_table(off, {"TableName": change.target, "StreamSpecification": {"StreamEnabled": False}})
        self.update_table(change, {"TableName": change.target,
                                   "StreamSpecification": requests.stream_specification(change.view)})

    @do.register
    def _(self, change: UpdateEncryption) -> None:
        self.update_table(change, {"TableName": change.target,
                                   "SSESpecification": requests.sse_specification(change.encryption)})

    @do.register
    def _(self, change: UpdateDeletionProtection) -> None:
        self.update_table(change, {"TableName": change.target, "DeletionProtectionEnabled": change.enabled})

    @do.register
    def _(self, change: UpdateTableClass) -> None:
        self.update_table(change, {"TableName": change.target, "TableClass": change.table_class.value})

    @do.register
    def _(self, change: UpdatePitr) -> None:
        try:
            self.call(self.dynamodb, ops.UPDATE_CONTINUOUS_BACKUPS, retry_on=RETRYABLE | {PITR_NOT_READY},
                      **requests.update_pitr(change.target, change.enabled))
        except ClientError as error:
            self.settle(change, error, lambda: self.call(self.dynamodb, ops.DESCRIBE_CONTINUOUS_BACKUPS,
                                                         TableName=change.target)["ContinuousBackupsDescription"],
                        partial(already.pitr_holds, change.enabled))

    @do.register
    def _(self, change: UpdateTtl) -> None:
        # On or off, never both: AWS refuses a second TTL change within about an hour (the diff refuses a move).
        attribute, enabled = change.switch
        try:
            self.call(self.dynamodb, ops.UPDATE_TIME_TO_LIVE, **requests.update_ttl(change.target, attribute, enabled))
        except ClientError as error:  # "TimeToLive is already enabled": another run turned it on
            self.settle(change, error, lambda: self.call(
                self.dynamodb, ops.DESCRIBE_TIME_TO_LIVE, TableName=change.target).get("TimeToLiveDescription", {}),
                partial(already.ttl_holds, attribute, enabled))

    @do.register
    def _(self, change: TagTable) -> None:
        arn = self.describe_table(change.target)["TableArn"]
        try:
            self.call(self.dynamodb, ops.TAG_RESOURCE, **requests.tag_table(arn, change.tags))
        except ClientError as error:
            self.settle(change, error, lambda: self.tags(arn),
                        lambda tags: all(tags.get(k) == v for k, v in change.tags.items()))

    def tags(self, arn: str) -> dict[str, str]:
        found: dict[str, str] = {}
        kwargs: dict[str, Any] = {"ResourceArn": arn}
        while True:
            page = self.call(self.dynamodb, ops.LIST_TAGS_OF_RESOURCE, **kwargs)
            found.update({tag["Key"]: tag["Value"] for tag in page.get("Tags", [])})
            if not page.get("NextToken"):
                return found
            kwargs["NextToken"] = page["NextToken"]

    # --- backups -----------------------------------------------------------------------------

    @property
    def backup(self) -> Any:
        return self.backend.client("backup")

    @do.register
    def _(self, change: CreateVault) -> None:
        try:
            self.call(self.backup, ops.CREATE_BACKUP_VAULT, **requests.create_vault(change.vault))
        except ClientError as error:  # AlreadyExistsException: another run made it
            self.settle(change, error, lambda: self.vault_exists(change.target), bool)

    def vault_exists(self, name: str) -> bool:
        try:
            self.call(self.backup, ops.DESCRIBE_BACKUP_VAULT, BackupVaultName=name)
        except ClientError as error:
            if error_code(error) in ("ResourceNotFoundException", "AccessDeniedException"):
                return False
            raise
        return True

    @do.register
    def _(self, change: CreateBackupPlan) -> None:
        try:
            response = self.call(self.backup, ops.CREATE_BACKUP_PLAN, **requests.create_backup_plan(change.plan))
        except ClientError as error:  # AlreadyExistsException: another run made it; its id is found by name
            plan_id = self.settle(change, error, lambda: self.plan_id_named(change.target),
                                  lambda found: found is not None)
            self.plan_ids[change.target] = str(plan_id)
            return
        self.plan_ids[change.target] = response["BackupPlanId"]

    def plan_id_named(self, name: str) -> str | None:
        pages = ops.LIST_BACKUP_PLANS.pages(self.backup)
        return next((str(p["BackupPlanId"]) for page in pages for p in page.get("BackupPlansList", [])
                     if p.get("BackupPlanName") == name), None)

    @do.register
    def _(self, change: UpdateBackupPlan) -> None:
        self.call(self.backup, ops.UPDATE_BACKUP_PLAN, **requests.update_backup_plan(change.plan, change.plan_id))

    @do.register
    def _(self, change: CreateSelection) -> None:
        if change.iam_role_arn is None:
            raise ToolError(f"backup selection of plan {change.target}: no IAM role is known; set account_id or "
                            "backup_role_arn for the environment in the contracts")
        plan_id = change.plan_id or self.plan_ids[change.target]
        try:
            self.call(self.backup, ops.CREATE_BACKUP_SELECTION,
                      **requests.create_selection(change.plan, plan_id, change.resources, change.iam_role_arn))
        except ClientError as error:  # one of this name exists: its name is a digest of this very content
            self.settle(change, error, lambda: self.selections(plan_id),
                        lambda found: change.selection_name in found.values())
        if change.replaces_id:  # selections cannot be updated: the old one goes once the new one covers the tables
            self.delete_selection(change, plan_id, change.replaces_id)

    @do.register
    def _(self, change: DeleteSelection) -> None:
        self.delete_selection(change, change.plan_id, change.selection_id)

    def delete_selection(self, change: Change, plan_id: str, selection_id: str) -> None:
        try:
            self.call(self.backup, ops.DELETE_BACKUP_SELECTION, BackupPlanId=plan_id, SelectionId=selection_id)
        except ClientError as error:  # ResourceNotFoundException: another run deleted it
            self.settle(change, error, lambda: self.selections(plan_id), lambda found: selection_id not in found)

    def selections(self, plan_id: str) -> dict[str, str]:
        """The plan's selections: id -> name."""
        pages = ops.LIST_BACKUP_SELECTIONS.pages(self.backup, BackupPlanId=plan_id)
        return {s["SelectionId"]: s["SelectionName"] for page in pages for s in page.get("BackupSelectionsList", [])}
