"""Carry out a plan: tables in parallel (bounded), one change at a time per table, waiting for ACTIVE.

AWS allows one index creation or deletion per UpdateTable and one update at a time per
table, so each table's changes run in order, each followed by a wait until the table AND
all its indexes are ACTIVE (boto3's `table_exists` waiter does not wait for indexes).
On AWS, the caller's account is checked before the first mutating call.

A plan may be stale by the time a change is made: another apply at once, or a hand change, may
have made it already. A change whose call fails is done all the same when reading the table (or
vault, plan, selection) again shows the wanted state (`provision.apply.already`): two applies at once end
in the same state, and both succeed.

Here are the apply's options and result, the parallelism, and one handler per change kind, dispatched on the
change's type; the calls they make, retried, the waits and the reads after a failed call are `calls.Calls`.
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial, singledispatchmethod

from botocore.exceptions import ClientError

from .. import operations as ops
from ..backends import Backend
from ..backends.retries import Deadline, DeadlineExceeded
from ..desired.model import (
    ALARM_COMPARISON,
    ALARM_STATISTIC,
    AttributeType,
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
from .calls import Calls
from .retry import RETRYABLE, TABLE_BUSY, TRANSIENT, error_code
from .safety import check_account

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


class _Executor(Calls):
    """Runs a sequence of changes, each by the handler of its kind (`do`), on the calls `Calls` makes."""

    def __init__(self, backend: Backend, options: ApplyOptions, deadline: Deadline) -> None:
        super().__init__(backend, options, deadline)
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

    # --- backups -----------------------------------------------------------------------------

    @do.register
    def _(self, change: CreateVault) -> None:
        try:
            self.call(self.backup, ops.CREATE_BACKUP_VAULT, **requests.create_vault(change.vault))
        except ClientError as error:  # AlreadyExistsException: another run made it
            self.settle(change, error, lambda: self.vault_exists(change.target), bool)

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

