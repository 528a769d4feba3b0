"""The catalogue's cases for steps/sentences/backups.py, backups: the vault, the plans and what they cover: each a scenario
and what it must give on moto and on DynamoDB Local (test_sentences.py runs them)."""

# ruff: noqa: E501  (Gherkin steps and the messages they produce are kept one line each, as consumers read them)

from __future__ import annotations

from tests.steps.sentences.cases import LOCAL_NO_BACKUP, MOTO_NO_SELECTIONS, NO_TABLE, Case, case, fails, passes, skips

CASES: tuple[Case, ...] = (
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
)
