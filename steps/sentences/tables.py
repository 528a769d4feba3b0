"""Sentences about one table: existence, keys, settings."""

from __future__ import annotations

from ...provision.desired.model import AttributeType, BillingMode, EncryptionType, StreamView, TableClass
from .. import checks
from ..checks.replicas import replicated
from ..checks.target import Target
from ..run.recorder import ScenarioFindings
from .catalogue import sentence


@sentence("then", 'the table "{table:Name}" {must:Must} exist',
          'Then the table "orders" must exist', "The table exists and is ACTIVE (or, with must not, is absent).")
def _(contract_target: Target, scenario_findings: ScenarioFindings, table: str, must: bool) -> None:
    scenario_findings.add(checks.table_exists(contract_target, table, must))


@sentence("then", 'the table "{table:Name}" {must:Must} have the {role:Role} key "{attribute:Name}" of type '
          "{attribute_type:AttributeType}",
          'Then the table "orders" must have the partition key "tenantId" of type S',
          "The table's partition or sort key has this name and type (S, N or B).")
def _(contract_target: Target, scenario_findings: ScenarioFindings, table: str, must: bool, role: str,
      attribute: str, attribute_type: AttributeType) -> None:
    scenario_findings.add(checks.table_key(contract_target, table, role, attribute, attribute_type, must))


@sentence("then", 'the table "{table:Name}" {must:Must} have billing mode {mode:BillingMode}',
          'Then the table "orders" must have billing mode PAY_PER_REQUEST',
          "PAY_PER_REQUEST (on demand) or PROVISIONED.")
def _(contract_target: Target, scenario_findings: ScenarioFindings, table: str, must: bool,
      mode: BillingMode) -> None:
    scenario_findings.add(checks.billing_mode(contract_target, table, mode, must))


@sentence("then", 'the table "{table:Name}" {must:Must} have a stream of view type {view:StreamView}',
          'Then the table "orders" must have a stream of view type NEW_AND_OLD_IMAGES',
          "The table's stream is on with this view type (KEYS_ONLY, NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES).")
def _(contract_target: Target, scenario_findings: ScenarioFindings, table: str, must: bool,
      view: StreamView) -> None:
    scenario_findings.add(checks.stream_view(contract_target, table, view, must))


@sentence("then", 'the table "{table:Name}" {must:Must} be encrypted with {encryption:Encryption}',
          'Then the table "orders" must be encrypted with AWS_MANAGED',
          "Encryption at rest with the AWS owned key, the AWS managed KMS key, or a customer managed KMS key.")
def _(contract_target: Target, scenario_findings: ScenarioFindings, table: str, must: bool,
      encryption: EncryptionType) -> None:
    scenario_findings.add(checks.encryption(contract_target, table, encryption, must))


@sentence("then", 'the table "{table:Name}" {must:Must} have point-in-time recovery',
          'Then the table "orders" must have point-in-time recovery', "PITR is enabled.")
def _(contract_target: Target, scenario_findings: ScenarioFindings, table: str, must: bool) -> None:
    scenario_findings.add(checks.point_in_time_recovery(contract_target, table, must))


@sentence("then", 'the table "{table:Name}" {must:Must} have TTL on the attribute "{attribute:Name}"',
          'Then the table "campaigns" must have TTL on the attribute "expiresAt"',
          "Time to live is enabled on this attribute.")
def _(contract_target: Target, scenario_findings: ScenarioFindings, table: str, must: bool, attribute: str) -> None:
    scenario_findings.add(checks.ttl_attribute(contract_target, table, attribute, must))


@sentence("then", 'the table "{table:Name}" {must:Must} have deletion protection',
          'Then the table "orders" must have deletion protection', "Deletion protection is on.")
def _(contract_target: Target, scenario_findings: ScenarioFindings, table: str, must: bool) -> None:
    scenario_findings.add(checks.deletion_protection(contract_target, table, must))


@sentence("then", 'the table "{table:Name}" {must:Must} have table class {table_class:TableClass}',
          'Then the table "orders" must have table class STANDARD', "STANDARD or STANDARD_INFREQUENT_ACCESS.")
def _(contract_target: Target, scenario_findings: ScenarioFindings, table: str, must: bool,
      table_class: TableClass) -> None:
    scenario_findings.add(checks.table_class(contract_target, table, table_class, must))


@sentence("then", 'the table "{table:Name}" {must:Must} have the tags:',
          'Then the table "orders" must have the tags:\n  | key     | value |\n  | Project | bbws  |',
          "Every tag in the table is on the table with this value (must not: none of them is).")
def _(contract_target: Target, scenario_findings: ScenarioFindings, table: str, must: bool,
      datatable: list[list[str]]) -> None:
    wanted = {row[0]: row[1] for row in datatable[1:]}
    scenario_findings.add(checks.tags(contract_target, table, wanted, must))


@sentence("then", 'the table "{table:Name}" {must:Must} be replicated to the region "{region:Name}"',
          'Then the table "orders" must be replicated to the region "us-east-1"',
          "A replica of the table (a global table) is in that region (must not: none is).")
def _(contract_target: Target, scenario_findings: ScenarioFindings, table: str, must: bool, region: str) -> None:
    scenario_findings.add(replicated(contract_target, table, region, must))
