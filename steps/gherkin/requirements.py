"""What the contracts require of an environment: every table, GSI, backup vault and backup plan that
any feature under features/ states, whether or not this run selected its scenario.

Each step is matched with its sentence (steps.sentences.catalogue) and the sentence's parsed arguments say
what it needs: the table it names, the GSI it names by kind and index, the names of an exact-set
datatable, the vault and the retention of a backup claim. A claim that holds when the thing is
absent ("must not exist", "must not have the GSI") does not require that thing. The readiness
report's expected counts, and what it calls "not in any contract", come from here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ...provision.desired.model import AttributeType, DesiredState, KeyAttribute, KeySchema
from ..results.expected import Requirements
from ..sentences import catalogue
from .parse import ParsedFeatures, ParsedScenario, parse_all

GSI = "GSI"
_EXISTS = "{must:Must} exist"  # the table and vault sentences: "must not" holds when it is absent
_HAS_INDEX = 'have the {kind:IndexKind} "{index:Name}"'  # the index sentence: likewise for the index
_EXACT_TABLES = "exactly these tables:"
_EXACT_GSIS = "exactly these GSIs:"
_DESIRED_TABLES = "exactly the tables of the desired state"
_DESIRED_GSIS = "exactly the GSIs of the desired state"
_DESIRED_STATE = "match the desired state"
_INDEX_KEY = "key \"{attribute:Name}\" of type {attribute_type:AttributeType}"


def of_desired(desired: DesiredState, pattern: str) -> Requirements:
    """What a sentence over the desired state requires: every table and GSI it defines (and, to match it
    entirely, every vault and backup plan too)."""
    tables = frozenset(t.name for t in desired.tables)
    gsis = frozenset((t.name, i.name) for t in desired.tables for i in t.global_indexes)
    if pattern.endswith(_DESIRED_TABLES):
        return Requirements(tables=tables)
    if pattern.endswith(_DESIRED_GSIS):
        return Requirements(tables=tables, gsis=gsis)
    return Requirements(tables, gsis, frozenset(v.name for v in desired.vaults),
                        frozenset((p.rule.vault, p.rule.retention_days) for p in desired.plans))


def of_step(keyword: str, text: str, datatable: Sequence[Sequence[str]] | None = None,
            desired: DesiredState | None = None) -> Requirements:
    """What one step requires; nothing for a step no sentence matches (the plugin stops on those)."""
    found = catalogue.find(keyword, text)
    if found is None:
        return Requirements()
    args: dict[str, Any] = found.parser.parse_arguments(text) or {}
    must = args.get("must", True)
    pattern = found.pattern
    if pattern.endswith((_DESIRED_TABLES, _DESIRED_GSIS, _DESIRED_STATE)):
        return of_desired(desired, pattern) if must and desired is not None else Requirements()
    absent_holds = not must and (pattern.endswith(_EXISTS) or pattern.endswith(_HAS_INDEX))
    table, index, vault = args.get("table"), args.get("index"), args.get("vault")
    tables, gsis, vaults, plans = set(), set(), set(), set()
    if table and not (absent_holds and not index):
        tables.add(table)
    if table and index and args.get("kind") == GSI and not absent_holds:
        gsis.add((table, index))
    if vault and must:
        vaults.add(vault)
        if args.get("days") is not None:
            plans.add((vault, int(args["days"])))
    names = [row[0] for row in (datatable or [])[1:] if row]
    if must and pattern.endswith(_EXACT_TABLES):
        tables.update(names)
    if must and table and pattern.endswith(_EXACT_GSIS):
        gsis.update((table, name) for name in names)
    return Requirements(frozenset(tables), frozenset(gsis), frozenset(vaults), frozenset(plans))


def of_scenarios(scenarios: Iterable[ParsedScenario], desired: DesiredState | None = None) -> Requirements:
    found = Requirements()
    counts: Counter[str] = Counter()
    for scenario in scenarios:
        counts[scenario.consumer] += 1
        for step in scenario.steps:
            rows = step.datatable.raw() if step.datatable is not None else None
            found |= of_step(step.type, step.name, rows, desired)  # type: ignore[arg-type]
    return Requirements(found.tables, found.gsis, found.vaults, found.plans, dict(counts))


def of_features(rootpath: Path, desired: DesiredState | None = None) -> Requirements:
    """The requirements of every feature under the rootdir's features/ (the sentences loaded first); the
    desired state tells what the sentences over it require."""
    catalogue.load_all()
    return of_parsed(parse_all(rootpath), desired)


def of_parsed(parsed: ParsedFeatures, desired: DesiredState | None = None) -> Requirements:
    """The requirements of features already parsed (the run's own parse)."""
    found = of_scenarios(parsed.scenarios, desired)
    every = {consumer: found.scenarios.get(consumer, 0) for consumer in parsed.consumers}
    return Requirements(found.tables, found.gsis, found.vaults, found.plans, every)


def stated_index_keys(scenarios: Iterable[ParsedScenario]) -> dict[tuple[str, str], KeySchema]:
    """The key schema the features state for each GSI (table, index): its partition key and, if stated, its
    sort key (none stated: the consumers expect none). Used to name a deployed index with the same keys."""
    roles: dict[tuple[str, str], dict[str, KeyAttribute]] = {}
    for step in (step for scenario in scenarios for step in scenario.steps):
        found = catalogue.find(step.type, step.name)
        if found is None or not found.pattern.endswith(_INDEX_KEY):
            continue
        args: dict[str, Any] = found.parser.parse_arguments(step.name) or {}
        if args.get("must") and args.get("kind") == GSI:
            roles.setdefault((args["table"], args["index"]), {})[args["role"]] = KeyAttribute(
                args["attribute"], AttributeType(args["attribute_type"]))
    return {key: KeySchema(found["partition"], found.get("sort")) for key, found in roles.items()
            if "partition" in found}
