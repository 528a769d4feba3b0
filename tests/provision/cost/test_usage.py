"""Usage and budget in the contracts (`provision.cost.usage`): every mistake one problem at its file:line, a usage
file read over the defaults, the real sit usage."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dynamo_contracts.provision.desired.limits import QUOTAS_PAGE
from dynamo_contracts.provision.desired.load import load_contracts
from dynamo_contracts.provision.desired.model import TableUsage
from dynamo_contracts.provision.errors import ContractError, Problem
from tests.provision.cost.cost_cases import ENVIRONMENT, D, contracts, dimensions, estimate_of, line_of
from tests.support.paths import ROOT

# --- usage and budget in the contracts: every mistake at its file:line -----------------------


def problems_of(folder: Path) -> tuple[Problem, ...]:
    with pytest.raises(ContractError) as caught:
        load_contracts(folder)
    return caught.value.problems


def one_problem(folder: Path, file: Path, marker: str, *words: str) -> Problem:
    problems = problems_of(folder)
    assert len(problems) == 1, "\n".join(map(str, problems))
    (problem,) = problems
    assert Path(problem.file).resolve() == file.resolve(), problem
    assert problem.line == line_of(file, marker), problem
    for word in words:
        assert word in problem.message, problem
    return problem


USAGE_MISTAKES = [
    pytest.param("storage_gb: 10", "storage_gb: -10", "storage_gb: -10",
                 ("'storage_gb' in usage defaults of environment 'test' is -10", "0 or more", "'storage_gb: 1'"),
                 id="negative"),
    pytest.param("writes_per_month: 1_000_000", "writes_per_mont: 1_000_000", "writes_per_mont",
                 ("unknown key 'writes_per_mont'", "did you mean 'writes_per_month'?"), id="unknown key"),
    pytest.param("item_size_kb: 2", "item_size_kb: 0", "item_size_kb: 0", ("above 0",), id="item of no size"),
    pytest.param("reads_per_month: 4_000_000", "reads_per_month: 4e6", "reads_per_month: 4e6",
                 ("must be a number, not '4e6'", "YAML reads '4e6' as text", "1_000_000"), id="number as text"),
    pytest.param("item_size_kb: 2,", "item_size_kb: 2, read_consistency: eventually,", "read_consistency",
                 ("'read_consistency'", "did you mean 'eventual'?"), id="consistency"),
    pytest.param("budget: {monthly_usd: 30}", "budget: {monthly: 30}", "budget:",
                 ("unknown key 'monthly' in budget of environment 'test'", "did you mean 'monthly_usd'?"),
                 id="budget unknown key"),
    pytest.param("budget: {monthly_usd: 30}", "budget: {monthly_usd: -1}", "budget:",
                 ("'monthly_usd' in budget of environment 'test' is -1",), id="negative budget"),
    pytest.param("budget: {monthly_usd: 30}", "budget: {}", "budget:", ("needs 'monthly_usd'",), id="empty budget"),
    pytest.param("    usage:\n", "    usag:\n", "usag:", ("unknown key 'usag'", "did you mean 'usage'?"), id="usag"),
    pytest.param("      defaults:", "      default:", "default:", ("did you mean 'defaults'?",), id="defaults"),
    pytest.param("stream_reads_per_month: 5_000_000}\n", "stream_reads_per_month: 5_000_000}\n      tables:\n"
                 "        order: {writes_per_month: 1}\n", "order:",
                 ("names table 'order', which is not defined; did you mean 'orders'?",), id="unknown table"),
    pytest.param("stream_reads_per_month: 5_000_000}\n", "stream_reads_per_month: 5_000_000}\n      tables:\n"
                 "        orders: {file: ../usage/nowhere.yaml}\n", "file:",
                 ("usage file '../usage/nowhere.yaml' is not there", "nowhere.yaml"), id="usage file missing"),
    pytest.param("stream_reads_per_month: 5_000_000}\n", "stream_reads_per_month: 5_000_000}\n      tables:\n"
                 "        orders: {file: orders-usage.yaml}\n", "file:",
                 ("inside the contracts folder", "file: ../usage/orders-usage.yaml"), id="usage file inside"),
    pytest.param("stream_reads_per_month: 5_000_000}\n", "stream_reads_per_month: 5_000_000}\n      tables:\n"
                 "        orders: {file: ../usage/orders.yaml, storage_gb: 2}\n", "orders: {file",
                 ("both inline and in 'file': keep one of them",), id="file and inline"),
    pytest.param("reads_per_month: 4_000_000", "reads_per_month: 1.0e+40", "reads_per_month: 1.0e+40",
                 ("usage defaults of environment 'test': 1e+40 reads a month of 2 KB items, strong (1 read unit each)",
                  "more than one table can serve", "40,000 read units a second per table", QUOTAS_PAGE,
                  "write 'reads_per_month' of at most 105,120,000,000"), id="reads beyond one table"),
    pytest.param("writes_per_month: 1_000_000", "writes_per_month: 60_000_000_000", "writes_per_month",
                 ("60,000,000,000 writes a month of 2 KB items (2 write units each)",
                  "write 'writes_per_month' of at most 52,560,000,000"), id="writes beyond one table"),
    pytest.param("item_size_kb: 2", "item_size_kb: 401", "item_size_kb: 401",
                 ("'item_size_kb' in usage defaults of environment 'test' is 401", "write at most 400",
                  "item size limit"), id="item over 400 KB"),
    pytest.param("storage_gb: 10", "storage_gb: 1.0e+9", "storage_gb",
                 ("write at most 1,048,576", "this bound is ours"), id="storage beyond a pebibyte"),
    pytest.param("stream_reads_per_month: 5_000_000}\n", "stream_reads_per_month: 5_000_000}\n      tables:\n"
                 "        orders: {reads_per_month: 2_000_000_000, item_size_kb: 400}\n", "orders: {reads",
                 ("the usage of table 'orders' in environment 'test': 2,000,000,000 reads a month of 400 KB items",
                  "100 read units each", "at most 1,051,200,000"), id="a table's own item size beyond one table"),
]


@pytest.mark.parametrize(("old", "new", "marker", "words"), USAGE_MISTAKES)
def test_a_usage_or_budget_mistake_is_one_problem_at_its_line(tmp_path: Path, old: str, new: str, marker: str,
                                                              words: tuple[str, ...]) -> None:
    assert ENVIRONMENT.count(old) == 1
    folder = contracts(tmp_path, environment=ENVIRONMENT.replace(old, new),
                       extra={"usage/orders.yaml": "storage_gb: 2\n"})
    one_problem(folder, folder / "environments.yaml", marker, *words)


def usage_file_environment(path: str = "../usage/orders.yaml") -> str:
    return ENVIRONMENT + f"      tables:\n        orders: {{file: {path}}}\n"


def test_a_usage_file_is_read_over_the_defaults(tmp_path: Path) -> None:
    folder = contracts(tmp_path, environment=usage_file_environment(),
                       extra={"usage/orders.yaml": "# measured in January\nwrites_per_month: 2_000_000\n"})
    usage = load_contracts(folder).environments["test"].usage
    assert usage.of("orders") == TableUsage(reads_per_month=4e6, writes_per_month=2e6, storage_gb=10, item_size_kb=2,
                                            stream_reads_per_month=5e6)
    # twice the writes of the hand-computed case
    assert dimensions(estimate_of(folder))[D.WRITE_REQUEST_UNITS] == pytest.approx(12.50)


@pytest.mark.parametrize(("text", "marker", "words"), [
    ("writes_per_month: 2_000_000\nstorag_gb: 3\n", "storag_gb", ("unknown key 'storag_gb' in the usage file of "
                                                                  "table 'orders'", "did you mean 'storage_gb'?")),
    ("writes_per_month: -5\n", "writes_per_month", ("is -5", "0 or more")),
])
def test_a_mistake_in_a_usage_file_is_at_its_line_there(tmp_path: Path, text: str, marker: str,
                                                        words: tuple[str, ...]) -> None:
    folder = contracts(tmp_path, environment=usage_file_environment(), extra={"usage/orders.yaml": text})
    one_problem(folder, tmp_path / "usage" / "orders.yaml", marker, *words)


def test_an_empty_usage_file_is_refused(tmp_path: Path) -> None:
    folder = contracts(tmp_path, environment=usage_file_environment(), extra={"usage/orders.yaml": "# nothing\n"})
    (problem,) = problems_of(folder)
    assert (Path(problem.file).name, problem.line) == ("orders.yaml", 1)
    assert "a usage file holds a mapping of reads_per_month" in problem.message


def test_a_mistake_in_the_real_sit_usage_is_one_problem_at_its_line(tmp_path: Path) -> None:
    folder = tmp_path / "contracts"
    shutil.copytree(ROOT / "contracts", folder)
    path = folder / "environments.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("storage_gb: 1,", "storage_gb: -1,"), encoding="utf-8")
    one_problem(folder, path, "storage_gb: -1", "'storage_gb' in usage defaults of environment 'sit' is -1")
