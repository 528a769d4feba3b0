"""Onboarding a Lambda team as CONTRIBUTING.md says: `python -m steps.scaffold`, and the catalogue's command line.

The scaffold's feature is checked in process (every step a catalogue sentence, no authoring mistake, for
every table of the real contracts) and as a program in a copy of the project: the new consumer runs alone
(`pytest -m CONSUMER --env=moto`), shows up in the readiness report, and breaks no other consumer. Its
refusals create nothing and print no traceback.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from dynamo_contracts.provision.desired.load import load_contracts
from dynamo_contracts.steps import scaffold
from dynamo_contracts.steps.gherkin import authoring
from dynamo_contracts.steps.gherkin.parse import parse_all
from dynamo_contracts.steps.sentences import catalogue
from tests.support import spawn
from tests.support.contract_project import INNER_TIMEOUT_SECONDS, REAL_CONSUMERS, REPO_ROOT, inner_environment

CONTRACTS = REPO_ROOT / "contracts"
TABLES = [spec.name for spec in load_contracts(CONTRACTS).tables]


def copy_of_project(path: Path) -> Path:
    """What a clone has that the contracts need: contracts/, features/, the root conftest.py and pyproject.toml."""
    for folder in ("contracts", "features"):
        shutil.copytree(REPO_ROOT / folder, path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    for file in ("conftest.py", "pyproject.toml"):
        shutil.copy(REPO_ROOT / file, path / file)
    return path


def program(path: Path, *args: str) -> spawn.CompletedProcess[str]:
    """`python ARGS` in `path`, as a developer at the root of a clone would run it."""
    return spawn.run([sys.executable, *args], cwd=path, env=inner_environment(), capture_output=True,
                     text=True, timeout=INNER_TIMEOUT_SECONDS, check=False)


def tree(path: Path) -> list[str]:
    return sorted(str(p.relative_to(path)) for p in path.rglob("*"))


def run_scaffold(path: Path, *args: str) -> int:
    return scaffold.main([*args, "--contracts", str(path / "contracts"), "--features", str(path / "features")])


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_of_project(tmp_path)


# --- the scaffold in process --------------------------------------------------------------------------


def test_every_sentence_the_scaffold_writes_is_in_the_catalogue() -> None:
    patterns = {s.pattern for s in catalogue.load_all()}
    assert [p for p in scaffold.SCAFFOLD_SENTENCES if p not in patterns] == []


@pytest.mark.parametrize("table", TABLES)
def test_the_scaffold_of_each_table_is_catalogue_sentences_with_no_authoring_mistake(project: Path,
                                                                                      table: str) -> None:
    assert run_scaffold(project, "new_lambda", "--table", table) == 0
    parsed = parse_all(project)
    assert parsed.problems == ()
    mine = [s for s in parsed.scenarios if s.consumer == "new_lambda"]
    assert len(mine) == 3  # the table, its first index, a query: every real table has an index
    steps = [step for scenario in mine for step in scenario.steps]
    assert [(step.type, step.name) for step in steps if catalogue.find(step.type, step.name) is None] == []
    assert authoring.feature_mistakes(parsed.scenarios, load_contracts(project / "contracts")) == []
    assert f'the table "{table}" must exist' in {step.name for step in steps}


def test_the_feature_says_where_to_read_on_and_names_what_the_desired_state_defines(project: Path) -> None:
    assert run_scaffold(project, "new_lambda", "--table", "orders") == 0
    text = (project / "features" / "new_lambda" / scaffold.FEATURE_FILE).read_text()
    for pointer in ("docs/steps.md", "CONTRIBUTING.md", "python -m steps.sentences.catalogue --list",
                    "pytest -m new_lambda --env=moto"):
        assert pointer in text
    assert (REPO_ROOT / "docs" / "steps.md").is_file()
    assert (REPO_ROOT / "CONTRIBUTING.md").is_file()
    assert text.splitlines()[0].startswith("# ")
    assert "@new_lambda\nFeature: new_lambda needs the table orders\n" in text
    assert 'Then the table "orders" must have the GSI "OrdersByDate"' in text
    assert "contracts/ also defines OrdersByUser on orders" in text


def test_without_a_table_the_first_table_of_the_desired_state_is_used(project: Path) -> None:
    assert run_scaffold(project, "new_lambda") == 0
    text = (project / "features" / "new_lambda" / scaffold.FEATURE_FILE).read_text()
    assert f"Feature: new_lambda needs the table {TABLES[0]}\n" in text


def test_several_tables_make_one_feature_with_each(project: Path) -> None:
    assert run_scaffold(project, "new_lambda", "--table", "users", "--table", "tenants") == 0
    assert tree(project / "features" / "new_lambda") == [scaffold.FEATURE_FILE]
    text = (project / "features" / "new_lambda" / scaffold.FEATURE_FILE).read_text()
    assert "Feature: new_lambda needs the tables users, tenants\n" in text
    assert "Scenario: The users table is keyed by tenantId and userId" in text
    assert "Scenario: The tenants table is keyed by tenantId" in text


def test_a_dry_run_prints_the_feature_and_creates_nothing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = tree(project)
    assert run_scaffold(project, "new_lambda", "--dry-run") == 0
    assert "Feature: new_lambda needs" in capsys.readouterr().out
    assert tree(project) == before


# --- refusals -----------------------------------------------------------------------------------------


def refused(project: Path, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    before = tree(project)
    assert run_scaffold(project, *args) == 1
    assert tree(project) == before, "a refused scaffold created something"
    captured = capsys.readouterr()
    assert captured.out == ""
    return captured.err


def test_an_existing_consumer_folder_is_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    error = refused(project, capsys, "order_lambda")
    assert "order_lambda/ exists already: order_lambda is onboarded" in error


@pytest.mark.parametrize(("name", "instead"), [
    ("Order-Lambda", "order_lambda"),
    ("invoiceLambda", "invoice_lambda"),
    ("invoice lambda", "invoice_lambda"),
    ("9lives", "lives"),
    ("_private", "private"),
    ("and", "and_lambda"),
    ("slow", "slow_lambda"),
    ("x" * 65, "x" * 64),
])
def test_a_name_that_cannot_be_a_folder_and_marker_is_refused_with_what_to_write(
        project: Path, capsys: pytest.CaptureFixture[str], name: str, instead: str) -> None:
    error = refused(project, capsys, name)
    assert f"'{name}' cannot be a consumer name" in error
    assert error.rstrip().endswith(f"Write instead: {instead}")
    assert scaffold.name_problem(instead) is None


def test_a_table_the_desired_state_does_not_define_is_refused_with_the_ones_it_does(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    error = refused(project, capsys, "new_lambda", "--table", "orders", "--table", "ordrs")
    assert "defines no table 'ordrs' (did you mean 'orders'?)" in error
    assert f"It defines: {', '.join(TABLES)}." in error
    assert 'write `Then the table "ordrs" must exist`' in error


def test_a_missing_contracts_folder_is_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.rmtree(project / "contracts")
    assert "there is no contracts folder here" in refused(project, capsys, "new_lambda")


# --- the catalogue's command line -----------------------------------------------------------------------


def test_the_catalogue_lists_every_sentence_with_its_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert catalogue.main(["--list"]) == 0
    out = capsys.readouterr().out
    for sentence in catalogue.load_all():
        assert f"{sentence.keyword.capitalize()} {sentence.pattern}\n" in out
        assert f"    {sentence.example.splitlines()[0]}\n" in out
    assert f"{len(catalogue.load_all())} sentences." in out


def test_the_catalogue_searches_by_words(capsys: pytest.CaptureFixture[str]) -> None:
    assert catalogue.main(["--search", "gsi", "PROJECT"]) == 0
    listed = [line for line in capsys.readouterr().out.splitlines() if line.startswith("Then ")]
    assert listed == [f"Then {s.pattern}" for s in catalogue.load_all()
                      if "project" in s.pattern and "{kind:IndexKind}" in s.pattern]
    assert catalogue.main(["--search", "no-such-words"]) == 1
    assert "no sentence holds 'no-such-words'" in capsys.readouterr().err


def test_the_catalogue_writes_the_docs_as_before(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs = (REPO_ROOT / "docs" / "steps.md").read_text(encoding="utf-8")
    assert catalogue.main([]) == 0  # `python -m steps.sentences.catalogue > docs/steps.md`, as docs/steps.md says
    assert capsys.readouterr().out == docs
    assert catalogue.main(["--markdown", str(tmp_path / "steps.md")]) == 0
    assert (tmp_path / "steps.md").read_text(encoding="utf-8") == docs


def test_the_catalogue_help_says_what_each_flag_does(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        catalogue.main(["--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: python -m steps.sentences.catalogue")
    for flag in ("--list", "--search WORD", "--markdown [FILE]"):
        assert flag in out
    assert "# Step sentences" not in out


# --- as programs, in a copy of the project ------------------------------------------------------------------


@pytest.mark.slow
def test_a_scaffolded_consumer_runs_alone_and_shows_up_in_the_readiness_report(project: Path) -> None:
    made = program(project, "-m", "dynamo_contracts.steps.scaffold", "invoice_lambda", "--table", "orders")
    assert made.returncode == 0, made.stderr
    assert "created features/invoice_lambda/contract.feature" in made.stdout
    assert "/features/invoice_lambda/ @bbws/" in made.stdout  # the CODEOWNERS line to add

    alone = program(project, "-m", "pytest", "-m", "invoice_lambda", "--env=moto")
    assert alone.returncode == 0, alone.stdout[-4000:] + alone.stderr[-2000:]
    assert "invoice_lambda       ready      13 passed, 0 failed, 0 unverifiable, 0 not run" in alone.stdout  # 3: its
    # role may PutItem, DeleteItem and Query (its generated policy, from the default of lambda_roles)

    reported = program(project, "-m", "pytest", "features/invoice_lambda", "--env=moto", "--readiness-report=out")
    assert reported.returncode == 1, reported.stdout[-4000:]  # BLOCKED: the other consumers were not checked
    readiness = json.loads((project / "out" / "readiness.json").read_text())
    consumers = readiness["consumers"]
    assert readiness["verdict"] == "BLOCKED"
    assert consumers["invoice_lambda"]["status"] in ("ready", "unverified")
    assert consumers["invoice_lambda"]["checked"] == "3 of 3"
    assert {name: consumers[name]["status"] for name in REAL_CONSUMERS} == dict.fromkeys(REAL_CONSUMERS,
                                                                                         "not checked")


@pytest.mark.slow
def test_scaffolded_consumers_of_every_table_pass_beside_the_others(project: Path) -> None:
    for consumer, tables in (("invoice_lambda", ["orders"]), ("every_table_lambda", TABLES)):
        made = program(project, "-m", "dynamo_contracts.steps.scaffold", consumer, "--table", *tables)
        assert made.returncode == 0, made.stderr
    everyone = program(project, "-m", "pytest", "--env=moto", "--readiness-report=out")
    assert everyone.returncode == 0, everyone.stdout[-4000:] + everyone.stderr[-2000:]
    consumers = json.loads((project / "out" / "readiness.json").read_text())["consumers"]
    assert consumers["every_table_lambda"]["checked"] == f"{3 * len(TABLES)} of {3 * len(TABLES)}"
    assert {name: c["status"] for name, c in consumers.items() if c["status"] in ("blocked", "not checked")} == {}


@pytest.mark.slow
def test_refusals_as_a_program_exit_1_without_a_traceback(project: Path) -> None:
    before = tree(project)
    for args in (["order_lambda"], ["Order-Lambda"], ["new_lambda", "--table", "invoices"]):
        done = program(project, "-m", "dynamo_contracts.steps.scaffold", *args)
        assert done.returncode == 1, done.stdout
        assert done.stderr.startswith("scaffold: ")
        assert "Traceback" not in done.stderr
    assert tree(project) == before


@pytest.mark.slow
def test_the_catalogue_as_a_program_lists_and_helps(project: Path) -> None:
    listed = program(project, "-m", "dynamo_contracts.steps.sentences.catalogue", "--list")
    assert listed.returncode == 0, listed.stderr
    assert 'Then the table "{table:Name}" {must:Must} exist\n    Then the table "orders" must exist\n' in listed.stdout
    helped = program(project, "-m", "dynamo_contracts.steps.sentences.catalogue", "--help")
    assert helped.returncode == 0
    assert "--list" in helped.stdout
    assert "--markdown [FILE]" in helped.stdout
    helped = program(project, "-m", "dynamo_contracts.steps.scaffold", "--help")
    assert helped.returncode == 0
    assert "--table TABLE" in helped.stdout
