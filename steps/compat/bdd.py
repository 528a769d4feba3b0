"""pytest-bdd's internals the plugin uses: its Gherkin model, its scenario registry, its Cucumber JSON writer.

pytest-bdd's public API (`scenario`, `step`, `parsers`) makes tests from features; the plugin also reads
the features itself (to find a mistake before collection, to list what the contracts require) and
rewrites the Cucumber JSON, which needs pytest-bdd's model and bookkeeping. Every use of them is here,
each wrapper saying what breaks when a release moves it (tests/steps/compat/test_compat.py pins each one).
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from pytest_bdd.exceptions import GherkinParseError
from pytest_bdd.feature import get_feature
from pytest_bdd.gherkin_parser import GherkinDocument, get_gherkin_document
from pytest_bdd.parser import PARAM_RE, Feature, Scenario, ScenarioTemplate, Step
from pytest_bdd.reporting import ScenarioReport

try:  # pytest-bdd 9 keeps a scenario function's template and a report's scenario in registries
    from pytest_bdd.reporting import test_report_context_registry as _report_contexts
    from pytest_bdd.scenario import scenario_wrapper_template_registry as _templates
except ImportError:  # pytest-bdd 8: on the function (`__scenario__`) and the report (`.scenario`, `.item`)
    _report_contexts = _templates = None  # type: ignore[assignment]

__all__ = ["PLACEHOLDER", "Feature", "GherkinDocument", "GherkinParseError", "Scenario", "ScenarioTemplate",
           "Step", "cucumber_features", "cucumber_json_asked", "example_of", "gherkin_document", "gherkin_errors",
           "load_feature", "look_up_steps_among_steps", "own_steps", "render_plain_tables_once", "rendered",
           "report_context", "scenario_data", "template_of"]

# pytest-bdd's `<name>` placeholder of an outline (parser.PARAM_RE): the plugin lists the names a step uses,
# to name one no Examples column fills. If it moves, import it from its new place; if it goes, `<(\w+)>`.
PLACEHOLDER: re.Pattern[str] = PARAM_RE

# The parameter pytest-bdd parametrises an outline's scenario function with, one example row (a dict of
# column -> value) per test (scenario.py, `_pytest_bdd_example`); a plain scenario has none. Renamed in a
# release, every outline row would be read as its first, unfilled template: `example_of` is the one reader.
EXAMPLE_PARAMETER = "_pytest_bdd_example"
# Where pytest-bdd's `--cucumberjson` keeps its writer on the config (cucumber_json.py, `configure`).
CUCUMBER_WRITER = "_bddcucumberjson"
CUCUMBER_OPTION = "cucumber_json_path"  # the `dest` of pytest-bdd's --cucumberjson (cucumber_json.add_options)


def load_feature(path: Path) -> Feature:
    """The feature at `path`, parsed by pytest-bdd (feature.get_feature) into its own cache, so collection,
    which asks the same function, does not parse it again. Raises GherkinParseError for a Gherkin mistake.
    Needed because the plugin checks every feature before collection; breaks if get_feature changes its
    arguments (base folder, file name) or stops caching by absolute path (collection would parse twice)."""
    _remember_documents()
    return get_feature(str(path.parent), path.name)


_DOCUMENTS: dict[str, GherkinDocument] = {}  # by real path: the Gherkin document pytest-bdd's last parse made


def _remember_documents() -> None:
    """pytest-bdd's parser keeps the Gherkin document it builds a Feature from (`parser.get_gherkin_document`, a
    name of that module), so `gherkin_document` does not parse the file a second time. Does nothing if the name
    moves: the document is then parsed again."""
    module = importlib.import_module("pytest_bdd.parser")
    if getattr(module, "get_gherkin_document", None) is not get_gherkin_document:
        return  # kept already, or moved

    def kept(abs_filename: str, encoding: str = "utf-8") -> GherkinDocument:
        document = get_gherkin_document(abs_filename, encoding)
        _DOCUMENTS[os.path.realpath(abs_filename)] = document
        return document

    setattr(module, "get_gherkin_document", kept)  # noqa: B010  (a module found at run time)


def gherkin_document(path: Path) -> GherkinDocument:
    """The raw Gherkin document (gherkin_parser.get_gherkin_document): every scenario as written, even two of
    one name, which pytest-bdd's Feature keeps only one of (the plugin names the lost one). The one pytest-bdd
    has just parsed the file into, once (`load_feature`), else parsed now. Breaks if the document's shape
    (feature.children[].scenario / .rule, .location.line) changes."""
    found = _DOCUMENTS.pop(os.path.realpath(path), None)
    return found if found is not None else get_gherkin_document(str(path.resolve()))


def gherkin_errors(error: GherkinParseError) -> list[tuple[int, str]]:
    """(line, message) of every mistake Gherkin found, not only the first pytest-bdd reports: pytest-bdd raises
    GherkinParseError from gherkin's CompositeParserException, whose `errors` each have `location["line"]`.
    Falls back to pytest-bdd's own (line, message) where the cause is not there."""
    cause = error.__cause__
    found = [(e.location["line"], str(e)) for e in getattr(cause, "errors", [])]
    return found or [(error.line, error.message)]


