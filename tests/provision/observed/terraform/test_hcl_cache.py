"""provision.observed.terraform.hcl_cache: an unchanged file's parse tree comes from the cache, and what the reader
makes of a folder is the same from the cache as parsed, for the reader's own cases, the brief's and infra/.
(tests/terraform/corpus, real-world roots, would take seconds here: the quick suite stays quick.)"""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from dynamo_contracts.provision.observed.terraform import hcl_cache
from dynamo_contracts.provision.observed.terraform.hcl import read_folder
from dynamo_contracts.provision.observed.terraform.records import Configuration, TerraformError
from tests.support.paths import ROOT

FOLDERS = sorted({p.parent for base in ("tests/terraform/hcl", "tests/brief/terraform", "infra")
                   for p in (ROOT / base).rglob("*.tf")})
TABLE = 'resource "aws_dynamodb_table" "t" {\n  name     = "t"\n  hash_key = "id"\n}\n'


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DYNAMO_CONTRACTS_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv(hcl_cache.VARIABLE, raising=False)
    return tmp_path / "cache" / hcl_cache.FOLDER


def _read(folder: Path) -> Configuration | str:
    try:
        return read_folder(folder)
    except TerraformError as error:
        return f"TerraformError: {error}"


def _parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts python-hcl2 parses from now on (a text it refuses is not listed)."""
    from dynamo_contracts.provision.observed.terraform import hcl_syntax

    asked: list[str] = []
    real = hcl_syntax._parse

    def counted(text: str) -> object:
        tree = real(text)
        asked.append(text)
        return tree

    monkeypatch.setattr(hcl_syntax, "_parse", counted)
    return asked


def test_every_folder_reads_the_same_from_the_cache_as_parsed(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert len(FOLDERS) > 20
    parsed = [_read(folder) for folder in FOLDERS]  # cold: parsed by python-hcl2, each tree kept
    assert len(list(cache.glob("*.pickle"))) > 40
    asked = _parses(monkeypatch)
    warm = [_read(folder) for folder in FOLDERS]
    assert warm == parsed
    assert asked == []  # every tree of the warm pass came from the cache (a file that does not parse is tried again)
    assert any(isinstance(found, str) for found in parsed)  # the corpus has folders the reader refuses, refused alike


def test_off_nothing_is_kept_and_every_file_is_parsed(cache: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(hcl_cache.VARIABLE, "0")
    folder = tmp_path / "tf"
    folder.mkdir()
    (folder / "main.tf").write_text(TABLE)
    asked = _parses(monkeypatch)
    assert read_folder(folder) == read_folder(folder)
    assert len(asked) == 2
    assert not cache.exists()


def test_a_changed_file_is_parsed_again_and_read_as_it_is_now(cache: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "tf"
    folder.mkdir()
    (folder / "main.tf").write_text(TABLE)
    assert _read(folder) == _read(folder)
    asked = _parses(monkeypatch)
    (folder / "main.tf").write_text(TABLE.replace('"t"\n  hash', '"u"\n  hash'))
    found = read_folder(folder)
    assert len(asked) == 1
    assert [r.values["name"] for r in found.resources] == ["u"]


def test_an_entry_that_cannot_be_read_is_parsed_again_and_replaced(cache: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "tf"
    folder.mkdir()
    (folder / "main.tf").write_text(TABLE)
    first = read_folder(folder)
    (entry,) = cache.glob("*.pickle")
    entry.write_bytes(entry.read_bytes()[:40])  # cut short
    asked = _parses(monkeypatch)
    assert read_folder(folder) == first
    assert len(asked) == 1
    assert pickle.loads(entry.read_bytes()) is not None  # written whole again


def test_a_file_that_does_not_parse_is_never_kept(cache: Path, tmp_path: Path) -> None:
    folder = tmp_path / "tf"
    folder.mkdir()
    (folder / "main.tf").write_text('resource "aws_dynamodb_table" "t" {\n  name = "t\n}\n')
    for _ in range(2):
        with pytest.raises(TerraformError, match=r"main.tf:3: not valid HCL|main.tf:2: not valid HCL"):
            read_folder(folder)
    assert list(cache.glob("*.pickle")) == []


def test_a_cache_that_cannot_be_written_only_means_parsing_again(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("DYNAMO_CONTRACTS_CACHE", str(blocked))
    folder = tmp_path / "tf"
    folder.mkdir()
    (folder / "main.tf").write_text(TABLE)
    assert [r.values["name"] for r in read_folder(folder).resources] == ["t"]
    assert [r.values["name"] for r in read_folder(folder).resources] == ["t"]
