"""Sentences about CloudWatch alarms: the alarm a consumer needs on a table, and none firing."""

from __future__ import annotations

from ...provision.desired.model import AlarmKind
from ..checks.alarms import alarms_quiet, table_alarm
from ..checks.target import Target
from ..run.recorder import ScenarioFindings
from .catalogue import sentence


@sentence("then", 'the table "{table:Name}" {must:Must} have a {kind:AlarmKind} alarm',
          'Then the table "orders" must have a write_throttles alarm',
          "A CloudWatch alarm watches that DynamoDB metric of the table (read_throttles, write_throttles, "
          "system_errors, consumed_read_capacity, consumed_write_capacity), whatever its name.")
def _(contract_target: Target, scenario_findings: ScenarioFindings, table: str, must: bool,
      kind: AlarmKind) -> None:
    scenario_findings.add(table_alarm(contract_target, table, kind, must))


@sentence("then", 'no alarm of the table "{table:Name}" must be in ALARM state',
          'Then no alarm of the table "orders" must be in ALARM state',
          "CloudWatch's own verdict: none of the table's alarms fires now (only AWS evaluates alarms).")
def _(contract_target: Target, scenario_findings: ScenarioFindings, table: str) -> None:
    scenario_findings.add(alarms_quiet(contract_target, table))
