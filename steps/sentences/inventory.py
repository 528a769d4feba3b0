"""Sentences about the whole environment: exact name sets, exact counts, the naming convention."""

from __future__ import annotations

from .. import checks
from ..checks.target import Target
from ..run.recorder import ScenarioFindings
from .catalogue import sentence


@sentence("then", "the environment {must:Must} have exactly these tables:",
          "Then the environment must have exactly these tables:\n  | table  |\n  | orders |\n  | users  |",
          "The environment's tables (logical names) are exactly these, no more, no fewer.")
def _(contract_target: Target, scenario_findings: ScenarioFindings, must: bool, datatable: list[list[str]]) -> None:
    scenario_findings.add(checks.exact_tables(contract_target, [row[0] for row in datatable[1:]], must))


@sentence("then", "the environment {must:Must} have exactly {count:d} tables",
          "Then the environment must have exactly 5 tables", "The number of the environment's tables.")
def _(contract_target: Target, scenario_findings: ScenarioFindings, must: bool, count: int) -> None:
    scenario_findings.add(checks.table_count(contract_target, count, must))


@sentence("then", 'the table "{table:Name}" {must:Must} have exactly these GSIs:',
          'Then the table "orders" must have exactly these GSIs:\n  | index        |\n  | OrdersByDate |\n'
          "  | OrdersByUser |",
          "The table's GSIs are exactly these.")
def _(contract_target: Target, scenario_findings: ScenarioFindings, table: str, must: bool,
      datatable: list[list[str]]) -> None:
    scenario_findings.add(checks.exact_indexes(contract_target, table, [row[0] for row in datatable[1:]], must))


@sentence("then", "the environment {must:Must} have exactly {count:d} GSIs",
          "Then the environment must have exactly 8 GSIs", "The number of GSIs over all the environment's tables.")
def _(contract_target: Target, scenario_findings: ScenarioFindings, must: bool, count: int) -> None:
    scenario_findings.add(checks.index_count(contract_target, count, must))


@sentence("then", 'every index name {must:Must} follow the convention "{template:Name}"',
          'Then every index name must follow the convention "<Table>By<Attribute>"',
          "Every GSI and LSI name matches the template: <Table> is the table's logical name in CamelCase, "
          "<Attribute> one or more CamelCase words.")
def _(contract_target: Target, scenario_findings: ScenarioFindings, must: bool, template: str) -> None:
    scenario_findings.add(checks.naming_convention(contract_target, template, must))
