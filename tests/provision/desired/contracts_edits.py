"""The real contracts/ copied into a test's folder and edited in one place: the edits, the cases made of them,
and the one problem the loader must give; shared by the loader's tests in this folder."""

from __future__ import annotations

import os
import re
import shutil
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from dynamo_contracts.provision.desired.load import load_contracts
from dynamo_contracts.provision.errors import ContractError, Problem
from tests.support import spawn
from tests.support.paths import ROOT

REAL_CONTRACTS = ROOT / "contracts"

ORDERS = "tables/orders.yaml"
BACKUP = "backup.yaml"
ENVIRONMENTS = "environments.yaml"
STACK = "stack.yaml"

CONVENTIONS_BLOCK = (
    "conventions:\n"
    "  # <Table> is the table's logical name in CamelCase; see docs/decisions/0001-index-naming.md\n"
    '  index_naming: "<Table>By<Attribute>"\n'
)


# --- editing a copy of the real contracts ---------------------------------------------------


@dataclass(frozen=True)
class Edit:
    """Replace `old` (which must occur exactly once) by `new` in `file`; `old=None` appends `new`."""

    file: str
    old: str | None
    new: str


@dataclass(frozen=True)
class Case:
    """The real contracts with one mistake.

    `at`: markers (unique substrings of the edited file); the problem must be on the line where
    one of them starts. `words`: what the message must contain (what is wrong and what to write).
    """

    id: str
    mistake: Edit
    at: tuple[str, ...]
    words: tuple[str, ...]
    setup: tuple[Edit, ...] = ()


def copy_contracts(tmp_path: Path) -> Path:
    folder = tmp_path / "contracts"
    shutil.copytree(REAL_CONTRACTS, folder)
    return folder


def apply_edit(folder: Path, edit: Edit) -> None:
    path = folder / edit.file
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if edit.old is None:
        text += edit.new
    else:
        assert text.count(edit.old) == 1, f"{edit.old!r} must occur exactly once in {edit.file}"
        text = text.replace(edit.old, edit.new)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def contracts_with(tmp_path: Path, edits: Iterable[Edit]) -> Path:
    folder = copy_contracts(tmp_path)
    for edit in edits:
        apply_edit(folder, edit)
    return folder


def line_of(text: str, marker: str) -> int:
    """The 1-based line on which `marker` starts; `marker` must occur exactly once."""
    assert text.count(marker) == 1, f"marker {marker!r} must occur exactly once"
    return text.count("\n", 0, text.index(marker)) + 1


def problems_of(folder: Path) -> tuple[Problem, ...]:
    with pytest.raises(ContractError) as caught:
        load_contracts(folder)
    return caught.value.problems


def show(problems: Sequence[Problem]) -> str:
    return "\n".join(str(p) for p in problems)


def assert_one_problem(folder: Path, file: str, markers: Sequence[str], words: Sequence[str]) -> Problem:
    """Loading `folder` fails with exactly one problem, in `file`, on a marker's line, saying `words`."""
    problems = problems_of(folder)
    assert len(problems) == 1, f"expected exactly one problem, got {len(problems)}:\n{show(problems)}"
    problem = problems[0]
    assert Path(problem.file).as_posix().endswith(file), f"wrong file: {problem}"
    text = (folder / file).read_text(encoding="utf-8")
    lines = sorted({line_of(text, marker) for marker in markers})
    assert problem.line in lines, f"expected line {' or '.join(map(str, lines))}, got {problem}"
    for word in words:
        assert word in problem.message, f"{word!r} missing from: {problem.message}"
    return problem


# --- generated YAML --------------------------------------------------------------------------


def gsis(table: str, count: int, start: int = 1) -> str:
    """`count` valid GSIs named by the convention (`OrdersByExtra01`), at the indent of orders' GSIs."""
    return "".join(
        f"      {table}ByExtra{n:02d}:\n"
        f"        partition_key: {{name: extra{n:02d}, type: S}}\n"
        "        projection: KEYS_ONLY\n"
        for n in range(start, start + count)
    )


def lsis(table: str, count: int) -> str:
    """A `local_indexes:` section with `count` valid LSIs, to append to a table with a sort key."""
    body = "".join(
        f"      {table}ByLocal{n}:\n"
        f"        sort_key: {{name: local{n}, type: S}}\n"
        "        projection: KEYS_ONLY\n"
        for n in range(1, count + 1)
    )
    return "    local_indexes:\n" + body


def attribute_list(count: int, prefix: str = "attr") -> str:
    return "[" + ", ".join(f"{prefix}{n:03d}" for n in range(count)) + "]"


def new_table(name: str) -> Edit:
    """A new file with one more table (no index), named `name`."""
    return Edit("tables/zz_extra.yaml", None, f"tables:\n  {name}:\n    partition_key: {{name: id, type: S}}\n")


def extra_file(body: str) -> Edit:
    """A new file with one more table, `zz_extra`, whose settings after its partition key are `body`."""
    return Edit("tables/zz_extra.yaml", None, "tables:\n  zz_extra:\n    partition_key: {name: &id id, type: S}\n"
                + body)
# A valid setup: orders (sort key orderId) with one LSI.
ORDERS_LSI = Edit(ORDERS, None, "    local_indexes:\n      OrdersByTotal:\n"
                                "        sort_key: {name: orderTotal, type: N}\n        projection: ALL\n")
WITHOUT_CONVENTIONS = Edit(STACK, CONVENTIONS_BLOCK, "")
# Valid setups: sit in dev's account (and region), dev's names without {env}.
SIT_IN_DEVS_ACCOUNT = Edit(ENVIRONMENTS, '"222222222222"', '"111111111111"')
DEV_TABLES_WITHOUT_ENV = Edit(ENVIRONMENTS, "    writes_allowed: true\n    lambda_roles:",
                              '    writes_allowed: true\n    table_name_pattern: "{table}"\n    lambda_roles:')
SIT_OVERRIDES = "    overrides:\n      deletion_protection: true\n  prod:"


def sit_pattern(line: str) -> Edit:
    """`line` (a name pattern) added to sit."""
    return Edit(ENVIRONMENTS, SIT_OVERRIDES, f"    {line}\n{SIT_OVERRIDES}")


# --- the command line ----------------------------------------------------------------------


def run_validate(contracts: Path) -> spawn.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return spawn.run([sys.executable, "-m", "dynamo_contracts.provision", "--contracts", str(contracts), "validate"],
                     cwd=ROOT, env=env, capture_output=True, text=True, check=False)


# --- bad inputs: what a file can do to the reader itself -------------------------------------


def assert_cli_one_problem(folder: Path, file: str, line: int, *words: str) -> None:
    """`validate` exits 1 with one problem at `file:line` saying `words`, and no traceback."""
    result = run_validate(folder)
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.returncode == 1, output
    assert result.stderr.startswith("error: 1 problem in the contracts:"), result.stderr
    assert re.search(rf"^  \S*{re.escape(file)}:{line}: \S", result.stderr, re.MULTILINE), result.stderr
    for word in words:
        assert word in result.stderr, f"{word!r} missing from: {result.stderr}"
