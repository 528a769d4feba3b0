"""The one place that reaches into pytest's and pytest-bdd's internals, so an upgrade of either is read here.

The plugin needs a few things neither tool offers publicly: the parsed feature (pytest-bdd's model of
Feature, Scenario, Step), the scenario behind a collected item and the example row of an outline, the
Cucumber JSON writer's entries, pytest's rootdir decision, its terminal writer and its assertion
rewriter's list of packages. Each wrapper here says why it is needed and what to look for when a new
release moves it; tests/steps/compat/test_compat.py pins what each returns, so an upgrade that breaks one fails there,
by name, before any feature runs.

Public, and imported where it is used: `import pytest` (its documented API) and pytest-bdd's
`scenario`, `step` and `parsers` (with `parsers.StepParser`, documented for custom parsers).
Internal, and imported only here: every `_pytest.*` module and private attribute of pytest's objects;
`pytest_bdd.parser`, `.feature`, `.gherkin_parser`, `.exceptions`, `.reporting`,
`.scenario.scenario_wrapper_template_registry`, the `_pytest_bdd_example` parameter and
`config._bddcucumberjson`. tests/steps/compat/test_compat.py fails if any other module of steps/ or provision/
imports one.

- `steps.compat.bdd`: pytest-bdd.
- `steps.compat.pytest_config`: pytest's setup (rootdir, ini file), its options' defaults, its terminal writer.
- `steps.compat.rewriting`: pytest's assertion rewriter (imported when `steps` is, so it imports nothing).

Versions (checked with `pip index versions`, December 2026): pytest-bdd 9.0.1 is its newest release, the
current major, and the one constraints/runtime.txt pins; pytest 9.2.0 likewise. Both pass
tests/steps/compat/test_compat.py,
and the contracts on DynamoDB Local and on moto. So do the lowest releases pyproject.toml allows, pytest 8.3.5 with
pytest-bdd 8.1.0, with the same verdicts and the same Cucumber JSON: where 8.x keeps a scenario's template and a
report's scenario elsewhere, or determine_setup takes other arguments, the wrappers here read it there. Two limits
of the old releases, not of the plugin: pytest 8.3 cannot have its setup decided again (`--contracts DIR` outside
the project is refused with `--contracts=DIR` instead), and pytest-bdd 8.1 does not run on pytest 9.2 at all
(it reads `FixtureManager._arg2fixturedefs`, which pytest 9.2 no longer has) although it declares `pytest>=7`.
pytest-bdd 10 and pytest 10 do not exist yet, so both ranges stay `<10`: a new major may move any internal used
here, and tests/steps/compat/test_compat.py is the first thing to run against it.
"""
