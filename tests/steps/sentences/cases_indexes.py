"""The catalogue's cases for steps/sentences/indexes.py, indexes: GSIs and LSIs, their keys, projections and state: each a scenario
and what it must give on moto and on DynamoDB Local (test_sentences.py runs them)."""

# ruff: noqa: E501  (Gherkin steps and the messages they produce are kept one line each, as consumers read them)

from __future__ import annotations

from tests.steps.sentences.cases import NO_TABLE, Case, case, fails, passes

CASES: tuple[Case, ...] = (
    case("index exists", "index exists must passes", """
        Then the table "orders" must have the GSI "OrdersByDate"
        And the table "ledger" must have the LSI "LedgerByAmount"
        """, passes()),
    case("index exists", "index exists must not passes", """
        Then the table "orders" must not have the GSI "OrdersByStatus"
        And the table "orders" must not have the LSI "OrdersByDate"
        """, passes()),
    case("index exists", "index exists must fails", """
        Then the table "orders" must have the GSI "OrdersByStatus"
        And the table "orders" must have the LSI "OrdersByAmount"
        And the table "invoices" must have the GSI "InvoicesByDate"
        """,
         fails("3 of 3 claims failed",
               "FAIL GSI OrdersByStatus of table orders: expected GSI OrdersByStatus, ACTIVE, found no GSI OrdersByStatus "
               "on orders-{env}* (GSIs here: OrdersByDate, OrdersByUser). queries on GSI OrdersByStatus of table orders "
               "would fail*",
               "FAIL LSI OrdersByAmount of table orders: *found no LSI OrdersByAmount on orders-{env}* (LSIs here: none)*",
               "FAIL GSI InvoicesByDate of table invoices: *" + NO_TABLE)),
    case("index exists", "index exists must not fails", 'Then the table "orders" must not have the GSI "OrdersByDate"',
         fails("FAIL GSI OrdersByDate of table orders: expected no GSI OrdersByDate, found GSI OrdersByDate, ACTIVE")),
    case("index key", "index key must passes", """
        Then the GSI "OrdersByUser" of table "orders" must have the partition key "userId" of type S
        And the GSI "OrdersByUser" of table "orders" must have the sort key "orderDate" of type S
        And the LSI "LedgerByAmount" of table "ledger" must have the sort key "amount" of type N
        And the LSI "LedgerByAmount" of table "ledger" must have the partition key "accountId" of type S
        """, passes()),
    case("index key", "index key must not passes",
         'Then the GSI "OrdersByUser" of table "orders" must not have the partition key "tenantId" of type S', passes()),
    case("index key", "index key must fails", """
        Then the GSI "OrdersByUser" of table "orders" must have the partition key "tenantId" of type S
        And the GSI "TenantsByDomain" of table "tenants" must have the sort key "tenantId" of type S
        And the GSI "OrdersByStatus" of table "orders" must have the partition key "status" of type S
        """,
         fails("3 of 3 claims failed",
               "FAIL partition key of GSI OrdersByUser of table orders: expected tenantId (S), found userId (S)*",
               "FAIL sort key of GSI TenantsByDomain of table tenants: expected tenantId (S), found no sort key*",
               "FAIL partition key of GSI OrdersByStatus of table orders: *found no GSI OrdersByStatus on orders-{env}*")),
    case("index key", "index key must not fails",
         'Then the GSI "OrdersByUser" of table "orders" must not have the partition key "userId" of type S',
         fails("FAIL partition key of GSI OrdersByUser of table orders: expected not userId (S), found userId (S)")),
    case("index projection", "index projection must passes", """
        Then the GSI "OrdersByDate" of table "orders" must project ALL
        And the GSI "OrdersByUser" of table "orders" must project INCLUDE
        And the GSI "ProductsByStatus" of table "products" must project KEYS_ONLY
        And the LSI "LedgerByAmount" of table "ledger" must project KEYS_ONLY
        """, passes()),
    case("index projection", "index projection must not passes",
         'Then the GSI "OrdersByUser" of table "orders" must not project ALL', passes()),
    case("index projection", "index projection must fails", 'Then the GSI "OrdersByUser" of table "orders" must project ALL',
         fails("FAIL projection of GSI OrdersByUser of table orders: expected ALL, found INCLUDE*")),
    case("index projection", "index projection must not fails",
         'Then the GSI "ProductsByStatus" of table "products" must not project KEYS_ONLY',
         fails("FAIL projection of GSI ProductsByStatus of table products: expected not KEYS_ONLY, found KEYS_ONLY*")),
    case("index projects", "index projects must passes", """
        Then the GSI "OrdersByUser" of table "orders" must project the attributes:
          | attribute  |
          | orderTotal |
          | status     |
          | orderId    |
        """, passes()),
    case("index projects", "index projects must not passes", """
        Then the GSI "ProductsByStatus" of table "products" must not project the attributes:
          | attribute |
          | price     |
          | category  |
        """, passes()),
    case("index projects", "index projects must fails", """
        Then the GSI "ProductsByStatus" of table "products" must project the attributes:
          | attribute   |
          | productName |
          | price       |
          | productId   |
        """,
         fails("FAIL attributes productName, price, productId in GSI ProductsByStatus of table products: expected all "
               "of them projected, found KEYS_ONLY*; missing productName, price. items read through ProductsByStatus "
               "would lack productName, price")),
    case("index projects", "index projects must not fails", """
        Then the GSI "OrdersByUser" of table "orders" must not project the attributes:
          | attribute  |
          | orderTotal |
        """,
         fails("FAIL attributes orderTotal in GSI OrdersByUser of table orders: expected none of them projected, "
               "found INCLUDE*")),
)
