"""Sentences for access patterns: a consumer's items, its query, and what it must get back.

The query runs on the backend itself (DynamoDB Local, moto or AWS), so a key or projection the
Lambda's query cannot use fails here. Items are written only where the environment allows it
(and not with --read-only), under a marker unique to the scenario, never over an existing item,
and deleted when the scenario ends, failed or not (a Ctrl-C during the deletes waits until every
one was tried). On AWS the credentials' account is checked before the first item is written, and
a table whose partition key cannot carry the marker (not a string) is not written to at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn

import pytest
from botocore.exceptions import ClientError, ConnectionError, HTTPClientError

from ...provision.backends import Backend
from ...provision.desired.model import AttributeType, BackendKind
from ...provision.errors import ToolError
from ...provision.observed.state import ObservedIndex, ObservedTable, UnreadKey, key_schema
from .. import checks
from ..checks.indexes import GSI
from ..checks.tables import missing_table
from ..checks.target import Target
from ..results.findings import Finding, Kind, NotRun, Outcome, unknown_of
from ..run.recorder import ScenarioFindings
from ..run.session import ContractSession
from ..run.stopping import stop_run
from .catalogue import sentence
from .item_writes import put_each
from .query import (
    CONDITION_FAILED,
    ConditionError,
    Deletion,
    KeyCondition,
    Marker,
    column_types,
    delete_all,
    items_from_table,
    key_condition,
    key_of,
    parse_condition,
    put_new,
    query,
    rows_of,
)

READ_ONLY = "not run: --read-only (this run writes no items)"
NO_QUERY = "no query ran in this scenario: add a 'When querying ...' step before this one"


@dataclass
class AccessPatterns:
    """What one scenario wrote and read."""

    backend: Backend
    session: ContractSession
    markers: dict[str, Marker] = field(default_factory=dict)
    written: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    results: list[dict[str, Any]] | None = None  # None: no query ran
    subject: str = ""

    def marker(self, table: ObservedTable) -> Marker:
        return self.markers.setdefault(table.name, Marker(table))


@pytest.fixture
def access_patterns(contract_backend: Backend, contract_session: ContractSession) -> Iterator[AccessPatterns]:
    patterns = AccessPatterns(contract_backend, contract_session)
    yield patterns
    deletion = delete_all(contract_backend.resource(), patterns.written,  # whatever the scenario's verdict
                          batched=contract_backend.kind is BackendKind.DYNAMODB_LOCAL)
    _report_cleanup(contract_session, deletion, len(patterns.written))
    if deletion.interrupted is not None:  # Ctrl-C during the deletes: held until every item was tried
        raise deletion.interrupted


def _report_cleanup(session: ContractSession, deletion: Deletion, written: int) -> None:
    """Items the cleanup could not delete: the scenario fails on them, or, once the run is stopping, they are said."""
    failures = deletion.failures
    if not failures:
        return
    text = (f"cleanup: {len(failures)} of {written} items this scenario wrote could not be deleted "
            "(remove them by hand):\n" + "\n".join(f"  {f}" for f in failures))
    if session.failure or deletion.interrupted is not None:  # the run is stopping already: say it, once
        session.say(f"contracts: {text}")
        return
    pytest.fail(text, pytrace=False)


def _not_run(target: Target, subject: str, read_only: bool) -> Finding | None:
    env = target.environment
    if read_only:
        reason, why = READ_ONLY, NotRun.READ_ONLY
    elif not env.writes_allowed:
        reason = (f"not run on {env.name}: this environment does not allow contracts to write items "
                  "(writes_allowed in contracts/)")
        why = NotRun.WRITES_NOT_ALLOWED
    else:
        return None
    return Finding(Kind.ACCESS_PATTERN, Outcome.NOT_RUN, subject, "the query's results", "not run", reason=reason,
                   not_run=why)


def _unmarkable(target: Target, seen: ObservedTable, table: str, subject: str) -> Finding | None:
    """On AWS, items go only where the marker keeps them apart from real ones: a string partition key."""
    key = seen.keys.partition
    if not target.environment.is_aws or key.type is AttributeType.S:
        return None
    kind = f"of a type not reported ({key.why.reason})" if isinstance(key, UnreadKey) else f"of type {key.type}"
    return Finding(Kind.ACCESS_PATTERN, Outcome.NOT_RUN, subject, "the query's results", "not run", table=table,
                   reason=f"not run on {target.environment.name}: the partition key {key.name} of table {table} is "
                          f"{kind}, so contract items cannot be marked apart from real ones",
                   not_run=NotRun.UNMARKABLE)


def _writable_table(target: Target, findings: ScenarioFindings, session: ContractSession, table: str,
                    subject: str) -> ObservedTable:
    """The table an access pattern uses; the scenario stops (not run, or failed) when it cannot be used."""
    not_run = _not_run(target, subject, session.options.read_only)
    if not_run is not None:
        findings.require(not_run)
    seen = target.table(table)
    if seen is None:
        findings.require(missing_table(target, table, Kind.ACCESS_PATTERN, subject, "the table"))
        raise AssertionError("unreachable: require() stops the scenario")
    _require_key_names(findings, seen, table, subject)
    unmarkable = _unmarkable(target, seen, table, subject)
    if unmarkable is not None:
        findings.require(unmarkable)
    return seen


def _require_key_names(findings: ScenarioFindings, seen: ObservedTable, table: str, subject: str,
                       index: str | None = None) -> None:
    """Items and queries need the names of the keys: where the source did not report them, the access pattern is
    unverifiable there."""
    unread = seen.unread_keys(index)
    if unread is not None:
        findings.require(Finding(Kind.ACCESS_PATTERN, Outcome.UNVERIFIABLE, subject, "the query's results",
                                 "the key schema cannot be read here", table=table, name=index,
                                 reason=str(unread), unknown=unknown_of(unread)))


def _declared_types(target: Target, seen: ObservedTable, table: str) -> dict[str, str]:
    """The key types the consumer writes in: as the desired state defines them (checked before the run), else
    as the environment has them (a table the desired state does not define yet)."""
    spec = target.stack.spec(table)
    found = seen.attribute_types()
    if spec is not None:
        found.update({name: kind.value for name, kind in spec.attribute_types().items()})
    return found


def _key_type_drift(seen: ObservedTable, written: Mapping[str, str], table: str, subject: str) -> Finding | None:
    """A key whose type in the environment is not the type the consumer writes it in: the environment drifted."""
    observed = seen.attribute_types()
    wrong = sorted(name for name, kind in written.items() if name in observed and observed[name] != kind)
    if not wrong:
        return None
    name = wrong[0]
    return Finding(Kind.KEY, Outcome.FAILED, subject, f"key {name} of type {written[name]}",
                   f"key {name} of type {observed[name]}", table=table, name=name,
                   reason=f"the environment's key {name} of table {table} is {observed[name]} where the consumer "
                          f"writes {written[name]} (as the desired state defines it), so the consumer's items and "
                          "queries cannot be used")


def _stop_on_type_conflicts(target: Target, findings: ScenarioFindings, table: str,
                            values: Mapping[str, Iterable[str]]) -> None:
    """Values the desired state's key types cannot hold ('u1' for an N key): a gap, failed before anything is
    sent (DynamoDB would refuse the item or the query), whatever the environment allows."""
    conflicts = checks.key_type_conflicts(target, table, values)
    if conflicts:
        findings.add(conflicts)
        findings.give_verdict()


def _untyped_columns(datatable: list[list[str]]) -> dict[str, list[str]]:
    """The values of each column whose type comes from the desired state (no `:N`/`:B` suffix of its own)."""
    return {header.strip(): [row[i] for row in datatable[1:] if i < len(row) and row[i] != ""]
            for i, header in enumerate(datatable[0]) if ":" not in header}


def _condition_values(condition: str) -> dict[str, list[str]]:
    """The values a key condition gives each key ({} for one that cannot be read: that fails on its own)."""
    try:
        parsed = parse_condition(condition)
    except ConditionError:
        return {}
    found = {parsed.partition: [parsed.value]}
    if parsed.sort is not None:
        found.setdefault(parsed.sort.name, []).extend(parsed.sort.values)
    return found


CONNECTION_ERRORS = (ConnectionError, HTTPClientError)  # botocore's: the endpoint stopped answering


def _stopped(request: pytest.FixtureRequest, session: ContractSession, error: Exception, doing: str) -> NoReturn:
    """The backend stopped answering mid-run: one message for the whole run, not one traceback per scenario."""
    stop_run(request, session, session.stopped_answering(error, doing))


def _check_account(request: pytest.FixtureRequest, session: ContractSession) -> None:
    """On AWS, before the first item is written: the credentials must be the environment's account."""
    try:
        session.check_account_for_writes()
    except ToolError as error:
        stop_run(request, session, f"contracts: no item was written: {error}")


