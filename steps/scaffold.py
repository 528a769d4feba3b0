"""Onboarding a Lambda team: `python -m steps.scaffold CONSUMER [--table TABLE ...]`.

Creates `features/CONSUMER/contract.feature`: one commented example contract, written only with the
catalogue's sentences (steps/sentences/catalogue.py) and only with the tables, keys and indexes the
desired state in contracts/ defines, so it passes as written on `pytest -m CONSUMER --env=moto`. The
team then edits it to say what its Lambda really needs (CONTRIBUTING.md).

It refuses, with exit code 1 and nothing created: a folder that exists already, a name that cannot be
a consumer folder and pytest marker (with the name to write instead), and a table the desired state
does not define (with the ones it does). It runs no pytest; it reads contracts/ with the provisioner's
loader, so an invalid desired state is reported as `python -m provision validate` would.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from dynamo_contracts.provision.desired.load import load_contracts
from dynamo_contracts.provision.desired.model import (
    AttributeType,
    DesiredState,
    KeyAttribute,
    KeySchema,
    ProjectionType,
    TableSpec,
)
from dynamo_contracts.provision.desired.yamlsrc import display_path
from dynamo_contracts.provision.errors import ToolError
from dynamo_contracts.steps.sentences import catalogue

FEATURE_FILE = "contract.feature"
NAME_RULE = re.compile(r"[a-z][a-z0-9_]*")
MAX_NAME_LENGTH = 64
# Words a `-m` expression reads as operators, and markers pytest or this project already use.
RESERVED_NAMES = frozenset({"and", "or", "not", "consumer", "slow", "skip", "skipif", "xfail", "parametrize",
                            "usefixtures", "filterwarnings", "tryfirst", "trylast"})

# The sentences the scaffold writes, by their catalogue pattern (a test checks each is in the catalogue).
TABLE_EXISTS = 'the table "{table:Name}" {must:Must} exist'
TABLE_KEY = ('the table "{table:Name}" {must:Must} have the {role:Role} key "{attribute:Name}" of type '
             '{attribute_type:AttributeType}')
BILLING = 'the table "{table:Name}" {must:Must} have billing mode {mode:BillingMode}'
STREAM = 'the table "{table:Name}" {must:Must} have a stream of view type {view:StreamView}'
TTL = 'the table "{table:Name}" {must:Must} have TTL on the attribute "{attribute:Name}"'
INDEX_EXISTS = 'the table "{table:Name}" {must:Must} have the {kind:IndexKind} "{index:Name}"'
INDEX_KEY = ('the {kind:IndexKind} "{index:Name}" of table "{table:Name}" {must:Must} have the {role:Role} key '
             '"{attribute:Name}" of type {attribute_type:AttributeType}')
INDEX_PROJECTS = ('the {kind:IndexKind} "{index:Name}" of table "{table:Name}" {must:Must} project '
                  '{projection:Projection}')
INDEX_PROJECTS_ATTRIBUTES = ('the {kind:IndexKind} "{index:Name}" of table "{table:Name}" {must:Must} project the '
                             'attributes:')
HOLDS_ITEMS = 'the table "{table:Name}" holds the items:'
QUERY = ('querying the [{kind:IndexKind} "{index:Name}" of ]table "{table:Name}" where "{condition}"'
         '[, in reverse order][, limited to {limit:d} items]')
RETURNS = 'the query {must:Must} return exactly, in order:'
SCAFFOLD_SENTENCES = (TABLE_EXISTS, TABLE_KEY, BILLING, STREAM, TTL, INDEX_EXISTS, INDEX_KEY, INDEX_PROJECTS,
                      INDEX_PROJECTS_ATTRIBUTES, HOLDS_ITEMS, QUERY, RETURNS)

_PLACEHOLDER = re.compile(r"\{(\w+)(?::\w+)?\}")
_OPTIONAL = re.compile(r"\[([^\[\]]*)\]")


class ScaffoldError(ToolError):
    """What the scaffold refuses, with what to do instead."""


# --- names ----------------------------------------------------------------------------------------


def suggested_name(name: str) -> str:
    """The consumer name closest to `name` that the rule allows (`Order-Lambda` -> `order_lambda`)."""
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    snake = re.sub(r"[^a-z0-9]+", "_", words.lower()).strip("_")
    snake = re.sub(r"^[0-9_]+", "", snake)[:MAX_NAME_LENGTH].rstrip("_")
    if not snake or snake in RESERVED_NAMES:
        return f"{snake or 'my'}_lambda"
    return snake


def name_problem(name: str) -> str | None:
    """Why `name` cannot be a consumer (a folder under features/ and the pytest marker `-m NAME`), or None."""
    if NAME_RULE.fullmatch(name) is None:
        rule = "it must be lower-case letters, digits and _, starting with a letter"
    elif len(name) > MAX_NAME_LENGTH:
        rule = f"it must be at most {MAX_NAME_LENGTH} characters"
    elif name in RESERVED_NAMES:
        rule = "it must not be a word `-m` reads as an operator, nor a marker pytest or this project has"
    else:
        return None
    return (f"'{name}' cannot be a consumer name: it is the folder features/<name>/ and the marker `pytest -m "
            f"<name>`, so {rule}. Write instead: {suggested_name(name)}")


# --- rendering sentences ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    keyword: catalogue.Keyword
    text: str
    rows: tuple[tuple[str, ...], ...] = ()  # a datatable, header first


@dataclass(frozen=True)
class Scenario:
    title: str
    comments: tuple[str, ...]
    steps: tuple[Step, ...]


def _sentence(pattern: str) -> catalogue.Sentence:
    found = next((s for s in catalogue.load_all() if s.pattern == pattern), None)
    if found is None:
        raise RuntimeError(f"the scaffold uses a sentence the catalogue does not have: {pattern}")
    return found


def fill(pattern: str, values: Mapping[str, str]) -> str:
    """The pattern with each {placeholder} given; an [optional part] is kept only if it has values for all."""

    def optional(match: re.Match[str]) -> str:
        names = _PLACEHOLDER.findall(match[1])
        return match[1] if names and all(name in values for name in names) else ""

    return _PLACEHOLDER.sub(lambda m: values[m[1]], _OPTIONAL.sub(optional, pattern))


def step(pattern: str, rows: Sequence[Sequence[str]] = (), **values: str) -> Step:
    """One step of the catalogue's sentence `pattern`, checked to be matched by that sentence and no other."""
    sentence = _sentence(pattern)
    text = fill(pattern, {"must": "must", **values})
    if catalogue.find(sentence.keyword, text) is not sentence:
        raise RuntimeError(f"the scaffold wrote {text!r}, which its sentence {pattern!r} does not match")
    return Step(sentence.keyword, text, tuple(tuple(row) for row in rows))


