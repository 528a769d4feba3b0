"""The catalogue's cases for steps/sentences/desired.py, the desired state itself: what contracts/ defines, here with the ledger table added: each a scenario
and what it must give on moto and on DynamoDB Local (test_sentences.py runs them)."""

# ruff: noqa: E501  (Gherkin steps and the messages they produce are kept one line each, as consumers read them)

from __future__ import annotations

from tests.steps.sentences.cases import Case, case, fails, passes, skips

CASES: tuple[Case, ...] = (
    case("desired tables", "desired tables must passes",
         "Then the environment must have exactly the tables of the desired state", passes()),
    case("desired tables", "desired tables must not fails",
         "Then the environment must not have exactly the tables of the desired state",
         fails("FAIL tables of {env}: expected exactly 6: campaigns, ledger, orders, products, tenants, users, found 6: "
               "campaigns, ledger, orders, products, tenants, users")),
    case("desired gsis", "desired gsis must passes", "Then every table must have exactly the GSIs of the desired state",
         passes()),
    case("desired gsis", "desired gsis must not fails",
         "Then every table must not have exactly the GSIs of the desired state",
         fails("FAIL GSIs of table orders: expected exactly 2: OrdersByDate, OrdersByUser, found 2: OrdersByDate, "
               "OrdersByUser", "FAIL GSIs of table ledger: expected exactly 0: , found 0: none")),
    case("desired state", "desired state must is unverifiable", "Then the environment must match the desired state",
         skips("unverifiable on {backend}: *")),
    case("desired state", "desired state must not fails", "Then the environment must not match the desired state",
         fails("FAIL the desired state of {env}: expected some change pending, found 0 changes pending")),
)