@sentence("given", 'the table "{table:Name}" holds the items:',
          'Given the table "orders" holds the items:\n  | tenantId | orderId | orderDate  | orderTotal:N |\n'
          "  | t1       | o1      | 2026-01-05 | 25           |",
          "Writes these items (header: attribute names; `name:N` or `name:B` for a non-key number or binary; an "
          "empty cell leaves the attribute out). Key types come from the table. An item is never written over "
          "one already there (that fails).")
def _(request: pytest.FixtureRequest, contract_target: Target, scenario_findings: ScenarioFindings,
      access_patterns: AccessPatterns, table: str, datatable: list[list[str]]) -> None:
    subject = f"items in table {table}"
    _stop_on_type_conflicts(contract_target, scenario_findings, table, _untyped_columns(datatable))
    seen = _writable_table(contract_target, scenario_findings, access_patterns.session, table, subject)
    declared = _declared_types(contract_target, seen, table)
    unreadable = ""
    try:
        items = items_from_table(datatable, declared)
    except (ConditionError, ValueError) as error:
        unreadable = str(error)
    if unreadable:  # recorded outside the except block: the verdict is not "during handling" of the error
        scenario_findings.require(Finding(Kind.ACCESS_PATTERN, Outcome.FAILED, subject, "items the table accepts",
                                          "an items table that cannot be read", table=table, reason=unreadable))
    drifted = _key_type_drift(seen, column_types(datatable[0], declared), table, subject)
    if drifted is not None:
        scenario_findings.require(drifted)
    if contract_target.environment.is_aws:
        _check_account(request, access_patterns.session)
    marker = access_patterns.marker(seen)
    resource_table = access_patterns.backend.resource().Table(seen.name)
    marked = [{name: marker.mark(name, value) for name, value in item.items()} for item in items]
    keys = [(seen.name, key_of(each, seen)) for each in marked]
    access_patterns.written += keys  # before any write is sent: an interrupted write is cleaned up too
    partition = str(seen.keys.partition.name)  # known: _writable_table
    writes = put_each(lambda item: put_new(resource_table, item, partition), marked, keys,
                      concurrent=access_patterns.backend.kind is not BackendKind.MOTO)
    for key, answer in zip(keys, writes.answers, strict=True):
        if not answer.maybe_written:  # refused or never sent: the key holds another item, or none of ours
            access_patterns.written.remove(key)
    if isinstance(writes.stopped_by, CONNECTION_ERRORS):
        _stopped(request, access_patterns.session, writes.stopped_by, f"writing an item to table {seen.name}")
    if writes.stopped_by is not None:  # a Ctrl-C, once every write sent has answered
        raise writes.stopped_by
    refusals = [_refusal(subject, table, item, answer.refused)
                for item, answer in zip(items, writes.answers, strict=True) if answer.refused is not None]
    if refusals:  # each item's own, in the items' order
        scenario_findings.add(refusals)
        scenario_findings.give_verdict()


