"""Turns a resource block's body into plan-shaped values: arguments as values, nested blocks as lists of objects.

`dynamic "x"` blocks are expanded in place over a known `for_each` (with `iterator`), and the list
of `x` blocks becomes one Unknown when it is not known. The arguments and blocks of the resource types
read here are told apart, so an argument written as a block (or the reverse) is an error, as in
Terraform.
"""

from __future__ import annotations

from typing import Any

from lark import Tree

from .hcl_eval import evaluate, evaluate_plain
from .hcl_lifecycle import ignore_changes
from .hcl_operations import items
from .hcl_providers import IMPLICIT, ProviderConfig
from .hcl_schema import RESOURCES, convert_values
from .hcl_scope import EvalError, Scope, hidden
from .hcl_syntax import Block, Body, name_text
from .records import TerraformError, Unknown

META_ARGUMENTS = frozenset({"count", "for_each", "provider", "depends_on", "lifecycle", "provisioner", "connection"})

# Nested block types of the resources read here (an argument of the same name would be an error).
BLOCKS: dict[str, frozenset[str]] = {
    "aws_dynamodb_table": frozenset(
        {"attribute", "global_secondary_index", "local_secondary_index", "ttl", "point_in_time_recovery",
         "server_side_encryption", "replica", "timeouts", "import_table", "on_demand_throughput", "warm_throughput"}
    ),
    "aws_dynamodb_global_secondary_index": frozenset(
        {"key_schema", "projection", "provisioned_throughput", "on_demand_throughput", "warm_throughput", "timeouts"}
    ),
    "aws_backup_vault": frozenset({"timeouts"}),
    "aws_backup_plan": frozenset({"rule", "advanced_backup_setting"}),
    "aws_backup_selection": frozenset({"selection_tag", "condition"}),
    "aws_cloudwatch_metric_alarm": frozenset({"metric_query"}),
}  # fmt: skip

# Arguments of those resources that are maps or values (a block of the same name would be an error).
ARGUMENTS: dict[str, frozenset[str]] = {
    "aws_dynamodb_table": frozenset(
        {"name", "hash_key", "range_key", "billing_mode", "read_capacity", "write_capacity", "stream_enabled",
         "stream_view_type", "table_class", "deletion_protection_enabled", "tags", "restore_source_name",
         "restore_to_latest_time", "restore_date_time"}
    ),
    "aws_dynamodb_global_secondary_index": frozenset({"table_name", "index_name"}),
    "aws_backup_vault": frozenset({"name", "kms_key_arn", "force_destroy", "tags"}),
    "aws_backup_plan": frozenset({"name", "tags"}),
    "aws_backup_selection": frozenset({"name", "plan_id", "iam_role_arn", "resources", "not_resources"}),
    "aws_cloudwatch_metric_alarm": frozenset(
        {"alarm_name", "metric_name", "namespace", "dimensions", "threshold", "period", "evaluation_periods",
         "comparison_operator", "statistic", "extended_statistic", "alarm_actions", "ok_actions",
         "insufficient_data_actions", "tags", "treat_missing_data", "datapoints_to_alarm", "unit"}
    ),
}  # fmt: skip


def resource_values(kind: str, body: Body, scope: Scope, provider: ProviderConfig = IMPLICIT) -> dict[str, Any]:
    """The values of one resource instance (its meta-arguments left out), `tags_all` as the provider makes it."""
    _check_schema(kind, body)
    values = body_values(body, scope, skip=META_ARGUMENTS)
    tags = body.attribute("tags")
    if tags is not None:
        if not isinstance(values["tags"], dict | None) and hidden(values["tags"]) is None:
            raise TerraformError(
                f'{tags.where}: tags must be a map, not {values["tags"]!r}: write tags = {{ Key = "value" }}'
            )
        values["tags"] = _strings(values["tags"], tags.where)
    if "tags" in ARGUMENTS.get(kind, ()) and (provider.default_tags or isinstance(provider.default_tags, Unknown)):
        values["tags_all"] = _tags_all(provider, values.get("tags"), tags.where if tags else body.source.shown)
    if kind in RESOURCES:
        values = convert_values(values, RESOURCES[kind], lambda name: _where(body, name))
    return ignore_changes(kind, body, values)


def _where(body: Body, name: str) -> str:
    """Where an argument or nested block of a body is written."""
    attribute = body.attribute(name)
    if attribute is not None:
        return attribute.where
    block = next((b for b in body.blocks if name in (b.type, *b.labels[:1])), None)
    return block.where if block is not None else body.source.shown


