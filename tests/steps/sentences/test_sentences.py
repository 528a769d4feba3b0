"""Every sentence of the step catalogue, black-box: scenarios that pass, fail and are unverifiable.

One inner project (the real contracts plus a `ledger` table with the settings the real tables
lack: an LSI, PROVISIONED billing, a KEYS_ONLY stream, the AWS owned key, no PITR, deletion
protection) holds one scenario per case below. It runs once on moto and once on a real
DynamoDB Local; each case is then its own test: the scenario's outcome, and its message showing
what was expected and what was found (or why the backend cannot tell).

`{env}` and `{backend}` in a pattern stand for the run's environment and backend names;
patterns are fnmatch-style (`*`), each matched against some line of the scenario's message.
"""

# ruff: noqa: E501  (Gherkin steps and the messages they produce are kept one line each, as consumers read them)

from __future__ import annotations

import re
import textwrap
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

pytest.register_assert_rewrite("tests.support.contract_project")
from tests.support.contract_project import (  # noqa: E402
    ContractProject,
    ContractRun,
    message_matches,
    scenario_test_name,
    subprocess_runner,
)

pytest_plugins = ["pytester", "tests.support.contract_project"]

BACKENDS = {"moto": "moto", "local": "dynamodb-local"}  # environment -> backend name

LEDGER = {
    "description": "a table with the settings the real tables lack",
    "partition_key": {"name": "accountId", "type": "S"},
    "sort_key": {"name": "entryId", "type": "N"},
    "billing_mode": "PROVISIONED",
    "capacity": {"read": 2, "write": 2},
    "stream": "KEYS_ONLY",
    "encryption": "AWS_OWNED",
    "point_in_time_recovery": False,
    "deletion_protection": True,
    "table_class": "STANDARD_INFREQUENT_ACCESS",
    "tags": {"Team": "ledger"},
    "local_indexes": {"LedgerByAmount": {"sort_key": {"name": "amount", "type": "N"}, "projection": "KEYS_ONLY"}},
}
TABLES = ("campaigns", "ledger", "orders", "products", "tenants", "users")

# The catalogue's sentences, by a short name the cases use.
SENTENCES = {
    "table exists": 'the table "{table:Name}" {must:Must} exist',
    "table key": 'the table "{table:Name}" {must:Must} have the {role:Role} key "{attribute:Name}" of type '
                 "{attribute_type:AttributeType}",
    "billing": 'the table "{table:Name}" {must:Must} have billing mode {mode:BillingMode}',
    "stream": 'the table "{table:Name}" {must:Must} have a stream of view type {view:StreamView}',
    "encryption": 'the table "{table:Name}" {must:Must} be encrypted with {encryption:Encryption}',
    "pitr": 'the table "{table:Name}" {must:Must} have point-in-time recovery',
    "ttl": 'the table "{table:Name}" {must:Must} have TTL on the attribute "{attribute:Name}"',
    "deletion protection": 'the table "{table:Name}" {must:Must} have deletion protection',
    "table class": 'the table "{table:Name}" {must:Must} have table class {table_class:TableClass}',
    "tags": 'the table "{table:Name}" {must:Must} have the tags:',
    "index exists": 'the table "{table:Name}" {must:Must} have the {kind:IndexKind} "{index:Name}"',
    "index key": 'the {kind:IndexKind} "{index:Name}" of table "{table:Name}" {must:Must} have the {role:Role} key '
                 '"{attribute:Name}" of type {attribute_type:AttributeType}',
    "index projection": 'the {kind:IndexKind} "{index:Name}" of table "{table:Name}" {must:Must} project '
                        "{projection:Projection}",
    "index projects": 'the {kind:IndexKind} "{index:Name}" of table "{table:Name}" {must:Must} project the '
                      "attributes:",
    "vault": 'the backup vault "{vault:Name}" {must:Must} exist',
    "coverage": 'the table "{table:Name}" {must:Must} be covered by a backup plan keeping backups at least '
                '{days:d} days in vault "{vault:Name}"',
    "exact tables": "the environment {must:Must} have exactly these tables:",
    "table count": "the environment {must:Must} have exactly {count:d} tables",
    "exact gsis": 'the table "{table:Name}" {must:Must} have exactly these GSIs:',
    "gsi count": "the environment {must:Must} have exactly {count:d} GSIs",
    "naming": 'every index name {must:Must} follow the convention "{template:Name}"',
    "desired tables": "the environment {must:Must} have exactly the tables of the desired state",
    "desired gsis": "every table {must:Must} have exactly the GSIs of the desired state",
    "desired state": "the environment {must:Must} match the desired state",
    "items": 'the table "{table:Name}" holds the items:',
    "query": 'querying the [{kind:IndexKind} "{index:Name}" of ]table "{table:Name}" where "{condition}"'
             "[, in reverse order][, limited to {limit:d} items]",
    "returns": "the query {must:Must} return exactly, in order:",
    "carries": "every returned item {must:Must} carry the attributes:",
    "alarm": 'the table "{table:Name}" {must:Must} have a {kind:AlarmKind} alarm',
    "alarm state": 'no alarm of the table "{table:Name}" must be in ALARM state',
    "replica": 'the table "{table:Name}" {must:Must} be replicated to the region "{region:Name}"',
    "cost": "the monthly cost estimate of the environment must be within its budget",
}

