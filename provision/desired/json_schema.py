"""A JSON Schema (draft 2020-12) of the contracts/ format, made from the loader's own vocabulary, for editors.

An editor with a YAML language server (VS Code's YAML extension, JetBrains, Neovim's yamlls) reads the
`# yaml-language-server: $schema=...` line at the top of each contracts file and then completes keys, shows the
allowed values of each enum, and underlines a misspelled key as it is typed. The schema is made here from what the
loader accepts: every key list (TABLE_KEYS, ENVIRONMENT_KEYS, ...) and every enum of `provision.desired.model`;
`_object` refuses a key list and a description that differ, so a key added to the loader cannot be missing here.
`python -m provision schema --out FILE` writes it; `schema/contracts.schema.json` is the committed copy, checked
by CI with `--check` (as `provision terraform --check` does for infra/).

The schema says what each file may hold, not everything the loader checks: names that must exist elsewhere
(a vault a plan names, a table a waiver names), limits across files, naming conventions and schedules stay
the loader's, which says `file:line` and what to write instead (`python -m provision validate`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any

from . import limits, waivers
from .load import (
    BACKUP_KEYS,
    CONVENTION_KEYS,
    COVERS_KEYS,
    PLAN_KEYS,
    SECTIONS,
    VAULT_KEYS,
)
from .load_alarms import RULE_KEYS
from .load_env import ENVIRONMENT_KEYS, OVERRIDE_KEYS
from .load_index import CAPACITY_KEYS, GSI_KEYS, KEY_KEYS, LSI_KEYS, PROJECTION_KEYS
from .load_lambda_roles import KEYS as LAMBDA_ROLES_KEYS
from .load_lambda_roles import ROLE_KEYS
from .load_replicas import REPLICA_KEYS
from .load_table import DEFAULT_KEYS, ENCRYPTION_KEYS, TABLE_KEYS
from .load_usage import (
    BUDGET_KEYS,
    NUMBER_KEYS,
    TABLE_ENTRY_KEYS,
    TABLE_USAGE_KEYS,
    USAGE_KEYS,
)
from .model import (
    AlarmKind,
    AttributeType,
    BackendKind,
    BillingMode,
    EncryptionType,
    ProjectionType,
    ReadConsistency,
    StreamView,
    TableClass,
)

SCHEMA_ID = "https://dynamo-contracts.dev/schema/contracts.schema.json"  # an identifier, not fetched
COMMITTED = "schema/contracts.schema.json"  # the copy in the repository, which the YAML files name

Schema = dict[str, Any]


class SchemaDrift(Exception):
    """A key list of the loader and its description here differ: add the key's description (or remove it)."""


def _ref(name: str) -> Schema:
    return {"$ref": f"#/$defs/{name}"}


def _enum(enum: type[StrEnum], description: str) -> Schema:
    return {"enum": [member.value for member in enum], "description": description}


def _text(description: str) -> Schema:
    return {"type": "string", "description": description}


def _flag(description: str) -> Schema:
    return {"type": "boolean", "description": description}


def _whole(minimum: int, description: str) -> Schema:
    return {"type": "integer", "minimum": minimum, "description": description}


def _names(description: str) -> Schema:
    return {"type": "array", "items": {"type": "string"}, "description": description}


def _map_of(value: Schema, description: str, names: Schema | None = None) -> Schema:
    found: Schema = {"type": "object", "additionalProperties": value, "description": description}
    if names is not None:
        found["propertyNames"] = names
    return found


def _object(keys: Iterable[str], described: Mapping[str, Schema], description: str,
            required: Iterable[str] = ()) -> Schema:
    """A mapping of exactly the loader's `keys`, each described; no other key (a misspelling is underlined)."""
    keys = list(keys)
    if set(keys) != set(described):
        missing, extra = sorted(set(keys) - set(described)), sorted(set(described) - set(keys))
        raise SchemaDrift(f"{description}: the loader takes {keys}; described here: {sorted(described)} "
                          f"(missing {missing}, not the loader's {extra})")
    found: Schema = {"type": "object", "description": description, "additionalProperties": False,
                     "properties": {key: described[key] for key in keys}}
    if required := list(required):
        found["required"] = required
    return found


TABLE_NAME: Schema = {"type": "string", "minLength": limits.NAME_MIN_LENGTH, "maxLength": limits.NAME_MAX_LENGTH,
                      "pattern": f"^{limits.NAME_PATTERN.pattern}$"}
TAGS = _map_of({"type": ["string", "number"]}, "tags, key: value (a number is written as text)")
# A YAML 1.2 reader (an editor's) reads 1_000_000 as text, the loader's YAML 1.1 as a number: both are allowed.
# `off` is false to the loader's YAML 1.1 and text to an editor's YAML 1.2: both mean "none".
OFF: Schema = {"enum": [False, "off"]}
AMOUNT: Schema = {"anyOf": [{"type": "number", "minimum": 0},
                            {"type": "string", "pattern": "^[0-9][0-9_]*(\\.[0-9]+)?$"}]}


