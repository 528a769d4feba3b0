"""The catalogue's cases, what they share: the sentences by a short name, what each backend cannot answer, the
`ledger` table the inner project adds, and `case(...)`, one scenario with what it must give on moto and on DynamoDB
Local. The cases themselves are in cases_<module>.py, one file per module of steps/sentences/; test_sentences.py
runs them all in one inner project per backend."""

# ruff: noqa: E501  (Gherkin steps and the messages they produce are kept one line each, as consumers read them)

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from tests.support.contract_project import scenario_test_name

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
