"""Sentences about a table's GSIs and LSIs: existence, keys, projection."""

from __future__ import annotations

from ...provision.desired.model import AttributeType, ProjectionType
from .. import checks
from ..checks.target import Target
from ..run.recorder import ScenarioFindings
from .catalogue import sentence


@sentence("then", 'the table "{table:Name}" {must:Must} have the {kind:IndexKind} "{index:Name}"',
          'Then the table "orders" must have the GSI "OrdersByDate"',
          "The index exists and is ACTIVE. A missing one names the index most likely meant (same keys).")
def _(contract_target: Target, scenario_findings: ScenarioFindings, table: str, must: bool, kind: str,
      index: str) -> None:
    scenario_findings.add(checks.index_exists(contract_target, kind, table, index, must))


@sentence("then", 'the {kind:IndexKind} "{index:Name}" of table "{table:Name}" {must:Must} have the {role:Role} key '
          '"{attribute:Name}" of type {attribute_type:AttributeType}',
          'Then the GSI "OrdersByDate" of table "orders" must have the sort key "orderDate" of type S',
          "The index's partition or sort key has this name and type.")
def _(contract_target: Target, scenario_findings: ScenarioFindings, kind: str, index: str, table: str, must: bool,
      role: str, attribute: str, attribute_type: AttributeType) -> None:
    scenario_findings.add(checks.index_key(contract_target, kind, table, index, role, attribute, attribute_type,
                                           must))


@sentence("then", 'the {kind:IndexKind} "{index:Name}" of table "{table:Name}" {must:Must} project '
          "{projection:Projection}",
          'Then the GSI "OrdersByDate" of table "orders" must project ALL',
          "The index's projection type: ALL, KEYS_ONLY or INCLUDE.")
def _(contract_target: Target, scenario_findings: ScenarioFindings, kind: str, index: str, table: str, must: bool,
      projection: ProjectionType) -> None:
    scenario_findings.add(checks.index_projection(contract_target, kind, table, index, projection, must))


@sentence("then", 'the {kind:IndexKind} "{index:Name}" of table "{table:Name}" {must:Must} project the attributes:',
          'Then the GSI "OrdersByUser" of table "orders" must project the attributes:\n'
          "  | attribute  |\n  | orderTotal |\n  | status     |",
          "Items read through the index carry these attributes (projected, or keys of the table or index).")
def _(contract_target: Target, scenario_findings: ScenarioFindings, kind: str, index: str, table: str, must: bool,
      datatable: list[list[str]]) -> None:
    attributes = [row[0] for row in datatable[1:]]
    scenario_findings.add(checks.index_projects(contract_target, kind, table, index, attributes, must))
