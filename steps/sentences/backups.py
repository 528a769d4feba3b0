"""Sentences about backups: the vault, and a table's coverage by a plan."""

from __future__ import annotations

from .. import checks
from ..checks.target import Target
from ..run.recorder import ScenarioFindings
from .catalogue import sentence


@sentence("then", 'the backup vault "{vault:Name}" {must:Must} exist',
          'Then the backup vault "bbws-dynamodb" must exist', "The vault (logical name) exists in AWS Backup.")
def _(contract_target: Target, scenario_findings: ScenarioFindings, vault: str, must: bool) -> None:
    scenario_findings.add(checks.vault_exists(contract_target, vault, must))


@sentence("then", 'the table "{table:Name}" {must:Must} be covered by a backup plan keeping backups at least '
          '{days:d} days in vault "{vault:Name}"',
          'Then the table "orders" must be covered by a backup plan keeping backups at least 14 days in vault '
          '"bbws-dynamodb"',
          "Some backup plan writes to the vault, keeps backups at least that long, and one of its selections "
          "names the table by ARN, wildcard or tag.")
def _(contract_target: Target, scenario_findings: ScenarioFindings, table: str, must: bool, days: int,
      vault: str) -> None:
    scenario_findings.add(checks.backup_coverage(contract_target, table, days, vault, must))
