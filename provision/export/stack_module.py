"""The Terraform module of the stack: every table, backup resource and alarm of `contracts/`, environment-free.

What is the same in every environment (keys, indexes, billing, streams, encryption, TTL, each table's own
settings and tags, the backup rules, the alarm rules) is written in the module as literals, one resource per
table named after its logical name (`aws_dynamodb_table.orders`); what differs between environments comes in
through variables: the physical names, the overrides of `environments.*.overrides`, the backup role, the
alarm actions, and the names of the backup selections (a digest of what each selects, as the provisioner
names them, so a stack applied by either tool is the same stack).
"""

from __future__ import annotations

from collections.abc import Mapping

from ..desired.model import (
    ALARM_COMPARISON,
    ALARM_STATISTIC,
    AlarmRule,
    BackupPlan,
    BackupVault,
    BillingMode,
    DesiredState,
    EncryptionType,
    GlobalIndex,
    LocalIndex,
    ProjectionType,
    TableSpec,
)
from ..desired.stack import OWNERSHIP_TAG_KEY, OWNERSHIP_TAG_VALUE
from .hcl import (
    Attr,
    Blank,
    Block,
    Call,
    Comment,
    Expr,
    Item,
    Value,
    identifier,
    string,
)

TABLES = "tables.tf"
BACKUP = "backup.tf"
ALARMS = "alarms.tf"
VARIABLES = "variables.tf"
OUTPUTS = "outputs.tf"
VERSIONS = "versions.tf"
PROVIDER_CONSTRAINT = ">= 5.0"


OVERRIDABLE = {"deletion_protection": "bool", "point_in_time_recovery": "bool", "table_class": "string",
               "tags": "map(string)"}


def overridden(desired: DesiredState) -> tuple[str, ...]:
    """The table settings some environment overrides: only those are variables (the others stay literals, which
    reviewers and scanners such as checkov read as they are)."""
    found = []
    for name in OVERRIDABLE:
        values = [getattr(env.overrides, name) for env in desired.environments.values()]
        if any(v for v in values) if name == "tags" else any(v is not None for v in values):
            found.append(name)
    return tuple(found)


def files(desired: DesiredState) -> dict[str, list[Item]]:
    """The module's files, by name, as HCL items."""
    fields = overridden(desired)
    found: dict[str, list[Item]] = {VERSIONS: _versions(), VARIABLES: _variables(fields),
                                    TABLES: _tables(desired, fields)}
    if desired.vaults or desired.plans:
        found[BACKUP] = _backups(desired)
    alarms: list[Item] = [_alarm(spec, rule) for spec in desired.tables for rule in spec.alarms]
    if alarms:
        found[ALARMS] = alarms
    found[OUTPUTS] = _outputs(desired)
    return found


def table_address(logical: str) -> str:
    return f"aws_dynamodb_table.{identifier(logical)}"


def _versions() -> list[Item]:
    return [Block("terraform", (), (Block("required_providers", (), (
        Attr("aws", {"source": "hashicorp/aws", "version": PROVIDER_CONSTRAINT}),)),))]


def _variable(name: str, kind: str, description: str, default: object = ..., *extra: Attr) -> Block:
    body: list[Attr] = [Attr("description", description), Attr("type", Expr(kind))]
    if default is not ...:
        body.append(Attr("default", default))  # type: ignore[arg-type]
    return Block("variable", (name,), (*body, *extra))


def _overrides_type(fields: tuple[str, ...]) -> str:
    width = max(len(f) for f in fields)
    lines = "".join(f"    {f.ljust(width)} = optional({OVERRIDABLE[f]}{', {}' if f == 'tags' else ''})\n"
                    for f in fields)
    return "object({\n" + lines + "  })"


def _variables(fields: tuple[str, ...]) -> list[Item]:
    overrides = [_variable("overrides", _overrides_type(fields), "What the environment changes for every table "
                           "(environments.yaml overrides); null keeps each table's own setting.", {})] if fields else []
    return [
        _variable("environment", "string", "The environment's name in contracts/ (environments.yaml)."),
        _variable("table_names", "map(string)", "Each table's physical name, by its logical name in contracts/."),
        _variable("backup_names", "map(string)", "Each backup vault's and plan's physical name, by its logical name."),
        _variable("selection_names", "map(string)",
                  "Each backup plan's selection name, by the plan's logical name: a digest of what it selects, as "
                  "the provisioner names it, so a changed selection is a new one made before the old one goes."),
        *overrides,
        _variable("backup_role_arn", "string", "The IAM role AWS Backup uses to back the tables up."),
        _variable("alarm_actions", "list(string)", "What every CloudWatch alarm notifies (SNS topic ARNs).", []),
    ]


