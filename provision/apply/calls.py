"""The calls an apply makes to AWS, retried within its deadline, and what it reads and waits for between them.

`Calls` is what every change's handler (`provision.apply.executor`) builds on: one API call retried with
backoff while its error is one to retry (`call`), one UpdateTable followed by the wait (`update_table`), the
decision that a failed call is done all the same because what it was to do holds when read again (`settle`),
the waits until a table and all its indexes are ACTIVE or until it is gone, and the reads `settle` needs (a
table's tags, a vault, a backup plan's id by name, a plan's selections).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import Any, Protocol, TypeVar

from botocore.exceptions import ClientError, WaiterError

from .. import operations as ops
from ..backends import Backend
from ..backends.retries import Deadline, DeadlineExceeded
from ..desired.model import BackendKind
from ..planning.changes import Change
from . import already
from .retry import RETRYABLE, error_code, with_retry

T = TypeVar("T")


class Pace(Protocol):
    """What the calls need of an apply's options (`executor.ApplyOptions`): how often to poll and to report, the
    first retry's delay, and where progress lines go."""

    @property
    def poll_interval(self) -> float | None: ...

    @property
    def report_every(self) -> float: ...

    @property
    def first_retry_delay(self) -> float: ...

    @property
    def progress(self) -> Callable[[str], None]: ...


class Calls:
    """One apply's AWS calls on a backend, paced by its options and bounded by its deadline."""

    def __init__(self, backend: Backend, options: Pace, deadline: Deadline) -> None:
        self.backend = backend
        self.options = options
        self.deadline = deadline
        self.dynamodb = backend.client("dynamodb")
        local = backend.kind is not BackendKind.AWS
        self.poll = options.poll_interval if options.poll_interval is not None else (0.1 if local else 2.0)

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

    # --- reads -----------------------------------------------------------------------------

    def tags(self, arn: str) -> dict[str, str]:
        found: dict[str, str] = {}
        kwargs: dict[str, Any] = {"ResourceArn": arn}
        while True:
            page = self.call(self.dynamodb, ops.LIST_TAGS_OF_RESOURCE, **kwargs)
            found.update({tag["Key"]: tag["Value"] for tag in page.get("Tags", [])})
            if not page.get("NextToken"):
                return found
            kwargs["NextToken"] = page["NextToken"]

    @property
    def backup(self) -> Any:
        return self.backend.client("backup")

    def vault_exists(self, name: str) -> bool:
        try:
            self.call(self.backup, ops.DESCRIBE_BACKUP_VAULT, BackupVaultName=name)
        except ClientError as error:
            if error_code(error) in ("ResourceNotFoundException", "AccessDeniedException"):
                return False
            raise
        return True

    def plan_id_named(self, name: str) -> str | None:
        pages = ops.LIST_BACKUP_PLANS.pages(self.backup)
        return next((str(p["BackupPlanId"]) for page in pages for p in page.get("BackupPlansList", [])
                     if p.get("BackupPlanName") == name), None)

    def selections(self, plan_id: str) -> dict[str, str]:
        """The plan's selections: id -> name."""
        pages = ops.LIST_BACKUP_SELECTIONS.pages(self.backup, BackupPlanId=plan_id)
        return {s["SelectionId"]: s["SelectionName"] for page in pages for s in page.get("BackupSelectionsList", [])}
