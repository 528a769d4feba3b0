"""A table's settings in Terraform as observed: billing (mode and capacity), stream, encryption (the AWS owned,
AWS managed or a customer's KMS key), point-in-time recovery, TTL and table class, each read from the
`aws_dynamodb_table` block with the provider's defaults. A value known only after apply is `NotKnown`, which
`to_observed` makes the setting's `Unverifiable`; a value no Terraform would accept is a `TerraformError`.
"""

from __future__ import annotations

from ...desired.model import (
    Billing,
    BillingMode,
    Capacity,
    Environment,
    StreamView,
    TableClass,
)
from ..state import ObservedEncryption, input_unknown
from .records import Reference, TerraformError, Unknown
from .values import (
    KMS_KEYS,
    Block,
    NotKnown,
    References,
    choice,
    resource_type,
)


def billing_mode_of(block: Block) -> BillingMode:
    return choice(block, "billing_mode", BillingMode, block.text("billing_mode") or BillingMode.PROVISIONED.value,
                  "PROVISIONED or PAY_PER_REQUEST")


def billing_of(block: Block) -> Billing:
    mode = billing_mode_of(block)
    if mode is BillingMode.PAY_PER_REQUEST:
        return Billing(mode)
    units = block.number("read_capacity"), block.number("write_capacity")
    return Billing(mode, Capacity(units[0], units[1]) if units[0] is not None and units[1] is not None else None)


def stream_of(block: Block) -> StreamView | None:
    """The stream's view, None when off. Known to be disabled is off, whatever the view (older plans mark the
    view unknown when the HCL omits it); an unknown `stream_enabled` is unknown."""
    if not block.flag("stream_enabled"):
        return None
    view = block.text("stream_view_type")
    if not view:
        raise TerraformError(f"{block.where}: stream_enabled is true but stream_view_type is not set; set it to "
                             "KEYS_ONLY, NEW_IMAGE, OLD_IMAGE or NEW_AND_OLD_IMAGES")
    return choice(block, "stream_view_type", StreamView, view, "KEYS_ONLY, NEW_IMAGE, OLD_IMAGE or NEW_AND_OLD_IMAGES")


def encryption_of(block: Block, env: Environment, refs: References, source: str) -> ObservedEncryption:
    """Absent or disabled: the AWS owned key; enabled without a key: AWS managed (as `schema`); else a KMS key. A key
    created in the same configuration (`aws_kms_key.x.arn`) is a customer managed key whose ARN is known only after
    apply; any other key not known yet is a KMS key of unknown ARN and manager, never "no key"."""
    sse = block.first("server_side_encryption")
    if sse is None or not sse.flag("enabled"):
        return ObservedEncryption(None)
    try:
        value = sse.raw("kms_key_arn")
    except NotKnown as unknown:
        why = input_unknown(source, unknown.full)
        return ObservedEncryption(why, why)
    if isinstance(value, Reference):
        why = input_unknown(source, f"{sse.where}: {sse.name('kms_key_arn')}: it is {value}, known only after apply")
        if resource_type(value) in KMS_KEYS:  # a key created in this configuration: a customer's
            return ObservedEncryption(why, "CUSTOMER")
        resolved = refs.resolve(value)
        if isinstance(resolved, Unknown):
            return ObservedEncryption(why, why)
        value = resolved
    key = sse.text("kms_key_arn") if not isinstance(value, str) else value
    if not key:
        return ObservedEncryption(f"arn:aws:kms:{env.region}:aws-managed:key/dynamodb", "AWS")
    return ObservedEncryption(key, "CUSTOMER")


def enabled_of(block: Block | None) -> bool:
    return block is not None and bool(block.flag("enabled"))


def ttl_of(block: Block) -> str | None:
    ttl = block.first("ttl")
    if ttl is None or not enabled_of(ttl):
        return None
    return ttl.text("attribute_name") or None


def table_class_of(block: Block) -> TableClass:
    value = block.text("table_class") or TableClass.STANDARD.value
    return choice(block, "table_class", TableClass, value, "STANDARD or STANDARD_INFREQUENT_ACCESS")