# --- what a table's contract says --------------------------------------------------------------------


def _key_steps(table: str, keys: KeySchema, index: Mapping[str, str] | None = None) -> list[Step]:
    pattern = TABLE_KEY if index is None else INDEX_KEY
    found = [("partition", keys.partition), *([("sort", keys.sort)] if keys.sort else [])]
    return [step(pattern, table=table, role=role, attribute=key.name, attribute_type=key.type.value, **(index or {}))
            for role, key in found]


def _key_names(keys: KeySchema) -> str:
    return " and ".join(key.name for key in (keys.partition, keys.sort) if key)


def table_scenario(spec: TableSpec) -> Scenario:
    steps = [step(TABLE_EXISTS, table=spec.name), *_key_steps(spec.name, spec.keys),
             step(BILLING, table=spec.name, mode=spec.billing.mode.value)]
    if spec.stream is not None:
        steps.append(step(STREAM, table=spec.name, view=spec.stream.value))
    if spec.ttl_attribute:
        steps.append(step(TTL, table=spec.name, attribute=spec.ttl_attribute))
    comments = ("The table, its keys and the settings your code relies on. Settings an environment may",
                "change (PITR, deletion protection, tags) are left out: add them if your Lambda needs them.")
    return Scenario(f"The {spec.name} table is keyed by {_key_names(spec.keys)}", comments, tuple(steps))


