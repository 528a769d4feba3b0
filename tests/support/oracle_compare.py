"""Two observed states of one environment compared field by field, against the one that is the oracle.

The oracle (the plan Terraform made, or what `terraform apply` built) says what a value is; the reader under
test must give the same value or say it cannot know (`Unverifiable`). Each difference is a `Finding`:

- WRONG: the reader gives a value, and the oracle another (a table, index, vault or plan present on one
  side only included, unless the other side says it could not see it);
- UNVERIFIABLE: the oracle knows the value, the reader says it cannot (counted and listed, never a pass);
- CLAIM: the oracle does not know the value (known after apply, or not reported), the reader states one.

Tables are compared by physical name, indexes, vaults, plans, rules and selections by name, replicas by region,
everything else by value (a dataclass field by field, a map of tags tag by tag); what says where or by whom a
thing was read (`defined_at`, ids the service makes, an alarm's state) is not compared. A list holding unknown
entries (`Unverifiable` in place of an ARN, a tag condition, a replica) is compared entry by entry: a known entry
both give is the same; one the reader gives where the oracle has unknown entries is a claim (and so is the
reader's "no other entry"); one the oracle gives where the reader has unknown entries is unverifiable; an
unknown entry never makes the known ones wrong. A key schema read in part (`PartialKeys`) is compared key by key.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from dynamo_contracts.provision.desired.model import AttributeType, KeyAttribute, KeySchema
from dynamo_contracts.provision.observed.state import (
    ObservedPlan,
    ObservedReplica,
    ObservedState,
    ObservedTable,
    PartialKeys,
    TagCondition,
    UnreadKey,
    Unverifiable,
)

WRONG, UNVERIFIABLE, CLAIM, SAME = "wrong", "unverifiable", "claim", "same"
NOT_COMPARED = frozenset({"defined_at", "given_at", "status", "plan_id", "selection_id", "other_indexes", "state"})
NO_OTHER = "no other entry"


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
        return str(value)[:400]  # "unverifiable on SOURCE: REASON"
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
    """Any value: dataclasses field by field, mappings key by key, lists with unknown entries or of keyed things
    (rules by name, replicas by region) entry by entry, other lists as sets, the rest as one value."""
    if _unknowns(found, where, reader, oracle):
        return
    if _is_keys(reader) and _is_keys(oracle) and PartialKeys in (type(reader), type(oracle)):
        reader, oracle = _KeysRead.of(reader), _KeysRead.of(oracle)
    if dataclasses.is_dataclass(reader) and type(reader) is type(oracle):
        for field in dataclasses.fields(reader):
            if field.name not in NOT_COMPARED:
                _value(found, f"{where}.{field.name}", getattr(reader, field.name), getattr(oracle, field.name))
        return
    if isinstance(reader, Mapping) and isinstance(oracle, Mapping) and _structured(reader, oracle):
        for key in sorted(set(reader) | set(oracle), key=str):
            if key in reader and key in oracle:
                _value(found, f"{where}[{key}]", reader[key], oracle[key])
            else:  # the keys are known on both sides, even where a value is not
                found.append(Finding(WRONG, f"{where}[{key}]", _shown(reader.get(key, "absent")),
                                     _shown(oracle.get(key, "absent"))))
        return
    if isinstance(reader, tuple) and isinstance(oracle, tuple):
        if _entry_wise(reader, oracle):
            _entries(found, where, reader, oracle)
            return
        reader, oracle = sorted(reader, key=repr), sorted(oracle, key=repr)  # ARNs, tag conditions: sets, to AWS
    found.append(Finding(WRONG if reader != oracle else SAME, where, _shown(reader), _shown(oracle)))


def _structured(*mappings: Mapping[Any, Any]) -> bool:
    """Mappings of things compared one by one (tags of which one is unknown); a mapping of strings is one value."""
    return any(dataclasses.is_dataclass(v) or isinstance(v, Unverifiable) for m in mappings for v in m.values())


# Lists entry by entry ------------------------------------------------------------------------------------------


def _key(entry: Any) -> Any:
    """What an entry is matched by: a replica by region, a named thing by its name, a value by itself; None for
    an unknown entry (an `Unverifiable`, or a rule whose name is not known: it may be any)."""
    if isinstance(entry, Unverifiable):
        return None
    if isinstance(entry, ObservedReplica):
        return entry.region
    if dataclasses.is_dataclass(entry) and hasattr(entry, "name") and not isinstance(entry, (TagCondition,)):
        return None if isinstance(entry.name, Unverifiable) else entry.name
    return entry


def _label(key: Any) -> str:
    if isinstance(key, TagCondition):
        return f"{key.key} {key.operator} {key.value}"
    return key if isinstance(key, str) else repr(key)


def _keyed(entries: tuple[Any, ...]) -> dict[Any, Any] | None:
    """The known entries by key, or None where two share one (then the list is compared as a set)."""
    known = [(_key(e), e) for e in entries if _key(e) is not None]
    by_key = dict(known)
    return by_key if len(by_key) == len(known) else None


def _unknown_entry(entries: tuple[Any, ...]) -> Unverifiable | None:
    """Why some entry is not known (its `Unverifiable`, or an unknown name's), or None."""
    for entry in entries:
        if _key(entry) is None:
            return entry if isinstance(entry, Unverifiable) else entry.name
    return None


def _entry_wise(reader: tuple[Any, ...], oracle: tuple[Any, ...]) -> bool:
    """Lists compared entry by entry: some entry unknown on either side, or things with a name or region."""
    if _keyed(reader) is None or _keyed(oracle) is None:
        return False
    if _unknown_entry(reader) is not None or _unknown_entry(oracle) is not None:
        return True
    entries = (*reader, *oracle)
    return bool(entries) and all(dataclasses.is_dataclass(e) and _key(e) is not e for e in entries)


def _entries(found: list[Finding], where: str, reader: tuple[Any, ...], oracle: tuple[Any, ...]) -> None:
    """See the module's rules: an unknown entry may be any entry, and only that."""
    mine, its = _keyed(reader) or {}, _keyed(oracle) or {}
    my_unknown, its_unknown = _unknown_entry(reader), _unknown_entry(oracle)
    for key in sorted(set(mine) | set(its), key=_label):
        at = f"{where}[{_label(key)}]"
        if key in mine and key in its:
            if dataclasses.is_dataclass(mine[key]) and _key(mine[key]) is not mine[key]:
                _value(found, at, mine[key], its[key])  # a rule, a replica: field by field
            else:
                found.append(Finding(SAME, at, "present", "present"))
        elif key in mine:
            found.append(Finding(CLAIM if its_unknown else WRONG, at, "present",
                                 _shown(its_unknown) if its_unknown else "absent"))
        else:
            found.append(Finding(UNVERIFIABLE if my_unknown else WRONG, at,
                                 _shown(my_unknown) if my_unknown else "absent", "present"))
    if my_unknown and not its_unknown and set(its) <= set(mine):
        found.append(Finding(UNVERIFIABLE, where, _shown(my_unknown), NO_OTHER))
    elif its_unknown and not my_unknown:
        found.append(Finding(CLAIM, where, NO_OTHER, _shown(its_unknown)))


# Keys read in part ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _KeyRead:
    name: str | Unverifiable
    type: AttributeType | Unverifiable

    @classmethod
    def of(cls, key: KeyAttribute | UnreadKey | None) -> _KeyRead | Unverifiable | None:
        if isinstance(key, UnreadKey):
            return key.why if key.name is None else cls(key.name, key.why)
        return None if key is None else cls(key.name, key.type)


@dataclass(frozen=True)
class _KeysRead:
    """A key schema as its parts, so one read in part compares key by key with a whole one."""

    partition: _KeyRead | Unverifiable | None
    sort: _KeyRead | Unverifiable | None

    @classmethod
    def of(cls, keys: KeySchema | PartialKeys) -> _KeysRead:
        return cls(_KeyRead.of(keys.partition), _KeyRead.of(keys.sort))


def _is_keys(value: Any) -> bool:
    return isinstance(value, KeySchema | PartialKeys)


def count(findings: list[Finding], kind: str) -> int:
    return sum(1 for f in findings if f.kind == kind)