# Where a backend cannot answer a sentence at all, no scenario of it can pass there (only a missing
# table fails); provision/observed/capabilities.py says why.
CANNOT_PASS = {  # the whole desired state includes backup selections, which no local backend reports
    "moto": {"table class", "desired state", "alarm state", "cost", "replica"},  # moto never reports
    # TableClassSummary, never evaluates an alarm, has no global tables; neither environment declares a budget
    "local": {"table class", "pitr", "tags", "vault", "encryption", "coverage", "desired state", "alarm",
              "alarm state", "cost", "replica"},
}
CANNOT_FAIL = {  # a vault is no table: on DynamoDB Local, which has no AWS Backup, it is only ever unverifiable
    "moto": {"cost"},
    "local": {"vault", "cost"},
}
CANNOT_ANSWER = {
    "moto": {"table class", "encryption", "coverage", "desired state", "alarm state", "cost", "replica"},
    "local": {"table class", "pitr", "tags", "vault", "encryption", "coverage", "desired state", "alarm",
              "alarm state", "cost", "replica"},
}


@dataclass(frozen=True)
class Expect:
    outcome: str  # passed, failed, skipped
    patterns: tuple[str, ...] = ()


def passes() -> Expect:
    return Expect("passed")


def fails(*patterns: str) -> Expect:
    return Expect("failed", patterns)


def skips(*patterns: str) -> Expect:
    return Expect("skipped", patterns)


@dataclass(frozen=True)
class Case:
    sentence: str  # a key of SENTENCES
    title: str
    steps: str
    moto: Expect
    local: Expect

    @property
    def test_name(self) -> str:
        return scenario_test_name(self.title)

    def expect(self, env: str) -> Expect:
        return self.moto if env == "moto" else self.local


def case(sentence: str, title: str, steps: str, moto: Expect, local: Expect | None = None) -> Case:
    return Case(sentence, title, textwrap.dedent(steps).strip("\n"), moto, moto if local is None else local)


NO_TABLE = "found no table invoices-{env}* in {env} ({backend})*the table invoices does not exist in {env}"
LOCAL_NO_SSE = "unverifiable on dynamodb-local: DynamoDB Local accepts SSESpecification but never reports SSEDescription"
LOCAL_NO_PITR = "unverifiable on dynamodb-local: DynamoDB Local has no Describe/UpdateContinuousBackups*"
LOCAL_NO_TAGS = "unverifiable on dynamodb-local: DynamoDB Local has no tagging API*"
LOCAL_NO_BACKUP = "unverifiable on dynamodb-local: DynamoDB Local has no AWS Backup service"
LOCAL_NO_ALARMS = "unverifiable on dynamodb-local: DynamoDB Local has no CloudWatch"
MOTO_NO_SELECTIONS = "unverifiable on moto: moto does not implement Create/ListBackupSelections"
ORDERS_ITEMS = """
    Given the table "orders" holds the items:
      | tenantId | orderId | orderDate  | userId | orderTotal:N | status  |
      | t1       | o1      | 2026-01-05 | u1     | 25           | PLACED  |
      | t1       | o2      | 2026-01-20 | u2     | 40.5         | SHIPPED |
      | t1       | o3      | 2026-02-02 | u1     | 12           | PLACED  |
"""
PRODUCTS_ITEMS = """
    Given the table "products" holds the items:
      | tenantId | productId | categoryId | productName | price:N | status | updatedAt  |
      | t1       | p1        | books      | The Hobbit  | 12.5    | ACTIVE | 2026-01-03 |
      | t2       | p7        | games      | Chess       | 30      | ACTIVE | 2026-02-15 |
"""