def _refusal(subject: str, table: str, item: Mapping[str, Any], refused: str) -> Finding:
    if refused == CONDITION_FAILED:
        return Finding(Kind.ACCESS_PATTERN, Outcome.FAILED, subject, "items the table accepts",
                       "the key already holds an item", table=table,
                       reason=f"contracts never overwrite an item, and the key of item {item} already holds one "
                              "(written earlier in this scenario, or already in the table)")
    return Finding(Kind.ACCESS_PATTERN, Outcome.FAILED, subject, "items the table accepts", "DynamoDB refused an item",
                   table=table, reason=f"{refused} (item {item})")

_QUERY = (r'^querying the (?:(?P<kind>GSI|LSI) "(?P<index>[^"]+)" of )?table "(?P<table>[^"]+)" where '
          r'"(?P<condition>[^"]+)"(?P<reverse>, in reverse order)?(?:, limited to (?P<limit>\d+) items?)?$')


def _key_mismatch(index_keys: Any, condition: KeyCondition, where: str) -> str | None:
    if condition.partition != index_keys.partition.name:
        return (f"{where}'s partition key is {index_keys.partition.name}, but the query's key condition uses "
                f"{condition.partition}")
    if condition.sort is not None and (index_keys.sort is None or condition.sort.name != index_keys.sort.name):
        sort = index_keys.sort.name if index_keys.sort else "none"
        return f"{where}'s sort key is {sort}, but the query's key condition uses {condition.sort.name}"
    return None


