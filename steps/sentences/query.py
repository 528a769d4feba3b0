"""Access patterns on the real backend: the consumer's items written, its key condition queried, what it wrote
removed. Plain functions, no pytest; the key-condition language itself is steps.sentences.key_conditions.

Items are written under a marker unique to the scenario (appended to every string partition
key), so scenarios never see each other's items and what a run wrote can be found and removed.
An item is only ever written where its key holds none (`put_new`): a contract never overwrites
an item, and `delete_all` removes only what it wrote, trying every one whatever fails (a Ctrl-C
included: it is held until every item was tried).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from ...provision import operations as ops
from ...provision.observed.state import ObservedTable, Unverifiable
from .key_conditions import COMPARISONS as COMPARISONS  # re-exported: the runner's
from .key_conditions import DYNAMODB_NUMBERS as DYNAMODB_NUMBERS  # users find
from .key_conditions import EXAMPLES as EXAMPLES  # the language here too
from .key_conditions import TYPES as TYPES
from .key_conditions import ConditionError as ConditionError
from .key_conditions import KeyCondition as KeyCondition
from .key_conditions import SortCondition as SortCondition
from .key_conditions import Value as Value
from .key_conditions import column_types as column_types
from .key_conditions import items_from_table as items_from_table
from .key_conditions import parse_condition as parse_condition
from .key_conditions import render as render
from .key_conditions import typed as typed

if TYPE_CHECKING:  # boto3 is imported where a query is built: a run of static sources never needs it
    from boto3.dynamodb.conditions import ConditionBase

CONDITION_FAILED = "ConditionalCheckFailedException"


class Marker:
    """A suffix unique to one scenario on every string partition key it writes or queries."""

    def __init__(self, table: ObservedTable, run: str | None = None) -> None:
        self.suffix = f"#contract-{run or uuid.uuid4().hex[:12]}"
        types = table.attribute_types()
        partitions = [table.keys.partition, *(i.keys.partition for i in table.global_indexes.values()
                                              if not isinstance(i.keys, Unverifiable))]
        self.attributes = {a.name for a in partitions if a.name is not None and types.get(a.name) == "S"}

    def mark(self, name: str, value: Value) -> Value:
        return f"{value}{self.suffix}" if name in self.attributes and isinstance(value, str) else value

    def unmark(self, item: Mapping[str, Any]) -> dict[str, Any]:
        return {k: v.removesuffix(self.suffix) if k in self.attributes and isinstance(v, str) else v
                for k, v in item.items()}


def key_condition(condition: KeyCondition, types: Mapping[str, str], marker: Marker) -> ConditionBase:
    """The condition as boto3's Key expression (which also serializes the values)."""
    from boto3.dynamodb.conditions import Key

    partition = Key(condition.partition).eq(
        marker.mark(condition.partition, typed(condition.value, types.get(condition.partition, "S"))))
    if condition.sort is None:
        return partition
    sort = condition.sort
    values = [typed(v, types.get(sort.name, "S")) for v in sort.values]
    key = Key(sort.name)
    if sort.operator == "between":
        return partition & key.between(values[0], values[1])
    if sort.operator == "begins_with":
        return partition & key.begins_with(values[0])
    return partition & getattr(key, COMPARISONS[sort.operator])(values[0])


def query(table: Any, condition: ConditionBase, index: str | None, reverse: bool, limit: int | None,
          marker: Marker) -> list[dict[str, Any]]:
    """Run the query through every page (up to `limit` items), as a consumer would."""
    kwargs: dict[str, Any] = {"KeyConditionExpression": condition, "ScanIndexForward": not reverse}
    if index:
        kwargs["IndexName"] = index
    if limit:
        kwargs["Limit"] = limit
    items: list[dict[str, Any]] = []
    while True:
        page = ops.QUERY.call(table, **kwargs)
        items += [marker.unmark(item) for item in page.get("Items", [])]
        if (limit and len(items) >= limit) or "LastEvaluatedKey" not in page:
            return items[:limit] if limit else items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def key_of(item: Mapping[str, Any], table: ObservedTable) -> dict[str, Any]:
    """The item's key (on a table whose key names are known: access patterns run on no other)."""
    return {a.name: item[a.name] for a in table.keys.attributes if a.name is not None}


