"""The plan's safety rules and its text and JSON forms."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from dynamo_contracts.provision.desired.stack import Stack
from dynamo_contracts.provision.errors import RefusedError
from dynamo_contracts.provision.observed.state import Unverifiable
from dynamo_contracts.provision.planning.changes import (
    CreateIndex,
    DeleteIndex,
    DeleteTable,
    LeftAlone,
    Refused,
    UpdateDeletionProtection,
    UpdatePitr,
)
from dynamo_contracts.provision.planning.plan import DESTROY_OPTION, LOWER_PROTECTION_OPTION, Plan


def plan_for(stack: Stack, *changes: object) -> Plan:
    return Plan(stack.environment, "aws", list(changes))  # type: ignore[arg-type]


@pytest.fixture
def gsi(stack_for: Callable[[str], Stack]) -> object:
    return stack_for("sit").tables["orders-sit"].global_indexes[0]


def test_deletes_in_sit_need_the_loudly_named_option(stack_for: Callable[[str], Stack]) -> None:
    plan = plan_for(stack_for("sit"), DeleteIndex(target="orders-sit", index="OrdersDateIndex"))
    with pytest.raises(RefusedError, match=DESTROY_OPTION) as refused:
        plan.raise_if_unsafe(allow_destroy=False)
    assert "OrdersDateIndex" in str(refused.value)
    assert "Nothing was changed" in str(refused.value)
    plan.raise_if_unsafe(allow_destroy=True)


def test_deletes_in_prod_are_refused_even_with_the_option(stack_for: Callable[[str], Stack]) -> None:
    plan = plan_for(stack_for("prod"), DeleteTable(target="orders-prod"))
    with pytest.raises(RefusedError, match="protected"):
        plan.raise_if_unsafe(allow_destroy=True)


def test_local_environments_may_delete_without_the_option(stack_for: Callable[[str], Stack]) -> None:
    plan_for(stack_for("local"), DeleteTable(target="orders-local")).raise_if_unsafe(allow_destroy=False)


def test_a_refused_change_stops_the_plan_with_the_way_to_do_it(stack_for: Callable[[str], Stack]) -> None:
    refusal = Refused(target="orders-dev", what="key schema differs", how="create a table under a new name")
    with pytest.raises(RefusedError, match="create a table under a new name"):
        plan_for(stack_for("dev"), refusal).raise_if_unsafe(allow_destroy=True)


def test_skipped_changes_are_shown_with_their_reason_but_not_pending(stack_for: Callable[[str], Stack],
                                                                     gsi: object) -> None:
    gap = Unverifiable("dynamodb-local", "no PITR API")
    plan = Plan(stack_for("local").environment, "dynamodb-local",
                [CreateIndex(target="orders-local", index=gsi), UpdatePitr(target="orders-local", enabled=True,
                                                                           skipped=gap)])  # type: ignore[arg-type]
    assert [c.kind for c in plan.pending] == ["CreateIndex"]
    text = plan.render()
    assert "+ add GSI OrdersByDate to table orders-local" in text
    assert ("? turn point-in-time recovery on for table orders-local: unverifiable on dynamodb-local: "
            "no PITR API") in text
    assert text.splitlines()[-1] == "Plan: 1 to change, 1 skipped on dynamodb-local."


def test_an_empty_plan_says_so(stack_for: Callable[[str], Stack]) -> None:
    plan = plan_for(stack_for("dev"))
    assert plan.render() == "Plan for environment 'dev' on aws: nothing to change."
    assert plan.pending == []


def test_the_json_form_is_plain_data(stack_for: Callable[[str], Stack], gsi: object) -> None:
    plan = plan_for(stack_for("sit"), CreateIndex(target="orders-sit", index=gsi))  # type: ignore[arg-type]
    data = json.loads(json.dumps(plan.data()))
    assert data["pending"] == 1
    change = data["changes"][0]
    assert change["kind"] == "CreateIndex"
    assert change["index"]["keys"]["partition"] == {"name": "tenantId", "type": "S"}
    assert change["index"]["projection"] == {"type": "ALL", "attributes": []}


def test_skipped_changes_of_one_kind_and_reason_share_a_line(stack_for: Callable[[str], Stack]) -> None:
    gap = Unverifiable("dynamodb-local", "no PITR API")
    changes = [UpdatePitr(target=f"{t}-local", enabled=True, skipped=gap) for t in ("orders", "users")]
    plan = Plan(stack_for("local").environment, "dynamodb-local", changes)  # type: ignore[arg-type]
    assert plan.render().splitlines()[2] == (
        "  ? point-in-time recovery of 2 tables (orders-local, users-local): unverifiable on dynamodb-local: "
        "no PITR API")


def test_a_table_left_alone_is_shown_but_not_pending(stack_for: Callable[[str], Stack]) -> None:
    """`plan` exits 0 when all it has to say is which foreign tables it leaves alone."""
    why = "not in the contracts and not tagged ManagedBy=dynamo-contracts"
    plan = Plan(stack_for("sit").environment, "aws", [LeftAlone(target="payments-team-sit", why=why)])
    assert plan.pending == []
    assert plan.destructive == []
    plan.raise_if_unsafe(allow_destroy=False)
    lines = plan.render().splitlines()
    assert lines[1] == f"  = left alone: payments-team-sit — {why}"
    assert lines[-1] == "Plan: 0 to change, 1 left alone."
    data = json.loads(json.dumps(plan.data()))
    assert (data["pending"], data["left_alone"]) == (0, 1)
    assert data["changes"][0]["kind"] == "LeftAlone"


# --- lowering protection is treated like a delete ----------------------------------------------------


def lowering(stack: Stack) -> Plan:
    """Deletion protection and PITR off for one table: what a plain apply did when an override was dropped."""
    table = next(iter(stack.tables))
    return plan_for(stack, UpdateDeletionProtection(target=table, enabled=False),
                    UpdatePitr(target=table, enabled=False))


def test_lowering_protection_in_sit_needs_its_loudly_named_option(stack_for: Callable[[str], Stack]) -> None:
    plan = lowering(stack_for("sit"))
    with pytest.raises(RefusedError, match=LOWER_PROTECTION_OPTION) as refused:
        plan.raise_if_unsafe(allow_destroy=True)
    message = str(refused.value)
    assert "turn deletion protection off for table campaigns-sit" in message
    assert "turn point-in-time recovery off for table campaigns-sit" in message
    assert "Nothing was changed" in message
    plan.raise_if_unsafe(allow_destroy=False, allow_lower_protection=True)


def test_lowering_protection_in_prod_is_refused_even_with_the_option(stack_for: Callable[[str], Stack]) -> None:
    with pytest.raises(RefusedError, match="protected") as refused:
        lowering(stack_for("prod")).raise_if_unsafe(allow_destroy=True, allow_lower_protection=True)
    assert "never turned off here" in str(refused.value)


@pytest.mark.parametrize("env", ["local", "moto"])
def test_local_environments_may_lower_protection_without_the_option(env: str,
                                                                     stack_for: Callable[[str], Stack]) -> None:
    lowering(stack_for(env)).raise_if_unsafe(allow_destroy=False)


def test_raising_protection_needs_no_option_anywhere(stack_for: Callable[[str], Stack]) -> None:
    for env in ("sit", "prod"):
        stack = stack_for(env)
        table = next(iter(stack.tables))
        plan = plan_for(stack, UpdateDeletionProtection(target=table, enabled=True),
                        UpdatePitr(target=table, enabled=True))
        assert plan.lowering_protection == []
        plan.raise_if_unsafe(allow_destroy=False)


def test_deletes_and_lowered_protection_in_one_plan_are_refused_together(stack_for: Callable[[str], Stack]) -> None:
    stack = stack_for("sit")
    plan = plan_for(stack, DeleteIndex(target="orders-sit", index="OrdersDateIndex"),
                    UpdateDeletionProtection(target="orders-sit", enabled=False))
    with pytest.raises(RefusedError) as refused:
        plan.raise_if_unsafe(allow_destroy=False)
    assert DESTROY_OPTION in str(refused.value)
    assert LOWER_PROTECTION_OPTION in str(refused.value)
    with pytest.raises(RefusedError, match=LOWER_PROTECTION_OPTION):
        plan.raise_if_unsafe(allow_destroy=True)


def test_the_plan_shows_lowered_protection_like_a_delete(stack_for: Callable[[str], Stack]) -> None:
    plan = lowering(stack_for("sit"))
    lines = plan.render().splitlines()
    assert lines[1] == ("  - LOWER PROTECTION: turn deletion protection off for table campaigns-sit (it can then "
                        "be deleted)")
    assert lines[2].startswith("  - LOWER PROTECTION: turn point-in-time recovery off for table campaigns-sit")
    assert lines[-1] == "Plan: 2 to change, 2 of them LOWER PROTECTION."
    data = json.loads(json.dumps(plan.data()))
    assert data["lowering_protection"] == 2
    assert [c.get("lowers_protection") for c in data["changes"]] == [True, True]
