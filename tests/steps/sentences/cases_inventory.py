"""The catalogue's cases for steps/sentences/inventory.py, the whole environment: which tables there are, and what they hold in common: each a scenario
and what it must give on moto and on DynamoDB Local (test_sentences.py runs them)."""

# ruff: noqa: E501  (Gherkin steps and the messages they produce are kept one line each, as consumers read them)

from __future__ import annotations

from tests.steps.sentences.cases import NO_TABLE, Case, case, fails, passes

CASES: tuple[Case, ...] = (
    case("exact tables", "exact tables must passes", """
        Then the environment must have exactly these tables:
          | table     |
          | tenants   |
          | users     |
          | products  |
          | campaigns |
          | orders    |
          | ledger    |
        """, passes()),
    case("exact tables", "exact tables must not passes", """
        Then the environment must not have exactly these tables:
          | table  |
          | orders |
        """, passes()),
    case("exact tables", "exact tables must fails", """
        Then the environment must have exactly these tables:
          | table     |
          | tenants   |
          | users     |
          | products  |
          | campaigns |
          | orders    |
          | invoices  |
        """,
         fails("2 of 2 claims failed",
               "FAIL tables of {env}: expected exactly 6: campaigns, invoices, orders, products, tenants, users, found 6: "
               "campaigns, ledger, orders, products, tenants, users. missing invoices; not expected ledger",
               "FAIL table invoices: expected invoices-{env}*, ACTIVE, found no table invoices-{env}*")),
    case("exact tables", "exact tables must not fails", """
        Then the environment must not have exactly these tables:
          | table     |
          | tenants   |
          | users     |
          | products  |
          | campaigns |
          | orders    |
          | ledger    |
        """, fails("FAIL tables of {env}: expected exactly 6: *, found 6: campaigns, ledger, orders, products, tenants, "
                   "users")),
    case("table count", "table count must passes", "Then the environment must have exactly 6 tables", passes()),
    case("table count", "table count must not passes", "Then the environment must not have exactly 5 tables", passes()),
    case("table count", "table count must fails", "Then the environment must have exactly 5 tables",
         fails("FAIL number of tables in {env}: expected 5, found 6 (campaigns, ledger, orders, products, tenants, users)")),
    case("table count", "table count must not fails", "Then the environment must not have exactly 6 tables",
         fails("FAIL number of tables in {env}: expected not 6, found 6 (*)")),
    case("exact gsis", "exact gsis must passes", """
        Then the table "orders" must have exactly these GSIs:
          | index        |
          | OrdersByUser |
          | OrdersByDate |
        And the table "ledger" must not have exactly these GSIs:
          | index          |
          | LedgerByAmount |
        """, passes()),
    case("exact gsis", "exact gsis must not passes", """
        Then the table "orders" must not have exactly these GSIs:
          | index        |
          | OrdersByDate |
        """, passes()),
    case("exact gsis", "exact gsis must fails", """
        Then the table "orders" must have exactly these GSIs:
          | index          |
          | OrdersByDate   |
          | OrdersByStatus |
        """,
         fails("2 of 2 claims failed",
               "FAIL GSIs of table orders: expected exactly 2: OrdersByDate, OrdersByStatus, found 2: OrdersByDate, "
               "OrdersByUser. missing OrdersByStatus; not expected OrdersByUser",
               "FAIL GSI OrdersByStatus of table orders: expected GSI OrdersByStatus, ACTIVE, found no GSI "
               "OrdersByStatus*")),
    case("exact gsis", "exact gsis must not fails", """
        Then the table "tenants" must not have exactly these GSIs:
          | index           |
          | TenantsByDomain |
        """, fails("FAIL GSIs of table tenants: expected exactly 1: TenantsByDomain, found 1: TenantsByDomain")),
    case("exact gsis", "exact gsis of a missing table fail", """
        Then the table "invoices" must have exactly these GSIs:
          | index          |
          | InvoicesByDate |
        """, fails("FAIL GSIs of table invoices: expected exactly InvoicesByDate, " + NO_TABLE)),
    case("gsi count", "gsi count must passes", "Then the environment must have exactly 8 GSIs", passes()),
    case("gsi count", "gsi count must not passes", "Then the environment must not have exactly 9 GSIs", passes()),
    case("gsi count", "gsi count must fails", "Then the environment must have exactly 9 GSIs",
         fails("FAIL number of GSIs in {env}: expected 9, found 8 (campaigns 2, orders 2, products 2, tenants 1, "
               "users 1)")),
    case("gsi count", "gsi count must not fails", "Then the environment must not have exactly 8 GSIs",
         fails("FAIL number of GSIs in {env}: expected not 8, found 8 (*)")),
    case("naming", "naming must passes", 'Then every index name must follow the convention "<Table>By<Attribute>"',
         passes()),
    case("naming", "naming must not passes", 'Then every index name must not follow the convention "<Table>Index"',
         passes()),
    case("naming", "naming must fails", 'Then every index name must follow the convention "<Table>Index<Attribute>"',
         fails("FAIL index names in {env}: expected every name following <Table>Index<Attribute>, found 9 checked; "
               "not following: *CampaignsByProduct on campaigns*LedgerByAmount on ledger*OrdersByUser on orders*")),
    case("naming", "naming must not fails", 'Then every index name must not follow the convention "<Table>By<Attribute>"',
         fails("FAIL index names in {env}: expected some name following <Table>By<Attribute>, found 9 checked, all "
               "follow")),
)
