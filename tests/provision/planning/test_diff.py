"""The diff as pure functions: (desired stack, observed state) -> changes, no backend involved."""

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
    ObservedSelection,
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
    DeleteSelection,
    DeleteTable,
    LeftAlone,
    PutAlarm,
    Refused,
    TagTable,
    UpdateBackupPlan,
    UpdateDeletionProtection,
    UpdateEncryption,
    UpdatePitr,
    UpdateStream,
    UpdateTtl,
)
from dynamo_contracts.provision.planning.diff import diff
from tests.support.origins import ON_LOCAL, ON_MOTO

LOCAL_GAP = Unverifiable("dynamodb-local", "not reported")
ACCOUNT = "210987654321"
DEFAULT_ROLE = f"arn:aws:iam::{ACCOUNT}:role/service-role/AWSBackupDefaultServiceRole"


def with_table(state: ObservedState, name: str, **changes: object) -> ObservedState:
    tables = dict(state.tables)
    tables[name] = dataclasses.replace(tables[name], **changes)  # type: ignore[arg-type]
    return dataclasses.replace(state, tables=tables)


def kinds(changes: list) -> list[tuple[str, str]]:
    return [(c.kind, c.target) for c in changes]


@pytest.fixture
def moto(stack_for: Callable[[str], Stack]) -> Stack:
    return stack_for("moto")


def with_account(stack: Stack, account: str | None) -> Stack:
    return dataclasses.replace(stack, environment=dataclasses.replace(stack.environment, account_id=account))


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


# --- the backup role: never an invented account -----------------------------------------------------


def test_the_default_backup_role_is_in_the_environments_account_and_the_plan_line_names_it(moto: Stack) -> None:
    changes = diff(with_account(moto, ACCOUNT), ObservedState(ON_MOTO, "moto", {}), BackendKind.AWS)
    selection = next(c for c in changes if isinstance(c, CreateSelection))
    assert selection.iam_role_arn == DEFAULT_ROLE
    assert selection.describe().endswith(f"as role {DEFAULT_ROLE}")


def test_without_an_account_the_role_comes_from_the_observed_tables_arns(moto: Stack) -> None:
    observed = observed_from_stack(moto)
    tables = {name: dataclasses.replace(t, arn=f"arn:aws:dynamodb:eu-west-1:{ACCOUNT}:table/{name}")
              for name, t in observed.tables.items()}
    empty_backups = ObservedBackups({}, {})
    state = dataclasses.replace(observed, tables=tables, backups=empty_backups)
    selection = next(c for c in diff(with_account(moto, None), state, BackendKind.AWS)
                     if isinstance(c, CreateSelection))
    assert selection.iam_role_arn == DEFAULT_ROLE


def test_without_any_account_the_selection_is_refused_with_what_to_set(moto: Stack) -> None:
    changes = diff(with_account(moto, None), ObservedState(ON_MOTO, "moto", {}), BackendKind.AWS)
    assert not [c for c in changes if isinstance(c, CreateSelection)]
    refused = [c for c in changes if isinstance(c, Refused)]
    assert kinds(refused) == [("Refused", "bbws-dynamodb-daily-moto")]
    text = refused[0].describe()
    assert text.startswith("refused on backup plan bbws-dynamodb-daily-moto: ")
    assert "account_id" in text
    assert "backup_role_arn" in text
    assert "123456789012" not in text


def test_a_backup_role_arn_given_is_used_as_it_is(moto: Stack) -> None:
    role = "arn:aws:iam::222222222222:role/backup"
    stack = dataclasses.replace(moto, environment=dataclasses.replace(moto.environment, backup_role_arn=role))
    selection = next(c for c in diff(stack, ObservedState(ON_MOTO, "moto", {}), BackendKind.AWS)
                     if isinstance(c, CreateSelection))
    assert selection.iam_role_arn == role


