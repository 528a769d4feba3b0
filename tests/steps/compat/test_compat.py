"""steps.compat's contract with the installed pytest and pytest-bdd: what each wrapper returns, in this process.

An upgrade of either tool that moves an internal the plugin uses fails here, by the wrapper's name, before any
feature runs. The last tests check that steps.compat is the only module of steps/ or provision/ that reaches
into those internals, so this file and steps/compat/ are all an upgrade has to read.
"""

from __future__ import annotations

import ast
import io
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from _pytest.terminal import TerminalReporter  # pytest.TerminalReporter only from pytest 9
from pytest_bdd import cucumber_json, reporting, scenario

from dynamo_contracts.steps.compat import bdd, pytest_config, rewriting
from tests.support.paths import ROOT

FEATURE = """\
@orders_team
Feature: Orders
  Background:
    Given the table "orders" is known

  Scenario: plain
    Then the table "orders" must exist

  Scenario Outline: outline
    Then the table "<table>" must exist

    Examples:
      | table  |
      | orders |
      | users  |
"""


@pytest.fixture
def feature_file(tmp_path: Path) -> Path:
    path = tmp_path / "features" / "orders_team" / "orders.feature"
    path.parent.mkdir(parents=True)
    path.write_text(FEATURE, encoding="utf-8")
    return path


def _body() -> None:
    """A scenario function's own body."""


def test_load_feature_gives_pytest_bdds_model_from_its_cache(feature_file: Path) -> None:
    feature = bdd.load_feature(feature_file)
    assert isinstance(feature, bdd.Feature)
    assert list(feature.scenarios) == ["plain", "outline"]
    assert [t.line_number for t in feature.scenarios.values()] == [6, 9]
    assert feature.tags == {"orders_team"}
    assert Path(feature.filename) == feature_file.resolve()
    assert bdd.load_feature(feature_file) is feature  # collection asks again and gets the same parse


def test_own_steps_leave_the_background_out(feature_file: Path) -> None:
    plain = bdd.load_feature(feature_file).scenarios["plain"]
    assert [s.name for s in plain.steps] == ['the table "orders" is known', 'the table "orders" must exist']
    assert [(s.type, s.name, s.line_number) for s in bdd.own_steps(plain)] == [
        ("then", 'the table "orders" must exist', 7)]


def test_placeholders_are_found_and_rendered(feature_file: Path) -> None:
    outline = bdd.load_feature(feature_file).scenarios["outline"]
    assert bdd.PLACEHOLDER.findall('the table "<table>" in <region>') == ["table", "region"]
    assert [s.name for s in outline.render({"table": "users"}).steps][-1] == 'the table "users" must exist'


TABLED = """\
Feature: Tables
  Scenario: plain
    Then the table "orders" has these indexes:
      | index    | key      |
      | by_email | email    |

  Scenario Outline: outline
    Then the table "<table>" has these indexes:
      | index    | key      |
      | by_<key> | <key>    |

    Examples:
      | table  | key   |
      | users  | email |
"""


def test_a_plain_scenarios_tables_are_kept_and_an_outlines_filled(tmp_path: Path) -> None:
    path = tmp_path / "tables.feature"
    path.write_text(TABLED, encoding="utf-8")
    plain, outline = bdd.load_feature(path).scenarios.values()
    bdd.render_plain_tables_once()
    bdd.render_plain_tables_once()  # a second call changes nothing
    kept = plain.render({}).steps[0].datatable
    assert kept is plain.steps[0].datatable  # no copy where there is nothing to fill in
    assert kept is not None
    assert kept.raw() == [["index", "key"], ["by_email", "email"]]
    row = {"table": "users", "key": "email"}
    filled = outline.render(row).steps[0]
    assert filled.name == 'the table "users" has these indexes:'
    assert filled.datatable is not None
    assert filled.datatable.raw() == [["index", "key"], ["by_email", "email"]]
    template = outline.steps[0].datatable
    assert template is not None
    assert template.raw() == [["index", "key"], ["by_<key>", "<key>"]]


def test_a_steps_definitions_are_looked_up_among_step_definitions_only(request: pytest.FixtureRequest) -> None:
    import importlib

    every = importlib.import_module("pytest_bdd.compat").get_fixture_names(request._fixturemanager)
    bdd.look_up_steps_among_steps()
    bdd.look_up_steps_among_steps()  # a second call changes nothing
    steps = importlib.import_module("pytest_bdd.scenario").get_fixture_names(request._fixturemanager)
    assert "tmp_path" in every
    assert "tmp_path" not in steps
    assert steps  # the step library's sentences, registered in this run too (tests/conftest.py loads the plugin)
    assert steps == [name for name in every if name.startswith("pytestbdd_stepdef_")]
    assert any(name.startswith("pytestbdd_stepdef_then_") for name in steps)
    assert any(name.startswith("pytestbdd_stepdef_given_") for name in steps)


