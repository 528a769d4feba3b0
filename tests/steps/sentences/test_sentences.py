"""Every sentence of the step catalogue, black-box: scenarios that pass, fail and are unverifiable.

One inner project (the real contracts plus a `ledger` table with the settings the real tables
lack: an LSI, PROVISIONED billing, a KEYS_ONLY stream, the AWS owned key, no PITR, deletion
protection) holds one scenario per case of cases_*.py (one file per module of steps/sentences/).
It runs once on moto and once on a real DynamoDB Local; each case is then its own test: the
scenario's outcome, and its message showing what was expected and what was found (or why the
backend cannot tell).

`{env}` and `{backend}` in a pattern stand for the run's environment and backend names;
patterns are fnmatch-style (`*`), each matched against some line of the scenario's message.
"""



from __future__ import annotations

import re
import textwrap
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

pytest.register_assert_rewrite("tests.support.contract_project")
from tests.support.contract_project import (  # noqa: E402
    ContractProject,
    ContractRun,
    message_matches,
    scenario_test_name,
    subprocess_runner,
)

pytest_plugins = ["pytester", "tests.support.contract_project"]

from tests.steps.sentences.cases import (  # noqa: E402
    BACKENDS,
    CANNOT_ANSWER,
    CANNOT_FAIL,
    CANNOT_PASS,
    LEDGER,
    SENTENCES,
    Case,
)
from tests.steps.sentences.cases_access import CASES as ACCESS_CASES  # noqa: E402
from tests.steps.sentences.cases_alarms import CASES as ALARMS_CASES  # noqa: E402
from tests.steps.sentences.cases_backups import CASES as BACKUPS_CASES  # noqa: E402
from tests.steps.sentences.cases_desired import CASES as DESIRED_CASES  # noqa: E402
from tests.steps.sentences.cases_indexes import CASES as INDEXES_CASES  # noqa: E402
from tests.steps.sentences.cases_inventory import CASES as INVENTORY_CASES  # noqa: E402
from tests.steps.sentences.cases_tables import CASES as TABLES_CASES  # noqa: E402

CASES = (*TABLES_CASES, *INDEXES_CASES, *ALARMS_CASES, *BACKUPS_CASES, *INVENTORY_CASES, *DESIRED_CASES, *ACCESS_CASES)

CASE_IDS = [re.sub(r"\W+", "_", c.title.lower()).strip("_") for c in CASES]


def feature_text(cases: tuple[Case, ...]) -> str:
    blocks = ["Feature: every sentence of the catalogue, passing, failing and unverifiable", ""]
    for item in cases:
        blocks += [f"  Scenario: {item.title}", textwrap.indent(item.steps, "    "), ""]
    return "\n".join(blocks)


def build(path: Path) -> ContractProject:
    project = ContractProject(path, subprocess_runner(path))
    project.add_table("ledger", LEDGER)
    project.isolate_local()
    project.feature("catalogue", feature_text(CASES))
    return project


@pytest.fixture(scope="module")
def moto_run(tmp_path_factory: pytest.TempPathFactory) -> ContractRun:
    return build(tmp_path_factory.mktemp("catalogue-moto")).run("--env=moto")


@pytest.fixture(scope="module")
def local_run(tmp_path_factory: pytest.TempPathFactory, dynamodb_local_endpoint: str) -> ContractRun:
    return build(tmp_path_factory.mktemp("catalogue-local")).run("--endpoint-url", dynamodb_local_endpoint)


@pytest.fixture
def run_on(request: pytest.FixtureRequest, spawn: ModuleType) -> tuple[str, ContractRun]:
    """Each backend's one run of the catalogue (an inner pytest: `spawn` marks the tests slow)."""
    env: str = request.param
    return env, request.getfixturevalue("moto_run" if env == "moto" else "local_run")


def expected_counts(env: str) -> Counter[str]:
    return Counter(c.expect(env).outcome for c in CASES)


def backend_params() -> list[object]:
    return [pytest.param("moto", id="moto"), pytest.param("local", id="dynamodb-local", marks=pytest.mark.slow)]


# --- the cases themselves -------------------------------------------------------------------------


