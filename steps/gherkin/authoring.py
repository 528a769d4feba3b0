"""Mistakes in a feature, found against the desired state before anything runs: `file:line: what to write`.

A consumer names tables and indexes that `contracts/` defines. A name it does not define is a
typo ("order" for "orders") unless the consumer asks for it explicitly: `the table "X" must exist`
or `must have the GSI "Y"` (or an exact set naming it) is a request for something new, and the
readiness report then says the platform team must add it, and where. Everything else is checked
the same way: a key condition that cannot be read, an item value of the wrong type for its key
(as contracts/ types it), an item without its table's keys. None of these is an environment gap:
the run stops with the feature's line, as for a step no sentence matches. A string value (`u1`) for
a key contracts/ types N is not among them: the consumer needs S, a gap the run reports
(steps.checks.key_types), so the platform's change of a key's type is not blamed on the consumer.

`-m EXPR` naming no consumer, tag or marker would silently select nothing: it is refused too.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ...provision.desired.model import DesiredState, TableSpec
from ..checks.key_types import strings_for_numbers
from ..compat.bdd import Step
from ..sentences import catalogue
from ..sentences.key_conditions import ConditionError, items_from_table, parse_condition, typed
from .parse import ParsedScenario

_ABSENT = ("{must:Must} exist", 'have the {kind:IndexKind} "{index:Name}"')
_EXACT_TABLES = "exactly these tables:"
_EXACT_GSIS = "exactly these GSIs:"
_ITEMS = "holds the items:"
_MARK_WORDS = {"and", "or", "not", "True", "False", "None"}


@dataclass
class _Requests:
    """What one consumer asks for explicitly (so naming it elsewhere is not a typo)."""

    tables: set[str] = field(default_factory=set)
    indexes: set[tuple[str, str, str]] = field(default_factory=set)  # (table, GSI|LSI, index)


@dataclass(frozen=True)
class _Use:
    """One step, matched with its sentence, with its parsed arguments."""

    scenario: ParsedScenario
    step: Step
    pattern: str
    args: Mapping[str, Any]

    @property
    def where(self) -> str:
        return f"{self.scenario.file}:{self.step.line_number}"

    @property
    def must(self) -> bool:
        return bool(self.args.get("must", True))

    @property
    def rows(self) -> list[list[str]]:
        return [list(map(str, row)) for row in (self.step.datatable.raw() if self.step.datatable else [])]


def _uses(scenarios: Iterable[ParsedScenario]) -> list[_Use]:
    found = []
    for scenario in scenarios:
        for step in scenario.steps:
            sentence = catalogue.find(step.type, step.name)
            if sentence is not None:  # a step no sentence matches is reported at collection
                found.append(_Use(scenario, step, sentence.pattern, sentence.parser.parse_arguments(step.name) or {}))
    return found


def _requests(uses: Iterable[_Use]) -> dict[str, _Requests]:
    asked: dict[str, _Requests] = defaultdict(_Requests)
    for use in uses:
        mine, table = asked[use.scenario.consumer], use.args.get("table")
        if not use.must:
            continue
        if use.pattern.endswith(_ABSENT[0]) and table:
            mine.tables.add(table)
        elif use.pattern.endswith(_ABSENT[1]) and table:
            mine.tables.add(table)
            mine.indexes.add((table, use.args["kind"], use.args["index"]))
        elif use.pattern.endswith(_EXACT_TABLES):
            mine.tables.update(row[0] for row in use.rows[1:] if row)
        elif use.pattern.endswith(_EXACT_GSIS) and table:
            mine.tables.add(table)
            mine.indexes.update((table, "GSI", row[0]) for row in use.rows[1:] if row)
    return asked


def _did_you_mean(name: str, names: Iterable[str]) -> str:
    near = difflib.get_close_matches(name, sorted(names), n=1, cutoff=0.6)
    return f' Did you mean "{near[0]}"?' if near else ""


def _table_problem(use: _Use, table: str, desired: DesiredState, asked: _Requests) -> str | None:
    absent_claim = not use.must and use.pattern.endswith(_ABSENT[0])
    if desired.table(table) is not None or table in asked.tables or absent_claim:
        return None
    names = [t.name for t in desired.tables]
    return (f'{use.where}: the table "{table}" is not in the desired state (it defines {", ".join(sorted(names))}).'
            f"{_did_you_mean(table, names)} If {use.scenario.consumer} needs a new table, ask for it with "
            f"'Then the table \"{table}\" must exist': the readiness report then tells the platform team to add it")


def _index_problem(use: _Use, spec: TableSpec, asked: _Requests) -> str | None:
    kind, index = use.args.get("kind") or "GSI", use.args.get("index")
    absent_claim = not use.must and use.pattern.endswith(_ABSENT[1])
    if not index or absent_claim or (spec.name, kind, index) in asked.indexes:
        return None
    names = [i.name for i in (spec.global_indexes if kind == "GSI" else spec.local_indexes)]
    if index in names:
        return None
    return (f'{use.where}: table "{spec.name}" has no {kind} "{index}" in the desired state (its {kind}s: '
            f'{", ".join(names) or "none"}).{_did_you_mean(index, names)} If {use.scenario.consumer} needs a new '
            f"index, ask for it with 'Then the table \"{spec.name}\" must have the {kind} \"{index}\"': the "
            "readiness report then tells the platform team to add it")


def _as_written(types: Mapping[str, str], values: Mapping[str, Iterable[str]]) -> dict[str, str]:
    """The desired state's key types, but S for a key typed N whose values here are strings ('u1'): the consumer
    needs S there, a gap the run reports (steps.checks.key_types), not a mistake of the feature."""
    conflicts = strings_for_numbers(values, types)
    return {name: "S" if name in conflicts else kind for name, kind in types.items()}


def _condition_problem(use: _Use, spec: TableSpec) -> str | None:
    """A key condition that cannot be read, or whose values cannot have the types contracts/ give the keys."""
    condition = use.args.get("condition")
    if condition is None:
        return None
    types = {name: kind.value for name, kind in spec.attribute_types().items()}
    try:
        parsed = parse_condition(str(condition))
        sort = {parsed.sort.name: parsed.sort.values} if parsed.sort is not None else {}
        types = _as_written(types, {parsed.partition: [parsed.value], **sort})
        typed(parsed.value, types.get(parsed.partition, "S"))
        if parsed.sort is not None:
            for value in parsed.sort.values:
                typed(value, types.get(parsed.sort.name, "S"))
    except ConditionError as error:
        return f"{use.where}: {error}"
    return None


def _items_problems(use: _Use, spec: TableSpec) -> list[str]:
    """Each item row must carry its table's keys, with values of the types contracts/ give them."""
    if not use.pattern.endswith(_ITEMS) or use.step.datatable is None:
        return []
    rows, lines = use.rows, [row.location.line for row in use.step.datatable.rows]
    types = {name: kind.value for name, kind in spec.attribute_types().items()}
    file = use.scenario.file
    if len(rows) < 2:
        return [f"{use.where}: the items table needs a header row and at least one item"]
    header = [cell.partition(":")[0].strip() for cell in rows[0]]
    problems = []
    for row, line in zip(rows[1:], lines[1:], strict=True):
        untyped = {cell.strip(): [value] for cell, value in zip(rows[0], row, strict=False) if ":" not in cell}
        try:
            items_from_table([rows[0], row], _as_written(types, untyped))
        except (ConditionError, ValueError) as error:
            problems.append(f"{file}:{line}: {error} (column types come from the desired state's keys)")
            continue
        values = dict(zip(header, row, strict=True))
        lacking = [key.name for key in spec.keys.attributes if not values.get(key.name)]
        if lacking:
            problems.append(f"{file}:{line}: this item has no {', '.join(lacking)}: every item of table "
                            f"{spec.name} needs its keys ({spec.keys}); add the column or fill the cell")
    return problems


