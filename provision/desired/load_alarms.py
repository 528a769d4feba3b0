"""The CloudWatch alarms a table must have, as written under `alarms:` in `defaults` or in a table.

    defaults:
      alarms:                                  # every table gets these
        read_throttles: {threshold: 1}         # ReadThrottleEvents >= 1 in a minute
        system_errors: {threshold: 1, period_seconds: 300, evaluation_periods: 1}
    tables:
      orders:
        alarms:
          write_throttles: {threshold: 5}      # added to (or replacing) the defaults, kind by kind
          system_errors: off                   # this table does without the default one

Each kind is one DynamoDB metric of the table (`AlarmKind`); the environment's `alarm_actions` (SNS
topic ARNs) are notified. Every mistake is reported with its file:line and what to write instead.
"""

from __future__ import annotations

from .fields import Fields
from .model import AlarmKind, AlarmRule
from .yamlsrc import SourceDict

RULE_KEYS = ("threshold", "period_seconds", "evaluation_periods")
EXAMPLE = "alarms: {read_throttles: {threshold: 1}}"
PERIODS = frozenset((10, 30, *range(60, 86401, 60)))  # CloudWatch: 10, 30 or a multiple of 60 seconds


def read_alarms(fields: Fields, base: tuple[AlarmRule, ...] = ()) -> tuple[AlarmRule, ...]:
    """`base` (the defaults' alarms) with this mapping's kinds added, replaced, or turned `off`."""
    data = fields.mapping("alarms", example=EXAMPLE)
    if data is None:
        return base
    kinds = Fields(data, "alarms", [k.value for k in AlarmKind], fields.problems)
    rules = {rule.kind: rule for rule in base}
    for kind in AlarmKind:
        if not kinds.has(kind.value):
            continue
        value = kinds.raw(kind.value)
        if value is False:  # `off` in YAML
            rules.pop(kind, None)
            continue
        if not isinstance(value, SourceDict):
            kinds.problem(kind.value, f"alarm {kind.value} must be a mapping such as {{threshold: 1}}, or off")
            continue
        rule = _rule(Fields(value, f"alarm {kind.value}", RULE_KEYS, fields.problems), kind)
        if rule is not None:
            rules[kind] = rule
    return tuple(rules[k] for k in AlarmKind if k in rules)


def _rule(fields: Fields, kind: AlarmKind) -> AlarmRule | None:
    threshold = fields.raw("threshold") if fields.has("threshold") else None
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or threshold < 0:
        fields.problem("threshold" if fields.has("threshold") else None,
                       f"alarm {kind.value} needs a threshold of 0 or more, e.g. {{threshold: 1}}")
        return None
    period = fields.integer("period_seconds", 10, "60")
    if period is not None and period not in PERIODS:
        fields.problem("period_seconds", f"period_seconds {period} is not one CloudWatch takes: write 10, 30 or a "
                                         "multiple of 60 (at most 86400)")
        return None
    evaluations = fields.integer("evaluation_periods", 1, "1")
    return AlarmRule(kind, float(threshold), period or 60, evaluations or 1)
