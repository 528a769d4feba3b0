"""The pytest plugin: wires options, the environment session, the step modules and the verdicts.

Loaded by the root conftest.py, or installed as a pytest11 entry point (inert where it has nothing to do:
steps.wiring.activation). Logic lives elsewhere: options (steps.run.options), the backend
and its observed state (steps.run.session), checks (steps.checks), scenario verdicts
(steps.run.recorder), step-sentence matching (steps.wiring.collection), the summary (steps.results.scenarios).
"""

from __future__ import annotations

from .run import early_local

early_local.start()  # first, before the imports below: DynamoDB Local's JVM starts while they run, if it is needed

import contextlib
import gc
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from botocore.exceptions import BotoCoreError, ClientError

from ..provision.backends import Backend
from ..provision.desired.load import load_contracts
from ..provision.desired.model import DesiredState
from ..provision.errors import ContractError, ToolError
from .checks.target import Target
from .compat import bdd, generation
from .gherkin import authoring, requirements
from .gherkin import parse as feature_files
from .permissions import wiring as permissions
from .results.findings import Finding, Kind, NotRun, Outcome
from .run.options import ContractOptions, add_options, misuse
from .run.recorder import ScenarioFindings
from .run.session import ContractSession
from .run.stopping import stop_run
from .sentences import catalogue
from .wiring import (
    activation,
    ci_output,
    collection,
    cucumber,
    early_setup,
    feature_items,
    lines,
    terminal,
    unknowns,
    verdicts,
    waivers,
)
from .wiring import reporting as report
from .wiring import results as properties

generation.defer()  # before pytest-bdd's plugin imports its code generation (and Mako): steps.compat.generation
T = TypeVar("T")
ADVISORY = "advisory"  # a scenario or feature tagged @advisory: its failures are warnings

SESSION = pytest.StashKey[ContractSession]()


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config, parser: pytest.Parser, args: list[str]) -> None:
    early_setup.repair(early_config, args)  # `--contracts DIR` outside the checkout (installed plugin only)


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)
    report.add_options(parser)
    ci_output.add_options(parser)
    verdicts.add_options(parser)
    waivers.add_options(parser)
    activation.remember_options(parser, "contracts")


def pytest_configure(config: pytest.Config) -> None:
    try:
        _configure(config)
    except pytest.UsageError as error:  # refused before anything ran: annotated where each mistake is, on CI
        ci_output.refused(config, error)
        raise
    finally:
        early_local.discard()  # the JVM started before the imports, if the session did not take it: not needed


def _configure(config: pytest.Config) -> None:
    if not activation.decide(config):
        return  # installed, in a folder with no contracts and none of its options: nothing to do, nothing loaded
    bdd.render_plain_tables_once()
    bdd.look_up_steps_among_steps()
    activation.load_step_library(config)  # only where it is used (its sentences are fixtures of every test)
    config.addinivalue_line("markers", "consumer(name): the downstream team a contract scenario belongs to")
    for consumer in collection.consumers(config.rootpath):
        config.addinivalue_line("markers", f"{consumer}: contracts of the consumer {consumer}")
    cucumber.configure(config)
    ci_output.configure(config)
    if not hasattr(config, "workerinput"):  # the controller (or a plain run) checks what people typed
        report.check_folder(config)
    if not collection.runs_contracts(config):
        return
    parsed = config.stash[feature_files.PARSED] = feature_files.parse_all(config.rootpath)  # the report reuses it
    if not hasattr(config, "workerinput"):
        _check_features(parsed)
    options = ContractOptions.from_config(config)
    try:
        desired = load_contracts(options.contracts)
    except ContractError as error:
        raise pytest.UsageError(str(error)) from None
    desired = verdicts.with_option(config, desired, options.env, options.only_live)
    if options.env not in desired.environments:
        raise pytest.UsageError(f"--env {options.env}: no such environment in {options.contracts}; choose one of: "
                                f"{', '.join(desired.environments)}")
    problems = misuse(options, desired.environments[options.env])
    if problems:
        raise pytest.UsageError("\n".join(problems))
    waivers.configure(config, str(options.contracts), desired, parsed)
    if not hasattr(config, "workerinput"):
        _check_against_desired(config, desired, parsed)
    try:
        session = ContractSession(options, desired, lambda text: _say(config, text),
                                  requirements.stated_index_keys(parsed.scenarios))
    except ToolError as error:
        raise pytest.UsageError(str(error)) from None
    config.stash[SESSION] = session
    try:
        if not hasattr(config, "workerinput"):
            session.read_static()  # a .tf that does not parse, a plan of another format: stop before anything runs
        if _is_xdist_controller(config):
            session.fetch_local()  # once here; the workers start their own backends from it
            session.prepare_evaluator(prestart=False)  # and the IAM policy evaluator, which they use
            return  # the controller only writes the report
        if not early_local.runs_tests(config):
            return  # --help, --collect-only, --fixtures...: no backend to start
        session.start()  # the JVM, started early or now, overlaps with collection
        if not hasattr(config, "workerinput"):
            session.prepare_evaluator()  # npm ci on the first run, said on stderr, while the JVM starts
    except ToolError as error:
        raise pytest.UsageError(str(error)) from None


