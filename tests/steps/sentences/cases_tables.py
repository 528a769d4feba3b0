"""The catalogue's cases for steps/sentences/tables.py, one table: its keys, billing, class, encryption, streams, TTL, PITR, tags, protection: each a scenario
and what it must give on moto and on DynamoDB Local (test_sentences.py runs them)."""

# ruff: noqa: E501  (Gherkin steps and the messages they produce are kept one line each, as consumers read them)

from __future__ import annotations

from tests.steps.sentences.cases import (
    LOCAL_NO_PITR,
    LOCAL_NO_SSE,
    LOCAL_NO_TAGS,
    NO_TABLE,
    Case,
    case,
    fails,
    passes,
    skips,
)

CASES: tuple[Case, ...] = (
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
)