@sentence("when", 'querying the [{kind:IndexKind} "{index:Name}" of ]table "{table:Name}" where "{condition}"'
          "[, in reverse order][, limited to {limit:d} items]",
          'When querying the GSI "OrdersByDate" of table "orders" where "tenantId = t1 and orderDate between '
          '2026-01-01 and 2026-01-31", in reverse order, limited to 10 items',
          "Runs the consumer's query: a key condition on the partition key (=) and optionally the sort key (=, <, "
          "<=, >, >=, between A and B, begins_with(name, prefix)); values are bare words or 'quoted'.",
          regex=_QUERY)
def _(request: pytest.FixtureRequest, contract_target: Target, scenario_findings: ScenarioFindings,
      access_patterns: AccessPatterns, table: str, condition: str, kind: str | None = None, index: str | None = None,
      reverse: str | None = None, limit: str | None = None) -> None:
    where = f"{kind} {index}" if index else f"table {table}"
    subject = access_patterns.subject = f"query on {where}{'' if not index else f' of table {table}'}: {condition}"
    _stop_on_type_conflicts(contract_target, scenario_findings, table, _condition_values(condition))
    seen = _writable_table(contract_target, scenario_findings, access_patterns.session, table, subject)
    if index:
        scenario_findings.require(checks.index_exists(contract_target, kind or GSI, table, index, True))
        _require_key_names(scenario_findings, seen, table, subject, index)
    unreadable: Finding | None = None
    try:
        parsed = parse_condition(condition)
    except ConditionError as error:
        unreadable = Finding(Kind.ACCESS_PATTERN, Outcome.FAILED, subject, "a key condition", "one that cannot be read",
                             table=table, name=index, reason=str(error), unknown=unknown_of(error))
    if unreadable is not None:  # recorded outside the except block: the verdict is not "during handling" of it
        scenario_findings.require(unreadable)
        return
    found = seen.global_indexes.get(index) if index and kind != "LSI" else None
    keys = found.keys if isinstance(found, ObservedIndex) else seen.keys
    if index and kind == "LSI":
        keys = key_schema(seen.keys.partition, seen.local_indexes[index].sort_key)
    mismatch = _key_mismatch(keys, parsed, where)
    if mismatch:
        scenario_findings.require(Finding(Kind.ACCESS_PATTERN, Outcome.FAILED, subject, f"a query {where} can serve",
                                          f"keys {keys}", table=table, name=index, reason=mismatch))
    declared = _declared_types(contract_target, seen, table)
    drifted = _key_type_drift(seen, {a: declared[a] for a in parsed.attributes if a in declared}, table, subject)
    if drifted is not None:
        scenario_findings.require(drifted)
    marker = access_patterns.marker(seen)
    rejected = ""
    try:
        expression = key_condition(parsed, declared, marker)
        access_patterns.results = query(access_patterns.backend.resource().Table(seen.name), expression, index,
                                        bool(reverse), int(limit) if limit else None, marker)
    except CONNECTION_ERRORS as error:
        _stopped(request, access_patterns.session, error, f"querying table {seen.name}")
    except (ClientError, ConditionError) as error:
        rejected = error.response["Error"].get("Message", str(error)) if isinstance(error, ClientError) else str(error)
    if rejected:
        scenario_findings.require(Finding(Kind.ACCESS_PATTERN, Outcome.FAILED, subject, "the query to run",
                                          "DynamoDB rejected it", table=table, name=index, reason=rejected))


