"""DynamoDB Local's class archive (`provision.dynamodb_local_classes`, made by
`provision.backends.dynamodb_local_archive`): a throwaway starts with the archive `local fetch` made and serves as
before; an archive made for another Java, cut short, replaced, or one the JVM dies of, is never used, and the
launch falls back to the plain jar. The real jar and JVM (marked slow) on a copy of the package folder of the tests'
own, so the archive made here is this module's."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from dynamo_contracts.provision import dynamodb_local_classes as classes
from dynamo_contracts.provision.backends import dynamodb_local_archive
from dynamo_contracts.provision.backends.backend import local_session
from dynamo_contracts.provision.backends.dynamodb_local import JarProcess, fetch
from dynamo_contracts.provision.dynamodb_local_jar import JAR, NATIVE_LIBS, archive_key, java_executable

JAVA = java_executable()
needs_java = pytest.mark.skipif(JAVA is None, reason="no Java here")


def linked_home(folder: Path, real_cache: Path) -> Path:
    """The real jar and its libraries, linked into `folder`: an archive made there is that folder's alone."""
    real = fetch(real_cache)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / JAR).symlink_to(real / JAR)
    (folder / NATIVE_LIBS).symlink_to(real / NATIVE_LIBS)
    return folder


@pytest.fixture(scope="module")
def home(real_cache: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real jar and its libraries in a folder of this module's, its archive made once."""
    folder = linked_home(tmp_path_factory.mktemp("jar-home"), real_cache)
    made = dynamodb_local_archive.make(folder)
    assert made is not None
    assert made.archive.is_file()
    return folder


def serves_items(jar: JarProcess) -> list[str]:
    """Create a table, write an item under a condition, query it back: the calls a contract run makes."""
    jar.wait_ready(timeout=120)
    client = local_session("us-east-1").client("dynamodb", endpoint_url=jar.endpoint_url)
    client.create_table(TableName="orders", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                        BillingMode="PAY_PER_REQUEST")
    client.put_item(TableName="orders", Item={"pk": {"S": "o1"}}, ConditionExpression="attribute_not_exists(pk)")
    found = client.query(TableName="orders", KeyConditionExpression="pk = :p",
                         ExpressionAttributeValues={":p": {"S": "o1"}})["Items"]
    return [item["pk"]["S"] for item in found]


def command_line(jar: JarProcess) -> list[str]:
    return Path(f"/proc/{jar.pid}/cmdline").read_bytes().decode().split("\0")


@pytest.mark.slow
@needs_java
def test_a_throwaway_starts_with_the_archive_local_fetch_made_and_serves_as_before(home: Path) -> None:
    archive = dynamodb_local_archive.make(home)  # made already: found, not made again
    assert archive is not None
    made_at = archive.archive.stat().st_mtime_ns
    jar = JarProcess.start(home)
    try:
        assert serves_items(jar) == ["o1"]
        assert jar.archive == archive.archive
        assert f"-XX:SharedArchiveFile={archive.archive}" in command_line(jar)
        assert "-jar" not in command_line(jar)
    finally:
        jar.stop()
    assert archive.archive.stat().st_mtime_ns == made_at


@pytest.mark.slow
@needs_java
def test_a_lasting_instance_and_an_archive_cut_short_start_plain(home: Path, tmp_path: Path) -> None:
    lasting = JarProcess.start(home, db_path=tmp_path / "data")
    try:
        assert lasting.archive is None
        assert "-jar" in command_line(lasting)
    finally:
        lasting.stop()
    found = classes.usable(home, archive_key(str(JAVA)))
    assert found is not None
    saved = found.archive.read_bytes()
    try:
        found.archive.chmod(stat.S_IWUSR | stat.S_IRUSR)
        os.truncate(found.archive, len(saved) // 2)  # a JVM mapping this crashes: it must never be given it
        jar = JarProcess.start(home)
        try:
            assert jar.archive is None
            assert "-jar" in command_line(jar)
            assert serves_items(jar) == ["o1"]
        finally:
            jar.stop()
    finally:
        found.archive.write_bytes(saved)
        classes.record(found.archive.parent, found.key, found.class_path)


@pytest.mark.slow
@needs_java
def test_a_jvm_that_dies_of_its_archive_is_started_again_without_it(real_cache: Path, tmp_path: Path) -> None:
    """A Java that cannot start with the archive (here one that exits when given it): the launch still answers, on
    the plain jar, and the archive is deleted (`local fetch` makes it again)."""
    java = tmp_path / "bin" / "java"
    java.parent.mkdir()
    java.write_text(f'#!/bin/sh\nfor a in "$@"; do case "$a" in -XX:SharedArchiveFile=*) echo "bad archive"; exit 1;; '
                    f'esac; done\nexec {JAVA} "$@"\n')
    java.chmod(0o755)
    home = linked_home(tmp_path / "home", real_cache)
    made = dynamodb_local_archive.make(home, java=str(java))
    assert made is not None
    jar = JarProcess.start(home, java=str(java))
    assert jar.archive == made.archive
    try:
        assert serves_items(jar) == ["o1"]
        assert jar.archive is None
        assert "-jar" in command_line(jar)
    finally:
        jar.stop()
    assert not made.archive.parent.exists()


@pytest.mark.usefixtures("spawn")
def test_a_java_that_cannot_archive_leaves_no_archive_and_says_so(tmp_path: Path) -> None:
    java = tmp_path / "bin" / "java"
    java.parent.mkdir()
    java.write_text('#!/bin/sh\necho "Unrecognized VM option"\nexit 1\n')
    java.chmod(0o755)
    home = tmp_path / "home"
    (home / NATIVE_LIBS).mkdir(parents=True)
    import zipfile

    with zipfile.ZipFile(home / JAR, "w") as jar:
        jar.writestr(classes.MANIFEST, "Manifest-Version: 1.0\r\n")
    said: list[str] = []
    assert dynamodb_local_archive.make(home, java=str(java), progress=said.append) is None
    assert len(said) == 2
    assert "not archived" in said[1]
    assert "Unrecognized VM option" in said[1]
    assert classes.usable(home, archive_key(str(java))) is None


# --- the record and the key, without a JVM ---------------------------------------------------------


def fake_archive(tmp_path: Path) -> tuple[Path, classes.ClassArchive]:
    home = tmp_path / "home"
    where = classes.folder(home, "k1")
    where.mkdir(parents=True)
    (where / classes.ARCHIVE).write_bytes(b"archived classes")
    (where / "a.jar").write_bytes(b"jar a")
    return home, classes.record(where, "k1", [str(where / "a.jar")])


def test_an_archive_is_usable_only_whole_with_its_jars_unchanged(tmp_path: Path) -> None:
    home, made = fake_archive(tmp_path)
    assert classes.usable(home, "k1") == made
    assert classes.usable(home, "another-key") is None
    made.archive.write_bytes(b"archived")  # cut short
    assert classes.usable(home, "k1") is None
    home, made = fake_archive(tmp_path / "2")
    Path(made.class_path[0]).write_bytes(b"another jar")  # a jar of its class path replaced
    assert classes.usable(home, "k1") is None


@pytest.mark.parametrize("record", ["not json", "[]", '{"key": "k1"}', '{"key": "k1", "archive": 3, "class_path": []}'])
def test_a_broken_record_means_no_archive(tmp_path: Path, record: str) -> None:
    home, made = fake_archive(tmp_path)
    (made.archive.parent / classes.RECORD).write_text(record)
    assert classes.usable(home, "k1") is None
    (made.archive.parent / classes.RECORD).unlink()
    assert classes.usable(home, "k1") is None


def test_the_key_changes_with_the_java_and_the_jar(tmp_path: Path) -> None:
    java = tmp_path / "jdk" / "bin" / "java"
    java.parent.mkdir(parents=True)
    java.write_text("")
    (tmp_path / "jdk" / "release").write_text('JAVA_VERSION="17.0.15"\n')
    first = classes.key(str(java), "jar 1", ["-XX:TieredStopAtLevel=1"])
    assert classes.key(str(java), "jar 1", ["-XX:TieredStopAtLevel=1"]) == first
    assert classes.key(str(java), "jar 2", ["-XX:TieredStopAtLevel=1"]) != first
    assert classes.key(str(java), "jar 1", []) != first
    (tmp_path / "jdk" / "release").write_text('JAVA_VERSION="17.0.16"\n')  # the same path, another Java
    assert classes.key(str(java), "jar 1", ["-XX:TieredStopAtLevel=1"]) != first


def test_the_copy_of_the_manifest_names_no_class_path() -> None:
    manifest = (b"Manifest-Version: 1.0\r\nMain-Class: a.B\r\nClass-Path: . log4j2.xml lib/one.jar lib/tw\r\n"
                b" o.jar\r\nCreated-By: 17\r\n")
    copied = dynamodb_local_archive.without_class_path(manifest).decode()
    assert "Class-Path" not in copied
    assert "o.jar" not in copied
    assert "Main-Class: a.B" in copied
    assert "Created-By: 17" in copied


def test_the_class_path_is_the_manifests_jars_in_its_order(tmp_path: Path) -> None:
    import zipfile

    (tmp_path / "lib").mkdir()
    for name in ("two.jar", "one.jar"):
        (tmp_path / "lib" / name).write_bytes(b"")
    with zipfile.ZipFile(tmp_path / JAR, "w") as jar:
        jar.writestr(classes.MANIFEST, "Manifest-Version: 1.0\r\nClass-Path: . log4j2.xml lib/two.jar lib/miss\r\n"
                                       " ing.jar lib/one.jar\r\n")
    assert dynamodb_local_archive.manifest_class_path(tmp_path) == [str(tmp_path / "lib" / "two.jar"),
                                                                   str(tmp_path / "lib" / "one.jar")]
