"""Every check function, called directly on built observed states: passing, failing, unverifiable.

No backend and no subprocess: each case takes the real desired state resolved for sit (where the
real contracts want deletion protection on), as a perfect observed state (`observed_from_stack`),
changes one thing in it, and asks one check. What a check says (expected, actual, reason) is
asserted as well as its outcome.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from dynamo_contracts.provision.desired.model import (
    AttributeType,
    BillingMode,
    EncryptionType,
    KeyAttribute,
    KeySchema,
    Projection,
    ProjectionType,
    StreamView,
    TableClass,
)
from dynamo_contracts.provision.desired.stack import Stack
from dynamo_contracts.provision.observed.state import (
    ObservedBackups,
    ObservedEncryption,
    ObservedIndex,
    ObservedSelection,
    ObservedState,
    ObservedTable,
    TagCondition,
    Unverifiable,
)
from dynamo_contracts.steps import checks
from dynamo_contracts.steps.checks.coverage import selection_covers
from dynamo_contracts.steps.checks.desired import exact_desired_indexes, exact_desired_tables, matches_desired_state
from dynamo_contracts.steps.results.findings import Cause, Finding, Outcome
from tests.steps.checks.built_states import ENV, Edit, S, target_of, without_table

CANNOT = Unverifiable("aws", "cannot tell")


def table(name: str, **changes: Any) -> Edit:
    """Change fields of one table (logical name) of the observed state."""
    def edit(state: ObservedState) -> ObservedState:
        physical = f"{name}-{ENV}"
        tables = dict(state.tables)
        tables[physical] = dataclasses.replace(tables[physical], **changes)
        return dataclasses.replace(state, tables=tables)
    return edit


def with_indexes(name: str, change: Callable[[dict[str, ObservedIndex]], object]) -> Edit:
    def edit(state: ObservedState) -> ObservedState:
        indexes = dict(state.tables[f"{name}-{ENV}"].global_indexes)
        change(indexes)
        return table(name, global_indexes=indexes)(state)
    return edit


def backups(**changes: Any) -> Edit:
    return lambda state: dataclasses.replace(state, backups=dataclasses.replace(state.backups, **changes))


def selections(value: Any) -> Edit:
    def edit(state: ObservedState) -> ObservedState:
        plans = state.backups.plans
        assert not isinstance(plans, Unverifiable)
        return backups(plans={n: dataclasses.replace(p, selections=value) for n, p in plans.items()})(state)
    return edit


def same(state: ObservedState) -> ObservedState:
    return state


@dataclass(frozen=True)
class Case:
    check: Callable[..., Finding | list[Finding]]
    args: tuple[Any, ...]
    edit: Edit
    outcome: Outcome
    says: tuple[str, ...] = ()  # fragments of the finding(s)' messages
    cause: Cause | None = field(default=None)
    desired: Callable[[Stack], Stack] | None = None  # a change to the desired state (the stack) itself


def retyped(name: str, attribute: str, kind: AttributeType) -> Callable[[Stack], Stack]:
    """The stack with `attribute` of table `name` (a key of the table or of its GSIs) of another type."""
    def key(found: KeyAttribute | None) -> KeyAttribute | None:
        return KeyAttribute(attribute, kind) if found is not None and found.name == attribute else found

    def keys(schema: KeySchema) -> KeySchema:
        partition = key(schema.partition)
        assert partition is not None
        return KeySchema(partition, key(schema.sort))

    def edit(stack: Stack) -> Stack:
        physical = f"{name}-{ENV}"
        spec = stack.tables[physical]
        spec = dataclasses.replace(spec, keys=keys(spec.keys), global_indexes=tuple(
            dataclasses.replace(gsi, keys=keys(gsi.keys)) for gsi in spec.global_indexes))
        return dataclasses.replace(stack, tables={**stack.tables, physical: spec})
    return edit

CASES: dict[str, Case] = {
    # --- a table, its keys and settings ------------------------------------------------------------------
    "exists": Case(checks.table_exists, ("orders", True), same, Outcome.PASSED, ("orders-sit, ACTIVE",)),
    "exists, missing": Case(checks.table_exists, ("orders", True), without_table("orders"), Outcome.FAILED,
                            ("found no table orders-sit in sit (schema)",), Cause.TABLE),
    "exists, not active": Case(checks.table_exists, ("orders", True), table("orders", status="UPDATING"),
                               Outcome.FAILED, ("found orders-sit, UPDATING",)),
    "must not exist": Case(checks.table_exists, ("orders", False), same, Outcome.FAILED, ("expected no such table",)),
    "must not exist, absent": Case(checks.table_exists, ("legacy", False), same, Outcome.PASSED),
    "key": Case(checks.table_key, ("orders", "partition", "tenantId", S, True), same, Outcome.PASSED),
    "key, wrong type": Case(checks.table_key, ("orders", "sort", "orderId", AttributeType.N, True), same,
                            Outcome.FAILED, ("expected orderId (N), found orderId (S)",)),
    "key of a missing table": Case(checks.table_key, ("orders", "partition", "tenantId", S, True),
                                   without_table("orders"), Outcome.FAILED, ("no table orders-sit",), Cause.TABLE),
    "key, redefined in the desired state": Case(checks.table_key, ("orders", "sort", "orderId", S, True), same,
                                                Outcome.FAILED, ("the desired state gives table orders the sort key "
                                                                 "orderId (N): the platform team must make it "
                                                                 "orderId (S) in contracts/tables/orders.yaml",),
                                                desired=retyped("orders", "orderId", AttributeType.N)),
    "key types": Case(checks.key_type_conflicts, ("orders", {"userId": ["u1"], "orderId": ["42"]}), same,
                      Outcome.PASSED),
    "key types, a number key that may hold them": Case(
        checks.key_type_conflicts, ("orders", {"userId": ["42", "1e3", "-0.5"]}), same, Outcome.PASSED,
        desired=retyped("orders", "userId", AttributeType.N)),
    "key types, strings for a number key": Case(
        checks.key_type_conflicts, ("orders", {"userId": ["u1", "42", "u2", "u1"], "orderId": ["o1"]}), same,
        Outcome.FAILED, ("type of key userId of table orders: expected userId (S), the type of the consumer's values "
                         "('u1', 'u2': not numbers), found userId (N) in the desired state "
                         "(contracts/tables/orders.yaml: the partition key of GSI OrdersByUser)",
                         "the platform team: give userId type S in contracts/tables/orders.yaml"),
        desired=retyped("orders", "userId", AttributeType.N)),
    "billing": Case(checks.billing_mode, ("orders", BillingMode.PAY_PER_REQUEST, True), same, Outcome.PASSED),
    "billing, must not": Case(checks.billing_mode, ("orders", BillingMode.PAY_PER_REQUEST, False), same,
                              Outcome.FAILED, ("expected not PAY_PER_REQUEST",)),
    "stream": Case(checks.stream_view, ("orders", StreamView.NEW_AND_OLD_IMAGES, True), same, Outcome.PASSED),
    "stream, off": Case(checks.stream_view, ("orders", StreamView.NEW_AND_OLD_IMAGES, True),
                        table("orders", stream=None), Outcome.FAILED, ("found no stream",)),
    "encryption": Case(checks.encryption, ("orders", EncryptionType.AWS_MANAGED, True), same, Outcome.PASSED),
    "encryption, owned key": Case(checks.encryption, ("orders", EncryptionType.AWS_MANAGED, True),
                                  table("orders", encryption=ObservedEncryption()), Outcome.FAILED,
                                  ("found AWS_OWNED",)),
    "encryption, cannot tell": Case(checks.encryption, ("orders", EncryptionType.AWS_MANAGED, True),
                                    table("orders", encryption=CANNOT), Outcome.UNVERIFIABLE, ("cannot tell",)),
    "encryption, manager unknown": Case(
        checks.encryption, ("orders", EncryptionType.AWS_MANAGED, True),
        table("orders", encryption=ObservedEncryption("arn:aws:kms:eu-west-1:1:key/k", CANNOT)),
        Outcome.UNVERIFIABLE),
    "pitr": Case(checks.point_in_time_recovery, ("orders", True), same, Outcome.PASSED, ("enabled",)),
    "pitr, off": Case(checks.point_in_time_recovery, ("orders", True), table("orders", point_in_time_recovery=False),
                      Outcome.FAILED, ("expected enabled, found disabled",)),
    "pitr, cannot tell": Case(checks.point_in_time_recovery, ("orders", True),
                              table("orders", point_in_time_recovery=CANNOT), Outcome.UNVERIFIABLE),
    "pitr of a missing table": Case(checks.point_in_time_recovery, ("orders", True), without_table("orders"),
                                    Outcome.FAILED, ("no table orders-sit",), Cause.TABLE),
    "ttl": Case(checks.ttl_attribute, ("campaigns", "expiresAt", True), same, Outcome.PASSED),
    "ttl, off": Case(checks.ttl_attribute, ("campaigns", "expiresAt", True), table("campaigns", ttl_attribute=None),
                     Outcome.FAILED, ("found TTL off",)),
    "ttl, cannot tell": Case(checks.ttl_attribute, ("campaigns", "expiresAt", True),
                             table("campaigns", ttl_attribute=CANNOT), Outcome.UNVERIFIABLE),
    "deletion protection": Case(checks.deletion_protection, ("orders", True), same, Outcome.PASSED),
    "deletion protection, off": Case(checks.deletion_protection, ("orders", True),
                                     table("orders", deletion_protection=False), Outcome.FAILED,
                                     ("expected on, found off",)),
    "table class": Case(checks.table_class, ("orders", TableClass.STANDARD, True), same, Outcome.PASSED),
    "table class, other": Case(checks.table_class, ("orders", TableClass.STANDARD, True),
                               table("orders", table_class=TableClass.STANDARD_INFREQUENT_ACCESS), Outcome.FAILED),
    "table class, cannot tell": Case(checks.table_class, ("orders", TableClass.STANDARD, True),
                                     table("orders", table_class=CANNOT), Outcome.UNVERIFIABLE),
    "tags": Case(checks.tags, ("orders", {"Project": "bbws"}, True), same, Outcome.PASSED),
    "tags, missing": Case(checks.tags, ("orders", {"Project": "bbws"}, True), table("orders", tags={}),
                          Outcome.FAILED, ("found no tags",)),
    "tags, must not": Case(checks.tags, ("orders", {"Project": "bbws"}, False), same, Outcome.FAILED),
    "tags, cannot tell": Case(checks.tags, ("orders", {"Project": "bbws"}, True), table("orders", tags=CANNOT),
                              Outcome.UNVERIFIABLE),
    # --- indexes -----------------------------------------------------------------------------------------
    "gsi": Case(checks.index_exists, ("GSI", "users", "UsersByEmail", True), same, Outcome.PASSED),
    "gsi, missing": Case(checks.index_exists, ("GSI", "users", "UsersByEmail", True),
                         with_indexes("users", lambda i: i.pop("UsersByEmail")), Outcome.FAILED,
                         ("no GSI UsersByEmail on users-sit",), Cause.INDEX),
    "gsi, renamed": Case(checks.index_exists, ("GSI", "users", "UsersByEmail", True),
                         with_indexes("users", lambda i: i.update(EmailIndex=dataclasses.replace(
                             i.pop("UsersByEmail"), name="EmailIndex"))), Outcome.FAILED,
                         ("EmailIndex looks like the same index under another name",), Cause.INDEX),
    "gsi, other keys": Case(checks.index_exists, ("GSI", "users", "UsersByEmail", True),
                            with_indexes("users", lambda i: i.update(EmailIndex=ObservedIndex(
                                "EmailIndex", KeySchema(KeyAttribute("email", S), KeyAttribute("at", S)),
                                Projection(ProjectionType.ALL))) or i.pop("UsersByEmail")),
                            Outcome.FAILED, ("would fail",), Cause.INDEX),
    "gsi, creating": Case(checks.index_exists, ("GSI", "users", "UsersByEmail", True),
                          with_indexes("users", lambda i: i.update(UsersByEmail=dataclasses.replace(
                              i["UsersByEmail"], status="CREATING"))), Outcome.FAILED,
                          ("found GSI UsersByEmail, CREATING",)),
    "gsi, must not": Case(checks.index_exists, ("GSI", "users", "UsersByName", False), same, Outcome.PASSED),
    "lsi, none": Case(checks.index_exists, ("LSI", "orders", "OrdersByStatus", True), same, Outcome.FAILED,
                      ("LSIs here: none",), Cause.INDEX),
    "gsi key": Case(checks.index_key, ("GSI", "users", "UsersByEmail", "partition", "email", S, True), same,
                    Outcome.PASSED),
    "gsi key, wrong": Case(checks.index_key, ("GSI", "users", "UsersByEmail", "partition", "mail", S, True), same,
                           Outcome.FAILED, ("a query with mail as the partition key cannot use UsersByEmail",)),
    "gsi projection": Case(checks.index_projection, ("GSI", "orders", "OrdersByDate", ProjectionType.ALL, True),
                           same, Outcome.PASSED),
    "gsi projection, other": Case(checks.index_projection,
                                  ("GSI", "orders", "OrdersByDate", ProjectionType.KEYS_ONLY, True), same,
                                  Outcome.FAILED, ("expected KEYS_ONLY, found ALL",)),
    "gsi projects": Case(checks.index_projects, ("GSI", "orders", "OrdersByUser", ["orderTotal", "status"], True),
                         same, Outcome.PASSED),
    "gsi projects, lacking": Case(checks.index_projects, ("GSI", "orders", "OrdersByUser", ["customer"], True),
                                  same, Outcome.FAILED, ("would lack customer",)),
    "gsi projects, must not": Case(checks.index_projects, ("GSI", "orders", "OrdersByUser", ["status"], False),
                                   same, Outcome.FAILED),
    # --- the whole environment ---------------------------------------------------------------------------
    "exact tables": Case(checks.exact_tables, (["campaigns", "orders", "products", "tenants", "users"], True), same,
                         Outcome.PASSED),
    "exact tables, one missing": Case(checks.exact_tables, (["campaigns", "orders", "products", "tenants", "users"],
                                                            True), without_table("users"), Outcome.FAILED,
                                      ("missing users",)),
    "table count": Case(checks.table_count, (5, True), same, Outcome.PASSED),
    "table count, other": Case(checks.table_count, (6, True), same, Outcome.FAILED, ("expected 6, found 5",)),
    "exact gsis": Case(checks.exact_indexes, ("orders", ["OrdersByDate", "OrdersByUser"], True), same,
                       Outcome.PASSED),
    "exact gsis, extra": Case(checks.exact_indexes, ("orders", ["OrdersByDate"], True), same, Outcome.FAILED,
                              ("not expected OrdersByUser",)),
    "gsi count": Case(checks.index_count, (8, True), same, Outcome.PASSED),
    "gsi count, other": Case(checks.index_count, (7, True), same, Outcome.FAILED, ("expected 7, found 8",)),
    "naming": Case(checks.naming_convention, ("<Table>By<Attribute>", True), same, Outcome.PASSED),
    "naming, broken": Case(checks.naming_convention, ("<Table>Index", True), same, Outcome.FAILED,
                           ("not following",)),
    # --- backups -----------------------------------------------------------------------------------------
    "vault": Case(checks.vault_exists, ("bbws-dynamodb", True), same, Outcome.PASSED),
    "vault, missing": Case(checks.vault_exists, ("bbws-dynamodb", True), backups(vaults={}), Outcome.FAILED,
                           ("the vault is missing",), Cause.VAULT),
    "vault, cannot tell": Case(checks.vault_exists, ("bbws-dynamodb", True), backups(vaults=CANNOT),
                               Outcome.UNVERIFIABLE),
    "coverage": Case(checks.backup_coverage, ("orders", 14, "bbws-dynamodb", True), same, Outcome.PASSED,
                     ("selected by plan bbws-dynamodb-daily-sit",)),
    "coverage, kept too short": Case(checks.backup_coverage, ("orders", 30, "bbws-dynamodb", True), same,
                                     Outcome.FAILED, ("no backup plan writes to bbws-dynamodb-sit keeping backups "
                                                      "30 days or more",)),
    "coverage, no selection": Case(checks.backup_coverage, ("orders", 14, "bbws-dynamodb", True), selections(()),
                                   Outcome.FAILED, ("no selection names orders-sit",)),
    "coverage, selections unknown": Case(checks.backup_coverage, ("orders", 14, "bbws-dynamodb", True),
                                         selections(CANNOT), Outcome.UNVERIFIABLE),
    "coverage, no vault": Case(checks.backup_coverage, ("orders", 14, "bbws-dynamodb", True), backups(vaults={}),
                               Outcome.FAILED, (), Cause.VAULT),
    # --- the desired state itself ------------------------------------------------------------------------
    "desired tables": Case(exact_desired_tables, (True,), same, Outcome.PASSED),
    "desired tables, one missing": Case(exact_desired_tables, (True,), without_table("tenants"), Outcome.FAILED,
                                        ("missing tenants",)),
    "desired gsis": Case(exact_desired_indexes, (True,), same, Outcome.PASSED),
    "desired gsis, one missing": Case(exact_desired_indexes, (True,),
                                      with_indexes("users", lambda i: i.pop("UsersByEmail")), Outcome.FAILED,
                                      ("missing UsersByEmail",)),
    "desired state": Case(matches_desired_state, (True,), same, Outcome.PASSED, ("nothing to change",)),
    "desired state, drifted": Case(matches_desired_state, (True,), table("orders", deletion_protection=False),
                                   Outcome.FAILED, ("the plan says '~ turn deletion protection on for table "
                                                    "orders-sit'",)),
    "desired state, cannot tell": Case(matches_desired_state, (True,), table("orders", point_in_time_recovery=CANNOT),
                                       Outcome.UNVERIFIABLE, ("cannot tell",)),
}


def _outcome(found: Finding | list[Finding]) -> tuple[Outcome, list[Finding]]:
    """The claim's outcome: its first finding's (the summary of an exact set comes first), with all of them."""
    findings = found if isinstance(found, list) else [found]
    worst = next((o for o in (Outcome.FAILED, Outcome.UNVERIFIABLE) if any(f.outcome is o for f in findings)),
                 Outcome.PASSED)
    return worst, findings


@pytest.mark.parametrize("name", list(CASES))
def test_check(stack: Stack, name: str) -> None:
    case = CASES[name]
    outcome, findings = _outcome(case.check(target_of(case.desired(stack) if case.desired else stack, case.edit),
                                            *case.args))
    messages = "\n".join(f.message() for f in findings)
    assert outcome is case.outcome, messages
    for fragment in case.says:
        assert fragment in messages
    if case.cause is not None:
        assert case.cause in {f.cause for f in findings}, messages


def test_every_check_has_a_passing_and_a_failing_case() -> None:
    public = {*checks.__all__, "exact_desired_tables", "exact_desired_indexes", "matches_desired_state"}
    covered: dict[str, set[Outcome]] = {case.check.__name__: set() for case in CASES.values()}
    for case in CASES.values():
        covered[case.check.__name__].add(case.outcome)
    assert set(covered) == public
    assert all({Outcome.PASSED, Outcome.FAILED} <= outcomes for outcomes in covered.values()), covered


def test_a_missing_table_fails_every_claim_even_where_the_setting_is_unverifiable(stack: Stack) -> None:
    gone = target_of(stack, without_table("orders"))
    for check in (checks.point_in_time_recovery, checks.deletion_protection):
        assert check(gone, "orders", True).outcome is Outcome.FAILED
    assert checks.table_class(gone, "orders", TableClass.STANDARD, True).outcome is Outcome.FAILED


ARN = "arn:aws:dynamodb:eu-west-1:222222222222:table/orders-sit"


@pytest.mark.parametrize(("selection", "tags", "covered"), [
    (ObservedSelection("by arn", resources=(ARN,)), {}, True),
    (ObservedSelection("by wildcard", resources=("arn:aws:dynamodb:*:*:table/*-sit",)), {}, True),
    (ObservedSelection("other table", resources=("arn:aws:dynamodb:eu-west-1:2:table/users-sit",)), {}, False),
    (ObservedSelection("excluded", resources=("*",), not_resources=(ARN,)), {}, False),
    (ObservedSelection("by tag", any_tags=(TagCondition("Backup", "daily"),)), {"Backup": "daily"}, True),
    (ObservedSelection("by tag, other value", any_tags=(TagCondition("Backup", "daily"),)), {"Backup": "no"}, False),
    (ObservedSelection("all but tagged", all_tags=(TagCondition("Backup", "no", "StringNotEquals"),)), {}, True),
    (ObservedSelection("by tag, tags unknown", any_tags=(TagCondition("Backup", "daily"),)), CANNOT, CANNOT),
])
def test_a_selection_covers_a_table_by_arn_wildcard_or_tag(selection: ObservedSelection, tags: Any,
                                                           covered: bool | Unverifiable) -> None:
    assert selection_covers(selection, ARN, tags) == covered


def test_the_built_states_start_perfect(stack: Stack) -> None:
    """The cases' base: the desired state as observed, which every check passes and the plan calls unchanged."""
    target = target_of(stack, same)
    assert isinstance(target.observed.backups, ObservedBackups)
    assert all(isinstance(t, ObservedTable) for t in target.observed.tables.values())
    assert matches_desired_state(target, True)[0].outcome is Outcome.PASSED