def test_a_step_finds_the_same_definitions_among_its_types_as_among_every_step(
        request: pytest.FixtureRequest) -> None:
    import importlib

    bdd.look_up_steps_among_steps()
    module = importlib.import_module("pytest_bdd.scenario")
    narrowed, every = module.find_fixturedefs_for_step, module.find_fixturedefs_for_step.among_every_step
    manager, node = request._fixturemanager, request.node
    steps = [step for path in sorted((ROOT / "features").rglob("*.feature"))
             for template in bdd.load_feature(path).scenarios.values() for step in template.steps]
    assert {step.type for step in steps} == {"given", "when", "then"}
    found = 0
    for step in steps:
        expected = list(every(step=step, fixturemanager=manager, node=node))
        assert narrowed(step=step, fixturemanager=manager, node=node) == expected, step.name
        found += bool(expected)
    assert found > len(steps) / 2  # most steps of features/ are sentences of the library (outlines keep <names>)


def test_a_features_gherkin_document_is_the_one_pytest_bdd_parsed(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    gherkin_parser = importlib.import_module("pytest_bdd.gherkin_parser")
    parses: list[str] = []

    class Counted(gherkin_parser.Parser):
        def parse(self, *args: Any, **kwargs: Any) -> Any:
            parses.append("parse")
            return super().parse(*args, **kwargs)

    monkeypatch.setattr(gherkin_parser, "Parser", Counted)
    path = tmp_path / "twice.feature"
    path.write_text("Feature: f\n  Scenario: same\n    Then a\n  Scenario: same\n    Then b\n", encoding="utf-8")
    assert list(bdd.load_feature(path).scenarios) == ["same"]
    document = bdd.gherkin_document(path)
    assert [c.scenario.location.line for c in document.feature.children if c.scenario] == [2, 4]
    assert len(parses) == 1  # the document pytest-bdd built its feature from
    bdd.gherkin_document(path)
    assert len(parses) == 2  # handed on once: asked again, the file is read again


def test_every_gherkin_mistake_has_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.feature"
    path.write_text("Feature: bad\n  Scenario: one\n    Given a\n    | x |\n    | y | z |\n", encoding="utf-8")
    with pytest.raises(bdd.GherkinParseError) as raised:
        bdd.load_feature(path)
    found = bdd.gherkin_errors(raised.value)
    assert [line for line, _ in found] == [5]
    assert "inconsistent cell count" in found[0][1]


def test_the_gherkin_document_keeps_two_scenarios_of_one_name(tmp_path: Path) -> None:
    path = tmp_path / "twice.feature"
    path.write_text("Feature: f\n  Scenario: same\n    Then a\n  Scenario: same\n    Then b\n", encoding="utf-8")
    document = bdd.gherkin_document(path)
    assert [(c.scenario.name, c.scenario.location.line) for c in document.feature.children if c.scenario] == [
        ("same", 2), ("same", 4)]
    assert list(bdd.load_feature(path).scenarios) == ["same"]  # what pytest-bdd's own model keeps


@pytest.mark.filterwarnings("ignore::pytest.PytestUnknownMarkWarning")  # the feature's @orders_team tag
def test_a_scenario_function_knows_its_template_and_nothing_else_does(feature_file: Path) -> None:
    function = scenario(str(feature_file), "plain", features_base_dir=str(feature_file.parent))(_body)
    assert bdd.template_of(function) is bdd.load_feature(feature_file).scenarios["plain"]
    assert bdd.template_of(_body) is None
    assert bdd.template_of(None) is None
    assert bdd.template_of(3) is None  # not weak-referenceable


@pytest.mark.filterwarnings("ignore::pytest.PytestUnknownMarkWarning")
def test_an_outline_row_is_read_from_the_parameter_pytest_bdd_gives_it(feature_file: Path) -> None:
    function = scenario(str(feature_file), "outline", features_base_dir=str(feature_file.parent))(_body)
    marks = [m for m in getattr(function, "pytestmark", []) if m.name == "parametrize"]
    assert [m.args[0] for m in marks] == [bdd.EXAMPLE_PARAMETER]
    rows = [p.values[0] for p in marks[0].args[1]]
    assert rows == [{"table": "orders"}, {"table": "users"}]
    item = SimpleNamespace(obj=function, callspec=SimpleNamespace(params={bdd.EXAMPLE_PARAMETER: rows[1]}))
    assert bdd.example_of(item) == {"table": "users"}
    assert bdd.example_of(SimpleNamespace(obj=function)) == {}
    scenario_run = bdd.rendered(item)
    assert scenario_run is not None
    assert [s.name for s in scenario_run.steps][-1] == 'the table "users" must exist'
    assert bdd.rendered(SimpleNamespace(obj=_body)) is None


def test_the_cucumber_writer_is_found_where_pytest_bdd_puts_it(tmp_path: Path) -> None:
    config = SimpleNamespace(option=SimpleNamespace(cucumber_json_path=str(tmp_path / "c.json")),
                             pluginmanager=SimpleNamespace(register=lambda plugin: None))
    assert bdd.cucumber_features(config) is None
    cucumber_json.configure(config)  # type: ignore[arg-type]
    assert bdd.cucumber_features(config) == {}


def test_the_cucumber_option_is_read_by_its_dest() -> None:
    from _pytest.config.argparsing import Parser

    parser = Parser(_ispytest=True)
    cucumber_json.add_options(parser)  # pytest-bdd's own --cucumberjson

    def config(*args: str) -> SimpleNamespace:
        parsed = vars(parser.parse_known_args(list(args)))
        return SimpleNamespace(getoption=lambda dest, default: parsed.get(dest, default))

    assert bdd.cucumber_json_asked(config("--cucumberjson=c.json"))
    assert not bdd.cucumber_json_asked(config())


class _Item:
    name = "plain"


def test_a_scenarios_report_names_its_feature_and_id(feature_file: Path) -> None:
    rendered = bdd.load_feature(feature_file).scenarios["plain"].render({})
    item, report = _Item(), pytest.TestReport("x::plain", ("x", 1, "plain"), {}, "passed", None, "call")
    assert bdd.report_context(report) is None
    scenario_report = reporting.ScenarioReport(rendered)
    registry = getattr(reporting, "scenario_reports_registry", None)  # pytest-bdd 9
    if registry is not None:
        registry[item] = scenario_report
    item.__scenario_report__ = scenario_report  # type: ignore[attr-defined]  # pytest-bdd 8
    reporting.runtest_makereport(item, None, report)  # type: ignore[arg-type]
    assert bdd.report_context(report) == (str(feature_file.resolve()), "plain")


def test_scenario_data_is_pytest_bdds_cucumber_shape(feature_file: Path) -> None:
    data = bdd.scenario_data(bdd.load_feature(feature_file).scenarios["plain"].render({}))
    assert (data["keyword"], data["name"], data["line_number"], data["tags"]) == ("Scenario", "plain", 6, [])
    feature = data["feature"]
    assert {k: feature[k] for k in ("keyword", "name", "filename", "line_number", "language", "tags")} == {
        "keyword": "Feature", "name": "Orders", "filename": str(feature_file.resolve()), "line_number": 2,
        "language": "en", "tags": ["orders_team"]}
    assert {"rel_filename", "description"} <= set(feature)


def test_pytest_decides_the_setup_from_a_folder(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.pytest.ini_options]\naddopts = ['-q']\n", encoding="utf-8")
    (tmp_path / "features").mkdir()
    namespace = SimpleNamespace(inifilename=None, override_ini=None, file_or_dir=[str(tmp_path / "features")])
    config = SimpleNamespace(known_args_namespace=namespace, invocation_params=SimpleNamespace(dir=tmp_path))
    assert pytest_config.known_options(config) is namespace  # type: ignore[arg-type]
    assert {"rootdir", "inifilename", "override_ini", "confcutdir", "file_or_dir"} <= set(
        vars(pytest_config.known_options(request.config)))  # the real one holds what the plugin reads
    rootpath, inipath, inicfg, _ = pytest_config.decide_setup(config, None)  # type: ignore[arg-type]
    assert (rootpath, inipath) == (tmp_path, tmp_path / "pyproject.toml")
    assert "addopts" in inicfg
    # pytest 9 keeps its setup where redecide sets it (8.3 does not: the plugin then refuses with the way round)
    assert pytest_config.can_redecide(request.config) or pytest.version_tuple < (9,)
    assert not pytest_config.can_redecide(SimpleNamespace())  # type: ignore[arg-type]


def test_the_terminal_writer_and_the_progress_file(request: pytest.FixtureRequest) -> None:
    out = io.StringIO()
    reporter = TerminalReporter(request.config, out)
    writer = pytest_config.terminal_writer(reporter)
    assert pytest_config.progress_file(reporter) is None
    reporter.write_fspath_result("features/a.feature::x", ".")
    assert pytest_config.progress_file(reporter) == request.config.rootpath / "features" / "a.feature"
    assert writer.width_of_current_line > 0  # the writer knows the line holds progress
    pytest_config.set_progress_file(reporter, None)
    reporter.write_fspath_result("features/a.feature::y", ".")  # the reporter writes the name again
    assert out.getvalue().count("a.feature") == 2


def test_the_plugins_packages_are_unmarked_in_pytests_rewriter() -> None:
    hooks = [f for f in sys.meta_path if type(f).__name__ == "AssertionRewritingHook"]
    assert hooks, "pytest's assertion rewriter is not on sys.meta_path"
    hook = hooks[0]
    hook.mark_rewrite("compat_probe_package")  # type: ignore[attr-defined]
    assert "compat_probe_package" in getattr(hook, rewriting.MARKED_FOR_REWRITE)
    assert hook in rewriting.not_rewritten("compat_probe_package")
    assert "compat_probe_package" not in getattr(hook, rewriting.MARKED_FOR_REWRITE)
    assert "dynamo_contracts" not in getattr(hook, rewriting.MARKED_FOR_REWRITE)
    assert "pytest_bdd" not in getattr(hook, rewriting.MARKED_FOR_REWRITE)  # imported by the plugin: not rewritten


PUBLIC_BDD_NAMES = {"scenario", "scenarios", "given", "when", "then", "step", "parsers"}
PUBLIC_BDD_MODULES = {"pytest_bdd", "pytest_bdd.parsers"}
INTERNAL_NAMES = {bdd.EXAMPLE_PARAMETER, bdd.CUCUMBER_WRITER, bdd.CUCUMBER_OPTION, rewriting.MARKED_FOR_REWRITE,
                  "_steps", "_tw", "known_args_namespace", "currentfspath", "scenario_wrapper_template_registry",
                  "test_report_context_registry", "__scenario__", *pytest_config.SETUP_ATTRIBUTES}


def _internals(path: Path) -> list[str]:
    """Each import of a pytest or pytest-bdd internal in `path`, and each use of an internal's name."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        at = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Import):
            found += [f"{at} import {a.name}" for a in node.names if a.name.split(".")[0] == "_pytest"
                      or (a.name.startswith("pytest_bdd") and a.name not in PUBLIC_BDD_MODULES)]
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.split(".")[0] == "_pytest" or (node.module.startswith("pytest_bdd")
                                                          and node.module not in PUBLIC_BDD_MODULES):
                found.append(f"{at} from {node.module} import ...")
            elif node.module == "pytest_bdd":
                found += [f"{at} from pytest_bdd import {a.name}" for a in node.names
                          if a.name not in PUBLIC_BDD_NAMES]
        elif isinstance(node, ast.Attribute) and node.attr in INTERNAL_NAMES:
            found.append(f"{at} .{node.attr}")
        elif isinstance(node, ast.Constant) and node.value in INTERNAL_NAMES:
            found.append(f"{at} {node.value!r}")
    return found


def test_only_steps_compat_reaches_into_pytest_or_pytest_bdd() -> None:
    compat = ROOT / "steps" / "compat"
    modules = sorted(p for folder in ("steps", "provision") for p in (ROOT / folder).rglob("*.py")
                     if compat not in p.parents)
    assert len(modules) > 100  # the scan reads the real packages
    assert [use for path in modules for use in _internals(path)] == []


def test_the_scan_finds_the_internals_steps_compat_uses() -> None:
    """A scan that found nothing anywhere would pass the test above however the code looked."""
    found = "\n".join(use for path in sorted((ROOT / "steps" / "compat").glob("*.py")) for use in _internals(path))
    for expected in ("from _pytest.config.findpaths", "from pytest_bdd.parser", "from pytest_bdd.scenario",
                     "'_pytest_bdd_example'", "'_must_rewrite'", "._tw", "._rootpath", "._steps"):
        assert expected in found


def test_the_defaults_of_a_groups_options() -> None:
    from _pytest.config.argparsing import Parser  # how pytest makes the parser its hooks get

    parser = Parser(_ispytest=True)
    group = parser.getgroup("probe")
    group.addoption("--probe-env", default="local")
    group.addoption("--probe-flag", action="store_true")
    defaults = pytest_config.option_defaults(parser, "probe")
    assert set(defaults) == {"probe_env", "probe_flag"}
    assert defaults["probe_env"] == "local"
    assert defaults["probe_flag"] in (False, None)  # unset either way
