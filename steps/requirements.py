"""What the contracts require of an environment: every table, GSI, backup vault and backup plan that
any feature under features/ states, whether or not this run selected its scenario.

Each step is matched with its sentence (steps.catalogue) and the sentence's parsed arguments say
what it needs: the table it names, the GSI it names by kind and index, the names of an exact-set
datatable, the vault and the retention of a backup claim. A claim that holds when the thing is
absent ("must not exist", "must not have the GSI") does not require that thing. The readiness
report's expected counts, and what it calls "not in any contract", come from here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from steps import catalogue
from steps.feature_files import ParsedScenario, parse_all

GSI = "GSI"
_EXISTS = "{must:Must} exist"  # the table and vault sentences: "must not" holds when it is absent
_HAS_INDEX = 'have the {kind:IndexKind} "{index:Name}"'  # the index sentence: likewise for the index
_EXACT_TABLES = "exactly these tables:"
_EXACT_GSIS = "exactly these GSIs:"


@dataclass(frozen=True)
class Requirements:
    tables: frozenset[str] = frozenset()
    gsis: frozenset[tuple[str, str]] = frozenset()  # (table, index), logical names
    vaults: frozenset[str] = frozenset()  # logical names
    plans: frozenset[tuple[str, int]] = frozenset()  # (vault, days kept): one backup rule each
    scenarios: Mapping[str, int] = field(default_factory=dict)  # consumer -> scenarios (tests) its features hold

    def __or__(self, other: Requirements) -> Requirements:
        return Requirements(self.tables | other.tables, self.gsis | other.gsis, self.vaults | other.vaults,
                            self.plans | other.plans, dict(Counter(self.scenarios) + Counter(other.scenarios)))

    @property
    def consumers(self) -> list[str]:
        return sorted(self.scenarios)


def of_step(keyword: str, text: str, datatable: Sequence[Sequence[str]] | None = None) -> Requirements:
    """What one step requires; nothing for a step no sentence matches (the plugin stops on those)."""
    found = catalogue.find(keyword, text)
    if found is None:
        return Requirements()
    args: dict[str, Any] = found.parser.parse_arguments(text) or {}
    must = args.get("must", True)
    pattern = found.pattern
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


def of_scenarios(scenarios: Iterable[ParsedScenario]) -> Requirements:
    found = Requirements()
    counts: Counter[str] = Counter()
    for scenario in scenarios:
        counts[scenario.consumer] += 1
        for step in scenario.steps:
            rows = step.datatable.raw() if step.datatable is not None else None
            found |= of_step(step.type, step.name, rows)  # type: ignore[arg-type]
    return Requirements(found.tables, found.gsis, found.vaults, found.plans, dict(counts))


def of_features(rootpath: Path) -> Requirements:
    """The requirements of every feature under the rootdir's features/ (the sentences loaded first)."""
    catalogue.load_all()
    parsed = parse_all(rootpath)
    found = of_scenarios(parsed.scenarios)
    every = {consumer: found.scenarios.get(consumer, 0) for consumer in parsed.consumers}
    return Requirements(found.tables, found.gsis, found.vaults, found.plans, every)
