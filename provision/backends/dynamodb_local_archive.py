"""Making DynamoDB Local's class archive (`provision.dynamodb_local_classes`), once, at `local fetch`.

A training run: DynamoDB Local started with `-XX:ArchiveClassesAtExit`, served the kinds of calls a contract run
makes (tables with indexes made, described and deleted, time to live, items written under a condition, queried by
table and index with each kind of key condition, read, deleted alone and in a batch, and the errors a run meets),
then stopped, so the JVM writes every class it loaded. About five seconds, once per jar and Java; the archive is
some 40 MB.
"""

from __future__ import annotations

import contextlib
import os
import signal
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import dynamodb_local_classes as classes
from ..dynamodb_local_jar import JAR, JarJvm, archive_key, java_executable
from .dynamodb_local_launch import JarProcess

TRAINING_SECONDS = 120.0  # the whole run's bound: start, calls, the JVM writing the archive
REGION = "us-east-1"


def make(home: Path, java: str | None = None,
         progress: Callable[[str], None] | None = None) -> classes.ClassArchive | None:
    """The class archive for this jar and Java: the one there if usable, else made now; None if it cannot be made
    (said through `progress`): runs then start DynamoDB Local without one, as before."""
    say = progress or (lambda _: None)
    java = java or java_executable()
    if java is None:
        return None
    found_key = archive_key(java)
    found = classes.usable(home, found_key)
    if found is not None:
        return found
    from filelock import FileLock

    where = classes.folder(home, found_key)
    try:
        where.mkdir(parents=True, exist_ok=True)
        with FileLock(str(where.parent / f".{found_key}.lock")):
            found = classes.usable(home, found_key)  # another process made it meanwhile
            if found is None:
                classes.forget_others(home, found_key)
                say("archiving DynamoDB Local's classes for a quicker start (once, about 5 s)")
                found = _train(home, java, where, found_key)
    except Exception as error:  # a quicker start only: whatever failed, runs start DynamoDB Local as before
        say(f"DynamoDB Local's classes were not archived ({str(error).strip() or type(error).__name__}); it "
            "starts without an archive")
        return None
    return found


class TrainingFailed(Exception):
    """The training run did not leave an archive."""


def server_jar(home: Path, where: Path) -> Path:
    """A copy of DynamoDBLocal.jar whose manifest names no class path (the JVM refuses to archive with the folder the
    original names); written once, in one rename."""
    target = where / classes.SERVER_JAR
    if target.is_file():
        return target
    staging = where / f".{classes.SERVER_JAR}.tmp"
    with zipfile.ZipFile(home / JAR) as source, zipfile.ZipFile(staging, "w") as copy:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == classes.MANIFEST:
                data = without_class_path(data)
            copy.writestr(entry, data, compress_type=entry.compress_type)
    os.replace(staging, target)
    return target


def manifest_class_path(home: Path) -> list[str]:
    """The jars DynamoDBLocal.jar's manifest puts on the class path, in its order, as absolute paths."""
    with zipfile.ZipFile(home / JAR) as jar:
        lines = _unfolded(jar.read(classes.MANIFEST))
    entries = next((line.partition(":")[2].split() for line in lines if line.startswith("Class-Path:")), [])
    return [str(home / entry) for entry in entries if entry.endswith(".jar") and (home / entry).is_file()]


def without_class_path(manifest: bytes) -> bytes:
    return ("\r\n".join(line for line in _unfolded(manifest) if not line.startswith("Class-Path:")) + "\r\n").encode()


def _unfolded(manifest: bytes) -> list[str]:
    """A manifest's lines, each continuation (a line starting with a space) joined to the line before it."""
    lines: list[str] = []
    for line in manifest.decode("utf-8").replace("\r\n", "\n").split("\n"):
        if line.startswith(" ") and lines:
            lines[-1] += line[1:]
        elif line:
            lines.append(line)
    return lines


def _train(home: Path, java: str, where: Path, found_key: str) -> classes.ClassArchive:
    class_path = [str(server_jar(home, where)), *manifest_class_path(home)]
    staging = where / f".{classes.ARCHIVE}.tmp"
    staging.unlink(missing_ok=True)
    jar = [f"-XX:ArchiveClassesAtExit={staging}", "-cp", os.pathsep.join(class_path), classes.MAIN_CLASS]
    started = JarProcess.taken_over(JarJvm.start(home, java=java, jar=jar))
    try:
        started.wait_ready(TRAINING_SECONDS)
        exercise(started.endpoint_url)
        started.process.send_signal(signal.SIGTERM)  # an orderly exit: the JVM writes the archive then
        started.process.wait(TRAINING_SECONDS)
    finally:
        started.stop()
    if not staging.is_file() or staging.stat().st_size == 0:
        raise TrainingFailed("the JVM wrote no archive")
    os.replace(staging, where / classes.ARCHIVE)
    return classes.record(where, found_key, class_path)