def _check_features(parsed: feature_files.ParsedFeatures) -> None:
    """Every feature under features/ must parse: a Gherkin mistake stops the run here, with its line."""
    problems = parsed.problems
    if problems:
        raise pytest.UsageError("some features cannot be read (nothing was run):\n"
                                + "\n".join(f"  {p}" for p in problems))


def _check_against_desired(config: pytest.Config, desired: DesiredState, parsed: feature_files.ParsedFeatures) -> None:
    """Names the desired state does not know, unreadable conditions and items, a `-m` that selects nothing."""
    problems = [*authoring.feature_mistakes(parsed.scenarios, desired),
                *authoring.role_problems(desired, parsed.consumers)]
    if problems:
        raise pytest.UsageError("some features have mistakes (nothing was run):\n"
                                + "\n".join(f"  {p}" for p in problems))
    expression = config.getoption("markexpr", "") or ""
    if expression:
        markers = {re.split(r"[:(]", line, maxsplit=1)[0].strip() for line in config.getini("markers")}
        tags = {tag for scenario in parsed.scenarios for tag in scenario.tags}
        wrong = authoring.marker_problems(expression, parsed.consumers, markers | tags)
        if wrong:
            raise pytest.UsageError("\n".join(wrong))


def _is_xdist_controller(config: pytest.Config) -> bool:
    return bool(getattr(config.option, "numprocesses", None)) and not hasattr(config, "workerinput")


def _say(config: pytest.Config, text: str) -> None:
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    if reporter is None:
        return
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        lines.own_line(reporter, text, resume=True)  # never after pytest's progress dots


