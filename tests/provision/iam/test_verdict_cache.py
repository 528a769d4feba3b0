"""provision.iam.verdict_cache: a batch the evaluator answered before is answered from the user cache, as node
answered it, without starting node; anything changed in the batch or the evaluator is evaluated again; an entry
that cannot be read is evaluated again; DYNAMO_CONTRACTS_PARSE_CACHE=0 keeps and reads nothing."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from dynamo_contracts.provision import cache as user_cache
from dynamo_contracts.provision.iam import simulate, verdict_cache
from tests.steps.permissions.roles import query_not_delete, requests

EVALUATOR = (simulate.EVALUATOR / "package.json", simulate.EVALUATOR / "package-lock.json", simulate.SCRIPT)
ANSWERS = '[{"result": "Allowed"}, {"result": "ImplicitlyDenied"}]'


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The answers' folder, in a cache of the test's own (the evaluator itself stays where it is installed)."""
    monkeypatch.delenv(user_cache.DERIVED_VARIABLE, raising=False)
    monkeypatch.setattr(verdict_cache, "derived_folder", lambda name: tmp_path / "cache" / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path / "cache" / verdict_cache.FOLDER


def test_answers_are_kept_under_the_batch_and_the_evaluator(folder: Path) -> None:
    entry = verdict_cache.key('{"requests": [1, 2]}', EVALUATOR)
    assert verdict_cache.kept(entry, 2) is None
    verdict_cache.keep(entry, ANSWERS)
    assert verdict_cache.kept(entry, 2) == [{"result": "Allowed"}, {"result": "ImplicitlyDenied"}]
    assert verdict_cache.kept(entry, 3) is None  # not one answer per request: evaluated again
    assert verdict_cache.key('{"requests": [1, 3]}', EVALUATOR) != entry
    assert verdict_cache.key('{"requests": [1, 2]}', EVALUATOR[:2]) != entry  # another evaluator, another entry
    assert [p.name for p in folder.iterdir()] == [f"{entry}.json"]  # written whole: no temporary file left


@pytest.mark.parametrize("text", ['[{"result": "Allowed"}, {"result"', '{"result": "Allowed"}', "[1, 2]", ""])
def test_an_entry_that_cannot_be_read_is_no_answer(folder: Path, text: str) -> None:
    entry = verdict_cache.key("{}", EVALUATOR)
    folder.mkdir(parents=True)
    (folder / f"{entry}.json").write_text(text)
    assert verdict_cache.kept(entry, 2) is None


def test_off_keeps_and_reads_nothing(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(verdict_cache, "derived_folder", user_cache.derived_folder)
    monkeypatch.setenv(user_cache.DERIVED_VARIABLE, "0")
    entry = verdict_cache.key("{}", EVALUATOR)
    verdict_cache.keep(entry, ANSWERS)
    verdict_cache.remember_asked(entry)
    assert verdict_cache.kept(entry, 2) is None
    assert not verdict_cache.answered_before()


def test_a_folder_whose_last_batch_is_kept_is_answered_before(folder: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    entry = verdict_cache.key("{}", EVALUATOR)
    assert not verdict_cache.answered_before()
    verdict_cache.remember_asked(entry)
    assert not verdict_cache.answered_before()  # asked, not yet answered
    verdict_cache.keep(entry, ANSWERS)
    assert verdict_cache.answered_before()
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    assert not verdict_cache.answered_before()  # another project's run asked nothing yet


def _node_runs(spawn: ModuleType, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The programs started from now on (each run of node)."""
    started: list[Any] = []
    real = spawn.Popen.__init__

    def counted(self: Any, args: Any, *rest: Any, **kwargs: Any) -> None:
        started.append(args)
        real(self, args, *rest, **kwargs)

    monkeypatch.setattr(spawn.Popen, "__init__", counted)
    return started


def test_a_batch_answered_before_is_answered_as_node_did_without_node(folder: Path, spawn: ModuleType,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    simulate.install()
    documents = query_not_delete()
    asked = requests(documents, "dynamodb:Query", "dynamodb:DeleteItem", "dynamodb:PutItem")
    started = _node_runs(spawn, monkeypatch)
    evaluated = simulate.simulate(asked)
    assert [v.result for v in evaluated] == ["Allowed", "ExplicitlyDenied", "ImplicitlyDenied"]
    assert evaluated[1].denied_by == ("iam/orders.json:NoDeletes",)
    assert len(started) == 1
    assert simulate.answered_before()
    prestarted = simulate.Prestarted.start()
    assert prestarted is not None
    assert len(started) == 2
    early = prestarted._process
    assert simulate.simulate(asked, prestarted=prestarted) == evaluated  # from the cache: the early node is ended
    assert early is not None
    assert early.poll() is not None
    assert early.returncode != 0
    assert simulate.simulate(asked) == evaluated
    assert len(started) == 2  # no node of its own either
    changed = [*asked[:2], *requests(documents, "dynamodb:Scan")]
    assert [v.result for v in simulate.simulate(changed)] == ["Allowed", "ExplicitlyDenied", "ImplicitlyDenied"]
    assert len(started) == 3  # one request changed: the batch is evaluated again
    for entry in folder.glob("*.json"):
        entry.write_text(entry.read_text()[:-5])  # cut short
    assert simulate.simulate(asked) == evaluated
    assert len(started) == 4