def index_scenario(spec: TableSpec) -> Scenario | None:
    """The first index of the table (a GSI, else an LSI), with a comment naming the others."""
    indexes = [("GSI", i.name, i.keys, i.projection) for i in spec.global_indexes]
    indexes += [("LSI", i.name, KeySchema(spec.keys.partition, i.sort_key), i.projection) for i in spec.local_indexes]
    if not indexes:
        return None
    kind, name, keys, projection = indexes[0]
    named = {"table": spec.name, "kind": kind, "index": name}
    steps = [step(INDEX_EXISTS, **named), *_key_steps(spec.name, keys, {"kind": kind, "index": name})]
    if projection.type is ProjectionType.INCLUDE:
        rows = [("attribute",), *((a,) for a in sorted(projection.attributes))]
        steps.append(step(INDEX_PROJECTS_ATTRIBUTES, rows, **named))
    else:
        steps.append(step(INDEX_PROJECTS, projection=projection.type.value, **named))
    comments = ["An index your code queries: its name, keys and the attributes it must carry."]
    others = [other[1] for other in indexes[1:]]
    if others:
        comments += [f"contracts/ also defines {', '.join(others)} on {spec.name}: copy this scenario for each",
                     "index your Lambda reads, and delete the ones it does not."]
    return Scenario(f"{name} of {spec.name} is keyed by {_key_names(keys)}", tuple(comments), tuple(steps))


def _values(key: KeyAttribute, count: int) -> list[str]:
    return [str(n) if key.type is AttributeType.N else f"{key.name}{n}" for n in range(1, count + 1)]


def access_scenario(spec: TableSpec) -> Scenario | None:
    """Items written, a query on the table's partition key, and what it must return (not for binary keys)."""
    partition, sort = spec.keys.partition, spec.keys.sort
    if AttributeType.B in {k.type for k in (partition, sort) if k}:
        return None
    header = (partition.name, *([sort.name] if sort else []))
    owner = _values(partition, 1)[0]
    rows = [(owner, value) for value in _values(sort, 2)] if sort else [(owner,)]
    condition = f"{partition.name} = {owner}"
    steps = (step(HOLDS_ITEMS, [header, *rows], table=spec.name), step(QUERY, table=spec.name, condition=condition),
             step(RETURNS, [header, *rows]))
    comments = ("An access pattern: items written (under a marker unique to the scenario, deleted after it, only",
                "where contracts/environments.yaml has writes_allowed), your Lambda's query, and what it must",
                "return. Write your real queries here (docs/access-patterns.md); the When sentence also takes a",
                'GSI ("querying the GSI ... of table ..."), a sort key condition, "in reverse order" and a limit.')
    order = f", in {sort.name} order" if sort else ""
    return Scenario(f"Reading the {spec.name} items of one {partition.name}{order}", comments, steps)


def scenarios(spec: TableSpec) -> list[Scenario]:
    found = [table_scenario(spec), index_scenario(spec), access_scenario(spec)]
    return [scenario for scenario in found if scenario is not None]


# --- the feature file ---------------------------------------------------------------------------------


def _datatable(rows: Sequence[Sequence[str]], indent: str) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [indent + "| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) + " |"
            for row in rows]


def _scenario_lines(scenario: Scenario) -> list[str]:
    lines = [f"  # {comment}" for comment in scenario.comments] + [f"  Scenario: {scenario.title}"]
    previous: str | None = None
    for item in scenario.steps:
        word = "And" if item.keyword == previous else item.keyword.capitalize()
        previous = item.keyword
        lines.append(f"    {word} {item.text}")
        if item.rows:
            lines += _datatable(item.rows, "      ")
    return lines


def _command(consumer: str, tables: Sequence[str]) -> str:
    return " ".join(["dynamo-contracts scaffold", consumer, *(f"--table {t}" for t in tables)])


def feature_text(consumer: str, specs: Sequence[TableSpec], command: str) -> str:
    names = ", ".join(spec.name for spec in specs)
    lines = [
        f"# What {consumer} needs from DynamoDB. Scaffolded by `{command}`",
        f"# from the desired state (contracts/); it passes as written on `pytest -m {consumer} --env=moto`.",
        f"# Now make it say what {consumer} really uses: keep the tables, keys, indexes and queries your code",
        "# relies on, delete the rest, add what is missing.",
        "#   - Every sentence you can write, with an example: docs/steps.md",
        "#     (or `python -m steps.sentences.catalogue --list`, `--search GSI`).",
        "#   - Running only your contracts, reading the readiness report, CODEOWNERS and the pull request:",
        "#     CONTRIBUTING.md.",
        '# Names are logical ("orders", not "orders-sit"). To ask for a table or index contracts/ does not',
        '# define yet, write it (`Then the table "invoices" must exist`): the readiness report then lists it as',
        "# a gap the platform team must close (CONTRIBUTING.md, \"Asking for a new table or index\").",
        f"@{consumer}",
        f"Feature: {consumer} needs the {'table' if len(specs) == 1 else 'tables'} {names}",
        f"  Say here what {consumer} stores and reads, and which access patterns of docs/access-patterns.md",
        "  it relies on.",
    ]
    for spec in specs:
        for scenario in scenarios(spec):
            lines += ["", *_scenario_lines(scenario)]
    return "\n".join(lines) + "\n"


