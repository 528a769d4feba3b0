"""The AWS provider's schema for the resource types read here: each argument's type, each nested block's own.

Taken from `terraform providers schema -json` of hashicorp/aws 5.100.0 (arguments a configuration may set; the
computed-only ones such as `arn` left out). Terraform uses it twice where the reader must too: to tell a
nested block from an argument in a `.tf.json` file (JSON has one syntax for both), and to convert each
argument's value to its type (`stream_enabled = "true"` is true, `read_capacity = "5"` is 5, a number
given as a tag is a string), refusing a value that does not convert.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .records import Reference, TerraformError, Unknown

__all__ = ["PROVIDER_BLOCKS", "RESOURCES", "Schema", "convert_values"]

_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_INTEGER = re.compile(r"[+-]?\d+")
_TYPES = {"s": "string", "n": "number", "b": "bool", "ls": "list(string)", "ms": "map(string)"}


@dataclass(frozen=True)
class Schema:
    """One body's arguments (name -> type, as `_TYPES` writes it) and nested blocks."""

    arguments: Mapping[str, str]
    blocks: Mapping[str, Schema] = field(default_factory=dict)


def _s(arguments: str, **blocks: Schema) -> Schema:
    pairs = (item.split(":") for item in arguments.split())
    return Schema({name: _TYPES[kind] for name, kind in pairs}, blocks)


_LIFECYCLE = _s("cold_storage_after:n delete_after:n opt_in_to_archive_for_supported_resources:b")
_THROUGHPUT = _s("max_read_request_units:n max_write_request_units:n")
_TAG_TEST = _s("key:s value:s")

RESOURCES: dict[str, Schema] = {
    "aws_dynamodb_table": _s(
        "billing_mode:s deletion_protection_enabled:b hash_key:s id:s name:s range_key:s read_capacity:n "
        "restore_date_time:s restore_source_name:s restore_source_table_arn:s restore_to_latest_time:b "
        "stream_enabled:b stream_view_type:s table_class:s tags:ms tags_all:ms write_capacity:n",
        attribute=_s("name:s type:s"),
        global_secondary_index=_s(
            "hash_key:s name:s non_key_attributes:ls projection_type:s range_key:s read_capacity:n write_capacity:n",
            on_demand_throughput=_THROUGHPUT),
        import_table=_s(
            "input_compression_type:s input_format:s",
            input_format_options=_s("", csv=_s("delimiter:s header_list:ls")),
            s3_bucket_source=_s("bucket:s bucket_owner:s key_prefix:s")),
        local_secondary_index=_s("name:s non_key_attributes:ls projection_type:s range_key:s"),
        on_demand_throughput=_THROUGHPUT,
        point_in_time_recovery=_s("enabled:b recovery_period_in_days:n"),
        replica=_s("kms_key_arn:s point_in_time_recovery:b propagate_tags:b region_name:s"),
        server_side_encryption=_s("enabled:b kms_key_arn:s"),
        timeouts=_s("create:s delete:s update:s"),
        ttl=_s("attribute_name:s enabled:b"),
    ),
    "aws_backup_vault": _s("force_destroy:b id:s kms_key_arn:s name:s tags:ms tags_all:ms", timeouts=_s("delete:s")),
    "aws_backup_plan": _s(
        "id:s name:s tags:ms tags_all:ms",
        advanced_backup_setting=_s("backup_options:ms resource_type:s"),
        rule=_s(
            "completion_window:n enable_continuous_backup:b recovery_point_tags:ms rule_name:s schedule:s "
            "schedule_expression_timezone:s start_window:n target_vault_name:s",
            copy_action=_s("destination_vault_arn:s", lifecycle=_LIFECYCLE),
            lifecycle=_LIFECYCLE),
    ),
    "aws_backup_selection": _s(
        "iam_role_arn:s id:s name:s not_resources:ls plan_id:s resources:ls",
        condition=_s("", string_equals=_TAG_TEST, string_like=_TAG_TEST, string_not_equals=_TAG_TEST,
                     string_not_like=_TAG_TEST),
        selection_tag=_s("key:s type:s value:s"),
    ),
    "aws_cloudwatch_metric_alarm": _s(
        "actions_enabled:b alarm_actions:ls alarm_description:s alarm_name:s comparison_operator:s "
        "datapoints_to_alarm:n dimensions:ms evaluate_low_sample_count_percentiles:s evaluation_periods:n "
        "extended_statistic:s id:s insufficient_data_actions:ls metric_name:s namespace:s ok_actions:ls period:n "
        "statistic:s tags:ms tags_all:ms threshold:n threshold_metric_id:s treat_missing_data:s unit:s",
        metric_query=_s(
            "account_id:s expression:s id:s label:s period:n return_data:b",
            metric=_s("dimensions:ms metric_name:s namespace:s period:n stat:s unit:s")),
    ),
}

