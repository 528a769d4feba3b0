"""The one place that reaches into pytest's and pytest-bdd's internals, so an upgrade of either is read here.

The plugin needs a few things neither tool offers publicly: the parsed feature (pytest-bdd's model of
Feature, Scenario, Step), the scenario behind a collected item and the example row of an outline, the
Cucumber JSON writer's entries, pytest's rootdir decision, its terminal writer and its assertion
rewriter's list of packages. Each wrapper here says why it is needed and what to look for when a new
release moves it; tests/test_compat.py pins what each returns, so an upgrade that breaks one fails there,
by name, before any feature runs.

Public, and imported where it is used: `import pytest` (its documented API) and pytest-bdd's
`scenario`, `step` and `parsers` (with `parsers.StepParser`, documented for custom parsers).
Internal, and imported only here: every `_pytest.*` module and private attribute of pytest's objects;
`pytest_bdd.parser`, `.feature`, `.gherkin_parser`, `.exceptions`, `.reporting`,
`.scenario.scenario_wrapper_template_registry`, the `_pytest_bdd_example` parameter and
`config._bddcucumberjson`. tests/test_compat.py fails if any other module of steps/ or provision/ imports one.

- `steps.compat.bdd`: pytest-bdd.
- `steps.compat.pytest_config`: pytest's setup (rootdir, configuration file) and its terminal writer.
- `steps.compat.rewriting`: pytest's assertion rewriter (imported when `steps` is, so it imports nothing).

Versions (checked with `pip index versions`): pytest-bdd 9.0.1 is its newest release and the current major;
the plugin runs on it (the features on DynamoDB Local and on moto, and the test suite), and on 8.1, the
lowest release pyproject.toml allows. pytest-bdd 10 does not exist yet, so the range stays `<10`: a new
major may move any of the internals below, and tests/test_compat.py is the first thing to run against it.
pytest 9.2 is its newest release; `<10` for the same reason.
"""