def _tables(desired: DesiredState, fields: tuple[str, ...]) -> list[Item]:
    items: list[Item] = []
    for spec in desired.tables:
        if spec.description:
            items.append(Comment(f"{spec.name}: {spec.description}"))
        items.append(_table(spec, fields))
    return items


def _setting(name: str, own: bool | str, fields: tuple[str, ...]) -> Value:
    """A table's own setting, or (where some environment overrides it) the override when it is given."""
    literal = own if isinstance(own, str) else str(own).lower()
    if name not in fields:
        return own
    return Expr(f"coalesce(var.overrides.{name}, {string(literal) if isinstance(own, str) else literal})")


def _table(spec: TableSpec, fields: tuple[str, ...]) -> Block:
    logical = spec.name
    body: list[Item] = [Attr("name", Expr(f"var.table_names[{string(logical)}]")),
                        Attr("billing_mode", spec.billing.mode.value)]
    if spec.billing.mode is BillingMode.PROVISIONED and spec.billing.capacity is not None:
        body += [Attr("read_capacity", spec.billing.capacity.read), Attr("write_capacity", spec.billing.capacity.write)]
    body.append(Attr("hash_key", spec.keys.partition.name))
    if spec.keys.sort is not None:
        body.append(Attr("range_key", spec.keys.sort.name))
    body.append(Attr("stream_enabled", spec.stream is not None))
    if spec.stream is not None:
        body.append(Attr("stream_view_type", spec.stream.value))
    body += [Attr("table_class", _setting("table_class", spec.table_class.value, fields)),
             Attr("deletion_protection_enabled", _setting("deletion_protection", spec.deletion_protection, fields))]
    for name, kind in sorted(spec.attribute_types().items()):
        body += [Blank(), Block("attribute", (), (Attr("name", name), Attr("type", kind.value)))]
    for gsi in spec.global_indexes:
        body += [Blank(), _global_index(gsi, spec.billing.mode is BillingMode.PROVISIONED)]
    for lsi in spec.local_indexes:
        body += [Blank(), _local_index(lsi)]
    pitr = _setting("point_in_time_recovery", spec.point_in_time_recovery, fields)
    body += [Blank(), Block("point_in_time_recovery", (), (Attr("enabled", pitr),))]
    if spec.encryption.type is not EncryptionType.AWS_OWNED:
        sse: list[Item] = [Attr("enabled", True)]
        if spec.encryption.type is EncryptionType.CUSTOMER_MANAGED and spec.encryption.kms_key:
            sse.append(Attr("kms_key_arn", spec.encryption.kms_key))
        body += [Blank(), Block("server_side_encryption", (), tuple(sse))]
    if spec.ttl_attribute:
        body += [Blank(), Block("ttl", (), (Attr("attribute_name", spec.ttl_attribute), Attr("enabled", True)))]
    tags = {**spec.tags, OWNERSHIP_TAG_KEY: OWNERSHIP_TAG_VALUE}
    own_tags = dict(sorted(tags.items()))
    body += [Blank(), Attr("tags", Call("merge", (own_tags, Expr("var.overrides.tags"))) if "tags" in fields
                      else own_tags)]
    return Block("resource", ("aws_dynamodb_table", identifier(logical)), tuple(body))


def _projection(projection_type: ProjectionType, attributes: frozenset[str]) -> list[Attr]:
    found = [Attr("projection_type", projection_type.value)]
    if projection_type is ProjectionType.INCLUDE:
        found.append(Attr("non_key_attributes", sorted(attributes)))
    return found


def _global_index(gsi: GlobalIndex, provisioned: bool) -> Block:
    body: list[Attr] = [Attr("name", gsi.name), Attr("hash_key", gsi.keys.partition.name)]
    if gsi.keys.sort is not None:
        body.append(Attr("range_key", gsi.keys.sort.name))
    body += _projection(gsi.projection.type, gsi.projection.attributes)
    if provisioned and gsi.capacity is not None:
        body += [Attr("read_capacity", gsi.capacity.read), Attr("write_capacity", gsi.capacity.write)]
    return Block("global_secondary_index", (), tuple(body))


def _local_index(lsi: LocalIndex) -> Block:
    body = [Attr("name", lsi.name), Attr("range_key", lsi.sort_key.name),
            *_projection(lsi.projection.type, lsi.projection.attributes)]
    return Block("local_secondary_index", (), tuple(body))