def test_a_selection_the_backend_cannot_hold_is_skipped_even_without_an_account(moto: Stack) -> None:
    changes = diff(with_account(moto, None), ObservedState(ON_MOTO, "moto", {}), BackendKind.MOTO)
    selection = next(c for c in changes if isinstance(c, CreateSelection))
    assert selection.skipped is not None
    assert selection.iam_role_arn is None
    assert not [c for c in changes if isinstance(c, Refused)]


def test_on_dynamodb_local_what_it_cannot_hold_is_shown_as_skipped(stack_for: Callable[[str], Stack]) -> None:
    local = stack_for("local")
    changes = diff(local, ObservedState(ON_LOCAL, "local", {}), BackendKind.DYNAMODB_LOCAL)
    skipped = {(c.kind, c.target) for c in changes if c.skipped is not None}
    assert ("UpdatePitr", "orders-local") in skipped
    assert ("TagTable", "orders-local") in skipped
    assert ("UpdateEncryption", "orders-local") in skipped
    assert {("CreateVault", "bbws-dynamodb-local"), ("CreateBackupPlan", "bbws-dynamodb-daily-local")} <= skipped
    assert all(c.skipped is None for c in changes if isinstance(c, CreateTable))


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


def test_backup_retention_drift_updates_the_plan(moto: Stack) -> None:
    observed = observed_from_stack(moto)
    assert not isinstance(observed.backups.plans, Unverifiable)
    plan = observed.backups.plans["bbws-dynamodb-daily-moto"]
    short = dataclasses.replace(plan, rules=(dataclasses.replace(plan.rules[0], retention_days=7),))
    backups = dataclasses.replace(observed.backups, plans={plan.name: short})
    changes = diff(moto, dataclasses.replace(observed, backups=backups), BackendKind.AWS)
    assert len(changes) == 1
    assert isinstance(changes[0], UpdateBackupPlan)
    assert changes[0].plan_id == plan.plan_id
    assert "keep 7 days" in changes[0].describe()


def test_a_selection_that_names_other_tables_is_replaced(moto: Stack) -> None:
    observed = observed_from_stack(moto)
    assert not isinstance(observed.backups.plans, Unverifiable)
    plan = observed.backups.plans["bbws-dynamodb-daily-moto"]
    assert not isinstance(plan.selections, Unverifiable)
    partial = dataclasses.replace(plan.selections[0], resources=plan.selections[0].resources[:3])
    backups = dataclasses.replace(observed.backups, plans={plan.name: dataclasses.replace(plan, selections=(partial,))})
    changes = diff(moto, dataclasses.replace(observed, backups=backups), BackendKind.AWS)
    assert len(changes) == 1
    assert isinstance(changes[0], CreateSelection)
    assert changes[0].replaces_id == partial.selection_id
    assert changes[0].plan_id == plan.plan_id
    assert len(changes[0].resources) == 5


def with_selections(state: ObservedState, *selections: ObservedSelection) -> ObservedState:
    assert not isinstance(state.backups.plans, Unverifiable)
    plan = state.backups.plans["bbws-dynamodb-daily-moto"]
    plans = {plan.name: dataclasses.replace(plan, selections=selections)}
    return dataclasses.replace(state, backups=dataclasses.replace(state.backups, plans=plans))


def our_selection(state: ObservedState) -> ObservedSelection:
    assert not isinstance(state.backups.plans, Unverifiable)
    selections = state.backups.plans["bbws-dynamodb-daily-moto"].selections
    assert not isinstance(selections, Unverifiable)
    return selections[0]


def test_a_replacement_selection_gets_a_name_of_its_own_from_its_content(moto: Stack) -> None:
    observed = observed_from_stack(moto)
    right = our_selection(observed)
    partial = dataclasses.replace(right, resources=right.resources[:3])
    partial = dataclasses.replace(partial, name=moto.plans["bbws-dynamodb-daily-moto"].selection_name_for(
        partial.resources))
    [change] = diff(moto, with_selections(observed, partial), BackendKind.AWS)
    assert isinstance(change, CreateSelection)
    assert change.selection_name == right.name
    assert change.selection_name != partial.name
    assert change.selection_name.startswith("bbws-dynamodb-daily-moto-tables-")
    assert "created before the old one is deleted" in change.describe()