def exercise(endpoint_url: str) -> None:
    """The calls of a contract run, each kind at least once (errors included), on tables made and deleted here."""
    from botocore.exceptions import ClientError

    from .backend import local_session

    client: Any = local_session(REGION).client("dynamodb", endpoint_url=endpoint_url)
    s = _string
    keys = [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]
    attributes = [{"AttributeName": a, "AttributeType": "S"} for a in ("pk", "sk", "gpk", "lsk")]
    attributes.append({"AttributeName": "n", "AttributeType": "N"})
    client.create_table(
        TableName="training-orders", KeySchema=keys, AttributeDefinitions=attributes, BillingMode="PAY_PER_REQUEST",
        GlobalSecondaryIndexes=[
            {"IndexName": "byG", "KeySchema": [{"AttributeName": "gpk", "KeyType": "HASH"},
                                               {"AttributeName": "sk", "KeyType": "RANGE"}],
             "Projection": {"ProjectionType": "ALL"}},
            {"IndexName": "byN", "KeySchema": [{"AttributeName": "n", "KeyType": "HASH"}],
             "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["gpk"]}}],
        LocalSecondaryIndexes=[{"IndexName": "byL", "Projection": {"ProjectionType": "KEYS_ONLY"},
                                "KeySchema": [keys[0], {"AttributeName": "lsk", "KeyType": "RANGE"}]}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        Tags=[{"Key": "team", "Value": "training"}])
    client.create_table(TableName="training-plain", KeySchema=keys[:1], AttributeDefinitions=attributes[:1],
                        ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1})
    client.list_tables()
    for table in ("training-orders", "training-plain"):
        client.describe_table(TableName=table)
        client.describe_time_to_live(TableName=table)
    client.update_time_to_live(TableName="training-orders",
                               TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"})
    for number in range(12):
        client.put_item(TableName="training-orders", ConditionExpression="attribute_not_exists(pk)",
                        Item={"pk": s(f"t{number % 3}"), "sk": s(f"2026-01-{number + 1:02d}"), "gpk": s("g"),
                              "lsk": s(f"l{number}"), "n": {"N": str(number)}, "total": {"N": "1.5"},
                              "flag": {"BOOL": True}, "blob": {"B": b"x"}, "tags": {"SS": ["a", "b"]}})
    with contextlib.suppress(ClientError):  # ConditionalCheckFailedException: the key holds an item
        client.put_item(TableName="training-orders", Item={"pk": s("t0"), "sk": s("2026-01-01")},
                        ConditionExpression="attribute_not_exists(pk)")
    conditions = [("pk = :p", {":p": s("t0")}, None), ("pk = :p and sk between :a and :b",
                  {":p": s("t1"), ":a": s("2026-01-01"), ":b": s("2026-01-31")}, None),
                  ("pk = :p and begins_with(sk, :a)", {":p": s("t2"), ":a": s("2026")}, None),
                  ("gpk = :p and sk <= :a", {":p": s("g"), ":a": s("2026-01-09")}, "byG"),
                  ("gpk = :p and sk > :a", {":p": s("g"), ":a": s("2026-01-03")}, "byG"),
                  ("n = :n", {":n": {"N": "3"}}, "byN"),
                  ("pk = :p and lsk >= :a", {":p": s("t0"), ":a": s("l")}, "byL")]
    for expression, values, index in conditions:
        extra: dict[str, Any] = {"IndexName": index} if index else {}
        page = client.query(TableName="training-orders", KeyConditionExpression=expression,
                            ExpressionAttributeValues=values, ScanIndexForward=False, Limit=2, **extra)
        if "LastEvaluatedKey" in page:
            client.query(TableName="training-orders", KeyConditionExpression=expression,
                         ExpressionAttributeValues=values, ExclusiveStartKey=page["LastEvaluatedKey"], **extra)
    client.get_item(TableName="training-orders", Key={"pk": s("t0"), "sk": s("2026-01-01")})
    client.scan(TableName="training-orders", Limit=5)
    for number in range(6):
        client.delete_item(TableName="training-orders",
                           Key={"pk": s(f"t{number % 3}"), "sk": s(f"2026-01-{number + 1:02d}")})
    client.batch_write_item(RequestItems={"training-orders": [  # the cleanup's deletes (steps.sentences.query)
        {"DeleteRequest": {"Key": {"pk": s(f"t{number % 3}"), "sk": s(f"2026-01-{number + 1:02d}")}}}
        for number in range(6, 12)]})
    for missing in (lambda: client.describe_table(TableName="training-missing"),
                    lambda: client.query(TableName="training-missing", KeyConditionExpression="pk = :p",
                                         ExpressionAttributeValues={":p": s("x")})):
        with contextlib.suppress(ClientError):  # ResourceNotFoundException
            missing()
    for table in ("training-orders", "training-plain"):
        client.delete_table(TableName=table)


def _string(value: str) -> dict[str, str]:
    return {"S": value}
