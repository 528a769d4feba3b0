"""Observed CloudWatch alarms as the contracts' alarm rules, table by table, and the actions they notify.

A contracts alarm is one of the `AlarmKind` metrics of a table, Sum >= threshold, named `<table>-<kind>`. An alarm
of that shape becomes its table's rule; one on a table of the stack that is not (another metric, comparison or
statistic, another name, a second of one kind) is a placeholder on that table, since the provisioner would make
another alarm. Alarms on nothing of the stack are not the stack's and are only counted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..desired.model import ALARM_COMPARISON, ALARM_STATISTIC, AlarmKind, AlarmRule
from ..observed.state import ObservedAlarm, ObservedState, Unverifiable
from .document import Placeholder, Value
from .tables import Setting

DEFAULT_PERIOD, DEFAULT_EVALUATIONS = 60, 1
KINDS = {kind.metric: kind for kind in AlarmKind}


@dataclass
class Alarms:
    """What the alarms give the contracts: rules by logical table and kind, the actions, what is not written."""

    rules: dict[str, dict[str, Setting]] = field(default_factory=dict)  # logical table -> kind -> rule
    actions: tuple[str, ...] | Placeholder = ()
    unknown: Placeholder | None = None  # why no alarm at all could be read (or some alarm could not be placed)
    unplaced: list[Placeholder] = field(default_factory=list)  # alarms whose table is not known
    others: int = 0  # alarms on no table of the stack

    def of(self, logical: str) -> dict[str, Setting]:
        return self.rules.get(logical, {})


def rule_value(rule: AlarmRule) -> dict[str, Value]:
    found: dict[str, Value] = {"threshold": rule.threshold}
    if rule.period_seconds != DEFAULT_PERIOD:
        found["period_seconds"] = rule.period_seconds
    if rule.evaluation_periods != DEFAULT_EVALUATIONS:
        found["evaluation_periods"] = rule.evaluation_periods
    return found


def _where(alarm: ObservedAlarm) -> str:
    at = getattr(alarm, "defined_at", "")
    return f"(at {at}) " if at else ""


def _rule(alarm: ObservedAlarm, physical: str) -> AlarmRule | str:
    """The contracts rule this alarm is, or why it is none."""
    for value in (alarm.metric, alarm.threshold, alarm.period_seconds, alarm.evaluation_periods, alarm.comparison,
                  alarm.statistic):
        if isinstance(value, Unverifiable):
            return f"unknown here: {value.reason}"
    kind = KINDS.get(str(alarm.metric))
    if kind is None:
        return f"on the metric {alarm.metric}, which contracts/ have no alarm for (they have {', '.join(KINDS)})"
    if alarm.comparison != ALARM_COMPARISON or alarm.statistic != ALARM_STATISTIC:
        return (f"{alarm.statistic} {alarm.comparison}: contracts/ alarm on the {ALARM_STATISTIC} "
                f"{ALARM_COMPARISON} only")
    threshold, period, evaluations = alarm.threshold, alarm.period_seconds, alarm.evaluation_periods
    if not isinstance(threshold, int | float) or not isinstance(period, int) or not isinstance(evaluations, int):
        return f"threshold {threshold}, period {period}, evaluation periods {evaluations}: not numbers"
    rule = AlarmRule(kind, float(threshold), period, evaluations)
    if alarm.name != rule.alarm_name(physical):
        return (f"named {alarm.name}; the provisioner names this alarm {rule.alarm_name(physical)}, so it would make "
                f"another: rename it in Terraform, or add `{kind.value}: {rule_value(rule)}` here")
    return rule


def _actions(alarms: list[ObservedAlarm]) -> tuple[str, ...] | Placeholder:
    seen = {tuple(alarm.actions) for alarm in alarms}
    if len(seen) > 1:
        shown = "; ".join(f"{a.name}: {', '.join(map(str, a.actions)) or 'none'}" for a in alarms)
        return Placeholder("alarm_actions", f"the alarms notify different actions ({shown}): contracts/ give one "
                                            "list to every alarm of an environment")
    actions = next(iter(seen), ())
    why = next((a for a in actions if isinstance(a, Unverifiable)), None)
    if why is not None:
        return Placeholder("alarm_actions", f"unknown here: {why.reason}")
    return tuple(str(a) for a in actions)


def read_alarms(state: ObservedState, logical: Mapping[str, str]) -> Alarms:
    """The alarms of `state` on its tables (`logical`: physical -> logical name)."""
    found = Alarms()
    if state.alarms is None or isinstance(state.alarms, Unverifiable):
        why = state.alarms if isinstance(state.alarms, Unverifiable) else state.unread_alarms()
        found.unknown = Placeholder("alarms", f"unknown here: {why.reason}")
        return found
    placed: list[ObservedAlarm] = []
    for name, alarm in sorted(state.alarms.items()):
        if isinstance(alarm.table, Unverifiable):
            found.unplaced.append(Placeholder(name, f"{_where(alarm)}its table is unknown here: "
                                                    f"{alarm.table.reason}"))
            continue
        if alarm.table is None or alarm.table not in logical:
            found.others += 1
            continue
        table = found.rules.setdefault(logical[alarm.table], {})
        rule = _rule(alarm, alarm.table)
        if isinstance(rule, str):
            table[name] = Placeholder(name, f"{_where(alarm)}not written: {rule}")
            continue
        if rule.kind.value in table:
            table[name] = Placeholder(name, f"{_where(alarm)}a second {rule.kind.value} alarm of the table; "
                                            "contracts/ give a table one alarm of each kind")
            continue
        table[rule.kind.value] = rule_value(rule)
        placed.append(alarm)
    found.actions = _actions(placed)
    order = {kind.value: position for position, kind in enumerate(AlarmKind)}  # as the contracts list them
    found.rules = {table: dict(sorted(rules.items(), key=lambda item: order.get(item[0], len(order))))
                   for table, rules in found.rules.items()}
    return found
