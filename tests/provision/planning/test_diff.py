"""The diff as pure functions: (desired stack, observed state) -> changes, no backend involved.

Tables, indexes, settings, tags, tables not in the contracts (deleted only when provably ours) and TTL; the
backups are in test_diff_backups.py.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from dynamo_contracts.provision.desired.model import (
    AttributeType,
    BackendKind,
    KeyAttribute,
    KeySchema,
    Projection,
    ProjectionType,
)
from dynamo_contracts.provision.desired.stack import OWNERSHIP_TAG_KEY, OWNERSHIP_TAG_VALUE, Stack
from dynamo_contracts.provision.observed.schema import observed_from_stack
from dynamo_contracts.provision.observed.state import (
    ObservedBackups,
    ObservedEncryption,
    ObservedLocalIndex,
    ObservedState,
    ObservedTable,
    Unverifiable,
)
from dynamo_contracts.provision.planning.changes import (
    CreateBackupPlan,
    CreateIndex,
    CreateSelection,
    CreateTable,
    CreateVault,
    DeleteIndex,
    DeleteTable,
    LeftAlone,
    PutAlarm,
    Refused,
    TagTable,
    UpdateDeletionProtection,
    UpdateEncryption,
    UpdatePitr,
    UpdateStream,
    UpdateTtl,
)
from dynamo_contracts.provision.planning.diff import diff
from tests.provision.planning.observed_edits import ACCOUNT, kinds, with_account
from tests.support.origins import ON_LOCAL, ON_MOTO

LOCAL_GAP = Unverifiable("dynamodb-local", "not reported")


def with_table(state: ObservedState, name: str, **changes: object) -> ObservedState:
    tables = dict(state.tables)
    tables[name] = dataclasses.replace(tables[name], **changes)  # type: ignore[arg-type]
    return dataclasses.replace(state, tables=tables)


def stray(name: str, tags: dict[str, str] | Unverifiable) -> ObservedTable:
    return ObservedTable(name, "ACTIVE", KeySchema(KeyAttribute("id", AttributeType.S)), tags=tags)


def with_stray(state: ObservedState, table: ObservedTable) -> ObservedState:
    return dataclasses.replace(state, tables={**state.tables, table.name: table})


def test_an_environment_that_matches_the_contracts_needs_no_change(moto: Stack) -> None:
    assert diff(moto, observed_from_stack(moto), BackendKind.AWS) == []


def test_an_empty_environment_gets_every_table_then_the_backups(moto: Stack) -> None:
    moto = with_account(moto, ACCOUNT)
    empty = ObservedState(ON_MOTO, "moto", {}, ObservedBackups({}, {}), alarms={})
    changes = diff(moto, empty, BackendKind.AWS)
    created = [c.target for c in changes if isinstance(c, CreateTable)]
    assert created == sorted(moto.tables)
    assert {c.target for c in changes if isinstance(c, UpdatePitr)} == set(moto.tables)
    assert [(c.target, c.attribute) for c in changes if isinstance(c, UpdateTtl)] == [("campaigns-moto", "expiresAt")]
    backups = [c for c in changes if c.is_backup]
    assert [type(c) for c in backups] == [CreateVault, CreateBackupPlan, CreateSelection]
    assert len([c for c in changes if isinstance(c, PutAlarm)]) == 3 * len(moto.tables)
    assert changes[-len(backups):] == backups, "backups come after every table change"
    selection = backups[-1]
    assert isinstance(selection, CreateSelection)
    assert [arn.rsplit("/", 1)[1] for arn in selection.resources] == sorted(moto.tables)
    assert all(arn.split(":")[4] == ACCOUNT for arn in selection.resources)
    assert all(c.skipped is None for c in changes)


def test_a_missing_gsi_is_added_and_an_unknown_one_deleted(moto: Stack) -> None:
    perfect = observed_from_stack(moto)
    indexes = dict(perfect.tables["orders-moto"].global_indexes)
    renamed = dataclasses.replace(indexes.pop("OrdersByDate"), name="OrdersDateIndex")
    observed = with_table(perfect, "orders-moto", global_indexes={**indexes, "OrdersDateIndex": renamed})
    changes = diff(moto, observed, BackendKind.AWS)
    assert kinds(changes) == [("DeleteIndex", "orders-moto"), ("CreateIndex", "orders-moto")]
    delete, create = changes
    assert isinstance(delete, DeleteIndex)
    assert delete.index == "OrdersDateIndex"
    assert delete.destructive
    assert isinstance(create, CreateIndex)
    assert create.index.name == "OrdersByDate"


def test_a_gsi_with_another_projection_is_refused_with_the_way_to_do_it(moto: Stack) -> None:
    perfect = observed_from_stack(moto)
    indexes = dict(perfect.tables["orders-moto"].global_indexes)
    indexes["OrdersByUser"] = dataclasses.replace(indexes["OrdersByUser"], projection=Projection(ProjectionType.ALL))
    changes = diff(moto, with_table(perfect, "orders-moto", global_indexes=indexes), BackendKind.AWS)
    assert len(changes) == 1
    assert isinstance(changes[0], Refused)
    assert "OrdersByUser" in changes[0].what
    assert "new name" in changes[0].how


def test_a_changed_key_schema_is_refused_and_nothing_else_is_planned_for_that_table(moto: Stack) -> None:
    other_keys = KeySchema(KeyAttribute("orderId", AttributeType.S))
    observed = with_table(observed_from_stack(moto), "orders-moto", keys=other_keys, point_in_time_recovery=False)
    changes = diff(moto, observed, BackendKind.AWS)
    assert kinds(changes) == [("Refused", "orders-moto")]
    assert "key schema" in changes[0].describe()


def test_local_indexes_cannot_be_added_later(moto: Stack) -> None:
    lsi = ObservedLocalIndex("OrdersByTotal", KeyAttribute("orderTotal", AttributeType.N),
                             Projection(ProjectionType.KEYS_ONLY))
    observed = with_table(observed_from_stack(moto), "orders-moto", local_indexes={lsi.name: lsi})
    changes = diff(moto, observed, BackendKind.AWS)
    assert kinds(changes) == [("Refused", "orders-moto")]
    assert "local indexes" in changes[0].describe()


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("point_in_time_recovery", False, UpdatePitr),
        ("stream", None, UpdateStream),
        ("ttl_attribute", None, UpdateTtl),
        ("encryption", ObservedEncryption(), UpdateEncryption),
    ],
    ids=["pitr-off", "stream-off", "ttl-off", "aws-owned-key"],
)
def test_each_setting_that_drifted_gets_its_change(moto: Stack, field: str, value: object, expected: type) -> None:
    observed = with_table(observed_from_stack(moto), "campaigns-moto", **{field: value})
    changes = diff(moto, observed, BackendKind.AWS)
    assert [type(c) for c in changes] == [expected]
    assert changes[0].target == "campaigns-moto"
    assert changes[0].skipped is None


def test_a_setting_the_backend_cannot_report_is_skipped_not_changed(moto: Stack) -> None:
    observed = with_table(observed_from_stack(moto), "orders-moto", point_in_time_recovery=LOCAL_GAP,
                          tags=LOCAL_GAP, encryption=LOCAL_GAP)
    changes = diff(moto, observed, BackendKind.AWS)
    assert {type(c) for c in changes} == {UpdatePitr, TagTable, UpdateEncryption}
    assert all(c.skipped == LOCAL_GAP for c in changes)


def test_a_kms_key_whose_manager_cannot_be_told_is_not_changed(moto: Stack) -> None:
    unknown = ObservedEncryption("arn:aws:kms:eu-west-1:123456789012:key/x", Unverifiable("moto", "mislabelled"))
    observed = with_table(observed_from_stack(moto), "orders-moto", encryption=unknown)
    assert diff(moto, observed, BackendKind.MOTO) == []


def test_only_missing_or_wrong_tags_are_set_and_foreign_tags_are_left(moto: Stack) -> None:
    observed = with_table(observed_from_stack(moto), "users-moto",
                          tags={"Project": "other", "Stack": "dynamodb-schemas", "CostCentre": "42"})
    changes = diff(moto, observed, BackendKind.AWS)
    assert len(changes) == 1
    assert isinstance(changes[0], TagTable)
    assert dict(changes[0].tags) == {"Project": "bbws", "ManagedBy": "dynamo-contracts"}


def test_sit_turns_deletion_protection_on(stack_for: Callable[[str], Stack]) -> None:
    sit = stack_for("sit")
    observed = with_table(observed_from_stack(sit), "users-sit", deletion_protection=False)
    assert kinds(diff(sit, observed, BackendKind.AWS)) == [("UpdateDeletionProtection", "users-sit")]
    change = diff(sit, observed, BackendKind.AWS)[0]
    assert isinstance(change, UpdateDeletionProtection)
    assert change.enabled


# --- tables not in the contracts: deleted only when provably ours ------------------------------------


def test_a_table_not_in_the_contracts_tagged_as_ours_is_deleted_destructively(moto: Stack) -> None:
    ours = stray("legacy-moto", {OWNERSHIP_TAG_KEY: OWNERSHIP_TAG_VALUE, "Project": "bbws"})
    changes = diff(moto, with_stray(observed_from_stack(moto), ours), BackendKind.AWS)
    assert kinds(changes) == [("DeleteTable", "legacy-moto")]
    assert isinstance(changes[0], DeleteTable)
    assert changes[0].destructive
    assert "tagged ManagedBy=dynamo-contracts" in changes[0].describe()


@pytest.mark.parametrize("tags", [
    pytest.param({}, id="no tags"),
    pytest.param({"Team": "payments"}, id="another team's tags"),
    pytest.param({OWNERSHIP_TAG_KEY: "terraform"}, id="managed by something else"),
])
def test_a_foreign_table_named_like_ours_is_left_alone(moto: Stack, tags: dict[str, str]) -> None:
    foreign = stray("payments-team-moto", tags)
    changes = diff(moto, with_stray(observed_from_stack(moto), foreign), BackendKind.AWS)
    assert kinds(changes) == [("LeftAlone", "payments-team-moto")]
    assert not changes[0].destructive
    assert changes[0].describe() == ("left alone: payments-team-moto — not in the contracts and not tagged "
                                     "ManagedBy=dynamo-contracts")


def test_where_tags_cannot_be_read_a_table_not_in_the_contracts_is_never_deleted(
        stack_for: Callable[[str], Stack]) -> None:
    local = stack_for("local")
    for tags in (LOCAL_GAP, {OWNERSHIP_TAG_KEY: OWNERSHIP_TAG_VALUE}):  # tags as read, or a state built elsewhere
        observed = ObservedState(ON_LOCAL, "local", {"payments-team-local": stray("payments-team-local", tags)})
        changes = [c for c in diff(local, observed, BackendKind.DYNAMODB_LOCAL) if c.target == "payments-team-local"]
        assert kinds(changes) == [("LeftAlone", "payments-team-local")]
        assert isinstance(changes[0], LeftAlone)
        assert "cannot tell on dynamodb-local" in changes[0].describe()


def test_every_table_of_the_stack_carries_the_ownership_tag(stack_for: Callable[[str], Stack]) -> None:
    for env in ("local", "moto", "dev", "sit", "prod"):
        for name, spec in stack_for(env).tables.items():
            assert spec.tags.get(OWNERSHIP_TAG_KEY) == OWNERSHIP_TAG_VALUE, name


# --- TTL: on or off, never moved in one apply ---------------------------------------------------------


def test_moving_ttl_to_another_attribute_is_refused_with_the_way_to_do_it(moto: Stack) -> None:
    observed = with_table(observed_from_stack(moto), "campaigns-moto", ttl_attribute="oldExpiry")
    changes = diff(moto, observed, BackendKind.AWS)
    assert kinds(changes) == [("Refused", "campaigns-moto")]
    text = changes[0].describe()
    assert "TTL is on attribute oldExpiry, the contracts want it on expiresAt" in text
    assert "remove ttl_attribute" in text
    assert "at least an hour later" in text


@pytest.mark.parametrize(("seen", "wanted"), [("expiresAt", None), (None, "expiresAt")], ids=["off", "on"])
def test_turning_ttl_on_or_off_alone_is_one_change(moto: Stack, seen: str | None, wanted: str | None) -> None:
    stack = dataclasses.replace(moto, tables={
        name: dataclasses.replace(spec, ttl_attribute=wanted) if name == "campaigns-moto" else spec
        for name, spec in moto.tables.items()})
    observed = with_table(observed_from_stack(moto), "campaigns-moto", ttl_attribute=seen)
    changes = diff(stack, observed, BackendKind.AWS)
    assert kinds(changes) == [("UpdateTtl", "campaigns-moto")]
    assert isinstance(changes[0], UpdateTtl)
    assert changes[0].switch == ("expiresAt", wanted is not None)


def test_an_update_ttl_that_moves_the_attribute_cannot_be_made() -> None:
    with pytest.raises(ValueError, match="at least an hour later"):
        UpdateTtl(target="campaigns-moto", attribute="expiresAt", was="oldExpiry")
