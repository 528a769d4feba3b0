"""Two observed states of one environment compared field by field, against the one that is the oracle.

The oracle (the plan Terraform made, or what `terraform apply` built) says what a value is; the reader under
test must give the same value or say it cannot know (`Unverifiable`). Each difference is a `Finding`:

- WRONG: the reader gives a value, and the oracle another (a table, index, vault or plan present on one
  side only included, unless the other side says it could not see it);
- UNVERIFIABLE: the oracle knows the value, the reader says it cannot (counted and listed, never a pass);
- CLAIM: the oracle does not know the value (known after apply, or not reported), the reader states one.

Tables are compared by physical name, indexes, vaults, plans, rules and selections by name, everything else
by value; what says where or by whom a thing was read (`defined_at`, ids the service makes) is not compared.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from provision.observed.state import ObservedPlan, ObservedState, ObservedTable, Unverifiable

WRONG, UNVERIFIABLE, CLAIM, SAME = "wrong", "unverifiable", "claim", "same"
NOT_COMPARED = frozenset({"defined_at", "status", "plan_id", "selection_id", "other_indexes"})


@dataclass(frozen=True, order=True)
class Finding:
    """One value on which a reader and its oracle differ."""

    kind: str  # WRONG, UNVERIFIABLE or CLAIM
    where: str  # "table orders-sit: global_indexes[ByUser].projection"
    reader: str  # what the reader says
    oracle: str  # what the oracle says

    def __str__(self) -> str:
        return f"{self.kind}: {self.where}: reader {self.reader}, oracle {self.oracle}"


def compare(reader: ObservedState, oracle: ObservedState) -> list[Finding]:
    """Every value on which `reader` differs from `oracle` (see the module's rules)."""
    return [f for f in tally(reader, oracle) if f.kind != SAME]


def tally(reader: ObservedState, oracle: ObservedState) -> list[Finding]:
    """Every value compared, those on which both sides agree too (SAME): what the docs' table counts."""
    found: list[Finding] = []
    things = [("table", reader.tables, oracle.tables), ("vault", reader.backups.vaults, oracle.backups.vaults),
              ("plan", reader.backups.plans, oracle.backups.plans)]
    if reader.alarms is not None and oracle.alarms is not None:
        things.append(("alarm", reader.alarms, oracle.alarms))
    for kind, ours, theirs in things:
        if not _unknowns(found, f"{kind}s", ours, theirs):
            hidden = reader.hidden(kind), oracle.hidden(kind)
            for name, mine, its in _pairs(found, f"{kind} ", ours, theirs, *hidden):
                _thing(found, f"{kind} {name}", mine, its, hidden)
    return sorted(found)


def _thing(found: list[Finding], where: str, reader: Any, oracle: Any,
           hidden: tuple[Unverifiable | None, Unverifiable | None]) -> None:
    """One table, vault, plan or alarm; a table's indexes and a plan's selections by name."""
    if isinstance(reader, ObservedTable) and isinstance(oracle, ObservedTable):
        for name, mine, its in _pairs(found, f"{where}: global_indexes", reader.global_indexes,
                                      oracle.global_indexes, reader.other_indexes, oracle.other_indexes):
            _value(found, f"{where}: global_indexes[{name}]", mine, its)
        reader, oracle = dataclasses.replace(reader, global_indexes={}), dataclasses.replace(oracle, global_indexes={})
    if isinstance(reader, ObservedPlan) and isinstance(oracle, ObservedPlan):
        if not _unknowns(found, f"{where}.selections", reader.selections, oracle.selections):
            named = ({s.name: s for s in reader.selections}, {s.name: s for s in oracle.selections})  # type: ignore[union-attr]
            for name, mine, its in _pairs(found, f"{where}.selections", *named, *hidden):  # a selection of unknown
                _value(found, f"{where}.selections[{name}]", mine, its)  # plan may be any plan's
        reader, oracle = dataclasses.replace(reader, selections=()), dataclasses.replace(oracle, selections=())
    _value(found, where, reader, oracle)


def _shown(value: Any) -> str:
    if isinstance(value, Unverifiable):
        return str(value)[:200]  # "unverifiable on SOURCE: REASON"
    if isinstance(value, Enum):
        return str(value.value)
    return repr(value)[:300]


def _pairs(found: list[Finding], where: str, reader: Mapping[str, Any], oracle: Mapping[str, Any],
           reader_hidden: Unverifiable | None, oracle_hidden: Unverifiable | None) -> list[tuple[str, Any, Any]]:
    """The things both sides name, by name; one only one side names is a finding: unverifiable where the reader
    says something it could not read may define it, a claim where the oracle says so, wrong otherwise."""
    pairs = []
    for name in sorted(set(reader) | set(oracle), key=str):
        at = f"{where}{name}" if where.endswith(" ") else f"{where}[{name}]"
        if name in reader and name in oracle:
            found.append(Finding(SAME, at, "present", "present"))
            pairs.append((name, reader[name], oracle[name]))
        elif name in oracle:
            found.append(Finding(UNVERIFIABLE if reader_hidden else WRONG, at,
                                 _shown(reader_hidden) if reader_hidden else "absent", "present"))
        else:
            found.append(Finding(CLAIM if oracle_hidden else WRONG, at, "present",
                                 _shown(oracle_hidden) if oracle_hidden else "absent"))
    return pairs


def _unknowns(found: list[Finding], where: str, reader: Any, oracle: Any) -> bool:
    """Record the finding where either side is unverifiable; True when there is nothing more to compare."""
    reader_unknown, oracle_unknown = isinstance(reader, Unverifiable), isinstance(oracle, Unverifiable)
    if reader_unknown and not oracle_unknown:
        found.append(Finding(UNVERIFIABLE, where, _shown(reader), _shown(oracle)))
    elif oracle_unknown and not reader_unknown:
        found.append(Finding(CLAIM, where, _shown(reader), _shown(oracle)))
    return reader_unknown or oracle_unknown


def _value(found: list[Finding], where: str, reader: Any, oracle: Any) -> None:
    """Any value: dataclasses field by field, mappings key by key, sequences of named things by name."""
    if _unknowns(found, where, reader, oracle):
        return
    if dataclasses.is_dataclass(reader) and type(reader) is type(oracle):
        for field in dataclasses.fields(reader):
            if field.name not in NOT_COMPARED:
                _value(found, f"{where}.{field.name}", getattr(reader, field.name), getattr(oracle, field.name))
        return
    if isinstance(reader, Mapping) and isinstance(oracle, Mapping) and _structured(reader, oracle):
        for key in sorted(set(reader) | set(oracle), key=str):
            _value(found, f"{where}[{key}]", reader.get(key, "absent"), oracle.get(key, "absent"))
        return
    if _named(reader) and _named(oracle):  # a plan's rules
        _value(found, where, {x.name: x for x in reader}, {x.name: x for x in oracle})
        return
    if isinstance(reader, tuple) and isinstance(oracle, tuple):  # ARNs, tag conditions: sets, to AWS
        reader, oracle = sorted(reader, key=repr), sorted(oracle, key=repr)
    found.append(Finding(WRONG if reader != oracle else SAME, where, _shown(reader), _shown(oracle)))


def _structured(*mappings: Mapping[Any, Any]) -> bool:
    """Mappings of things compared one by one (indexes, rules); a mapping of strings (tags) is one value."""
    return any(dataclasses.is_dataclass(v) or isinstance(v, Unverifiable) for m in mappings for v in m.values())


def _named(value: Any) -> bool:
    """A tuple of things with unique names (an empty one too)."""
    return isinstance(value, tuple) and all(dataclasses.is_dataclass(x) and hasattr(x, "name") for x in value) \
        and len({x.name for x in value}) == len(value)


def count(findings: list[Finding], kind: str) -> int:
    return sum(1 for f in findings if f.kind == kind)
