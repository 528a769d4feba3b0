"""What a file can do to the reader itself (`provision.desired.yamlsrc`): a byte that is not UTF-8, aliases that
explode, values nested without end, a file that holds nothing; each one problem at its line, or refused at once."""

from __future__ import annotations

import itertools
import os
import re
import sys
from pathlib import Path

import pytest

from dynamo_contracts.provision.desired.yamlsrc import load_yaml
from dynamo_contracts.provision.errors import Problem
from tests.provision.desired.contracts_edits import (
    ORDERS,
    Edit,
    assert_cli_one_problem,
    contracts_with,
    copy_contracts,
    extra_file,
    line_of,
    problems_of,
    show,
)
from tests.support import spawn
from tests.support.paths import ROOT


def replace_bytes(folder: Path, file: str, old: bytes, new: bytes) -> int:
    """Replace `old` (once in `file`) by `new`, written as raw bytes; return the 1-based line of `old`."""
    path = folder / file
    data = path.read_bytes()
    assert data.count(old) == 1, f"{old!r} must occur exactly once in {file}"
    path.write_bytes(data.replace(old, new))
    return data.count(b"\n", 0, data.index(old)) + 1


NOT_UTF8 = [
    pytest.param(b"Orders placed", b"Orders plac\xe9d", "0xE9", id="a Latin-1 e-acute in a description"),
    pytest.param(b"Orders placed", b"\x93Orders\x94 placed", "0x93", id="a Windows-1252 quote"),
    pytest.param(b"# one user's", b"# one user\xe2\x80s", "0xE2", id="a UTF-8 sequence cut short"),
]


@pytest.mark.parametrize(("old", "new", "byte"), NOT_UTF8)
def test_a_byte_that_is_not_utf8_is_reported_at_its_line_and_column(tmp_path: Path, old: bytes, new: bytes,
                                                                     byte: str) -> None:
    folder = copy_contracts(tmp_path)
    text = (folder / ORDERS).read_text(encoding="utf-8")
    line = replace_bytes(folder, ORDERS, old, new)
    column = text.index(old.decode()) - text.rfind("\n", 0, text.index(old.decode()))
    expected = column + new.index(bytes.fromhex(byte[2:]))
    problem = assert_one_problem_at(folder, ORDERS, line, f"byte {byte} at column {expected}", "save the file as UTF-8")
    assert line > 1, problem


@pytest.mark.usefixtures("spawn")
def test_cli_validate_a_byte_that_is_not_utf8(tmp_path: Path) -> None:
    folder = copy_contracts(tmp_path)
    line = replace_bytes(folder, ORDERS, b"Orders placed", b"Orders plac\xe9d")
    assert_cli_one_problem(folder, ORDERS, line, "byte 0xE9", "UTF-8")


def assert_one_problem_at(folder: Path, file: str, line: int, *words: str) -> Problem:
    """Like `assert_one_problem`, for a line found otherwise than from the (unreadable or absent) text."""
    problems = problems_of(folder)
    assert len(problems) == 1, f"expected exactly one problem, got {len(problems)}:\n{show(problems)}"
    problem = problems[0]
    assert Path(problem.file).as_posix().endswith(file), f"wrong file: {problem}"
    assert problem.line == line, f"expected line {line}, got {problem}"
    for word in words:
        assert word in problem.message, f"{word!r} missing from: {problem.message}"
    return problem


@pytest.mark.parametrize(("uses", "refused"), [(100, False), (101, True)])
def test_aliases_may_repeat_10000_values_and_no_more(tmp_path: Path, uses: int, refused: bool) -> None:
    """Each `*a` repeats 100 values (a list and its 99 items): 100 of them are 10,000, the limit."""
    text = "anchor: &a [" + ", ".join(["x"] * 99) + "]\nuses:\n" + "  - *a\n" * uses
    path = tmp_path / "aliases.yaml"
    path.write_text(text, encoding="utf-8")
    problems: list[Problem] = []
    data = load_yaml(path, "aliases.yaml", problems)
    if not refused:
        assert problems == []
        assert len(data["uses"]) == uses
        return
    assert data is None
    assert [p.line for p in problems] == [text.count("\n")], show(problems)  # the 101st alias, on the last line
    assert "by aliases in this file to 10,100, over the limit of 10,000" in problems[0].message