@pytest.mark.parametrize("run_on", backend_params(), indirect=True)
@pytest.mark.parametrize("item", CASES, ids=CASE_IDS)
def test_sentence(run_on: tuple[str, ContractRun], item: Case) -> None:
    env, run = run_on
    expect = item.expect(env)
    scenario = run.scenario(item.test_name)
    assert scenario.outcome == expect.outcome, (
        f"scenario '{item.title}' on {env}: expected {expect.outcome}, got {scenario.outcome}\n{scenario.message}")
    patterns = [p.format(env=env, backend=BACKENDS[env]) for p in expect.patterns]
    assert not message_matches(scenario.message, patterns), (
        f"scenario '{item.title}' on {env}: message lacks {message_matches(scenario.message, patterns)}\n"
        f"{scenario.message}")
    if expect.outcome == "skipped":
        assert scenario.message.startswith(f"unverifiable on {BACKENDS[env]}: "), scenario.message
    if expect.outcome == "failed":
        assert " claims failed:" in scenario.message, scenario.message


@pytest.mark.parametrize("run_on", backend_params(), indirect=True)
def test_whole_run_counts_every_outcome(run_on: tuple[str, ContractRun]) -> None:
    env, run = run_on
    counts = expected_counts(env)
    run.result.assert_outcomes(passed=counts["passed"], failed=counts["failed"], skipped=counts["skipped"])
    run.result.stdout.fnmatch_lines([
        f"*= contract checks on {env} ({BACKENDS[env]}) =*",
        "* passed, * failed, * unverifiable here, 0 not run",
        "  catalogue * BLOCKED * passed, * failed, * unverifiable, 0 not run",
        "Not verified here (check these against AWS before calling it ready):",
        f"  * x unverifiable on {BACKENDS[env]}: *",
    ])
    assert run.result.ret == pytest.ExitCode.TESTS_FAILED


# --- the cases cover the catalogue ----------------------------------------------------------------


def _steps_of(item: Case) -> list[tuple[str, str]]:
    """(keyword, text) of each step of a case, `And` taking the keyword before it."""
    steps, keyword = [], ""
    for line in item.steps.splitlines():
        word, _, text = line.strip().partition(" ")
        if word in ("Given", "When", "Then"):
            keyword = word.lower()
        elif word != "And":
            continue
        steps.append((keyword, text))
    return steps


def test_the_cases_name_exactly_the_catalogue_sentences() -> None:
    from dynamo_contracts.steps.sentences import MODULES, catalogue

    for module in MODULES:
        __import__(module)
    assert sorted(SENTENCES.values()) == sorted(s.pattern for s in catalogue.CATALOGUE)


@pytest.mark.parametrize("item", CASES, ids=CASE_IDS)
def test_each_case_uses_its_sentence(item: Case) -> None:
    from dynamo_contracts.steps.sentences import catalogue

    used = [found.pattern for keyword, text in _steps_of(item) if (found := catalogue.find(keyword, text))]
    assert len(used) == len(_steps_of(item)), f"a step of '{item.title}' matches no sentence"
    assert SENTENCES[item.sentence] in used


@pytest.mark.parametrize("env", ["moto", "local"])
@pytest.mark.parametrize("sentence", sorted(SENTENCES))
def test_each_sentence_passes_fails_and_is_unverifiable_where_it_must(env: str, sentence: str) -> None:
    outcomes = {c.expect(env).outcome for c in CASES if c.sentence == sentence}
    if sentence not in CANNOT_FAIL[env]:
        assert "failed" in outcomes
    if sentence not in CANNOT_PASS[env]:
        assert "passed" in outcomes
    if sentence in CANNOT_ANSWER[env]:
        assert "skipped" in outcomes
    else:
        assert "skipped" not in outcomes
    musts = {"must not" in c.steps for c in CASES if c.sentence == sentence}
    if "{must:Must}" in SENTENCES[sentence]:
        assert musts == {True, False}, f"{sentence}: cover both must and must not"


# --- a failed "must not" explains itself --------------------------------------------------------------

CONTRADICTIONS = [
    pytest.param("index key must not fails", "a query with userId as the partition key cannot use OrdersByUser",
                 id="index-key"),
    pytest.param("carries must not fails", "the index does not project what the consumer reads", id="carries"),
]


@pytest.mark.parametrize("run_on", backend_params(), indirect=True)
@pytest.mark.parametrize(("title", "contradiction"), CONTRADICTIONS)
def test_a_failed_must_not_is_not_explained_as_a_failed_must(run_on: tuple[str, ContractRun], title: str,
                                                             contradiction: str) -> None:
    """`must not have the partition key userId` fails because the index HAS it; `must not carry orderTotal` fails
    because the items DO carry it: a reason saying the opposite sends the Lambda developer the wrong way."""
    _, run = run_on
    message = run.scenario(scenario_test_name(title)).message
    assert "FAIL" in message
    assert contradiction not in message, message