def rows_of(items: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> list[list[str]]:
    return [[render(item[c]) if c in item else "" for c in columns] for item in items]


def put_new(table: Any, item: Mapping[str, Any], partition_key: str) -> str | None:
    """Write `item` only where its key holds no item yet; None when written, else why DynamoDB refused it.

    Safe from several threads at once: the condition is given as text, since boto3 builds an `Attr(...)` condition
    with one builder shared by every call of a client (its placeholder names could then cross between calls)."""
    try:
        ops.PUT_ITEM.call(table, Item=dict(item), ConditionExpression="attribute_not_exists(#key)",
                          ExpressionAttributeNames={"#key": partition_key})
    except ClientError as error:
        if error.response["Error"].get("Code") == CONDITION_FAILED:
            return CONDITION_FAILED
        return str(error.response["Error"].get("Message") or error)
    return None


@dataclass(frozen=True)
class Deletion:
    """What deleting a scenario's items left: each failure, in words, and the Ctrl-C held until every one was tried."""

    failures: list[str]
    interrupted: KeyboardInterrupt | None = None


BATCH_LIMIT = 25  # BatchWriteItem's own bound on the requests of one call


def delete_all(resource: Any, written: Iterable[tuple[str, Mapping[str, Any]]], batched: bool = False) -> Deletion:
    """Delete every (table, key) written, trying each one whatever fails. A Ctrl-C during a delete is held until
    the loop ends (raising it is the caller's part): the delete it cut short is sent once more, and the rest are
    sent too, so an interrupted run leaves no contract item behind. Bounded: two attempts per item at most.

    `batched` (DynamoDB Local): the keys go first in BatchWriteItem calls, 25 to a call, a third of the round trips
    of a scenario's cleanup; only those a batch did not delete (its call failed, or it left them unprocessed) are
    then deleted one by one as above, so each failure is said of its own item. A Ctrl-C during the batches sends
    every delete again one by one (deleting an item already gone is no error)."""
    failures: list[str] = []
    interrupted: KeyboardInterrupt | None = None
    left = list(written)
    if batched:
        try:
            left = _delete_in_batches(resource, left)
        except KeyboardInterrupt as error:
            interrupted = error
    for table, key in left:
        failure: str | None = f"{dict(key)} in {table}: not deleted, its delete was interrupted twice (Ctrl-C)"
        for _ in range(2):
            try:
                failure = _delete(resource, table, key)
            except KeyboardInterrupt as error:
                interrupted = error
                continue
            break
        if failure is not None:
            failures.append(failure)
    return Deletion(failures, interrupted)


Written = tuple[str, Mapping[str, Any]]  # a table's name and an item's key


def _delete_in_batches(resource: Any, written: list[Written]) -> list[Written]:
    """BatchWriteItem's deletes of every key, 25 to a call; the keys still to delete (a call failed, or left them)."""
    left: list[Written] = []
    for start in range(0, len(written), BATCH_LIMIT):
        chunk = written[start:start + BATCH_LIMIT]
        requests: dict[str, list[dict[str, Any]]] = {}
        for table, key in chunk:
            requests.setdefault(table, []).append({"DeleteRequest": {"Key": dict(key)}})
        try:
            answer = ops.BATCH_WRITE_ITEM.call(resource, RequestItems=requests)
        except (BotoCoreError, ClientError):  # a table gone, a key repeated: each one alone says which
            left += chunk
            continue
        left += [(table, request["DeleteRequest"]["Key"]) for table, unprocessed in
                 (answer.get("UnprocessedItems") or {}).items() for request in unprocessed]
    return left


def _delete(resource: Any, table: str, key: Mapping[str, Any]) -> str | None:
    """Delete one item; None when done, else why not."""
    try:
        ops.DELETE_ITEM.call(resource.Table(table), Key=dict(key))
    except (BotoCoreError, ClientError) as error:
        return f"{dict(key)} in {table}: {error}"
    return None


def delete_items(resource: Any, written: Iterable[tuple[str, Mapping[str, Any]]]) -> list[str]:
    """`delete_all`, then the Ctrl-C it held (if any) raised again; each failure, in words."""
    deletion = delete_all(resource, written)
    if deletion.interrupted is not None:
        raise deletion.interrupted
    return deletion.failures
