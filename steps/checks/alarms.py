"""Checks on a table's CloudWatch alarms: the one a consumer needs is there, and none is in ALARM.

Alarms are found by what they watch (the AWS/DynamoDB metric and the TableName dimension), not by
name, so an alarm made by hand counts too. Where the source reads no alarms (DynamoDB Local) or
cannot tell their state (moto never evaluates them, Terraform only defines them), the claim is
unverifiable; so is an alarm Terraform knows only after apply that may be the one wanted.
"""

from __future__ import annotations

from ...provision.desired.model import AlarmKind
from ...provision.observed.capabilities import Feature, gap
from ...provision.observed.state import ObservedAlarm, Unverifiable
from ..results.findings import Finding, Kind, Outcome, unknown_of, verdict
from .tables import missing_table
from .target import Target


def _alarms(target: Target) -> dict[str, ObservedAlarm] | Unverifiable:
    found = gap(target.capabilities, Feature.ALARMS) or target.observed.alarms
    if found is None:
        return target.observed.unread_alarms()
    return found if isinstance(found, Unverifiable) else dict(found)


def _on_table(alarms: dict[str, ObservedAlarm], physical: str) -> list[ObservedAlarm]:
    return sorted((a for a in alarms.values() if a.table == physical), key=lambda a: a.name)


def _undefined(target: Target, table: str, kind: AlarmKind) -> str:
    """Who must act when the desired state gives the table no such alarm; "" when it does."""
    spec = target.stack.spec(table)
    if spec is None or any(rule.kind is kind for rule in spec.alarms):
        return ""
    where = spec.source.file if spec.source else "the desired state"
    return (f"the desired state gives table {table} no {kind.value} alarm: the platform team must add it "
            f"(alarms: {{{kind.value}: {{threshold: ...}}}} in {where}, or under defaults)")


def _shown(alarm: ObservedAlarm) -> str:
    threshold = "(known after apply)" if isinstance(alarm.threshold, Unverifiable) else f"{alarm.threshold:g}"
    return f"{alarm.name} ({alarm.metric} >= {threshold})"


def table_alarm(target: Target, table: str, kind: AlarmKind, must: bool) -> Finding:
    """An alarm on the metric and table is there. An alarm whose metric or table a static source cannot know (known
    after apply), or one it could not read at all, may be it: unverifiable where no known one settles it."""
    subject = f"{kind.value} alarm of table {table}"
    expected = f"{'' if must else 'no '}alarm on {kind.metric} of {target.physical(table)}"
    if target.table(table) is None:
        return missing_table(target, table, Kind.ALARM, subject, expected, must)
    alarms = _alarms(target)
    if isinstance(alarms, Unverifiable):
        return Finding(Kind.ALARM, Outcome.UNVERIFIABLE, subject, expected, "cannot be read here", table=table,
                       name=kind.value, required=must, reason=str(alarms), unknown=unknown_of(alarms))
    physical = target.physical(table)
    watching = [a for a in _on_table(alarms, physical) if a.metric == kind.metric]
    maybe = [a for a in sorted(alarms.values(), key=lambda a: a.name) if a not in watching
             and (a.table == physical or isinstance(a.table, Unverifiable))
             and (a.metric == kind.metric or isinstance(a.metric, Unverifiable))]
    actual = ", ".join(_shown(a) for a in watching) or f"no alarm on {kind.metric}"
    hidden = target.observed.hidden("alarm")
    if not watching and (maybe or hidden is not None):
        why = next((v for a in maybe for v in (a.metric, a.table) if isinstance(v, Unverifiable)), hidden)
        return Finding(Kind.ALARM, Outcome.UNVERIFIABLE, subject, expected,
                       f"{actual} among what {target.where()} could read", table=table, name=kind.value,
                       required=must, reason=str(why), unknown=unknown_of(why))
    missing = must and not watching
    action = (_undefined(target, table, kind) or target.to_build(f"a {kind.value} alarm on {table}", table)
              if missing else "")
    return Finding(Kind.ALARM, verdict(bool(watching), must), subject, expected, actual, table=table,
                   name=kind.value, required=must, action=action,
                   reason=f"nobody is told when {kind.metric} of {physical} rises" if missing else "")


def alarms_quiet(target: Target, table: str) -> Finding:
    """No alarm on the table is in ALARM state (CloudWatch's own verdict on its metrics)."""
    subject = f"alarm states of table {table}"
    expected = "no alarm in ALARM state"
    if target.table(table) is None:
        return missing_table(target, table, Kind.ALARM, subject, expected)
    alarms = _alarms(target)
    if target.static:
        alarms = Unverifiable(target.backend, "an alarm's state exists only in CloudWatch, once deployed")
    unknown = alarms if isinstance(alarms, Unverifiable) else gap(target.capabilities, Feature.ALARM_STATES)
    if unknown is not None or isinstance(alarms, Unverifiable):
        return Finding(Kind.ALARM, Outcome.UNVERIFIABLE, subject, expected, "cannot be read here", table=table,
                       reason=str(unknown), unknown=unknown_of(unknown))
    firing = [a for a in _on_table(alarms, target.physical(table)) if a.state == "ALARM"]
    actual = ", ".join(f"{a.name} in ALARM" for a in firing) or "none in ALARM"
    return Finding(Kind.ALARM, verdict(not firing, True), subject, expected, actual, table=table,
                   reason=f"CloudWatch says {len(firing)} alarm(s) of the table fire: look at the metric" if firing
                   else "")
