"""Every .feature under features/, parsed with pytest-bdd's own parser; mistakes as `file:line: what`.

The plugin parses them all before collection (into pytest-bdd's own cache, so collection does
not parse them again), so a Gherkin mistake stops the run with one clear line instead of a
pytest-bdd traceback, and a misspelt keyword (`Scenari:`, which Gherkin reads
as description text, silently losing the scenario) is caught too. The readiness report derives
what the contracts require from the same parse (steps.gherkin.requirements).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ..compat import bdd
from ..compat.bdd import Feature, GherkinParseError, ScenarioTemplate, Step

FEATURES = "features"
KEYWORDS = ("Feature", "Background", "Scenario", "Scenario Outline", "Scenario Template", "Example", "Examples",
            "Scenarios", "Rule")
STEP_WORDS = ("Given", "When", "Then", "And", "But")
TOKENS = {"#EOF": "the end of the file", "#TableRow": "a table row", "#DocStringSeparator": 'a """ doc string',
          "#StepLine": "a step (Given, When, Then, And, But)", "#TagLine": "a @tag", "#ExamplesLine": "Examples:",
          "#ScenarioLine": "Scenario:", "#RuleLine": "Rule:", "#BackgroundLine": "Background:",
          "#FeatureLine": "Feature:", "#Language": "# language:", "#Comment": "a # comment", "#Empty": "an empty line",
          "#Other": "text"}
_EXPECTED = re.compile(r"expected: (?P<tokens>[#\w, ]+), got '(?P<got>.*)'$")
EXPLAINED = {"inconsistent cell count within the table":
             "this table row has another number of cells than the rows above it (every row needs one cell per "
             "column of the header)"}
_POSITION = re.compile(r"^\(\d+:\d+\): ")
_KEYWORD_LIKE = re.compile(r"^(?P<word>[A-Za-z][A-Za-z ]{1,20}?)\s*:")


@dataclass(frozen=True)
class ParsedScenario:
    """One test pytest-bdd makes: a scenario, or one row of a scenario outline's examples."""

    consumer: str
    file: str  # relative to the rootdir
    line: int
    name: str
    steps: tuple[Step, ...]  # background included, placeholders filled in
    tags: frozenset[str] = frozenset()  # the feature's, the rule's and the scenario's (pytest markers)


@dataclass(frozen=True)
class ParsedFeatures:
    scenarios: tuple[ParsedScenario, ...]
    problems: tuple[str, ...]  # `file:line: what is wrong`, one per mistake
    consumers: tuple[str, ...]  # every folder under features/ holding a .feature


def feature_paths(rootpath: Path) -> list[Path]:
    folder = rootpath / FEATURES
    return sorted(folder.rglob("*.feature")) if folder.is_dir() else []


def _relative(path: Path, rootpath: Path) -> str:
    try:
        return str(path.resolve().relative_to(rootpath.resolve()))
    except ValueError:
        return str(path)


def _consumer(path: Path, rootpath: Path) -> str:
    """The folder under features/ a feature belongs to ("" for a feature directly in features/)."""
    try:
        relative = path.resolve().relative_to((rootpath / FEATURES).resolve())
    except ValueError:
        return ""
    return relative.parts[0] if len(relative.parts) > 1 else ""


def _closest_keyword(word: str) -> str | None:
    """The Gherkin keyword `word` most likely misspells (same number of words, close spelling), if any."""
    words = word.split()
    same_length = [k for k in KEYWORDS if len(k.split()) == len(words)]
    found = difflib.get_close_matches(" ".join(words).title(), same_length, n=1, cutoff=0.8)
    return found[0] if found else None


