"""The diff of CloudWatch alarms: each alarm the contracts give a table, made or brought back to them.

Part of `provision.planning.diff`.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..desired.model import (
    ALARM_COMPARISON,
    ALARM_STATISTIC,
    BackendKind,
)
from ..desired.stack import Alarm, Stack
from ..observed.capabilities import Feature, gap
from ..observed.state import (
    ObservedAlarm,
    ObservedState,
    Unverifiable,
)
from .changes import (
    Change,
    PutAlarm,
)


def alarms(stack: Stack, observed: ObservedState, backend: BackendKind) -> list[Change]:
    """Each alarm the contracts give a table, made or brought back to them; alarms of other names are left alone.

    Terraform names its alarms itself: there, an alarm of another name watching the same metric of the same table
    is the one compared. What a static source cannot know of an alarm (known only after apply) is skipped."""
    seen = gap(backend, Feature.ALARMS) or observed.alarms
    if seen is None:
        seen = observed.unread_alarms()
    changes: list[Change] = []
    for name, alarm in stack.alarms.items():
        if isinstance(seen, Unverifiable):
            changes.append(PutAlarm(target=name, alarm=alarm, skipped=seen))
            continue
        current = seen.get(name) or (_watching(seen, alarm) if observed.origin.kind.terraform else None)
        if current is None:
            changes.append(PutAlarm(target=name, alarm=alarm, skipped=observed.hidden("alarm")))
            continue
        difference, unknown = _alarm_difference(alarm, current)
        if difference is not None or unknown is not None:
            changes.append(PutAlarm(target=name, alarm=alarm, was=difference or "",
                                    skipped=None if difference else unknown))
    return changes


def _watching(alarms: Mapping[str, ObservedAlarm], alarm: Alarm) -> ObservedAlarm | None:
    """The one alarm there on the metric and table `alarm` watches (by the metric and TableName dimension)."""
    found = [a for a in alarms.values() if a.metric == alarm.rule.kind.metric and a.table == alarm.table]
    return found[0] if len(found) == 1 else None


def alarm_difference(alarm: Alarm, seen: ObservedAlarm) -> str | None:
    """How an alarm there differs from the contracts' (metric, table, threshold, periods, actions); None: alike."""
    return _alarm_difference(alarm, seen)[0]


def _alarm_difference(alarm: Alarm, seen: ObservedAlarm) -> tuple[str | None, Unverifiable | None]:
    """What differs, as known; and why something that may differ is not known."""
    rule = alarm.rule
    wanted = (rule.kind.metric, alarm.table, rule.threshold, rule.period_seconds, rule.evaluation_periods,
              ALARM_COMPARISON, ALARM_STATISTIC, tuple(sorted(alarm.actions)))
    unknown_action = next((a for a in seen.actions if isinstance(a, Unverifiable)), None)
    actions = unknown_action or tuple(sorted(str(a) for a in seen.actions))
    found = (seen.metric, seen.table, seen.threshold, seen.period_seconds, seen.evaluation_periods, seen.comparison,
             seen.statistic, actions)
    names = ("metric", "table", "threshold", "period", "evaluation periods", "comparison", "statistic", "actions")
    differing = [f"{n} {f}" for n, w, f in zip(names, wanted, found, strict=True)
                 if not isinstance(f, Unverifiable) and w != f]
    unknown = next((f for f in found if isinstance(f, Unverifiable)), None)
    return "; ".join(differing) or None, unknown
