"""The sentence catalogue: docs/steps.md lists exactly the registered sentences, and every example parses."""

from __future__ import annotations

import pytest
from pytest_bdd.parser import FeatureParser

from dynamo_contracts.steps.sentences import catalogue
from tests.support.paths import ROOT

SENTENCES = catalogue.load_all()


def test_docs_list_exactly_the_registered_sentences() -> None:
    documented = catalogue.documented_patterns((ROOT / "docs" / "steps.md").read_text(encoding="utf-8"))
    assert sorted(documented) == sorted(s.pattern for s in SENTENCES)
    assert len(documented) == len(set(documented)), "a sentence is documented twice"


def test_docs_are_the_generated_text() -> None:
    assert (ROOT / "docs" / "steps.md").read_text(encoding="utf-8") == catalogue.markdown(SENTENCES), (
        "docs/steps.md is stale: run `python -m steps.sentences.catalogue > docs/steps.md`")


@pytest.mark.parametrize("sentence", SENTENCES, ids=lambda s: s.pattern[:60])
def test_each_example_is_matched_by_its_own_sentence_only(sentence: catalogue.Sentence) -> None:
    keyword, text = sentence.example.splitlines()[0].split(" ", 1)
    assert keyword.lower() == sentence.keyword
    matching = [s.pattern for s in SENTENCES if s.keyword == sentence.keyword and s.matches(text)]
    assert matching == [sentence.pattern]


def test_must_and_must_not_are_one_parameter() -> None:
    found = catalogue.find("then", 'the table "orders" must not have point-in-time recovery')
    assert found is not None
    assert found is catalogue.find("then", 'the table "orders" must have point-in-time recovery')
    assert found.parser.parse_arguments('the table "orders" must not have point-in-time recovery')["must"] is False


def test_a_misspelt_step_gets_the_closest_sentences() -> None:
    assert catalogue.find("then", 'the tabel "orders" must exist') is None
    assert catalogue.closest('the tabel "orders" must exist')[0] == 'the table "orders" must exist'


def feature_steps() -> list[tuple[str, int, str, str]]:
    found = []
    for path in sorted((ROOT / "features").rglob("*.feature")):
        feature = FeatureParser(str(path.parent), path.name).parse()
        for scenario in feature.scenarios.values():
            found += [(str(path.relative_to(ROOT)), step.line_number, step.type, step.name)
                      for step in scenario.steps]
    return found


def test_every_step_of_the_real_features_matches_a_sentence() -> None:
    steps = feature_steps()
    assert len(steps) > 100
    unmatched = [f"{file}:{line}: {text}" for file, line, kind, text in steps if catalogue.find(kind, text) is None]
    assert unmatched == []


def test_consumer_folders_hold_features_only() -> None:
    """The plugin collects every .feature itself; a Python test file in a consumer folder is not collected."""
    for folder in sorted(p for p in (ROOT / "features").iterdir() if p.is_dir() and p.name != "__pycache__"):
        assert any(folder.glob("*.feature")), f"{folder.name} holds no feature"
        assert not list(folder.glob("test_*.py")), f"{folder.name} holds a Python test file the plugin ignores"