def _backups(desired: DesiredState) -> list[Item]:
    items: list[Item] = [_vault(vault) for vault in desired.vaults]
    vaults = {vault.name: vault for vault in desired.vaults}
    for plan in desired.plans:
        items += [_plan(plan, vaults), _selection(plan, desired)]
    return items


def _vault(vault: BackupVault) -> Block:
    body: list[Attr] = [Attr("name", Expr(f"var.backup_names[{string(vault.name)}]"))]
    if vault.kms_key:
        body.append(Attr("kms_key_arn", vault.kms_key))
    return Block("resource", ("aws_backup_vault", identifier(vault.name)), tuple(body))


def _plan(plan: BackupPlan, vaults: Mapping[str, BackupVault]) -> Block:
    rule = plan.rule
    lifecycle: list[Attr] = []
    if rule.cold_storage_after_days is not None:
        lifecycle.append(Attr("cold_storage_after", rule.cold_storage_after_days))
    lifecycle.append(Attr("delete_after", rule.retention_days))
    vault = f"aws_backup_vault.{identifier(rule.vault)}.name" if rule.vault in vaults else None
    body: list[Item] = [
        Attr("rule_name", rule.name),
        Attr("target_vault_name", Expr(vault) if vault else Expr(f"var.backup_names[{string(rule.vault)}]")),
        Attr("schedule", rule.schedule), Blank(), Block("lifecycle", (), tuple(lifecycle))]
    return Block("resource", ("aws_backup_plan", identifier(plan.name)), (
        Attr("name", Expr(f"var.backup_names[{string(plan.name)}]")), Blank(), Block("rule", (), tuple(body))))


def _selection(plan: BackupPlan, desired: DesiredState) -> Block:
    body: list[Item] = [
        Attr("name", Expr(f"var.selection_names[{string(plan.name)}]")),
        Attr("plan_id", Expr(f"aws_backup_plan.{identifier(plan.name)}.id")),
        Attr("iam_role_arn", Expr("var.backup_role_arn"))]
    covers = plan.covers
    if covers.tags:
        for key, tag in sorted(covers.tags.items()):
            body += [Blank(), Block("selection_tag", (), (Attr("type", "STRINGEQUALS"), Attr("key", key),
                                                          Attr("value", tag)))]
    else:
        names = [t.name for t in desired.tables] if covers.all_tables else list(covers.tables)
        body.append(Attr("resources", [Expr(f"{table_address(name)}.arn") for name in names]))
    body += [Blank(), Comment("AWS Backup cannot change a selection: a new one is made before the old one goes"),
             Block("lifecycle", (), (Attr("create_before_destroy", True),))]
    return Block("resource", ("aws_backup_selection", identifier(plan.name)), tuple(body))


def _alarm(spec: TableSpec, rule: AlarmRule) -> Block:
    table = table_address(spec.name)
    suffix = rule.kind.value.replace("_", "-")
    body: list[Item] = [
        Attr("alarm_name", Expr(f'"${{{table}.name}}-{suffix}"')),
        Attr("alarm_description", Expr(f'"dynamo-contracts: {rule.kind.value} of table ${{{table}.name}}"')),
        Attr("namespace", "AWS/DynamoDB"), Attr("metric_name", rule.kind.metric),
        Attr("statistic", ALARM_STATISTIC), Attr("period", rule.period_seconds),
        Attr("evaluation_periods", rule.evaluation_periods), Attr("threshold", rule.threshold),
        Attr("comparison_operator", ALARM_COMPARISON), Attr("treat_missing_data", "notBreaching"),
        Attr("alarm_actions", Expr("var.alarm_actions")), Blank(),
        Attr("dimensions", {"TableName": Expr(f"{table}.name")})]
    return Block("resource", ("aws_cloudwatch_metric_alarm", f"{identifier(spec.name)}_{rule.kind.value}"),
                 tuple(body))


def _outputs(desired: DesiredState) -> list[Item]:
    arns = {t.name: Expr(f"{table_address(t.name)}.arn") for t in desired.tables}
    names = {t.name: Expr(f"{table_address(t.name)}.name") for t in desired.tables}
    return [Block("output", ("table_arns",), (Attr("description", "Each table's ARN, by its logical name."),
                                              Attr("value", arns))),
            Block("output", ("table_names",), (Attr("description", "Each table's physical name, by its logical name."),
                                               Attr("value", names)))]