# The classic "billion laughs": nine levels of nine aliases, 9**9 (387 million) values from 355 bytes. Read
# whole, PyYAML's shared nodes stay small, but turning the key into text walks every value (3 GB, then
# MemoryError, on the old loader).
BILLION_LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{name}: &{name} [{','.join([f'*{previous}'] * 9)}]\n" for previous, name in itertools.pairwise("abcdefghi"))


def _cap_memory() -> None:  # pragma: no cover - runs in the child process
    """At most 1 GiB of address space (validate needs under 100 MB), so a regression fails instead of swapping."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))


@pytest.mark.usefixtures("spawn")
@pytest.mark.parametrize("use", ["? *i\n: value\n", "z: *i\n"], ids=["as a key", "as a value"])
def test_cli_validate_an_alias_bomb_is_refused_at_once(tmp_path: Path, use: str) -> None:
    """Bounded in time (timeout) and memory (rlimit) even where the loader would expand it."""
    folder = copy_contracts(tmp_path)
    text = BILLION_LAUGHS + use
    assert len(text.encode()) < 400
    (folder / "bomb.yaml").write_text(text, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = spawn.run([sys.executable, "-m", "provision", "--contracts", str(folder), "validate"], cwd=ROOT,
                       env=env, capture_output=True, text=True, check=False, timeout=30,
                       preexec_fn=_cap_memory if sys.platform != "win32" else None)
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith("error: 1 problem in the contracts:"), result.stderr
    assert re.search(rf"bomb\.yaml:{line_of(text, 'e: &e')}: the alias '\*d' repeats", result.stderr), result.stderr


@pytest.mark.parametrize(("levels", "refused"), [(100, False), (101, True)])
def test_values_may_nest_100_levels_and_no_more(tmp_path: Path, levels: int, refused: bool) -> None:
    """One '[' a line, so the problem's line is the level that passes the limit."""
    path = tmp_path / "deep.yaml"
    path.write_text("[\n" * levels + "]\n" * levels, encoding="utf-8")
    problems: list[Problem] = []
    data = load_yaml(path, "deep.yaml", problems)
    if not refused:
        assert problems == []
        assert data is not None
        return
    assert [p.line for p in problems] == [101], show(problems)
    assert "nested more than 100 levels deep" in problems[0].message


@pytest.mark.usefixtures("spawn")
def test_cli_validate_deeply_nested_brackets(tmp_path: Path) -> None:
    """Before the limit, composing 1,000 levels ran out of Python's stack: a RecursionError traceback."""
    folder = contracts_with(tmp_path, [extra_file("    description: " + "[" * 1000 + "]" * 1000 + "\n")])
    line = line_of((folder / "tables/zz_extra.yaml").read_text(encoding="utf-8"), "    description:")
    assert_cli_one_problem(folder, "tables/zz_extra.yaml", line, "nested more than 100 levels deep")


EMPTY_FILES = [
    pytest.param("", id="empty"),
    pytest.param("\n  \n\n", id="blank lines"),
    pytest.param("# the users table will go here\n# (not yet)\n", id="only comments"),
    pytest.param("---\n", id="a bare document start"),
    pytest.param("--- # nothing yet\n...\n", id="a document start and end"),
    pytest.param("null\n", id="null"),
]


@pytest.mark.parametrize("text", EMPTY_FILES)
def test_a_file_that_holds_nothing_is_reported(tmp_path: Path, text: str) -> None:
    folder = contracts_with(tmp_path, [Edit("tables/notes.yaml", None, text)])
    assert_one_problem_at(folder, "tables/notes.yaml", 1, "this file holds nothing",
                          "add a section (tables, defaults, backup, environments, conventions, waivers) or delete it")


@pytest.mark.usefixtures("spawn")
def test_cli_validate_an_empty_file(tmp_path: Path) -> None:
    folder = contracts_with(tmp_path, [Edit("tables/notes.yaml", None, "# to do\n")])
    assert_cli_one_problem(folder, "tables/notes.yaml", 1, "this file holds nothing")