def _no_query(subject: str, expected: str, must: bool) -> Finding:
    return Finding(Kind.ACCESS_PATTERN, Outcome.FAILED, subject, expected, "no query ran", required=must,
                   reason=NO_QUERY)


@sentence("then", "the query {must:Must} return exactly, in order:",
          "Then the query must return exactly, in order:\n  | orderId | orderDate  |\n  | o2      | 2026-01-20 |\n"
          "  | o1      | 2026-01-05 |",
          "The query's items, in order, have exactly these values in the columns named by the header. Fails when "
          "no query ran in the scenario.")
def _(scenario_findings: ScenarioFindings, access_patterns: AccessPatterns, must: bool,
      datatable: list[list[str]]) -> None:
    columns, wanted = datatable[0], [list(row) for row in datatable[1:]]
    expected = "; ".join(", ".join(f"{c}={v}" for c, v in zip(columns, row, strict=True)) for row in wanted)
    if access_patterns.results is None:
        scenario_findings.add(_no_query("results of the query", expected or "no items", must))
        return
    got = rows_of(access_patterns.results, columns)
    holds = got == wanted
    show = "; ".join(", ".join(f"{c}={v}" for c, v in zip(columns, row, strict=True)) for row in got) or "no items"
    scenario_findings.add(Finding(Kind.ACCESS_PATTERN, Outcome.PASSED if holds == must else Outcome.FAILED,
                                  f"results of the {access_patterns.subject}", expected or "no items",
                                  f"{len(got)} items: {show}", required=must))


@sentence("then", "every returned item {must:Must} carry the attributes:",
          "Then every returned item must carry the attributes:\n  | attribute  |\n  | orderTotal |\n  | status     |",
          "Each item the query returned has these attributes (what the consumer reads; a projection that lacks "
          "one fails). A query that returned nothing, or no query at all, fails: nothing shows the attributes.")
def _(scenario_findings: ScenarioFindings, access_patterns: AccessPatterns, must: bool,
      datatable: list[list[str]]) -> None:
    attributes = [row[0] for row in datatable[1:]]
    if access_patterns.results is None:
        scenario_findings.add(_no_query("attributes read from the query",
                                        f"{'every' if must else 'no'} item carrying {', '.join(attributes)}", must))
        return
    results = access_patterns.results
    lacking = sorted({a for item in results for a in attributes if a not in item})
    present = sorted({a for item in results for a in attributes if a in item})
    holds = bool(results) and (not lacking if must else not present)
    actual = "no items returned" if not results else (
        f"missing {', '.join(lacking)}" if must and lacking else
        f"present: {', '.join(present)}" if present else "none of them present")
    scenario_findings.add(Finding(
        Kind.ACCESS_PATTERN, Outcome.PASSED if holds else Outcome.FAILED,
        f"attributes read from the {access_patterns.subject}",
        f"{'every' if must else 'no'} item carrying {', '.join(attributes)}", actual, required=must,
        reason="the index does not project what the consumer reads" if must and lacking and results else ""))
