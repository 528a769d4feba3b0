"""DynamoDB Local's classes archived for its JVM (class data sharing), so a throwaway instance starts sooner.

A JVM loading DynamoDB Local spends most of its start, and most of each kind of call's first answer, reading,
verifying and linking classes. The JVM's own class data sharing keeps them ready in an archive file that it maps
at start: the archive is made once, by `dynamo-contracts local fetch` (`provision.backends.dynamodb_local_archive`:
a training run of the calls a contract run makes, the JVM writing every class it loaded when it exits), and each
throwaway instance then starts with it.

The JVM archives only classes from jar files, and refuses a class path with a folder that holds anything:
DynamoDBLocal.jar's manifest puts its own folder (`.`) on the class path. The archive therefore goes with a copy of
the jar whose manifest names no class path (the same classes, byte for byte) and the manifest's jars named on the
command line (`-cp`) in the manifest's order; `.` is left out (the folder holds no class, and `log4j2.xml`, the
other entry that is not a jar, is inside the jar).

Nothing here can make a launch fail or use a stale archive:
- the archive's folder is named by a key made of everything it depends on (the jar's package and integrity hash,
  the Java it was made with and that Java's own files, the JVM's flags), so another jar or another Java finds no
  archive and launches as before;
- its record (written last, once the archive is complete) holds the size and modification time of the archive and
  of each jar, so a cut-short or replaced file is not used; the JVM checks the archive's checksum itself
  (`-XX:+VerifySharedSpaces`) and, on a mismatch, starts without it, as it does when the jars or its own version
  differ from the archive's;
- a JVM that dies before answering with the archive is started again without it, and the archive is deleted
  (`provision.backends.dynamodb_local_launch.JarProcess.wait_ready`).

Standard library only: the contract plugin imports this first, through `provision.dynamodb_local_jar`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

FORMAT = 1  # bump when the training run, the command or the record changes: older archives are then not used
FOLDER = "class-archive"  # inside the jar's folder, one folder per key
ARCHIVE = "classes.jsa"
RECORD = "archive.json"
SERVER_JAR = "DynamoDBLocal-classes.jar"  # the copy of DynamoDBLocal.jar whose manifest names no class path
MAIN_CLASS = "software.amazon.dynamodb.services.local.main.ServerRunner"  # the jar's Main-Class
MANIFEST = "META-INF/MANIFEST.MF"


@dataclass(frozen=True)
class ClassArchive:
    """A complete archive, the class path it was made with (absolute paths), and its key."""

    archive: Path
    class_path: tuple[str, ...]
    key: str

    def jvm_arguments(self) -> list[str]:
        """What replaces `-jar DynamoDBLocal.jar` on the JVM's command line."""
        return [f"-XX:SharedArchiveFile={self.archive}", "-XX:+VerifySharedSpaces", "-cp",
                os.pathsep.join(self.class_path), MAIN_CLASS]


def key(java: str, jar_identity: str, jvm_flags: Sequence[str]) -> str:
    """What an archive depends on, as a short digest: the jar (its package and integrity hash), the JVM's flags, and
    the Java: its real path, its `release` file (its version and build) and its libjvm's size and time."""
    parts = [str(FORMAT), jar_identity, *jvm_flags, *java_identity(java)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:20]


def java_identity(java: str) -> list[str]:
    """The Java's real path, its `release` file, and the size and time of each libjvm under it (a few stats)."""
    real = Path(os.path.realpath(java))
    home = real.parent.parent
    found = [str(real)]
    with contextlib.suppress(OSError):
        found.append((home / "release").read_text(errors="replace"))
    for libjvm in sorted(home.glob("lib/*/libjvm.*")):
        with contextlib.suppress(OSError):
            stat = libjvm.stat()
            found.append(f"{libjvm} {stat.st_size} {stat.st_mtime_ns}")
    return found


def folder(home: Path, archive_key: str) -> Path:
    return home / FOLDER / archive_key


def usable(home: Path, archive_key: str) -> ClassArchive | None:
    """The archive for this key if it is complete and nothing it was made with has changed since (its own size and
    time, each jar's); None otherwise, silently."""
    where = folder(home, archive_key)
    try:
        record = json.loads((where / RECORD).read_text())
        archive = where / ARCHIVE
        if record["key"] != archive_key or _stat(archive) != tuple(record["archive"]):
            return None
        jars = [(str(path), (int(size), int(mtime))) for path, size, mtime in record["class_path"]]
        if not jars or any(_stat(Path(path)) != stat for path, stat in jars):
            return None
        return ClassArchive(archive, tuple(path for path, _ in jars), archive_key)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _stat(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


def record(where: Path, archive_key: str, class_path: Sequence[str]) -> ClassArchive:
    """Write the record of a complete archive in `where` (last, in one rename: a reader sees it whole or not)."""
    archive = where / ARCHIVE
    jars = [[path, *_stat(Path(path))] for path in class_path]
    staging = where / f".{RECORD}.tmp"
    staging.write_text(json.dumps({"key": archive_key, "archive": list(_stat(archive)), "class_path": jars},
                                  indent=1) + "\n")
    os.replace(staging, where / RECORD)
    return ClassArchive(archive, tuple(class_path), archive_key)


def forget_archive(archive: Path) -> None:
    """Delete an archive the JVM could not start with, and its folder (its key's): `local fetch` makes it again."""
    shutil.rmtree(archive.parent, ignore_errors=True)


def forget_others(home: Path, archive_key: str) -> None:
    """Delete the archives of every other key (another Java's, an older format's): they would never be used again."""
    for other in (home / FOLDER).glob("*"):
        if other.name != archive_key:
            shutil.rmtree(other, ignore_errors=True)