def _problems_of(use: _Use, desired: DesiredState, asked: _Requests) -> list[str]:
    table = use.args.get("table")
    if not table:
        return []
    problem = _table_problem(use, str(table), desired, asked)
    if problem:
        return [problem]
    spec = desired.table(str(table))
    if spec is None:  # a table the consumer asks for: nothing to check it against yet
        return []
    found = [p for p in (_index_problem(use, spec, asked), _condition_problem(use, spec)) if p]
    return found + _items_problems(use, spec)


def feature_mistakes(scenarios: Sequence[ParsedScenario], desired: DesiredState) -> list[str]:
    """Every mistake of the features against the desired state, each once, in file and line order."""
    uses = _uses(scenarios)
    asked = _requests(uses)
    found: dict[str, None] = {}
    for use in uses:
        for problem in _problems_of(use, desired, asked[use.scenario.consumer]):
            found.setdefault(problem)
    return sorted(found, key=_order)


def _order(problem: str) -> tuple[str, int, str]:
    file, _, rest = problem.partition(":")
    line, _, text = rest.partition(":")
    return (file, int(line) if line.isdigit() else 0, text)


def role_problems(desired: DesiredState, consumers: Sequence[str]) -> list[str]:
    """A Lambda role declared for a consumer that has no features (a misspelt or removed folder) is never used."""
    found = []
    for env in desired.environments.values():
        for consumer, declared in env.lambda_roles.consumers.items():
            if consumer not in consumers:
                where = f"{declared.source}: " if declared.source else ""
                found.append(f"{where}lambda_roles of environment '{env.name}' names consumer '{consumer}', which has "
                             f"no features (features/{consumer}/).{_did_you_mean(consumer, consumers)} The consumers "
                             f"are: {', '.join(sorted(consumers))}")
    return found


def marker_problems(expression: str, consumers: Sequence[str], known: Iterable[str]) -> list[str]:
    """`-m` names no consumer, tag or registered marker: it would select nothing, silently (pytest exits 5)."""
    bare = re.sub(r"\([^)]*\)", "", re.sub(r"\"[^\"]*\"|'[^']*'", "", expression))
    names = [n for n in re.findall(r"[A-Za-z_][\w.-]*", bare) if n not in _MARK_WORDS]
    allowed = set(consumers) | set(known)
    unknown = [n for n in dict.fromkeys(names) if n not in allowed]
    listed = ", ".join(sorted(consumers))
    return [f"-m {expression}: no consumer, tag or marker is named '{name}'.{_did_you_mean(name, consumers)} The "
            f"consumers are: {listed}" for name in unknown]