def pytest_unconfigure(config: pytest.Config) -> None:
    session = config.stash.get(SESSION, None)
    if session is not None:
        session.close()
        session.phases.write()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtestloop(session: pytest.Session) -> Any:
    """The scenarios' own time: the loop, less the backend, provisioning and reading that happen inside it."""
    contract_session = session.config.stash.get(SESSION, None)
    phases = contract_session.phases.seconds if contract_session is not None else {}
    inside = ("waiting for the backend", "provisioning", "reading")  # the backend's start overlaps the waiting

    def spent() -> float:
        return sum(phases.get(name, 0.0) for name in inside)

    before, started = spent(), time.perf_counter()
    yield
    if contract_session is not None:  # less what the backend, provisioning and reading took meanwhile
        contract_session.phases.add("checks", time.perf_counter() - started - (spent() - before))


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if not activation.is_active(parent.config):
        return None
    return feature_items.collect_file(file_path, parent)


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    if not activation.is_active(config):
        return None
    return feature_items.ignore(collection_path, config)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A run of several sources checks every scenario against each: one outcome per scenario and source."""
    session = metafunc.config.stash.get(SESSION, None)
    if session is None or len(session.labels) < 2 or feature_items.template_of(metafunc) is None:
        return
    metafunc.fixturenames.append(collection.SOURCE_PARAM)
    metafunc.parametrize(collection.SOURCE_PARAM, session.labels, ids=session.labels, indirect=True, scope="session")


def pytest_itemcollected(item: pytest.Item) -> None:
    if activation.is_active(item.config):
        collection.mark_consumer(item)


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    if activation.is_active(session.config):  # (a run that is not the contracts' is left as it is)
        gc.freeze()  # the items, parsed features and states read live until the run ends: out of the collector's sight


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    if not activation.is_active(config):
        return  # another project's pytest-bdd scenarios are its own business
    problems = collection.unmatched_steps(items, config.rootpath)
    if problems:
        error = pytest.UsageError("some feature steps match no sentence of the step library:\n" + "\n".join(problems))
        ci_output.refused(config, error)
        raise error


def _contract_session(request: pytest.FixtureRequest) -> ContractSession:
    session = request.config.stash.get(SESSION, None)
    if session is None:
        pytest.fail("the contracts plugin is not active for this run (run pytest from the project folder)",
                    pytrace=False)
    return session


@pytest.fixture(scope="session")
def contract_session(request: pytest.FixtureRequest) -> ContractSession:
    """The run's environment session (options, contracts, backend)."""
    return _contract_session(request)


def _or_stop(request: pytest.FixtureRequest, session: ContractSession, read: Callable[[], T]) -> T:
    """Read the environment, or stop the whole run with one message: a user's mistake, or AWS saying no."""
    try:
        return read()
    except ToolError as error:
        stop_run(request, session, f"contracts: {error}")
    except (BotoCoreError, ClientError) as error:
        stop_run(request, session, session.unreadable(error))


@pytest.fixture(scope="session")
def contract_backend(request: pytest.FixtureRequest, contract_session: ContractSession) -> Backend:
    """The environment's backend, started and provisioned once for the whole run."""
    return _or_stop(request, contract_session, contract_session.backend)


@pytest.fixture(scope="session")
def contract_source(request: pytest.FixtureRequest) -> str:
    """The label of the source this scenario runs against (parametrised when the run has several)."""
    return getattr(request, "param", None) or _contract_session(request).default_label


@pytest.fixture(scope="session")
def contract_target(request: pytest.FixtureRequest, contract_session: ContractSession, contract_source: str) -> Target:
    """The source as read once (the backend started first, for live), shared by every scenario run against it."""
    return _or_stop(request, contract_session, lambda: contract_session.target(contract_source))


def pytest_runtest_setup(item: pytest.Item) -> None:
    """On a static source (schema, Terraform), a scenario that needs the backend (an access pattern) is not run."""
    session = item.config.stash.get(SESSION, None)
    if session is None:
        return
    label = collection.source_of(item) or session.default_label
    if not session.source(label).static or not collection.needs_backend(item):
        return
    reason = (f"not run against {label}: an access pattern runs its queries on the environment "
              "itself (--against live)")
    not_run = Finding(Kind.ACCESS_PATTERN, Outcome.NOT_RUN, f"access patterns of {item.name}", "the query's results",
                      "not run", reason=reason, not_run=NotRun.STATIC_SOURCE)
    findings = _new_findings(item)
    findings.add([*permissions.scenario_findings(item, session, label), not_run])  # the role's policies can be
    properties.record_findings(item, findings.findings)  # judged from files
    findings.give_verdict()