def _syntax_error(error: GherkinParseError, where: str) -> list[str]:
    """Gherkin's own errors (every one it found), in words, each with its line."""
    problems = []
    for line, message in bdd.gherkin_errors(error):
        message = _POSITION.sub("", message)
        message = EXPLAINED.get(message, message)
        expected = _EXPECTED.search(message)
        if expected:
            wanted = [TOKENS.get(t.strip(), t.strip()) for t in expected["tokens"].split(",")]
            got = expected["got"]
            message = f"'{got.strip()}' is not valid here; expected {', '.join(wanted)}"
            keyword = _KEYWORD_LIKE.match(got.strip())
            near = _closest_keyword(keyword["word"]) if keyword else None
            if near and keyword and keyword["word"] != near:
                message += f" (did you mean '{near}:'?)"
        problems.append(f"{where}:{line}: {message}")
    return problems


def _description_lines(path: Path, start: int, description: str) -> Iterator[tuple[int, str]]:
    """The file lines (number, text) of a description that begins after line `start`."""
    wanted = [line.strip() for line in description.splitlines() if line.strip()]
    if not wanted:
        return
    lines = path.read_text(encoding="utf-8").splitlines()
    number = start
    for text in wanted:
        while number < len(lines) and lines[number].strip() != text:
            number += 1
        if number < len(lines):
            yield number + 1, text
            number += 1


def _misread_lines(path: Path, where: str, feature: Feature) -> list[str]:
    """Lines Gherkin took as description but that look like a keyword or a step: a typo hides a scenario."""
    blocks: list[tuple[int, str]] = [(feature.line_number, feature.description)]
    blocks += [(s.line_number, s.description) for s in feature.scenarios.values()]
    problems = []
    for start, description in blocks:
        misspelt = False  # the steps under a misspelt keyword need no line of their own
        for number, text in _description_lines(path, start, description or ""):
            keyword = _KEYWORD_LIKE.match(text)
            near = _closest_keyword(keyword["word"]) if keyword else None
            if keyword and near:
                misspelt = True
                problems.append(f"{where}:{number}: '{text}' is read as description text, not as a keyword: "
                                f"did you mean '{near}:'?")
            elif text.split(" ", 1)[0] in STEP_WORDS and not misspelt:
                problems.append(f"{where}:{number}: '{text}' is read as description text: a step must follow a "
                                "Scenario: or Background: line (is the line above it misspelt?)")
    return problems


def _rendered(consumer: str, where: str, template: ScenarioTemplate) -> Iterator[ParsedScenario]:
    contexts: list[dict[str, str]] = [c for e in template.examples for c in e.as_contexts()] or [{}]
    tags = frozenset(template.tags | template.feature.tags | (template.rule.tags if template.rule else set()))
    tags |= {tag for examples in template.examples for tag in examples.tags}
    for context in contexts:
        scenario = template.render(context)
        yield ParsedScenario(consumer, where, template.line_number, scenario.name, tuple(scenario.steps), tags)


def _duplicate_names(path: Path, where: str) -> list[str]:
    """pytest-bdd keeps one scenario per name in a feature: a second one of the same name is silently lost."""
    document = bdd.gherkin_document(path)
    children = list(document.feature.children) if document.feature else []
    children += [c for child in children if child.rule for c in child.rule.children]
    seen: dict[str, int] = {}
    problems = []
    for child in children:
        if child.scenario is None:
            continue
        name, line = child.scenario.name, child.scenario.location.line
        if name in seen:
            problems.append(f"{where}:{line}: a second scenario named '{name}' (the first is on line {seen[name]}): "
                            "only one of them would run; give each scenario its own name")
        else:
            seen[name] = line
    return problems