def _strings(tags: Any, where: str) -> Any:
    """A map of strings, as Terraform converts one: true is "true", 5 is "5"; null values are dropped."""
    if not isinstance(tags, dict):
        return tags
    converted = {}
    for key, value in tags.items():
        if value is None:
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, int | float):
            value = str(int(value) if isinstance(value, float) and value.is_integer() else value)
        elif isinstance(value, dict | list):
            raise TerraformError(f"{where}: the tag {key!r} has a {type(value).__name__} value: write a string")
        converted[key] = value
    return converted


def _tags_all(provider: ProviderConfig, tags: Any, where: str) -> Any:
    """The provider's default tags under the resource's own, as the provider computes `tags_all`."""
    if isinstance(provider.default_tags, Unknown):
        return provider.default_tags
    if (unknown := hidden(tags)) is not None:
        return unknown
    return {**_strings(dict(provider.default_tags), provider.where), **(tags or {})}


def _check_schema(kind: str, body: Body) -> None:
    for attribute in body.attributes:
        if attribute.name in BLOCKS.get(kind, ()):
            raise TerraformError(
                f"{attribute.where}: {attribute.name} is a block of {kind}, not an argument: "
                f"write one `{attribute.name} {{ ... }}` block each instead of `{attribute.name} = ...`"
            )
    for block in body.blocks:
        if block.type in ARGUMENTS.get(kind, ()) or block.type in ("count", "for_each", "provider", "depends_on"):
            raise TerraformError(
                f"{block.where}: {block.type} is an argument of {kind}, not a block: "
                f"write `{block.type} = ...` instead of `{block.type} {{ ... }}`"
            )


def body_values(body: Body, scope: Scope, skip: frozenset[str] = frozenset()) -> dict[str, Any]:
    """A body's arguments as values and its nested blocks as lists of objects, `dynamic` blocks expanded."""
    values: dict[str, Any] = {}
    for attribute in body.attributes:
        if attribute.name not in skip:
            values[attribute.name] = evaluate_plain(attribute.expr, scope.at(attribute.source))
    nested: dict[str, list[Any] | Unknown] = {}
    for block in body.blocks:
        if block.type in skip:
            continue
        if block.type == "dynamic":
            _expand_dynamic(block, scope.at(block.body.source), nested)
        else:
            _add(nested, block.type, [body_values(block.body, scope.at(block.body.source))])
    for name, blocks in nested.items():
        if name in values:
            where = body.attribute(name)
            raise TerraformError(
                f"{where.where if where else body.source.shown}: {name} is both an argument and a block"
            )
        values[name] = blocks
    return values


def _add(nested: dict[str, list[Any] | Unknown], name: str, blocks: list[Any] | Unknown) -> None:
    existing = nested.setdefault(name, [])
    if isinstance(existing, Unknown):
        return
    nested[name] = blocks if isinstance(blocks, Unknown) else existing + blocks


def _expand_dynamic(block: Block, scope: Scope, nested: dict[str, list[Any] | Unknown]) -> None:
    if len(block.labels) != 1:
        raise TerraformError(
            f'{block.where}: a dynamic block needs one label, the block type: dynamic "NAME" {{ ... }}'
        )
    name = block.labels[0]
    for_each = block.body.attribute("for_each")
    contents = [b for b in block.body.blocks if b.type == "content"]
    if for_each is None or len(contents) != 1:
        raise TerraformError(
            f'{block.where}: dynamic "{name}" needs `for_each = ...` and one `content {{ ... }}` block: add them'
        )
    iterator = _iterator(block, name)
    collection = evaluate(for_each.expr, scope)
    if (unknown := hidden(collection)) is not None:
        _add(
            nested,
            name,
            Unknown(f'the dynamic "{name}" blocks at {block.where} iterate over an unknown value: {unknown}'),
        )
        return
    if isinstance(collection, dict | list):
        pairs = items(collection, for_each.where)
    else:
        raise EvalError(
            f'{for_each.where}: for_each of dynamic "{name}" must be a list, set or map, not {collection!r}'
        )
    body = contents[0].body
    _add(nested, name, [body_values(body, scope.child(**{iterator: {"key": k, "value": v}})) for k, v in pairs])


def _iterator(block: Block, default: str) -> str:
    attribute = block.body.attribute("iterator")
    if attribute is None:
        return default
    node = attribute.expr
    while isinstance(node, Tree) and node.data == "expr_term" and len(node.children) == 1:
        node = node.children[0]
    if isinstance(node, Tree) and node.data == "identifier":
        return name_text(node)
    raise TerraformError(f"{attribute.where}: iterator must be a bare name: write `iterator = item`")