def own_steps(template: ScenarioTemplate) -> list[Step]:
    """A scenario's own steps, without the Background's (`ScenarioTemplate._steps`; `.steps` has both): a
    scenario made only of its Background's steps claims nothing of its own. Breaks if `_steps` is renamed:
    then the own steps are `.steps` less `.all_background_steps`."""
    return list(template._steps)


def template_of(function: Any) -> ScenarioTemplate | None:
    """The scenario template behind a function pytest-bdd's `scenario` made, None for any other object
    (pytest-bdd 9: scenario.scenario_wrapper_template_registry, a WeakKeyDictionary keyed by the function;
    8: the function's `__scenario__`). Needed to know which collected items are scenarios, and which scenario.
    Breaks if the registry is renamed or re-keyed: no feature's scenario would be collected."""
    if _templates is None:
        found = getattr(function, "__scenario__", None)
        return found if isinstance(found, ScenarioTemplate) else None
    try:
        return _templates.get(function)
    except TypeError:  # not weak-referenceable (None, a builtin): not a scenario
        return None


def example_of(item: Any) -> Mapping[str, str]:
    """The example row (column -> value) an item of an outline runs with, {} for a plain scenario: the value
    of pytest-bdd's EXAMPLE_PARAMETER in the item's callspec."""
    callspec = getattr(item, "callspec", None)
    return callspec.params.get(EXAMPLE_PARAMETER, {}) if callspec else {}


def rendered(item: Any) -> Scenario | None:
    """The scenario an item (or a Metafunc, while it is parametrised) runs, placeholders filled with its example
    row; None for any other test. `ScenarioTemplate.render(row)` is what pytest-bdd itself runs."""
    template = template_of(getattr(item, "obj", None) or getattr(item, "function", None))
    return template.render(example_of(item)) if template is not None else None


def _plain_tables_kept(render: Any) -> Any:
    def render_datatable(datatable: Any, context: Mapping[str, object]) -> Any:
        return datatable if not context else render(datatable, context)

    render_datatable.keeps_plain_tables = True  # type: ignore[attr-defined]
    return staticmethod(render_datatable)


def render_plain_tables_once() -> None:
    """A scenario without Examples keeps its steps' data tables as parsed instead of copying each one to fill in
    no placeholder. pytest-bdd renders every scenario before it runs (`ScenarioTemplate.render`), and its
    `Step.render_datatable` deep-copies each table first, cell by cell: a third of the checks phase of a static
    run went there. With no example row there is nothing to fill in, and a step is handed `datatable.raw()`, new
    lists, so the table is never written to. An outline's rows are still copied and filled. Called once the
    plugin acts in a run (not in a project's own pytest-bdd tests); does nothing if `render_datatable` moves."""
    render = getattr(Step, "render_datatable", None)
    if render is None or getattr(render, "keeps_plain_tables", False):
        return
    Step.render_datatable = _plain_tables_kept(render)  # type: ignore[method-assign]


def look_up_steps_among_steps() -> None:
    """pytest-bdd finds a step's definition among the step definitions of its type only, not among every fixture.

    For each step it runs, pytest-bdd asks pytest which definitions of EVERY fixture name are visible to the test
    (`scenario.find_fixturedefs_for_step` over `compat.get_fixture_names`), then keeps the step definitions of the
    step's type: a pytest lookup for each of hundreds of names, per step (8,000 lookups in a static run, a
    twentieth of it). Every step definition is registered under a name starting with `StepNamePrefix.step_def` and
    its type (`given`, `when`, `then`, or `*` for `step`: steps.py, `step`), so the names are filtered first, to the
    step's type and `*` while pytest-bdd looks a step up (`find_fixturedefs_for_step`, wrapped), to every step
    definition otherwise; the lookup, the visibility rules and the matching stay pytest-bdd's, in its order. Applied
    where the plugin acts; does nothing if the names it needs move (the run is then as fast as pytest-bdd's).

    While a step is looked up, a name is also left out when no definition registered under it (visible to the test
    or not: pytest's own registry of fixtures) matches the step's text, as pytest-bdd would drop it after asking pytest:
    one pytest lookup for each definition that matches, where there were some thirty per step."""
    from pytest_bdd.steps import StepNamePrefix

    scenario = importlib.import_module("pytest_bdd.scenario")  # the module: `pytest_bdd.scenario` is the function

    names = getattr(scenario, "get_fixture_names", None)
    find = getattr(scenario, "find_fixturedefs_for_step", None)
    prefix = getattr(getattr(StepNamePrefix, "step_def", None), "value", None)
    if names is None or find is None or not isinstance(prefix, str) or getattr(names, "steps_only", False):
        return
    # The name prefixes kept (the step's type's while one is looked up) and the text of the step looked up
    wanted: list[tuple[tuple[str, ...], str | None]] = [((prefix,), None)]

    def step_names(fixturemanager: Any) -> list[str]:
        prefixes, text = wanted[-1]
        kept = [name for name in names(fixturemanager) if name.startswith(prefixes)]
        return kept if text is None else _may_match(kept, fixturemanager, text)

    def of_its_type(step: Any, fixturemanager: Any, node: Any) -> list[Any]:
        wanted.append(((f"{prefix}_{step.type}_", f"{prefix}_*_"), step.name))
        try:
            return list(find(step=step, fixturemanager=fixturemanager, node=node))
        finally:
            wanted.pop()

    step_names.steps_only = True  # type: ignore[attr-defined]
    of_its_type.among_every_step = find  # type: ignore[attr-defined]  # pytest-bdd's own, for the tests
    setattr(scenario, "get_fixture_names", step_names)  # noqa: B010  (a module found at run time)
    setattr(scenario, "find_fixturedefs_for_step", of_its_type)  # noqa: B010