def test_a_selection_named_as_before_digests_with_the_right_content_is_left_as_it_is(moto: Stack) -> None:
    observed = observed_from_stack(moto)
    legacy = dataclasses.replace(our_selection(observed), name="bbws-dynamodb-daily-moto-tables")
    assert diff(moto, with_selections(observed, legacy), BackendKind.AWS) == []


def test_selections_of_other_names_are_left_alone(moto: Stack) -> None:
    observed = observed_from_stack(moto)
    by_hand = [ObservedSelection(name, f"id-{name}", ("arn:aws:dynamodb:*:*:table/*",)) for name in (
        "nightly-by-hand", "bbws-dynamodb-daily-moto-tables-extra", "bbws-dynamodb-daily-moto-tables-ABC123")]
    assert diff(moto, with_selections(observed, our_selection(observed), *by_hand), BackendKind.AWS) == []
    changes = diff(moto, with_selections(observed, *by_hand), BackendKind.AWS)
    assert [(type(c), getattr(c, "replaces_id", None)) for c in changes] == [(CreateSelection, None)]


def test_an_old_selection_left_by_an_interrupted_replacement_is_deleted(moto: Stack) -> None:
    observed = observed_from_stack(moto)
    right = our_selection(observed)
    old = ObservedSelection("bbws-dynamodb-daily-moto-tables", "old-id", right.resources[:2])
    changes = diff(moto, with_selections(observed, old, right), BackendKind.AWS)
    assert len(changes) == 1
    assert isinstance(changes[0], DeleteSelection)
    assert (changes[0].selection_id, changes[0].kept) == ("old-id", right.name)
    assert not changes[0].destructive


def test_several_old_selections_are_replaced_by_one_created_first(moto: Stack) -> None:
    observed = observed_from_stack(moto)
    right = our_selection(observed)
    olds = [ObservedSelection("bbws-dynamodb-daily-moto-tables", "old-1", right.resources[:2]),
            ObservedSelection("bbws-dynamodb-daily-moto-tables-0a1b2c", "old-2", right.resources[:1])]
    changes = diff(moto, with_selections(observed, *olds), BackendKind.AWS)
    assert [type(c) for c in changes] == [CreateSelection, DeleteSelection]
    create, delete = changes
    assert isinstance(create, CreateSelection)
    assert isinstance(delete, DeleteSelection)
    assert (create.replaces_id, delete.selection_id, delete.kept) == ("old-1", "old-2", create.selection_name)


def test_selection_names_keep_to_aws_limit_and_differ_by_content(moto: Stack) -> None:
    plan = moto.plans["bbws-dynamodb-daily-moto"]
    long = dataclasses.replace(plan, name="p" * 60)
    name = long.selection_name_for(["arn:a"])
    assert len(name) == 50
    assert long.owns_selection(name)
    assert plan.selection_name_for(["arn:a"]) != plan.selection_name_for(["arn:b"])
    assert plan.selection_name_for(["arn:a", "arn:b"]) == plan.selection_name_for(["arn:b", "arn:a"])


def test_on_moto_a_missing_selection_is_skipped_with_the_reason(moto: Stack) -> None:
    observed = observed_from_stack(moto)
    assert not isinstance(observed.backups.plans, Unverifiable)
    plan = observed.backups.plans["bbws-dynamodb-daily-moto"]
    gap = Unverifiable("moto", "moto does not implement Create/ListBackupSelections")
    backups = dataclasses.replace(observed.backups, plans={plan.name: dataclasses.replace(plan, selections=gap)})
    changes = diff(moto, dataclasses.replace(observed, backups=backups), BackendKind.MOTO)
    assert kinds(changes) == [("CreateSelection", "bbws-dynamodb-daily-moto")]
    assert changes[0].skipped == gap


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
