"""Checks on one table: existence, keys and settings."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from ...provision.desired.model import (
    AttributeType,
    BillingMode,
    EncryptionType,
    KeyAttribute,
    StreamView,
    TableClass,
)
from ...provision.observed.state import ObservedTable, UnreadKey, Unverifiable
from ..results.findings import Cause, Finding, Kind, Outcome, unknown_of, verdict
from .key_types import redefined_key
from .target import Target

T = TypeVar("T")


def missing_table(target: Target, table: str, kind: Kind, subject: str, expected: str, must: bool = True,
                  name: str | None = None) -> Finding:
    """Any claim about a table that is not there fails: a missing table is never skipped. Only where the
    source could not follow something that may define it (a Terraform module call) is it unverifiable."""
    hidden = target.observed.hidden("table", target.physical(table))
    if hidden is not None:
        return Finding(kind, Outcome.UNVERIFIABLE, subject, expected, _not_read(target, table), table=table,
                       name=name, required=must, reason=str(hidden), unknown=unknown_of(hidden))
    return Finding(kind, Outcome.FAILED, subject, expected, f"no table {target.physical(table)} in {target.where()}",
                   table=table, name=name, required=must, cause=Cause.TABLE,
                   reason=f"the table {table} does not exist in {target.environment.name}",
                   action=target.undefined(table) or target.to_build(f"table {target.physical(table)}", table))


def _not_read(target: Target, table: str) -> str:
    return f"no table {target.physical(table)} among what {target.where()} could read"


def table_exists(target: Target, table: str, must: bool) -> Finding:
    seen = target.table(table)
    subject = f"table {table}"
    expected = f"{target.physical(table)}, ACTIVE" if must else "no such table"
    hidden = target.observed.hidden("table", target.physical(table))
    if seen is None and hidden is not None:
        return Finding(Kind.TABLE, Outcome.UNVERIFIABLE, subject, expected, _not_read(target, table), table=table,
                       required=must, reason=str(hidden), unknown=unknown_of(hidden))
    if seen is None:
        others = ", ".join(sorted(target.logical_tables())) or "none"
        return Finding(Kind.TABLE, verdict(False, must), subject, expected,
                       f"no table {target.physical(table)} in {target.where()} (tables here: {others})",
                       table=table, required=must, cause=Cause.TABLE if must else None,
                       reason=f"the table {table} does not exist in {target.environment.name}" if must else "",
                       action=(target.undefined(table) or target.to_build(f"table {target.physical(table)}", table))
                       if must else "")
    if isinstance(seen.status, Unverifiable) and must:
        return Finding(Kind.TABLE, Outcome.UNVERIFIABLE, subject, expected, f"{seen.name}, status not reported",
                       table=table, required=must, reason=str(seen.status), unknown=unknown_of(seen.status))
    holds = seen.status == "ACTIVE" if must else True
    status = "status not reported" if isinstance(seen.status, Unverifiable) else seen.status
    return Finding(Kind.TABLE, verdict(holds, must), subject, expected, f"{seen.name}, {status}",
                   table=table, required=must)


def key_outcome(actual: KeyAttribute | UnreadKey | None, wanted: KeyAttribute, must: bool
                ) -> tuple[Outcome, str, Unverifiable | None]:
    """A key claim's outcome, the key as read, and why it is unverifiable: a key whose name is not reported, or
    whose type is not and whose name is the one wanted, cannot be judged; one named otherwise can."""
    shown = "no sort key" if actual is None else str(actual)
    if isinstance(actual, UnreadKey) and actual.name in (None, wanted.name):
        return Outcome.UNVERIFIABLE, shown, actual.why
    return verdict(actual == wanted, must), shown, None


def table_key(target: Target, table: str, role: str, attribute: str, attribute_type: AttributeType,
              must: bool) -> Finding:
    subject = f"{role} key of table {table}"
    wanted = KeyAttribute(attribute, attribute_type)
    expected = f"{'' if must else 'not '}{wanted}"
    seen = target.table(table)
    if seen is None:
        return missing_table(target, table, Kind.KEY, subject, expected, must, attribute)
    outcome, actual, unread = key_outcome(seen.keys.partition if role == "partition" else seen.keys.sort, wanted,
                                          must)
    return Finding(Kind.KEY, outcome, subject, expected, actual, table=table, name=attribute, required=must,
                   reason=str(unread) if unread else "",
                   action=redefined_key(target, table, role, wanted) if must and outcome is Outcome.FAILED else "")


def _setting(target: Target, table: str, kind: Kind, subject: str, expected: str, must: bool,
             read: Callable[[ObservedTable], T | Unverifiable], holds: Callable[[T], bool],
             show: Callable[[T], str] = str) -> Finding:
    seen = target.table(table)
    if seen is None:
        return missing_table(target, table, kind, subject, expected, must)
    value = read(seen)
    if isinstance(value, Unverifiable):
        return Finding(kind, Outcome.UNVERIFIABLE, subject, expected, "cannot be read here", table=table,
                       required=must, reason=str(value), unknown=unknown_of(value))
    return Finding(kind, verdict(holds(value), must), subject, expected, show(value), table=table, required=must)


def _billing_mode(table: ObservedTable) -> BillingMode | Unverifiable:
    billing = table.billing
    if isinstance(billing, Unverifiable):
        return billing
    return billing.mode if billing else BillingMode.PROVISIONED


def billing_mode(target: Target, table: str, mode: BillingMode, must: bool) -> Finding:
    return _setting(target, table, Kind.BILLING, f"billing mode of table {table}", f"{'' if must else 'not '}{mode}",
                    must, _billing_mode, lambda v: v is mode)


def stream_view(target: Target, table: str, view: StreamView, must: bool) -> Finding:
    return _setting(target, table, Kind.STREAM, f"stream of table {table}",
                    f"{'' if must else 'not '}a stream of {view}", must, lambda t: t.stream,
                    lambda v: v is view, lambda v: "no stream" if v is None else f"a stream of {v}")


def encryption(target: Target, table: str, wanted: EncryptionType, must: bool) -> Finding:
    subject = f"encryption at rest of table {table}"
    expected = f"{'' if must else 'not '}{wanted}"
    seen = target.table(table)
    if seen is None:
        return missing_table(target, table, Kind.ENCRYPTION, subject, expected, must)
    observed = seen.encryption
    if observed is None or isinstance(observed, Unverifiable):
        reason = str(observed) if observed else f"unverifiable on {target.backend}: not reported"
        return Finding(Kind.ENCRYPTION, Outcome.UNVERIFIABLE, subject, expected, "cannot be read here", table=table,
                       required=must, reason=reason, unknown=unknown_of(observed))
    kind = observed.type
    if isinstance(kind, Unverifiable):
        if wanted is EncryptionType.AWS_OWNED:  # a KMS key is there: it is not the AWS owned key
            return Finding(Kind.ENCRYPTION, verdict(False, must), subject, expected, str(observed), table=table,
                           required=must)
        return Finding(Kind.ENCRYPTION, Outcome.UNVERIFIABLE, subject, expected, str(observed), table=table,
                       required=must, reason=str(kind), unknown=unknown_of(kind))
    return Finding(Kind.ENCRYPTION, verdict(kind is wanted, must), subject, expected, str(observed), table=table,
                   required=must)


def point_in_time_recovery(target: Target, table: str, must: bool) -> Finding:
    return _setting(target, table, Kind.PITR, f"point-in-time recovery of table {table}",
                    "enabled" if must else "disabled", must, lambda t: t.point_in_time_recovery, bool,
                    lambda v: "enabled" if v else "disabled")


def ttl_attribute(target: Target, table: str, attribute: str, must: bool) -> Finding:
    return _setting(target, table, Kind.TTL, f"TTL of table {table}",
                    f"{'' if must else 'no '}TTL on {attribute}", must, lambda t: t.ttl_attribute,
                    lambda v: v == attribute, lambda v: "TTL off" if v is None else f"TTL on {v}")


def deletion_protection(target: Target, table: str, must: bool) -> Finding:
    return _setting(target, table, Kind.DELETION_PROTECTION, f"deletion protection of table {table}",
                    "on" if must else "off", must, lambda t: t.deletion_protection, bool,
                    lambda v: "on" if v else "off")


def table_class(target: Target, table: str, wanted: TableClass, must: bool) -> Finding:
    return _setting(target, table, Kind.TABLE_CLASS, f"table class of table {table}",
                    f"{'' if must else 'not '}{wanted}", must, lambda t: t.table_class, lambda v: v is wanted)


def tags(target: Target, table: str, wanted: Mapping[str, str], must: bool) -> list[Finding]:
    """One claim on the tags the source knows, and one unverifiable claim per tag whose value it cannot know: a
    tag known only after apply hides that tag, never the others."""
    seen = target.table(table)
    subject = f"tags of table {table}"
    if seen is not None and isinstance(seen.tags, Mapping):
        found = seen.tags
        unknown = {k: v for k, v in wanted.items() if isinstance(found.get(k), Unverifiable)}
        findings = [Finding(Kind.TAGS, Outcome.UNVERIFIABLE, f"tag {k} of table {table}",
                            f"{k}={v}" if must else f"not {k}={v}", "cannot be read here", table=table, name=k,
                            required=must, reason=str(found[k]), unknown=unknown_of(found[k]))
                    for k, v in sorted(unknown.items())]
        wanted = {k: v for k, v in wanted.items() if k not in unknown}
        if not wanted:
            return findings
        return [_tags(target, table, wanted, must, subject), *findings]
    return [_tags(target, table, wanted, must, subject)]


def _tags(target: Target, table: str, wanted: Mapping[str, str], must: bool, subject: str) -> Finding:
    pairs = ", ".join(f"{k}={v}" for k, v in sorted(wanted.items()))

    def holds(found: Mapping[str, str | Unverifiable]) -> bool:
        """"must": every tag is there; "must not": some tag is there (which fails)."""
        matching = [k for k, v in wanted.items() if found.get(k) == v]
        return len(matching) == len(wanted) if must else bool(matching)

    def show(found: Mapping[str, str | Unverifiable]) -> str:
        return ", ".join(f"{k}={'(known after apply)' if isinstance(v, Unverifiable) else v}"
                         for k, v in sorted(found.items())) or "no tags"

    return _setting(target, table, Kind.TAGS, subject, pairs if must else f"none of {pairs}",
                    must, lambda t: t.tags, holds, show)
