"""The diff of backups as pure functions (`provision.planning.diff_backups`): the backup role, never an invented
account; retention that drifted; selections that name other tables replaced by one of a name of its own, old ones
left by an interrupted replacement deleted, and what a backend cannot hold skipped with the reason."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from dynamo_contracts.provision.desired.model import BackendKind
from dynamo_contracts.provision.desired.stack import Stack
from dynamo_contracts.provision.observed.schema import observed_from_stack
from dynamo_contracts.provision.observed.state import ObservedBackups, ObservedSelection, ObservedState, Unverifiable
from dynamo_contracts.provision.planning.changes import (
    CreateSelection,
    CreateTable,
    DeleteSelection,
    Refused,
    UpdateBackupPlan,
)
from dynamo_contracts.provision.planning.diff import diff
from tests.provision.planning.observed_edits import ACCOUNT, kinds, with_account
from tests.support.origins import ON_LOCAL, ON_MOTO

DEFAULT_ROLE = f"arn:aws:iam::{ACCOUNT}:role/service-role/AWSBackupDefaultServiceRole"


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