CASES: tuple[Case, ...] = (
    # --- one table ------------------------------------------------------------------------------
    case("table exists", "table exists must passes", 'Then the table "orders" must exist', passes()),
    case("table exists", "table exists must not passes", 'Then the table "invoices" must not exist', passes()),
    case("table exists", "table exists must fails", 'Then the table "invoices" must exist',
         fails("FAIL table invoices: expected invoices-{env}*, ACTIVE, found no table invoices-{env}* in {env} "
               "({backend}) (tables here: campaigns, ledger, orders, products, tenants, users)*")),
    case("table exists", "table exists must not fails", 'Then the table "orders" must not exist',
         fails("FAIL table orders: expected no such table, found orders-{env}*, ACTIVE")),
    case("table key", "table key must passes", """
        Then the table "orders" must have the partition key "tenantId" of type S
        And the table "ledger" must have the sort key "entryId" of type N
        """, passes()),
    case("table key", "table key must not passes", 'Then the table "orders" must not have the sort key "orderDate" of type S',
         passes()),
    case("table key", "table key must fails", """
        Then the table "orders" must have the sort key "orderDate" of type S
        And the table "ledger" must have the sort key "entryId" of type S
        And the table "tenants" must have the sort key "domain" of type S
        """,
         fails("3 of 3 claims failed", "FAIL sort key of table orders: expected orderDate (S), found orderId (S)",
               "FAIL sort key of table ledger: expected entryId (S), found entryId (N)",
               "FAIL sort key of table tenants: expected domain (S), found no sort key")),
    case("table key", "table key must not fails", 'Then the table "orders" must not have the partition key "tenantId" of type S',
         fails("FAIL partition key of table orders: expected not tenantId (S), found tenantId (S)")),
    case("billing", "billing must passes", """
        Then the table "orders" must have billing mode PAY_PER_REQUEST
        And the table "ledger" must have billing mode PROVISIONED
        """, passes()),
    case("billing", "billing must not passes", 'Then the table "ledger" must not have billing mode PAY_PER_REQUEST',
         passes()),
    case("billing", "billing must fails", 'Then the table "ledger" must have billing mode PAY_PER_REQUEST',
         fails("FAIL billing mode of table ledger: expected PAY_PER_REQUEST, found PROVISIONED")),
    case("billing", "billing must not fails", 'Then the table "orders" must not have billing mode PAY_PER_REQUEST',
         fails("FAIL billing mode of table orders: expected not PAY_PER_REQUEST, found PAY_PER_REQUEST")),
    case("stream", "stream must passes", """
        Then the table "orders" must have a stream of view type NEW_AND_OLD_IMAGES
        And the table "ledger" must have a stream of view type KEYS_ONLY
        """, passes()),
    case("stream", "stream must not passes", 'Then the table "orders" must not have a stream of view type KEYS_ONLY',
         passes()),
    case("stream", "stream must fails", 'Then the table "orders" must have a stream of view type NEW_IMAGE',
         fails("FAIL stream of table orders: expected a stream of NEW_IMAGE, found a stream of NEW_AND_OLD_IMAGES")),
    case("stream", "stream must not fails", 'Then the table "ledger" must not have a stream of view type KEYS_ONLY',
         fails("FAIL stream of table ledger: expected not a stream of KEYS_ONLY, found a stream of KEYS_ONLY")),
    case("encryption", "encryption must passes", 'Then the table "ledger" must be encrypted with AWS_OWNED',
         passes(), skips(LOCAL_NO_SSE)),
    case("encryption", "encryption must not passes", """
        Then the table "ledger" must not be encrypted with AWS_MANAGED
        And the table "orders" must not be encrypted with AWS_OWNED
        """, passes(), skips(LOCAL_NO_SSE)),
    case("encryption", "encryption must fails", """
        Then the table "ledger" must be encrypted with AWS_MANAGED
        And the table "orders" must be encrypted with AWS_OWNED
        """,
         fails("2 of 2 claims failed", "FAIL encryption at rest of table ledger: expected AWS_MANAGED, found AWS_OWNED",
               "FAIL encryption at rest of table orders: expected AWS_OWNED, found KMS (arn:aws:kms:*)"),
         skips(LOCAL_NO_SSE + " (and 1 more)")),
    case("encryption", "encryption must not fails", 'Then the table "ledger" must not be encrypted with AWS_OWNED',
         fails("FAIL encryption at rest of table ledger: expected not AWS_OWNED, found AWS_OWNED"),
         skips(LOCAL_NO_SSE)),
    case("encryption", "encryption unverifiable", 'Then the table "orders" must be encrypted with AWS_MANAGED',
         skips("unverifiable on moto: moto's KMS reports the key it makes for DynamoDB as customer managed"),
         skips(LOCAL_NO_SSE)),
    case("encryption", "encryption of a missing table fails", 'Then the table "invoices" must be encrypted with AWS_MANAGED',
         fails("FAIL encryption at rest of table invoices: expected AWS_MANAGED, " + NO_TABLE)),
    case("pitr", "pitr must passes", 'Then the table "orders" must have point-in-time recovery',
         passes(), skips(LOCAL_NO_PITR)),
    case("pitr", "pitr must not passes", 'Then the table "ledger" must not have point-in-time recovery',
         passes(), skips(LOCAL_NO_PITR)),
    case("pitr", "pitr must fails", 'Then the table "ledger" must have point-in-time recovery',
         fails("FAIL point-in-time recovery of table ledger: expected enabled, found disabled"), skips(LOCAL_NO_PITR)),
    case("pitr", "pitr must not fails", 'Then the table "orders" must not have point-in-time recovery',
         fails("FAIL point-in-time recovery of table orders: expected disabled, found enabled"), skips(LOCAL_NO_PITR)),
    case("pitr", "pitr of a missing table fails", 'Then the table "invoices" must have point-in-time recovery',
         fails("FAIL point-in-time recovery of table invoices: expected enabled, " + NO_TABLE)),
    case("ttl", "ttl must passes", 'Then the table "campaigns" must have TTL on the attribute "expiresAt"', passes()),
    case("ttl", "ttl must not passes", 'Then the table "orders" must not have TTL on the attribute "expiresAt"',
         passes()),
    case("ttl", "ttl must fails", """
        Then the table "orders" must have TTL on the attribute "expiresAt"
        And the table "campaigns" must have TTL on the attribute "endDate"
        """,
         fails("FAIL TTL of table orders: expected TTL on expiresAt, found TTL off",
               "FAIL TTL of table campaigns: expected TTL on endDate, found TTL on expiresAt")),
    case("ttl", "ttl must not fails", 'Then the table "campaigns" must not have TTL on the attribute "expiresAt"',
         fails("FAIL TTL of table campaigns: expected no TTL on expiresAt, found TTL on expiresAt")),
    case("deletion protection", "deletion protection must passes", 'Then the table "ledger" must have deletion protection',
         passes()),
    case("deletion protection", "deletion protection must not passes",
         'Then the table "orders" must not have deletion protection', passes()),
    case("deletion protection", "deletion protection must fails", 'Then the table "orders" must have deletion protection',
         fails("FAIL deletion protection of table orders: expected on, found off")),
    case("deletion protection", "deletion protection must not fails",
         'Then the table "ledger" must not have deletion protection',
         fails("FAIL deletion protection of table ledger: expected off, found on")),
    case("table class", "table class unverifiable", 'Then the table "ledger" must have table class STANDARD_INFREQUENT_ACCESS',
         skips("unverifiable on moto: moto never reports TableClassSummary"),
         skips("unverifiable on dynamodb-local: DynamoDB Local never reports TableClassSummary")),
    case("table class", "table class must not unverifiable", 'Then the table "orders" must not have table class STANDARD_INFREQUENT_ACCESS',
         skips("unverifiable on moto: moto never reports TableClassSummary"),
         skips("unverifiable on dynamodb-local: DynamoDB Local never reports TableClassSummary")),
    case("table class", "table class of a missing table fails", 'Then the table "invoices" must have table class STANDARD',
         fails("FAIL table class of table invoices: expected STANDARD, " + NO_TABLE)),
    case("tags", "tags must passes", """
        Then the table "orders" must have the tags:
          | key       | value            |
          | Project   | bbws             |
          | ManagedBy | dynamo-contracts |
        """, passes(), skips(LOCAL_NO_TAGS)),
    case("tags", "tags must not passes", """
        Then the table "orders" must not have the tags:
          | key  | value  |
          | Team | ledger |
        """, passes(), skips(LOCAL_NO_TAGS)),
    case("tags", "tags must fails", """
        Then the table "orders" must have the tags:
          | key     | value |
          | Project | other |
        """,
         fails("FAIL tags of table orders: expected Project=other, found *Project=bbws*"), skips(LOCAL_NO_TAGS)),
    case("tags", "tags must not fails", """
        Then the table "ledger" must not have the tags:
          | key  | value  |
          | Team | ledger |
        """,
         fails("FAIL tags of table ledger: expected none of Team=ledger, found *Team=ledger*"), skips(LOCAL_NO_TAGS)),
    case("tags", "tags of a missing table fail", """
        Then the table "invoices" must have the tags:
          | key     | value |
          | Project | bbws  |
        """, fails("FAIL tags of table invoices: expected Project=bbws, " + NO_TABLE)),
    # --- indexes --------------------------------------------------------------------------------
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
    # --- alarms and cost ---------------------------------------------------------------------------
    case("alarm", "alarm must passes", 'Then the table "orders" must have a write_throttles alarm', passes(),
         skips(LOCAL_NO_ALARMS)),
    case("alarm", "alarm must not passes", 'Then the table "orders" must not have a consumed_read_capacity alarm',
         passes(), skips(LOCAL_NO_ALARMS)),
    case("alarm", "alarm must fails", 'Then the table "orders" must have a consumed_read_capacity alarm',
         fails("FAIL consumed_read_capacity alarm of table orders: expected alarm on ConsumedReadCapacityUnits of "
               "orders-moto, found no alarm on ConsumedReadCapacityUnits*the platform team must add it*"),
         skips(LOCAL_NO_ALARMS)),
    case("alarm", "alarm must not fails", 'Then the table "orders" must not have a read_throttles alarm',
         fails("FAIL read_throttles alarm of table orders: expected no alarm on ReadThrottleEvents of orders-moto, "
               "found orders-moto-read-throttles*"), skips(LOCAL_NO_ALARMS)),
    case("alarm", "alarm of a missing table fails", 'Then the table "invoices" must have a read_throttles alarm',
         fails(f"FAIL read_throttles alarm of table invoices: *{NO_TABLE}*")),
    case("alarm state", "alarm state unverifiable", 'Then no alarm of the table "orders" must be in ALARM state',
         skips("unverifiable on moto: moto holds alarms but never evaluates them*"), skips(LOCAL_NO_ALARMS)),
    case("cost", "cost without a budget unverifiable", "Then the monthly cost estimate of the environment must be "
         "within its budget", skips("unverifiable on {backend}: environment '{env}' declares no budget*")),
    case("alarm state", "alarm state of a missing table fails", 'Then no alarm of the table "invoices" must be in ALARM '
         "state", fails(f"FAIL alarm states of table invoices: *{NO_TABLE}*")),
    case("replica", "replica unverifiable", 'Then the table "orders" must be replicated to the region "us-east-1"',
         skips("unverifiable on moto: moto has no global tables*"),
         skips("unverifiable on dynamodb-local: DynamoDB Local has no global tables*")),
    case("replica", "replica must not unverifiable",
         'Then the table "orders" must not be replicated to the region "us-east-1"',
         skips("unverifiable on moto: moto has no global tables*"),
         skips("unverifiable on dynamodb-local: DynamoDB Local has no global tables*")),
    case("replica", "replica of a missing table fails",
         'Then the table "invoices" must be replicated to the region "us-east-1"',
         fails(f"FAIL replica of table invoices in us-east-1: *{NO_TABLE}*")),
    # --- backups --------------------------------------------------------------------------------
    case("vault", "vault must passes", 'Then the backup vault "bbws-dynamodb" must exist', passes(),
         skips(LOCAL_NO_BACKUP)),
    case("vault", "vault must not passes", 'Then the backup vault "archive" must not exist', passes(),
         skips(LOCAL_NO_BACKUP)),
    case("vault", "vault must fails", 'Then the backup vault "archive" must exist',
         fails("FAIL backup vault archive: expected archive-moto, found no vault archive-moto (vaults here: "
               "bbws-dynamodb-moto). no backups can be stored: the vault is missing"), skips(LOCAL_NO_BACKUP)),
    case("vault", "vault must not fails", 'Then the backup vault "bbws-dynamodb" must not exist',
         fails("FAIL backup vault bbws-dynamodb: expected no such vault, found bbws-dynamodb-moto"),
         skips(LOCAL_NO_BACKUP)),
    case("coverage", "coverage must unverifiable", """
        Then the table "orders" must be covered by a backup plan keeping backups at least 14 days in vault "bbws-dynamodb"
        """, skips(MOTO_NO_SELECTIONS), skips(LOCAL_NO_BACKUP)),
    case("coverage", "coverage must not unverifiable", """
        Then the table "orders" must not be covered by a backup plan keeping backups at least 14 days in vault "bbws-dynamodb"
        """, skips(MOTO_NO_SELECTIONS), skips(LOCAL_NO_BACKUP)),
    case("coverage", "coverage must not passes", """
        Then the table "orders" must not be covered by a backup plan keeping backups at least 30 days in vault "bbws-dynamodb"
        """, passes(), skips(LOCAL_NO_BACKUP)),
    case("coverage", "coverage must fails", """
        Then the table "orders" must be covered by a backup plan keeping backups at least 30 days in vault "bbws-dynamodb"
        And the table "orders" must be covered by a backup plan keeping backups at least 14 days in vault "archive"
        """,
         fails("2 of 2 claims failed",
               "FAIL backups of table orders: expected a backup plan into bbws-dynamodb-moto keeping at least 30 days "
               "that selects the table, found plans: bbws-dynamodb-daily-moto (14 days into bbws-dynamodb-moto). "
               "no backup plan writes to bbws-dynamodb-moto keeping backups 30 days or more",
               "FAIL backups of table orders: expected a backup plan into archive-moto keeping at least 14 days that "
               "selects the table, found no vault archive-moto*"),
         skips(LOCAL_NO_BACKUP + " (and 1 more)")),
    case("coverage", "coverage of a missing table fails", """
        Then the table "invoices" must be covered by a backup plan keeping backups at least 14 days in vault "bbws-dynamodb"
        """, fails("FAIL backups of table invoices: *" + NO_TABLE)),
    # --- the whole environment ------------------------------------------------------------------
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
    # --- the desired state itself (what contracts/ defines, here with the ledger table added) ----------
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
    # --- access patterns ------------------------------------------------------------------------
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

CASE_IDS = [re.sub(r"\W+", "_", c.title.lower()).strip("_") for c in CASES]


def feature_text(cases: tuple[Case, ...]) -> str:
    blocks = ["Feature: every sentence of the catalogue, passing, failing and unverifiable", ""]
    for item in cases:
        blocks += [f"  Scenario: {item.title}", textwrap.indent(item.steps, "    "), ""]
    return "\n".join(blocks)


def build(path: Path) -> ContractProject:
    project = ContractProject(path, subprocess_runner(path))
    project.add_table("ledger", LEDGER)
    project.isolate_local()
    project.feature("catalogue", feature_text(CASES))
    return project


@pytest.fixture(scope="module")
def moto_run(tmp_path_factory: pytest.TempPathFactory) -> ContractRun:
    return build(tmp_path_factory.mktemp("catalogue-moto")).run("--env=moto")


@pytest.fixture(scope="module")
def local_run(tmp_path_factory: pytest.TempPathFactory, dynamodb_local_endpoint: str) -> ContractRun:
    return build(tmp_path_factory.mktemp("catalogue-local")).run("--endpoint-url", dynamodb_local_endpoint)


@pytest.fixture
def run_on(request: pytest.FixtureRequest, spawn: ModuleType) -> tuple[str, ContractRun]:
    """Each backend's one run of the catalogue (an inner pytest: `spawn` marks the tests slow)."""
    env: str = request.param
    return env, request.getfixturevalue("moto_run" if env == "moto" else "local_run")


def expected_counts(env: str) -> Counter[str]:
    return Counter(c.expect(env).outcome for c in CASES)


def backend_params() -> list[object]:
    return [pytest.param("moto", id="moto"), pytest.param("local", id="dynamodb-local", marks=pytest.mark.slow)]


# --- the cases themselves -------------------------------------------------------------------------


@pytest.mark.parametrize("run_on", backend_params(), indirect=True)
@pytest.mark.parametrize("item", CASES, ids=CASE_IDS)
def test_sentence(run_on: tuple[str, ContractRun], item: Case) -> None:
    env, run = run_on
    expect = item.expect(env)
    scenario = run.scenario(item.test_name)
    assert scenario.outcome == expect.outcome, (
        f"scenario '{item.title}' on {env}: expected {expect.outcome}, got {scenario.outcome}\n{scenario.message}")
    patterns = [p.format(env=env, backend=BACKENDS[env]) for p in expect.patterns]
    assert not message_matches(scenario.message, patterns), (
        f"scenario '{item.title}' on {env}: message lacks {message_matches(scenario.message, patterns)}\n"
        f"{scenario.message}")
    if expect.outcome == "skipped":
        assert scenario.message.startswith(f"unverifiable on {BACKENDS[env]}: "), scenario.message
    if expect.outcome == "failed":
        assert " claims failed:" in scenario.message, scenario.message


@pytest.mark.parametrize("run_on", backend_params(), indirect=True)
def test_whole_run_counts_every_outcome(run_on: tuple[str, ContractRun]) -> None:
    env, run = run_on
    counts = expected_counts(env)
    run.result.assert_outcomes(passed=counts["passed"], failed=counts["failed"], skipped=counts["skipped"])
    run.result.stdout.fnmatch_lines([
        f"*= contract checks on {env} ({BACKENDS[env]}) =*",
        "* passed, * failed, * unverifiable here, 0 not run",
        "  catalogue * BLOCKED * passed, * failed, * unverifiable, 0 not run",
        "Not verified here (check these against AWS before calling it ready):",
        f"  * x unverifiable on {BACKENDS[env]}: *",
    ])
    assert run.result.ret == pytest.ExitCode.TESTS_FAILED


# --- the cases cover the catalogue ----------------------------------------------------------------


def _steps_of(item: Case) -> list[tuple[str, str]]:
    """(keyword, text) of each step of a case, `And` taking the keyword before it."""
    steps, keyword = [], ""
    for line in item.steps.splitlines():
        word, _, text = line.strip().partition(" ")
        if word in ("Given", "When", "Then"):
            keyword = word.lower()
        elif word != "And":
            continue
        steps.append((keyword, text))
    return steps


def test_the_cases_name_exactly_the_catalogue_sentences() -> None:
    from dynamo_contracts.steps.sentences import MODULES, catalogue

    for module in MODULES:
        __import__(module)
    assert sorted(SENTENCES.values()) == sorted(s.pattern for s in catalogue.CATALOGUE)


@pytest.mark.parametrize("item", CASES, ids=CASE_IDS)
def test_each_case_uses_its_sentence(item: Case) -> None:
    from dynamo_contracts.steps.sentences import catalogue

    used = [found.pattern for keyword, text in _steps_of(item) if (found := catalogue.find(keyword, text))]
    assert len(used) == len(_steps_of(item)), f"a step of '{item.title}' matches no sentence"
    assert SENTENCES[item.sentence] in used


@pytest.mark.parametrize("env", ["moto", "local"])
@pytest.mark.parametrize("sentence", sorted(SENTENCES))
def test_each_sentence_passes_fails_and_is_unverifiable_where_it_must(env: str, sentence: str) -> None:
    outcomes = {c.expect(env).outcome for c in CASES if c.sentence == sentence}
    if sentence not in CANNOT_FAIL[env]:
        assert "failed" in outcomes
    if sentence not in CANNOT_PASS[env]:
        assert "passed" in outcomes
    if sentence in CANNOT_ANSWER[env]:
        assert "skipped" in outcomes
    else:
        assert "skipped" not in outcomes
    musts = {"must not" in c.steps for c in CASES if c.sentence == sentence}
    if "{must:Must}" in SENTENCES[sentence]:
        assert musts == {True, False}, f"{sentence}: cover both must and must not"


# --- a failed "must not" explains itself --------------------------------------------------------------

CONTRADICTIONS = [
    pytest.param("index key must not fails", "a query with userId as the partition key cannot use OrdersByUser",
                 id="index-key"),
    pytest.param("carries must not fails", "the index does not project what the consumer reads", id="carries"),
]


@pytest.mark.parametrize("run_on", backend_params(), indirect=True)
@pytest.mark.parametrize(("title", "contradiction"), CONTRADICTIONS)
def test_a_failed_must_not_is_not_explained_as_a_failed_must(run_on: tuple[str, ContractRun], title: str,
                                                             contradiction: str) -> None:
    """`must not have the partition key userId` fails because the index HAS it; `must not carry orderTotal` fails
    because the items DO carry it: a reason saying the opposite sends the Lambda developer the wrong way."""
    _, run = run_on
    message = run.scenario(scenario_test_name(title)).message
    assert "FAIL" in message
    assert contradiction not in message, message
