"""Terraform's `aws_cloudwatch_metric_alarm` resources as observed alarms, as the live reader gives CloudWatch's.

Alarms on a DynamoDB metric (namespace AWS/DynamoDB) are kept, by `alarm_name`, with the table they watch (the
TableName dimension, a reference to a table followed to its name), threshold, period, evaluation periods,
comparison, statistic and actions. A value known only after apply (a topic created in the same configuration) is
that value's `Unverifiable`; an alarm whose name is not known is `Unresolved`: it may be any alarm. An alarm on
metric math (`metric_query`) is read from its one metric.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..state import ObservedAlarm, Unresolved, Unverifiable, input_unknown
from .records import Reference, Resource, Unknown
from .values import ALARM, Block, NotKnown, References, known, unique

NAMESPACE = "AWS/DynamoDB"
ALARM_ADVICE = "the alarm cannot be checked from this plan: give its name a value known before apply"


def alarms_of(resources: Iterable[Resource], index: References, source: str
              ) -> tuple[dict[str, ObservedAlarm], list[Unresolved]]:
    """The alarms on DynamoDB metrics by name, and those whose name is not known (they may be any alarm)."""
    alarms: dict[str, ObservedAlarm] = {}
    seen: dict[str, str] = {}
    hidden: list[Unresolved] = []
    for resource in resources:
        if resource.type != ALARM:
            continue
        block = Block(resource.values, resource.where)
        try:
            name = block.required("alarm_name")
        except NotKnown as unknown:
            hidden.append(unknown.unresolved(resource.address, ALARM_ADVICE, "alarm"))
            continue
        alarm = _alarm(name, block, _metric(block), index, source, _defined_at(resource))
        if alarm is not None:
            unique("CloudWatch alarm", seen, name, resource.where)
            alarms[name] = alarm
    return alarms, hidden


def _metric(block: Block) -> Block:
    """Where the metric is written: the alarm itself, or the one `metric` of its `metric_query` blocks."""
    try:
        queries = block.blocks("metric_query")
    except NotKnown:
        return block
    metrics = [m for query in queries if (m := query.first("metric")) is not None]
    return metrics[0] if len(metrics) == 1 else block


def _alarm(name: str, block: Block, metric: Block, index: References, source: str, defined_at: str
           ) -> ObservedAlarm | None:
    """One alarm, or None when it watches another namespace than DynamoDB's."""
    namespace = known(source, lambda: metric.text("namespace"))
    if isinstance(namespace, str) and namespace != NAMESPACE:
        return None
    metric_name = known(source, lambda: metric.required("metric_name"))
    if isinstance(namespace, Unverifiable):
        metric_name = namespace  # a metric of an unknown namespace may be any DynamoDB metric
    statistic_key = "statistic" if metric is block else "stat"  # a metric_query's metric says `stat`
    return ObservedAlarm(
        name=name, metric=metric_name, table=_table(metric, index, source),
        threshold=known(source, lambda: float(block.real("threshold") or 0)),
        period_seconds=known(source, lambda: metric.number("period") or 0),
        evaluation_periods=known(source, lambda: block.number("evaluation_periods") or 0),
        comparison=known(source, lambda: block.text("comparison_operator") or ""),
        statistic=known(source, lambda: metric.text(statistic_key) or ""),
        actions=index.entries(block, "alarm_actions", source), defined_at=defined_at)


def _table(metric: Block, index: References, source: str) -> str | Unverifiable | None:
    """The TableName dimension: a literal, or a table of this configuration by reference (its name)."""
    try:
        dimensions = metric.raw("dimensions")
    except NotKnown as unknown:
        return input_unknown(source, unknown.full)
    if not isinstance(dimensions, dict) or dimensions.get("TableName") is None:
        if dimensions is not None and not isinstance(dimensions, dict):
            raise metric.wrong("dimensions", dimensions, "a map of strings")
        return None
    value = dimensions["TableName"]
    if isinstance(value, Reference):
        value = index.resolve(value)
    if isinstance(value, Unknown):
        return input_unknown(source, f"{metric.where}: {metric.name('dimensions')}['TableName']: {value.reason}")
    if not isinstance(value, str):
        raise metric.wrong("dimensions['TableName']", value, "a string")
    return value


def _defined_at(resource: Resource) -> str:
    if resource.address in resource.where:
        return resource.where
    return f"{resource.where} ({resource.address})"