# --- the command ----------------------------------------------------------------------------------------


def _chosen_tables(desired: DesiredState, names: Sequence[str], contracts: Path) -> list[TableSpec]:
    defined = [spec.name for spec in desired.tables]
    unknown = [name for name in names if desired.table(name) is None]
    if unknown:
        hints = [f"'{n}'" + (f" (did you mean '{m[0]}'?)" if (m := difflib.get_close_matches(n, defined, 1)) else "")
                 for n in unknown]
        raise ScaffoldError(
            f"the desired state ({display_path(contracts)}/) defines no table {', '.join(hints)}. It defines: "
            f"{', '.join(defined)}. Scaffold with one of those; to ask for a new table, write "
            f"`Then the table \"{unknown[0]}\" must exist` in your feature afterwards (CONTRIBUTING.md).")
    chosen = list(dict.fromkeys(names)) or defined[:1]
    return [spec for name in chosen if (spec := desired.table(name)) is not None]


def scaffold(consumer: str, tables: Sequence[str] = (), *, contracts: Path = Path("contracts"),
             features: Path = Path("features")) -> tuple[Path, str]:
    """The feature file to write for `consumer` and its text; raises ScaffoldError (nothing written)."""
    problem = name_problem(consumer)
    if problem:
        raise ScaffoldError(problem)
    folder = features / consumer
    if folder.exists():
        raise ScaffoldError(f"{display_path(folder)}/ exists already: {consumer} is onboarded. Edit its features, "
                            "or pick another name for a new consumer")
    specs = _chosen_tables(load_contracts(contracts), tables, contracts)
    return folder / FEATURE_FILE, feature_text(consumer, specs, _command(consumer, tables))


def _arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m steps.scaffold",
        description="Create features/CONSUMER/contract.feature: an example contract for a new Lambda team, "
                    "written with the catalogue's sentences and the tables contracts/ defines. It passes as "
                    "written on `pytest -m CONSUMER --env=moto`; then edit it (CONTRIBUTING.md).")
    parser.add_argument("consumer", metavar="CONSUMER",
                        help="the team's consumer name: the folder features/CONSUMER/ and the marker `pytest -m "
                             "CONSUMER` (lower-case letters, digits and _, e.g. invoice_lambda)")
    parser.add_argument("--table", dest="tables", metavar="TABLE", action="extend", nargs="+", default=[],
                        help="a table of contracts/ the example is about (repeatable; default: the first table "
                             "contracts/ defines)")
    parser.add_argument("--contracts", type=Path, default=Path("contracts"), metavar="DIR",
                        help="the desired-state folder (default: contracts)")
    parser.add_argument("--features", type=Path, default=Path("features"), metavar="DIR",
                        help="the folder holding the consumer folders (default: features)")
    parser.add_argument("--dry-run", action="store_true", help="print the feature instead of creating it")
    return parser


def _next_steps(consumer: str, file: Path) -> str:
    return "\n".join([
        f"created {display_path(file)}",
        "next:",
        f"  run it alone          pytest -m {consumer} --env=moto",
        f"  make it yours         edit {display_path(file)}: sentences in docs/steps.md "
        "(python -m steps.sentences.catalogue --list)",
        f"  own the folder        add to .github/CODEOWNERS:  /features/{consumer}/ @bbws/<your-team>",
        "  open a pull request   see CONTRIBUTING.md",
    ])


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments().parse_args(argv)
    try:
        file, text = scaffold(args.consumer, args.tables, contracts=args.contracts, features=args.features)
    except ToolError as error:
        print(f"scaffold: {error}", file=sys.stderr)
        return 1
    if args.dry_run:
        print(text, end="")
        return 0
    file.parent.mkdir(parents=True)
    file.write_text(text, encoding="utf-8")
    print(_next_steps(args.consumer, file))
    return 0


if __name__ == "__main__":
    sys.exit(main())