# The nested block types of the AWS provider's own configuration (`provider "aws" { default_tags { ... } }`).
PROVIDER_BLOCKS = frozenset({"assume_role", "assume_role_with_web_identity", "default_tags", "endpoints",
                             "ignore_tags"})


def convert_values(values: dict[str, Any], schema: Schema, where: Callable[[str], str], path: str = ""
                   ) -> dict[str, Any]:
    """A body's values with each argument converted to its type, as Terraform converts them before the provider
    sees them; a value that does not convert is an error where the argument (or its block) is written."""
    converted = dict(values)
    for name, value in values.items():
        at = f"{path}.{name}" if path else name
        if name in schema.arguments:
            converted[name] = _convert(value, schema.arguments[name], where(name), at)
        elif name in schema.blocks and isinstance(value, list):
            inside = _at(where(name))
            converted[name] = [convert_values(v, schema.blocks[name], inside, f"{at}[{i}]") if isinstance(v, dict)
                               else v for i, v in enumerate(value)]
    return converted


def _at(where: str) -> Callable[[str], str]:
    """A nested block's arguments are reported where the block is written."""
    return lambda _name: where


def _convert(value: Any, kind: str, where: str, at: str) -> Any:
    if value is None or isinstance(value, Unknown | Reference):
        return value
    if kind in ("list(string)", "map(string)"):
        if kind == "list(string)" and isinstance(value, list):
            return [_convert(v, "string", where, f"{at}[{i}]") for i, v in enumerate(value)]
        if kind == "map(string)" and isinstance(value, dict):
            return {k: _convert(v, "string", where, f"{at}[{k!r}]") for k, v in value.items()}
        raise TerraformError(f"{where}: {at} must be a {kind.replace('(', ' of ').rstrip(')')}s, not "
                             f"{_what(value)}: Terraform refuses it (Incorrect attribute value type)")
    converted = _primitive(value, kind)
    if converted is None:
        hint = ' (write "true" or "false" in lowercase)' if kind == "bool" and isinstance(value, str) else ""
        raise TerraformError(f"{where}: {at} must be a {kind}, not {_what(value)}{hint}: Terraform refuses it "
                             "(Incorrect attribute value type)")
    return converted


def _primitive(value: Any, kind: str) -> Any:
    """`value` as a string, number or bool, as cty converts it (a string to a number or bool where it reads as
    one); None where it does not convert."""
    if kind == "string":
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return _number_text(value)
        return value if isinstance(value, str) else None
    if kind == "number":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value
        return _number(value) if isinstance(value, str) else None
    if isinstance(value, bool):
        return value
    return {"true": True, "1": True, "false": False, "0": False}.get(value) if isinstance(value, str) else None


def _number(text: str) -> int | float | None:
    """A string as cty reads a number: decimal, with an optional sign, fraction and exponent."""
    if not _NUMBER.fullmatch(text):
        return None
    number = float(text)
    return int(text) if _INTEGER.fullmatch(text) else number


def _number_text(number: int | float) -> str:
    if isinstance(number, float) and number.is_integer():
        return str(int(number))
    return str(number)


def _what(value: Any) -> str:
    kinds = {bool: "a bool", str: "a string", int: "a number", float: "a number", list: "a list", dict: "a map"}
    return f"{kinds.get(type(value), type(value).__name__)} ({value!r:.40})"
