"""A requested index and its hint (issue 17.6), on built observed states: an index breaking the naming convention is
to be added under a conforming name, one the desired state has under such a name is asked for by that name, and
claims failing for one missing index say it once, other causes each once."""

from __future__ import annotations

import pytest

from dynamo_contracts.provision.desired.model import KeyAttribute, KeySchema, ProjectionType
from dynamo_contracts.provision.desired.stack import Stack
from dynamo_contracts.provision.observed.schema import observed_from_stack
from dynamo_contracts.steps import checks
from dynamo_contracts.steps.checks.target import Target
from tests.steps.checks.built_states import S, target_of, without_table

# --- issue 17.6: a requested index's name, and one cause said once --------------------------------------------


@pytest.mark.parametrize(("index", "stated", "says"), [
    ("InvoicesByDate", KeySchema(KeyAttribute("tenantId", S), KeyAttribute("invoiceDate", S)),
     "must add it to contracts/tables/orders.yaml as OrdersByInvoiceDate (the name InvoicesByDate breaks the index "
     "naming convention '<Table>By<Attribute>'"),
    ("InvoicesByDate", None, "as OrdersByInvoiceDate"),  # no keys stated: from the words of the name
    ("OrderHistoryIndex", KeySchema(KeyAttribute("userId", S), KeyAttribute("placedAt", S)), "as OrdersByUserId"),
    ("OrdersByStatus", None, "the platform team must add it to contracts/tables/orders.yaml"),
])
def test_a_requested_index_breaking_the_convention_is_to_be_added_under_a_conforming_name(
        stack: Stack, index: str, stated: KeySchema | None, says: str) -> None:
    target = Target(stack.environment, observed_from_stack(stack), stack,
                    {("orders", index): stated} if stated else {})
    action = checks.index_exists(target, "GSI", "orders", index, True).action
    assert says in action, action
    assert action.endswith("in its feature") == (index != "OrdersByStatus"), action


def test_a_requested_index_the_desired_state_has_under_a_conforming_name_is_asked_for_by_that_name(
        stack: Stack) -> None:
    by_user = next(i for i in stack.tables["orders-sit"].global_indexes if i.name == "OrdersByUser")
    target = Target(stack.environment, observed_from_stack(stack), stack, {("orders", "UserOrders"): by_user.keys})
    assert checks.index_exists(target, "GSI", "orders", "UserOrders", True).action == (
        "the desired state defines no GSI UserOrders on table orders, but has OrdersByUser "
        "(contracts/tables/orders.yaml): the name UserOrders breaks the index naming convention '<Table>By<Attribute>' "
        "of the desired state, which `dynamo-contracts validate` enforces; ask for OrdersByUser in the feature")


def test_claims_failing_for_one_missing_index_say_it_once_and_other_causes_each_once(stack: Stack) -> None:
    from dynamo_contracts.steps.run.recorder import ScenarioFindings

    target = target_of(stack, without_table("users"))
    recorded = ScenarioFindings()
    recorded.add([checks.index_exists(target, "GSI", "orders", "OrdersByStatus", True),
                  checks.index_key(target, "GSI", "orders", "OrdersByStatus", "partition", "status", S, True),
                  checks.index_projection(target, "GSI", "orders", "OrdersByStatus", ProjectionType.ALL, True),
                  checks.table_exists(target, "users", True),
                  checks.point_in_time_recovery(target, "users", True)])
    report = recorded.report()
    assert report.count("the platform team must add it to contracts/tables/orders.yaml") == 1, report
    assert report.count("the table users does not exist") == 1, report
    assert report.count("(the same cause as above)") == 3, report
    assert "FAIL projection of GSI OrdersByStatus of table orders: expected ALL, found no GSI OrdersByStatus" in report
