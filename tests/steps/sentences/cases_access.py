"""The catalogue's cases for steps/sentences/access.py, access patterns: items written, read and queried as a Lambda does: each a scenario
and what it must give on moto and on DynamoDB Local (test_sentences.py runs them)."""

# ruff: noqa: E501  (Gherkin steps and the messages they produce are kept one line each, as consumers read them)

from __future__ import annotations

from tests.steps.sentences.cases import NO_TABLE, ORDERS_ITEMS, PRODUCTS_ITEMS, Case, case, fails, passes

CASES: tuple[Case, ...] = (
    case("items", "items are written and read back", ORDERS_ITEMS + """
        When querying the table "orders" where "tenantId = t1"
        Then the query must return exactly, in order:
          | orderId | orderTotal | status  |
          | o1      | 25         | PLACED  |
          | o2      | 40.5       | SHIPPED |
          | o3      | 12         | PLACED  |
        """, passes()),
    case("items", "items with a number key", """
        Given the table "ledger" holds the items:
          | accountId | entryId | amount |
          | a1        | 10      | 5      |
          | a1        | 2       | 50     |
          | a1        | 7       | 20     |
        When querying the table "ledger" where "accountId = a1 and entryId >= 5"
        Then the query must return exactly, in order:
          | entryId | amount |
          | 7       | 20     |
          | 10      | 5      |
        """, passes()),
    case("items", "items for a missing table fail", """
        Given the table "invoices" holds the items:
          | tenantId | invoiceId |
          | t1       | i1        |
        Then the query must return exactly, in order:
          | invoiceId |
          | i1        |
        """, fails("FAIL items in table invoices: expected the table, " + NO_TABLE)),
    case("query", "query on a gsi in reverse order with a limit", ORDERS_ITEMS + """
        When querying the GSI "OrdersByDate" of table "orders" where "tenantId = t1 and orderDate between 2026-01-01 and 2026-01-31", in reverse order, limited to 1 item
        Then the query must return exactly, in order:
          | orderId | orderDate  |
          | o2      | 2026-01-20 |
        """, passes()),
    case("query", "query on an lsi", """
        Given the table "ledger" holds the items:
          | accountId | entryId | amount |
          | a1        | 1       | 30     |
          | a1        | 2       | 10     |
          | a1        | 3       | 20     |
        When querying the LSI "LedgerByAmount" of table "ledger" where "accountId = a1 and amount > 15"
        Then the query must return exactly, in order:
          | entryId | amount |
          | 3       | 20     |
          | 1       | 30     |
        """, passes()),
    case("query", "query with the wrong partition key fails", ORDERS_ITEMS + """
        When querying the GSI "OrdersByUser" of table "orders" where "tenantId = t1"
        Then the query must return exactly, in order:
          | orderId |
          | o1      |
        """,
         fails("FAIL query on GSI OrdersByUser of table orders: tenantId = t1: expected a query GSI OrdersByUser can "
               "serve, found keys *. GSI OrdersByUser's partition key is userId, but the query's key condition uses "
               "tenantId")),
    case("query", "query with the wrong sort key fails", ORDERS_ITEMS + """
        When querying the GSI "OrdersByDate" of table "orders" where "tenantId = t1 and orderId = o1"
        Then the query must return exactly, in order:
          | orderId |
          | o1      |
        """, fails("*GSI OrdersByDate's sort key is orderDate, but the query's key condition uses orderId")),
    case("query", "query on a missing index fails", ORDERS_ITEMS + """
        When querying the GSI "OrdersByStatus" of table "orders" where "status = PLACED"
        Then the query must return exactly, in order:
          | orderId |
          | o1      |
        """, fails("FAIL GSI OrdersByStatus of table orders: expected GSI OrdersByStatus, ACTIVE, found no GSI "
                   "OrdersByStatus on orders-{env}* (GSIs here: OrdersByDate, OrdersByUser)*")),
    case("query", "query on a missing table fails", """
        When querying the table "invoices" where "tenantId = t1"
        Then the query must return exactly, in order:
          | invoiceId |
          | i1        |
        """,
         fails("FAIL query on table invoices: tenantId = t1: expected the table, " + NO_TABLE)),
    case("returns", "returns must passes", ORDERS_ITEMS + """
        When querying the GSI "OrdersByUser" of table "orders" where "userId = u1"
        Then the query must return exactly, in order:
          | orderId | orderDate  | orderTotal | status |
          | o1      | 2026-01-05 | 25         | PLACED |
          | o3      | 2026-02-02 | 12         | PLACED |
        """, passes()),
    case("returns", "returns must not passes", ORDERS_ITEMS + """
        When querying the GSI "OrdersByUser" of table "orders" where "userId = u1"
        Then the query must not return exactly, in order:
          | orderId |
          | o3      |
          | o1      |
        """, passes()),
    case("returns", "returns must fails", ORDERS_ITEMS + """
        When querying the GSI "OrdersByUser" of table "orders" where "userId = u1"
        Then the query must return exactly, in order:
          | orderId | orderTotal |
          | o3      | 12         |
          | o1      | 25         |
        """,
         fails("FAIL results of the query on GSI OrdersByUser of table orders: userId = u1: expected orderId=o3, "
               "orderTotal=12; orderId=o1, orderTotal=25, found 2 items: orderId=o1, orderTotal=25; orderId=o3, "
               "orderTotal=12")),
    case("returns", "returns nothing fails", ORDERS_ITEMS + """
        When querying the GSI "OrdersByUser" of table "orders" where "userId = u9"
        Then the query must return exactly, in order:
          | orderId |
          | o1      |
        """, fails("FAIL results of the query on GSI OrdersByUser of table orders: userId = u9: expected orderId=o1, "
                   "found 0 items: no items")),
    case("returns", "returns must not fails", ORDERS_ITEMS + """
        When querying the table "orders" where "tenantId = t1 and orderId = o2"
        Then the query must not return exactly, in order:
          | orderId | status  |
          | o2      | SHIPPED |
        """, fails("FAIL results of the query on table orders: tenantId = t1 and orderId = o2: expected orderId=o2, "
                   "status=SHIPPED, found 1 items: orderId=o2, status=SHIPPED")),
    case("returns", "returns without a query fails", ORDERS_ITEMS + """
        Then the query must not return exactly, in order:
          | orderId |
          | o1      |
        """, fails("FAIL results of the query: expected orderId=o1, found no query ran. no query ran in this scenario: "
                   "add a 'When querying ...' step before this one")),
    case("carries", "carries must passes", ORDERS_ITEMS + """
        When querying the GSI "OrdersByUser" of table "orders" where "userId = u1", in reverse order
        Then every returned item must carry the attributes:
          | attribute  |
          | orderId    |
          | orderTotal |
          | status     |
        """, passes()),
    case("carries", "carries must not passes", PRODUCTS_ITEMS + """
        When querying the GSI "ProductsByStatus" of table "products" where "status = ACTIVE"
        Then every returned item must not carry the attributes:
          | attribute   |
          | price       |
          | productName |
        """, passes()),
    case("carries", "carries from keys only fails", PRODUCTS_ITEMS + """
        When querying the GSI "ProductsByStatus" of table "products" where "status = ACTIVE and updatedAt >= 2026-01-01"
        Then the query must return exactly, in order:
          | tenantId | productId |
          | t1       | p1        |
          | t2       | p7        |
        And every returned item must carry the attributes:
          | attribute |
          | productId |
          | price     |
        """,
         fails("1 of 6 claims failed",  # 3 of them: the role may PutItem, DeleteItem and Query
               "FAIL attributes read from the query on GSI ProductsByStatus of table products: status = ACTIVE and "
               "updatedAt >= 2026-01-01: expected every item carrying productId, price, found missing price. the index "
               "does not project what the consumer reads", "ok   results of the query on GSI ProductsByStatus*")),
    case("carries", "carries from nothing fails", ORDERS_ITEMS + """
        When querying the GSI "OrdersByUser" of table "orders" where "userId = u9"
        Then every returned item must carry the attributes:
          | attribute  |
          | orderTotal |
        """, fails("FAIL attributes read from the query on GSI OrdersByUser of table orders: userId = u9: expected "
                   "every item carrying orderTotal, found no items returned")),
    case("carries", "carries without a query fails", ORDERS_ITEMS + """
        Then every returned item must carry the attributes:
          | attribute  |
          | orderTotal |
        """, fails("FAIL attributes read from the query: expected every item carrying orderTotal, found no query ran. "
                   "no query ran in this scenario*")),
    case("carries", "carries must not fails", ORDERS_ITEMS + """
        When querying the GSI "OrdersByUser" of table "orders" where "userId = u1"
        Then every returned item must not carry the attributes:
          | attribute  |
          | orderTotal |
          | customer   |
        """, fails("FAIL attributes read from the query on GSI OrdersByUser of table orders: userId = u1: expected no "
                   "item carrying orderTotal, customer, found present: orderTotal")),
)