def _may_match(names: list[str], fixturemanager: Any, text: str) -> list[str]:
    """The `names` some definition registered under which matches `text` (pytest-bdd's registry of step functions,
    `steps.step_function_context_registry`, gives each definition's parser), a name that is not a step definition's
    kept; `names` as they are if pytest's or pytest-bdd's registries move."""
    contexts = getattr(importlib.import_module("pytest_bdd.steps"), "step_function_context_registry", None)
    registered = _registered(fixturemanager)
    if contexts is None or registered is None:
        return names
    kept = []
    for name in names:
        definitions = [d for found in registered for defs in found(name) for d in defs]
        parsers = [getattr(contexts.get(getattr(d, "func", None)), "parser", None) for d in definitions]
        if not parsers or any(parser is None or parser.is_matching(text) for parser in parsers):
            kept.append(name)
    return kept


def _registered(fixturemanager: Any) -> list[Callable[[str], Iterable[list[Any]]]] | None:
    """Where pytest keeps every definition of a fixture name (visible to the test or not), each giving lists of them:
    pytest 9 keeps them by the node (and, deprecated, the node id) that registered them, pytest 8 in one list. None
    if neither."""
    by_node = getattr(fixturemanager, "_arg2node2fixturedefs", None)
    by_nodeid = getattr(fixturemanager, "_arg2nodeid2fixturedefs", None)
    if isinstance(by_node, Mapping) and isinstance(by_nodeid, Mapping):
        return [lambda name: by_node.get(name, {}).values(), lambda name: by_nodeid.get(name, {}).values()]
    listed = getattr(fixturemanager, "_arg2fixturedefs", None)
    return [lambda name: [listed.get(name, [])]] if isinstance(listed, Mapping) else None


def cucumber_json_asked(config: Any) -> bool:
    """Whether `--cucumberjson=FILE` was given (pytest-bdd's option, kept as `cucumber_json_path`)."""
    return bool(config.getoption(CUCUMBER_OPTION, None))


def cucumber_features(config: Any) -> dict[str, Any] | None:
    """The features `--cucumberjson` will write (filename -> feature entry, each with its `elements`), None
    without the option: pytest-bdd's writer is `config._bddcucumberjson`, its entries `.features`. The plugin
    rewrites step results there. Breaks if the writer moves: the Cucumber JSON would then show pytest-bdd's
    own step results (tests/steps/compat/test_compat.py and the Cucumber tests fail first)."""
    writer = getattr(config, CUCUMBER_WRITER, None)
    return writer.features if writer is not None else None


def report_context(report: Any) -> tuple[str, str] | None:
    """(feature filename, scenario id) of a report of a scenario, as pytest-bdd's Cucumber writer keyed it
    (pytest-bdd 9: reporting.test_report_context_registry; 8: the report's `.scenario` and `.item`), None for
    any other report. Breaks if that moves: the Cucumber JSON would keep pytest-bdd's own step results."""
    if _report_contexts is None:
        scenario, item = getattr(report, "scenario", None), getattr(report, "item", None)
        if isinstance(scenario, dict) and isinstance(item, dict):
            return scenario["feature"]["filename"], item["name"]
        return None
    context = _report_contexts.get(report)
    return (context.scenario["feature"]["filename"], context.name) if context is not None else None


def scenario_data(scenario: Scenario) -> dict[str, Any]:
    """A scenario as pytest-bdd serialises it for Cucumber JSON (reporting.ScenarioReport.serialize): name,
    keyword, line_number, description, tags and `feature` (filename, rel_filename, keyword, name, line_number,
    description, language, tags). Used to write a scenario pytest-bdd left out, in its own shape."""
    return dict(ScenarioReport(scenario).serialize())