def _table_settings() -> dict[str, Schema]:
    """The settings a table has and the `defaults:` give every table."""
    return {
        "billing_mode": _enum(BillingMode, "how the table is billed (default PAY_PER_REQUEST)"),
        "stream": {"anyOf": [_enum(StreamView, "what the stream carries"), OFF],
                   "description": "the table's stream: what it carries, or false for none"},
        "encryption": {"anyOf": [_enum(EncryptionType, "who holds the key"),
                                 _object(ENCRYPTION_KEYS, {"type": _enum(EncryptionType, "who holds the key"),
                                                           "kms_key": _text("the KMS key's ARN (CUSTOMER_MANAGED)")},
                                         "encryption with a customer managed key", required=["type"])],
                       "description": "AWS_OWNED (default), AWS_MANAGED, or {type: CUSTOMER_MANAGED, kms_key: ARN}"},
        "point_in_time_recovery": _flag("point-in-time recovery on"),
        "deletion_protection": _flag("deletion protection on"),
        "table_class": _enum(TableClass, "the table class (default STANDARD)"),
        "tags": TAGS,
        "alarms": _ref("alarms"),
    }


def _definitions() -> dict[str, Schema]:
    settings = _table_settings()
    key = _object(KEY_KEYS, {"name": _text("the attribute's name"), "type": _enum(AttributeType, "S, N or B")},
                  "a key attribute: {name: tenantId, type: S}", required=["name", "type"])
    projection = {"anyOf": [_enum(ProjectionType, "what the index holds"), _object(
        PROJECTION_KEYS, {"type": _enum(ProjectionType, "what the index holds"),
                          "attributes": _names("the attributes an INCLUDE projection adds")},
        "a projection with its attributes: {type: INCLUDE, attributes: [status]}", required=["type"])],
        "description": "ALL, KEYS_ONLY, or {type: INCLUDE, attributes: [...]}"}
    capacity = _object(CAPACITY_KEYS, {"read": _whole(1, "read capacity units"),
                                       "write": _whole(1, "write capacity units")},
                       "provisioned capacity (billing_mode PROVISIONED)")
    index = {"partition_key": _ref("key"), "sort_key": _ref("key"), "projection": _ref("projection"),
             "capacity": _ref("capacity")}
    alarm = _object(RULE_KEYS, {"threshold": {"type": "number", "minimum": 0, "description": "alarm at or above"},
                                "period_seconds": _whole(10, "10, 30 or a multiple of 60 (default 60)"),
                                "evaluation_periods": _whole(1, "periods in a row (default 1)")},
                    "an alarm on a metric of the table", required=["threshold"])
    alarms = _object([k.value for k in AlarmKind], {k.value: {"anyOf": [alarm, OFF]} for k in AlarmKind},
                     "alarms by metric; `off` (false) removes one the defaults give")
    replica = {"anyOf": [_text("a region: us-east-1"), _object(REPLICA_KEYS, {
        "region": _text("the replica's region"), "kms_key": _text("the replica's KMS key ARN"),
        "point_in_time_recovery": _flag("point-in-time recovery on the replica"),
        "propagate_tags": _flag("the table's tags on the replica too")}, "a replica", required=["region"])]}
    table = _object(TABLE_KEYS, {
        **settings,
        "description": _text("what the table holds, and for whom"),
        "partition_key": _ref("key"), "sort_key": _ref("key"),
        "global_indexes": _map_of(_object(GSI_KEYS, index, "a global secondary index", required=["partition_key"]),
                                  "GSIs by name", TABLE_NAME),
        "local_indexes": _map_of(_object(LSI_KEYS, {k: index[k] for k in LSI_KEYS}, "a local secondary index",
                                         required=["sort_key"]), "LSIs by name", TABLE_NAME),
        "capacity": _ref("capacity"),
        "ttl_attribute": _text("the attribute holding each item's expiry (epoch seconds)"),
        "replicas": {"type": "array", "items": replica, "description": "the regions of a global table's replicas"},
    }, "a table", required=["partition_key"])
    covers = {"anyOf": [{"const": "all"}, _object(COVERS_KEYS, {
        "tables": _names("the tables covered"), "tags": TAGS}, "the tables covered, by name or by tag")],
        "description": "all, {tables: [...]} or {tags: {Backup: daily}}"}
    plan = _object(PLAN_KEYS, {
        "vault": _text("the vault its backups go to (a name under backup.vaults)"),
        "schedule": _text("cron(...) or rate(...), as AWS Backup takes it"),
        "retention_days": _whole(limits.MIN_RETENTION_DAYS, "days a backup is kept"),
        "cold_storage_after_days": _whole(1, "days before a backup moves to cold storage"),
        "covers": covers}, "a backup plan", required=["vault", "schedule", "retention_days", "covers"])
    vault = {"anyOf": [{"type": "null"}, _object(VAULT_KEYS, {"kms_key": _text("the vault's KMS key ARN")},
                                                 "a backup vault ({} for AWS's key)")]}
    usage_table = {k: AMOUNT for k in NUMBER_KEYS} | {
        "read_consistency": _enum(ReadConsistency, "how the reads are made")}
    role = _object(ROLE_KEYS, {
        "role_arn": _text("the role's ARN; may use {consumer}, {env} and {account}"),
        "policies": {"anyOf": [{"const": "generated"}, _names("IAM policy documents (JSON), relative to this file")],
                     "description": "generated, or a list of policy files"}}, "a Lambda role", required=["role_arn"])
    environment = _object(ENVIRONMENT_KEYS, {
        "backend": _enum(BackendKind, "where the stack lives"),
        "region": _text("the AWS region"),
        "account_id": {"type": ["string", "integer"], "description": "the AWS account id, quoted: '123456789012'"},
        "profile": _text("the AWS profile to use"), "role_arn": _text("a role to assume"),
        "endpoint_url": _text("an endpoint (DynamoDB Local or moto's server)"),
        "table_name_pattern": _text("physical table names, e.g. {table}-{env}"),
        "backup_name_pattern": _text("physical vault and plan names, e.g. {name}-{env}"),
        "backup_role_arn": _text("the role AWS Backup assumes"),
        "overrides": _object(OVERRIDE_KEYS, {k: settings[k] for k in OVERRIDE_KEYS},
                             "table settings this environment changes"),
        "writes_allowed": _flag("contracts may write marked items"),
        "destroy_allowed": _flag("tables may be deleted (never on aws)"),
        "protected": _flag("deletes refused outright"),
        "record_verdicts": _flag("record each run's verdicts for can-i-deploy"),
        "usage": _object(USAGE_KEYS, {
            "defaults": _object(TABLE_USAGE_KEYS, usage_table, "every table's expected usage"),
            "tables": _map_of(_object(TABLE_ENTRY_KEYS, {**usage_table, "file": _text("a usage file")},
                                      "one table's expected usage"), "by table")}, "expected usage a month"),
        "budget": _object(BUDGET_KEYS, {"monthly_usd": AMOUNT}, "the monthly budget in USD"),
        "alarm_actions": _names("the ARNs the alarms notify"),
        "lambda_roles": _object(LAMBDA_ROLES_KEYS, {"defaults": role, "consumers": _map_of(role, "by consumer")},
                                "the IAM role each consumer's Lambda runs as"),
    }, "an environment", required=["backend"])
    waiver_fields = {"consumer": _text("the consumer (its features/ folder)"), "scenario": _text("a scenario's name"),
                     "table": _text("a table"), "index": _text("an index"), "kind": _text("a kind of gap"),
                     "environment": _text("one environment (default: all)"),
                     "approved_by": _text("who approved it: a person or a team"), "reason": _text("why"),
                     "expires": {"type": "string", "format": "date", "description": "until when: 2026-03-31"}}
    waiver = _object(waivers.FIELDS, waiver_fields, "a gap accepted as risk", required=waivers.STATED)
    return {"key": key, "projection": projection, "capacity": capacity, "alarms": alarms, "table": table,
            "defaults": _object(DEFAULT_KEYS, {k: settings[k] for k in DEFAULT_KEYS}, "what every table gets"),
            "backup": _object(BACKUP_KEYS, {"vaults": _map_of(vault, "vaults by name"),
                                            "plans": _map_of(plan, "plans by name")}, "backup vaults and plans"),
            "environment": environment, "waiver": waiver}


def build() -> Schema:
    """The schema of one contracts file (each file holds any of the sections; the loader merges them)."""
    sections = {"tables": _map_of(_ref("table"), "tables by logical name", TABLE_NAME),
                "defaults": _ref("defaults"), "backup": _ref("backup"),
                "environments": _map_of(_ref("environment"), "environments by name"),
                "conventions": _object(CONVENTION_KEYS, {"index_naming": _text("e.g. <Table>By<Attribute>")},
                                       "naming conventions"),
                waivers.SECTION: {"type": "array", "items": _ref("waiver"), "description": "waivers"}}
    top = _object(SECTIONS, sections, "a contracts file (contracts/*.yaml)")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID,
            "title": "dynamo-contracts: the desired state of a DynamoDB stack", **top, "$defs": _definitions()}


def render() -> str:
    return json.dumps(build(), indent=2, sort_keys=False) + "\n"