def _outline_problems(template: ScenarioTemplate, where: str) -> list[str]:
    """An outline's <placeholder> that no Examples column fills would be used literally (`table <table>`)."""
    outline = template.templated or "outline" in template.keyword.lower() or "template" in template.keyword.lower()
    if not outline:
        return []
    columns = {name for examples in template.examples for name in examples.example_params}
    if not any(examples.examples for examples in template.examples):
        return [f"{where}:{template.line_number}: this Scenario Outline has no Examples rows: add an 'Examples:' "
                "table with a column for each <placeholder> and one row per case"]
    problems = []
    for step in bdd.own_steps(template):
        texts = [step.name, step.docstring or ""]
        texts += [cell.value for row in (step.datatable.rows if step.datatable else []) for cell in row.cells]
        unknown = sorted({name for text in texts for name in bdd.PLACEHOLDER.findall(text) if name not in columns})
        if unknown:
            placeholders = ", ".join(f"<{name}>" for name in unknown)
            problems.append(f"{where}:{step.line_number}: {placeholders} is not a column of this outline's Examples "
                            f"(columns: {', '.join(sorted(columns)) or 'none'}): add the column, or fix the "
                            "placeholder's name")
    return problems


def _checks_nothing(template: ScenarioTemplate, where: str) -> str | None:
    """A scenario's claims are its own Then steps: without one it checks nothing (a Background's steps are every
    scenario's, so a scenario made only of them states nothing of its own), yet it would pass."""
    own = bdd.own_steps(template)
    if any(step.type == "then" for step in own):
        return None
    at = f"{where}:{template.line_number}: the scenario '{template.name}'"
    fix = "add its Then steps (see docs/steps.md), or remove it"
    if not template.steps:
        return f"{at} has no step, so it would check nothing: {fix}"
    if not own:
        return (f"{at} has no step of its own, only the Background's, so it would check nothing of its own and "
                f"pass: {fix}")
    return f"{at} has no Then step of its own, so it would check nothing and pass: {fix}"


def _scenario_problems(feature: Feature, path: Path, where: str) -> list[str]:
    problems = _duplicate_names(path, where)
    for template in feature.scenarios.values():
        problem = _checks_nothing(template, where)
        if problem:
            problems.append(problem)
        problems += _outline_problems(template, where)
    return problems


def parse_feature(path: Path, rootpath: Path) -> tuple[list[ParsedScenario], list[str]]:
    where, consumer = _relative(path, rootpath), _consumer(path, rootpath)
    try:
        feature = bdd.load_feature(path)  # pytest-bdd's FeatureParser, and its cache
    except GherkinParseError as error:
        return [], _syntax_error(error, where)
    problems = _misread_lines(path, where, feature)
    if not feature.scenarios and not problems:
        problems.append(f"{where}:{feature.line_number}: this feature has no scenario (each starts with a "
                        "'Scenario:' line)")
    problems += _scenario_problems(feature, path, where)
    scenarios = [s for template in feature.scenarios.values() for s in _rendered(consumer, where, template)]
    return scenarios, problems


PARSED = pytest.StashKey[ParsedFeatures]()  # the run's parse, kept on pytest's config by the plugin


def parse_all(rootpath: Path) -> ParsedFeatures:
    """Every feature under the rootdir's features/, with every mistake found in any of them."""
    scenarios: list[ParsedScenario] = []
    problems: list[str] = []
    consumers: set[str] = set()
    for path in feature_paths(rootpath):
        found, wrong = parse_feature(path, rootpath)
        scenarios += found
        problems += wrong
        consumer = _consumer(path, rootpath)
        consumers.add(consumer)
        if not consumer:
            problems.append(f"{_relative(path, rootpath)}:1: a feature belongs to one consumer: move it into "
                            f"{FEATURES}/<consumer>/ (the folder's name is the team's name)")
    problems += _folders_without_features(rootpath, consumers)
    return ParsedFeatures(tuple(scenarios), tuple(problems), tuple(sorted(consumers - {""})))


def _folders_without_features(rootpath: Path, consumers: set[str]) -> list[str]:
    """A consumer folder whose features are gone would silently check nothing for that team."""
    folder = rootpath / FEATURES
    if not folder.is_dir():
        return []
    empty = [p for p in sorted(folder.iterdir())
             if p.is_dir() and p.name not in consumers and not p.name.startswith((".", "_"))]
    return [f"{_relative(p, rootpath)}/: this consumer folder holds no .feature file, so nothing of {p.name} is "
            "checked: add its features, or remove the folder" for p in empty]