def _new_findings(item: pytest.Item) -> ScenarioFindings:
    where = collection.scenario_location(item)
    findings = ScenarioFindings(f"{where[0]}:{where[1]}" if where else "")
    session, consumer = item.config.stash.get(SESSION, None), collection.consumer_of(item)
    if session is not None and consumer is not None:  # a failure a waiver in force covers is accepted risk
        findings.accept = waivers.accepting(item.config, consumer, collection.scenario_name(item),
                                            session.environment.name, item.get_closest_marker(ADVISORY) is not None)
    return findings


@pytest.fixture
def scenario_findings(request: pytest.FixtureRequest) -> ScenarioFindings:
    return _new_findings(request.node)


def pytest_bdd_before_scenario(request: pytest.FixtureRequest, **_: Any) -> None:
    """The scenario's permission claims, before any step can stop it (criterion 7). On AWS the first asks IAM, so
    it opens (and with --provision provisions) the environment: a refusal there stops the run, as in a step."""
    session = request.config.stash.get(SESSION, None)
    if session is not None:
        label = collection.source_of(request.node) or session.default_label
        found = _or_stop(request, session, lambda: permissions.scenario_findings(request.node, session, label))
        request.getfixturevalue("scenario_findings").add(found)


def pytest_bdd_before_step(request: pytest.FixtureRequest, step: Any, **_: Any) -> None:
    if activation.is_active(request.config):
        advisory = getattr(step, "type", "") == "then" and catalogue.advisory(step.name)
        request.getfixturevalue("scenario_findings").begin_step(step.line_number, advisory)


def pytest_bdd_step_error(request: pytest.FixtureRequest, **_: Any) -> None:
    if activation.is_active(request.config):
        request.getfixturevalue("scenario_findings").step_error()


def pytest_bdd_after_scenario(request: pytest.FixtureRequest, **_: Any) -> None:
    if not activation.is_active(request.config):
        return
    findings: ScenarioFindings = request.getfixturevalue("scenario_findings")
    session = request.config.stash.get(SESSION, None)
    label = collection.source_of(request.node) or (session.default_label if session else None)
    if session is not None and session.has_target(label):  # a claim it fails says who acts, and where
        findings.complete(session.target(label).acting)
    properties.record_findings(request.node, findings.findings)
    properties.record(request.node, properties.STEPS, findings.step_outcomes())
    if not findings.step_failed:
        findings.give_verdict()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    outcome = yield
    if not activation.is_active(item.config):
        return
    result = outcome.get_result()
    where = collection.scenario_location(item)
    if where is not None and result.skipped and isinstance(result.longrepr, tuple):
        result.longrepr = (*where, result.longrepr[2])  # show the scenario's feature line, not the plugin's


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    contract_session = session.config.stash.get(SESSION, None)
    if contract_session is not None:
        with contract_session.phases.timing("report"):
            report.finish(session, contract_session)
            ci_output.finish(session, contract_session)  # annotations, --sarif
            unknowns.finish(session, contract_session)  # input unknowns not accepted: exit 6
            verdicts.finish(session, contract_session)  # --record-verdicts


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    report.receive_from_worker(node)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    for line in report.worker_lines(config):
        terminalreporter.write_line(line)
    session = config.stash.get(SESSION, None)
    if session is None or session.failure:
        return
    env = session.environment
    several = len(session.labels) > 1
    for label, source in session.sources.items():
        results = properties.collect(terminalreporter.stats, label if several else None)
        if results.scenarios:
            where = f"{env.name} ({env.backend.value})" if not source.static else f"{env.name}, {label}" + (
                f" {source.origin}" if source.origin else "")
            required = requirements.of_parsed(config.stash[feature_files.PARSED], session.desired)
            terminal.write(terminalreporter, results, where, required, collection.consumers(config.rootpath))
            for line in waivers.expired(config):
                terminalreporter.write_line(f"Waiver expired: {line}", red=True)
            for note in report.source_notes(config, session, label):
                terminalreporter.write_line(f"Note on the source: {note}", yellow=True)
