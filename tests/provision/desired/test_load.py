"""The loader (`provision.desired.load.load_contracts`): every rule, each shown by the real contracts with one mistake.

Each case copies the real `contracts/` folder into a temporary folder, applies one edit and
checks the `ContractError`: exactly one problem, in the right file, on the line of the
mistake (found from the text written, not hard-coded), saying what is wrong and what to
write instead. A case may first apply a valid `setup` (e.g. switch a table to PROVISIONED);
a separate test proves each setup loads on its own, so the one edit is the only mistake.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from dynamo_contracts.provision.desired.load import load_contracts
from tests.provision.desired.contracts_edits import (
    BACKUP,
    DEV_TABLES_WITHOUT_ENV,
    ENVIRONMENTS,
    ORDERS,
    ORDERS_LSI,
    SIT_IN_DEVS_ACCOUNT,
    STACK,
    WITHOUT_CONVENTIONS,
    Case,
    Edit,
    assert_one_problem,
    attribute_list,
    contracts_with,
    extra_file,
    gsis,
    lsis,
    new_table,
    sit_pattern,
)

TENANTS = "tables/tenants.yaml"
CAMPAIGNS = "tables/campaigns.yaml"


def nested_aliases(levels: int, first: str = "[x, x, x, x, x, x, x, x, x]",
                   repeat: str = "[{aliases}]") -> str:
    """A description listing `levels` anchored values, each repeating the one before it 9 times.

    An alias bomb ("billion laughs") when `levels` is large: level n stands for about 9**n values.
    """
    names = "abcdefghijklmnopqrstuvwxyz"[:levels]
    items = [f"      - &{names[0]} {first}\n"]
    for previous, name in itertools.pairwise(names):
        aliases = ", ".join([f"*{previous}"] * 9)
        items.append(f"      - &{name} {repeat.format(aliases=aliases)}\n")
    return "    description:\n" + "".join(items)


# A valid setup: tenants billed PROVISIONED, with capacity on the table and on its GSI.
PROVISIONED_TENANTS = (
    Edit(TENANTS, "        projection: ALL\n", "        projection: ALL\n        capacity: {read: 2, write: 2}\n"),
    Edit(TENANTS, None, "    billing_mode: PROVISIONED\n    capacity: {read: 5, write: 5}\n"),
)
COVERS_ORDERS = Edit(BACKUP, "      covers: all", "      covers: {tables: [orders]}")
DEV_BACKUPS_WITHOUT_ENV = Edit(ENVIRONMENTS, "    writes_allowed: true\n    lambda_roles:",
                               '    writes_allowed: true\n    backup_name_pattern: "{name}"\n    lambda_roles:')


def schedule(expression: str, *words: str) -> Case:
    return Case(f"schedule {expression}", Edit(BACKUP, "cron(0 3 * * ? *)", expression), ("schedule:",),
                ("AWS Backup would reject the schedule", *words, "cron(0 3 * * ? *)"))


# --- one parametrized case per rule ----------------------------------------------------------

CASES: list[Case] = [
    # unknown keys and typos: one problem with "did you mean", no follow-on "missing ..." problem
    Case("unknown key in a GSI: projecton",
         Edit(ORDERS, "        projection: ALL\n", "        projecton: ALL\n"), ("projecton",),
         ("unknown key 'projecton'", "did you mean 'projection'")),
    Case("unknown key in a table: sort_ky",
         Edit(ORDERS, "    sort_key: {name: orderId", "    sort_ky: {name: orderId"), ("sort_ky",),
         ("unknown key 'sort_ky'", "did you mean 'sort_key'")),
    Case("unknown key in a backup plan: vualt",
         Edit(BACKUP, "      vault: bbws-dynamodb", "      vualt: bbws-dynamodb"), ("vualt",),
         ("unknown key 'vualt'", "did you mean 'vault'")),
    Case("unknown key in an environment: regin",
         Edit(ENVIRONMENTS, '    region: eu-west-1\n    account_id: "111111111111"',
              '    regin: eu-west-1\n    account_id: "111111111111"'), ("regin",),
         ("unknown key 'regin'", "did you mean 'region'")),
    Case("unknown key in capacity: wirte",
         Edit(TENANTS, "    capacity: {read: 5, write: 5}", "    capacity: {read: 5, wirte: 5}"), ("wirte",),
         ("unknown key 'wirte'", "did you mean 'write'"), setup=PROVISIONED_TENANTS),
    Case("unknown key in a table: billing_mod",
         Edit(TENANTS, "    billing_mode: PROVISIONED", "    billing_mod: PROVISIONED"), ("billing_mod",),
         ("unknown key 'billing_mod'", "did you mean 'billing_mode'"), setup=PROVISIONED_TENANTS),
    Case("unknown key in a projection: atributes",
         Edit(ORDERS, "{type: INCLUDE, attributes: [orderTotal", "{type: INCLUDE, atributes: [orderTotal"),
         ("atributes",), ("unknown key 'atributes'", "did you mean 'attributes'")),
    Case("unknown key in covers: tabels",
         Edit(BACKUP, "covers: {tables: [orders]}", "covers: {tabels: [orders]}"), ("tabels",),
         ("unknown key 'tabels'", "did you mean 'tables'"), setup=(COVERS_ORDERS,)),
    Case("unknown key in a table covered by name: partition_ky",
         Edit(ORDERS, "    partition_key: {name: tenantId, type: S}\n    sort_key",
              "    partition_ky: {name: tenantId, type: S}\n    sort_key"), ("partition_ky",),
         ("unknown key 'partition_ky'", "did you mean 'partition_key'"), setup=(COVERS_ORDERS,)),
    Case("unknown key in encryption: kms_ky",
         Edit(TENANTS, None, "    encryption: {type: CUSTOMER_MANAGED, kms_ky: arn:aws:kms:eu-west-1:1:key/k}\n"),
         ("kms_ky",), ("unknown key 'kms_ky'", "did you mean 'kms_key'")),
    Case("unknown section: defualts",
         Edit(STACK, "defaults:", "defualts:"), ("defualts",),
         ("unknown key 'defualts'", "did you mean 'defaults'")),
    Case("unknown section: environmets",
         Edit(ENVIRONMENTS, "environments:", "environmets:"), ("environmets",),
         ("unknown key 'environmets'", "did you mean 'environments'")),
    Case("unknown section: backup vualts",
         Edit(BACKUP, "  vaults:", "  vualts:"), ("vualts",), ("unknown key 'vualts'", "did you mean 'vaults'")),
    Case("unknown key in a backup plan: cover",
         Edit(BACKUP, "      covers: all", "      cover: all"), ("cover: all",),
         ("unknown key 'cover'", "did you mean 'covers'")),
    Case("unknown section in the file of a table covered by name: tabels",
         Edit(ORDERS, "tables:", "tabels:"), ("tabels",), ("unknown key 'tabels'", "did you mean 'tables'"),
         setup=(COVERS_ORDERS,)),
    Case("wrong billing_mode value in a table",
         Edit(TENANTS, "    billing_mode: PROVISIONED", "    billing_mode: PROVISONED"), ("PROVISONED",),
         ("'PROVISONED'", "did you mean 'PROVISIONED'"), setup=PROVISIONED_TENANTS),
    Case("wrong encryption type with a kms_key",
         Edit(TENANTS, None, "    encryption: {type: CUSTOMER, kms_key: arn:aws:kms:eu-west-1:1:key/k}\n"),
         ("type: CUSTOMER",), ("'CUSTOMER'", "did you mean 'CUSTOMER_MANAGED'")),
    Case("unknown section: indexes",
         Edit(TENANTS, None, "indexes:\n  TenantsByName: {}\n"), ("indexes:\n  TenantsByName",),
         ("unknown key 'indexes'", "allowed: tables, defaults, backup, environments, conventions")),
    # table and index names: 3 to 255 characters of A-Z a-z 0-9 _ . -
    Case("table name of 2 characters",
         new_table("ab"), ("ab:",), ("'ab' has 2 characters", "3 to 255")),
    Case("table name of 256 characters",
         new_table("t" * 256), ("t" * 256,), ("has 256 characters", "3 to 255", "shorten the name")),
    Case("table name with a space",
         new_table("order items"), ("order items",), ("contains ' '", "use only letters, digits")),
    Case("GSI name of 2 characters",
         Edit(ORDERS, "OrdersByUser:", "ab:"), ("ab:",), ("'ab' has 2 characters", "3 to 255")),
    Case("GSI name with a space",
         Edit(ORDERS, "OrdersByUser:", "OrdersBy User:"), ("OrdersBy User",),
         ("contains ' '", "use only letters, digits")),
    # index counts
    Case("21 GSIs",
         Edit(ORDERS, None, gsis("Orders", 19)), ("  global_indexes:",),
         ("21 GSIs", "at most 20", "split the access patterns over fewer indexes", "second table")),
    Case("6 LSIs",
         Edit(ORDERS, None, lsis("Orders", 6)), ("  local_indexes:",), ("6 LSIs", "at most 5", "global indexes")),
    # local indexes
    Case("LSI on a table without sort key",
         Edit(TENANTS, None, lsis("Tenants", 1)), ("  local_indexes:",),
         ("no sort key", "add 'sort_key' or make them global_indexes")),
    Case("LSI sorted by an attribute of another type",
         Edit(ORDERS, None, "    local_indexes:\n      OrdersByTotal:\n"
                            "        sort_key: {name: orderDate, type: N}\n        projection: ALL\n"),
         ("{name: orderDate, type: N}",), ("'orderDate' is type S", "type N in LSI 'OrdersByTotal'")),
    Case("the same attribute as partition and sort key",
         Edit(ORDERS, "sort_key: {name: orderId, type: S}", "sort_key: {name: tenantId, type: S}"),
         ("{name: tenantId, type: S}\n    global",), ("both partition key and sort key", "another sort key")),
    Case("LSI with another partition key",
         Edit(ORDERS, None, "    local_indexes:\n      OrdersByTotal:\n"
                            "        partition_key: {name: customerId, type: S}\n"
                            "        sort_key: {name: orderTotal, type: N}\n        projection: ALL\n"),
         ("customerId",), ("shares the table's partition key", "remove 'partition_key'")),
    # key types
    Case("key type BOOL",
         Edit(ORDERS, "sort_key: {name: orderId, type: S}", "sort_key: {name: orderId, type: BOOL}"),
         ("type: BOOL",), ("'BOOL'", "write one of: S, N, B")),
    Case("key type X on the sort key of a table with an LSI",
         Edit(ORDERS, "sort_key: {name: orderId, type: S}", "sort_key: {name: orderId, type: X}"),
         ("type: X",), ("'X'", "write one of: S, N, B"), setup=(ORDERS_LSI,)),
    Case("key type string",
         Edit(CAMPAIGNS, "{name: productId, type: S}", "{name: productId, type: string}"),
         ("type: string",), ("'string'", "write one of: S, N, B")),
    Case("one attribute, two types",
         Edit(ORDERS, "partition_key: {name: tenantId, type: S}\n        sort_key: {name: orderDate",
              "partition_key: {name: tenantId, type: N}\n        sort_key: {name: orderDate"),
         ("{name: tenantId, type: N}",), ("'tenantId' is type S", "type N", "use the same type")),
    # projections
    Case("projection INCLUDE without attributes",
         Edit(ORDERS, "        projection: ALL\n", "        projection: INCLUDE\n"), ("projection: INCLUDE",),
         ("INCLUDE", "attributes: [a, b]")),
    Case("projection INCLUDE with an empty list",
         Edit(ORDERS, "attributes: [orderTotal, status]", "attributes: []"), ("attributes: []",),
         ("INCLUDE", "lists no attributes", "KEYS_ONLY")),
    Case("projection KEYS_ONLY with attributes",
         Edit(ORDERS, "{type: INCLUDE, attributes: [orderTotal", "{type: KEYS_ONLY, attributes: [orderTotal"),
         ("KEYS_ONLY",), ("KEYS_ONLY", "takes no attributes", "type: INCLUDE")),
    Case("projection ALL with attributes",
         Edit(ORDERS, "{type: INCLUDE, attributes: [orderTotal", "{type: ALL, attributes: [orderTotal"),
         ("type: ALL",), ("projection ALL", "takes no attributes", "type: INCLUDE")),
    Case("101 projected attributes summed over two GSIs",
         Edit(ORDERS, "        projection: ALL\n",
              f"        projection: {{type: INCLUDE, attributes: {attribute_list(99)}}}\n"),
         ("  global_indexes:", "attr000"),
         ("projects 101 non-key attributes", "at most 100", "use projection ALL on an index that needs many")),
    # duplicates
    Case("YAML duplicate key: a GSI named twice",
         Edit(ORDERS, "OrdersByUser:", "OrdersByDate:"),
         ("      OrdersByDate:                # one user",), ("'OrdersByDate' is given twice", "keep one of them")),
    Case("YAML duplicate key: an environment named twice",
         Edit(ENVIRONMENTS, None, "  dev:\n    backend: moto\n"), ("  dev:\n    backend: moto",),
         ("'dev' is given twice", "keep one of them")),
    Case("the same table in two files",
         Edit("tables/zz_orders_copy.yaml", None, "tables:\n  orders:\n    partition_key: {name: tenantId, type: S}\n"),
         ("orders:",), ("table 'orders' is also defined at", "tables/orders.yaml:3", "keep one of them")),
    Case("a GSI and an LSI sharing a name",
         Edit(ORDERS, None, "    local_indexes:\n      OrdersByDate:\n"
                            "        sort_key: {name: orderTotal, type: N}\n        projection: KEYS_ONLY\n"),
         ("      OrdersByDate:\n        sort_key",), ("'OrdersByDate' is used by a GSI and an LSI", "unique")),
    # TTL: a Number of epoch seconds, which a key of type S or B never is
    Case("ttl_attribute that is the table's sort key, of type S",
         Edit(ORDERS, None, "    ttl_attribute: orderId\n"), ("ttl_attribute",),
         ("ttl_attribute 'orderId' is the sort key of the table, of type S", "no item would ever expire",
          "use a separate Number attribute", "ttl_attribute: expiresAt")),
    Case("ttl_attribute that is a GSI's sort key, of type S",
         Edit(CAMPAIGNS, "ttl_attribute: expiresAt", "ttl_attribute: startDate"), ("ttl_attribute",),
         ("ttl_attribute 'startDate' is the sort key of GSI 'CampaignsByStatus', of type S", "Number")),
    Case("ttl_attribute that is the partition key, of type B",
         Edit("tables/zz_extra.yaml", None, "tables:\n  zz_extra:\n    partition_key: {name: expiresAt, type: B}\n"
                                            "    ttl_attribute: expiresAt\n"), ("ttl_attribute",),
         ("'expiresAt' is the partition key of the table, of type B", "ttl_attribute: expiresAtEpoch")),
    # billing and capacity
    Case("capacity on an on-demand table",
         Edit(ORDERS, None, "    capacity: {read: 5, write: 5}\n"), ("capacity:",),
         ("PAY_PER_REQUEST", "remove 'capacity'")),
    Case("capacity on an on-demand GSI",
         Edit(ORDERS, "        projection: ALL\n", "        projection: ALL\n        capacity: {read: 5, write: 5}\n"),
         ("capacity:",), ("GSI 'OrdersByDate'", "PAY_PER_REQUEST", "remove 'capacity'")),
    Case("PROVISIONED table without capacity",
         Edit(TENANTS, "    capacity: {read: 5, write: 5}\n", ""), ("  tenants:", "billing_mode: PROVISIONED"),
         ("table 'tenants' needs 'capacity'", "capacity: {read: 5, write: 5}"), setup=PROVISIONED_TENANTS),
    Case("PROVISIONED GSI without capacity",
         Edit(TENANTS, "        capacity: {read: 2, write: 2}\n", ""),
         ("TenantsByDomain:", "billing_mode: PROVISIONED"),
         ("GSI 'TenantsByDomain'", "needs 'capacity'", "capacity: {read: 5, write: 5}"),
         setup=PROVISIONED_TENANTS),
    # backup plans
    Case("backup plan covers an unknown table",
         Edit(BACKUP, "covers: {tables: [orders]}", "covers: {tables: [orders, ordrs]}"), ("ordrs",),
         ("table 'ordrs', which is not defined", "did you mean 'orders'"), setup=(COVERS_ORDERS,)),
    Case("backup plan writes to an unknown vault",
         Edit(BACKUP, "      vault: bbws-dynamodb", "      vault: bbws-dynamo"), ("vault: bbws-dynamo\n",),
         ("vault 'bbws-dynamo', which is not defined", "did you mean 'bbws-dynamodb'", "backup: vaults:")),
    Case("retention of 0 days",
         Edit(BACKUP, "retention_days: 14", "retention_days: 0"), ("retention_days",),
         ("is 0, below the minimum of 1", "retention_days: 14")),
    Case("cold storage 89 days before deletion",
         Edit(BACKUP, "retention_days: 14", "retention_days: 119\n      cold_storage_after_days: 30"),
         ("cold_storage_after_days", "retention_days"), ("at least 90 days", "retention_days must be at least 120")),
    schedule("rate(1 day)", "cron(...) with six fields"),
    schedule("cron(0 3 * * ?)", "5 fields"),
    schedule("cron(0/15 3 * * ? *)", "minutes '0/15'", "one number"),
    schedule("cron(0,30 3 * * ? *)", "minutes '0,30'", "one number"),
    schedule("cron(60 3 * * ? *)", "minutes '60'"),
    schedule("cron(0 3 * * * *)", "exactly one of day-of-month and day-of-week"),
    schedule("cron(0 3 ? * ? *)", "exactly one of day-of-month and day-of-week"),
    schedule("cron(0 24 * * ? *)", "'24' is not a valid hours"),
    schedule("cron(0 3 32 * ? *)", "'32' is not a valid day of month"),
    schedule("cron(0 3 * 13 ? *)", "'13' is not a valid month"),
    schedule("cron(0 3 ? * 8 *)", "'8' is not a valid day of week"),
    # environments
    Case("AWS environment without region",
         Edit(ENVIRONMENTS, '    backend: aws\n    region: eu-west-1\n    account_id: "111111111111"',
              '    backend: aws\n    account_id: "111111111111"'),
         ("  dev:", '    backend: aws\n    account_id: "111111111111"'),
         ("environment 'dev' needs 'region'", "region: eu-west-1")),
    Case("AWS environment without account_id",
         Edit(ENVIRONMENTS, '    region: eu-west-1\n    account_id: "111111111111"\n', "    region: eu-west-1\n"),
         ("  dev:", "    backend: aws\n    region: eu-west-1\n    writes_allowed: true\n    lambda_roles"),
         ("environment 'dev' needs 'account_id'", "account_id: '123456789012'")),
    Case("account id of 11 digits",
         Edit(ENVIRONMENTS, '"111111111111"', '"11111111111"'), ('"11111111111"',),
         ("'11111111111' is not 12 digits", "quote it")),
    Case("account id with a letter",
         Edit(ENVIRONMENTS, '"222222222222"', '"22222222222x"'), ("22222222222x",),
         ("'22222222222x' is not 12 digits",)),
    Case("table_name_pattern with an unknown placeholder",
         Edit(ENVIRONMENTS, "    backend: moto\n", "    backend: moto\n    table_name_pattern: '{tabel}-{env}'\n"),
         ("table_name_pattern",), ("{tabel}-{env}", "{table}-{env}")),
    Case("table_name_pattern making names with a space",
         Edit(ENVIRONMENTS, "    backend: moto\n", "    backend: moto\n    table_name_pattern: '{table} {env}'\n"),
         ("table_name_pattern",), ("'{table} {env}'", "contains ' '", "{table}-{env}")),
    Case("table_name_pattern with an attribute of the placeholder",
         Edit(ENVIRONMENTS, "    backend: moto\n", "    backend: moto\n    table_name_pattern: '{table.upper}'\n"),
         ("table_name_pattern",), ("may only use {table} and {env}", "{table}-{env}")),
    Case("environment name with a space",
         Edit(ENVIRONMENTS, "  moto:", "  'mo to':"), ("'mo to'",), ("'mo to'", "rename the environment")),
    Case("two environments in one account making the same table names",
         sit_pattern("table_name_pattern: '{table}'"), ("table_name_pattern: '{table}'",),
         ("environments 'dev' and 'sit' both make the table name", "in account 111111111111, region eu-west-1",
          "a plan for one would change the other's tables", "put {env} in the table_name_pattern of 'sit'",
          "table_name_pattern: '{table}-{env}'"), setup=(SIT_IN_DEVS_ACCOUNT, DEV_TABLES_WITHOUT_ENV)),
    Case("two environments in one account making the same vault and plan names",
         sit_pattern("backup_name_pattern: '{name}'"), ("backup_name_pattern: '{name}'",),
         ("environments 'dev' and 'sit' both make the vault name 'bbws-dynamodb'", "account 111111111111",
          "backup_name_pattern: '{name}-{env}'"), setup=(SIT_IN_DEVS_ACCOUNT, DEV_BACKUPS_WITHOUT_ENV)),
    Case("an environment whose pattern makes another environment's table names",
         Edit(ENVIRONMENTS, "    writes_allowed: true\n    lambda_roles:",
              '    writes_allowed: true\n    table_name_pattern: "{table}-sit"\n    lambda_roles:'), ("{table}-sit",),
         ("environments 'dev' and 'sit' both make the table name", "-sit' (from table", "of 'dev'"),
         setup=(SIT_IN_DEVS_ACCOUNT,)),
    Case("backup plan name too long for its rule",
         Edit(BACKUP, "bbws-dynamodb-daily:", f"{'p' * 46}:"), ("p" * 46,), ("1 to 45", "rename it")),
    # index naming convention
    Case("index name breaking the convention",
         Edit(ORDERS, "OrdersByUser:", "OrderHistoryIndex:"), ("OrderHistoryIndex",),
         ("'OrderHistoryIndex' does not follow the convention '<Table>By<Attribute>'",
          "name it 'OrdersByUserId' (from its keys")),
    Case("index name with a singular table part",
         Edit(CAMPAIGNS, "CampaignsByStatus:", "CampaignByStatus:"), ("CampaignByStatus",),
         ("'CampaignByStatus' does not follow the convention", "name it 'CampaignsByStatus'")),
    Case("index name of another entity: the suggestion comes from its own keys, not another index's name",
         Edit(ORDERS, "      OrdersByUser:", "      InvoicesByDate:\n        partition_key: {name: tenantId, type: S}\n"
              "        sort_key: {name: invoiceDate, type: S}\n        projection: ALL\n      OrdersByUser:"),
         ("InvoicesByDate",), ("'InvoicesByDate' does not follow the convention", "name it 'OrdersByInvoiceDate'")),
    Case("LSI name breaking the convention: from the LSI's sort key",
         Edit(ORDERS, "OrdersByTotal:", "TotalIdx:"), ("TotalIdx",),
         ("'TotalIdx' does not follow", "name it 'OrdersByOrderTotal' (from its keys"),
         setup=(Edit(ORDERS, None, "    local_indexes:\n      OrdersByTotal:\n"
                                   "        sort_key: {name: orderTotal, type: N}\n        projection: KEYS_ONLY\n"),)),
    # whole files
    Case("invalid YAML: a second colon",
         Edit(ORDERS, "        projection: ALL\n", "        projection: ALL: x\n"), ("ALL: x",),
         ("not valid YAML", "check the indentation and quoting")),
    Case("invalid YAML: a tab",
         Edit(ORDERS, "    sort_key: {name: orderId", "\tsort_key: {name: orderId"), ("\tsort_key",),
         ("not valid YAML", "'\\t'")),
    Case("invalid YAML: an unclosed flow mapping",
         Edit(ORDERS, "    sort_key: {name: orderId, type: S}", "    sort_key: {name: orderId, type: S"),
         ("    sort_key: {name: orderId, type: S\n",), ("not valid YAML", "check the indentation and quoting")),
    Case("invalid YAML: a bracket closed by a brace",
         Edit(ORDERS, "attributes: [orderTotal, status]}", "attributes: [orderTotal, status}"),
         ("attributes: [orderTotal, status}",), ("not valid YAML", "expected ',' or ']'")),
    Case("invalid YAML: an unclosed flow sequence",
         Edit("tables/products.yaml", "attributes: [price, status]}", "attributes: [price, status"),
         ("attributes: [price, status\n",), ("not valid YAML", "needs its closing")),
    Case("invalid YAML: two documents",
         Edit(ORDERS, None, "---\ntables: {}\n"), ("---",), ("not valid YAML", "a single document")),
    Case("a file that is a list",
         Edit("tables/notes.yaml", None, "- orders\n- users\n"), ("- orders",),
         ("must be a mapping of sections", "not a list")),
    Case("a file that is a scalar",
         Edit("tables/notes.yaml", None, "just some notes\n"), ("just some notes",),
         ("must be a mapping of sections", "not 'just some notes'")),
    # keys are plain names; aliases may not explode
    Case("a key that is an alias of a mapping",
         extra_file("    sort_key: &sort {name: at, type: S}\n    tags:\n      ? *sort\n      : x\n"), ("? *sort",),
         ("this key is the alias '*sort' of a mapping", "a key is a plain name", "write 'name: value'")),
    Case("a key that is a list",
         extra_file("    tags:\n      ? [Team, Owner]\n      : x\n"), ("? [Team",),
         ("this key is a list", "a key is a plain name")),
    Case("a key that is a mapping, in a flow mapping",
         extra_file("    tags: {{Team: a}: x}\n"), ("tags:",), ("this key is a mapping", "a key is a plain name")),
    Case("aliases of aliases: an alias bomb in a value",
         extra_file(nested_aliases(9)), ("&e [",),
         ("the alias '*d' repeats 7,381 values", "over the limit of 10,000", "alias bomb", "write the values out")),
    Case("aliases of aliases through merge keys",
         extra_file(nested_aliases(9, "{k0: x, k1: x, k2: x, k3: x, k4: x, k5: x, k6: x, k7: x, k8: x}",
                                   "{{<<: [{aliases}]}}")), ("&d {",),
         ("the alias '*c' repeats 1,569 values", "over the limit of 10,000")),
    Case("an alias inside its own anchor",
         extra_file("    description: &loop [a, *loop]\n"), ("*loop",),
         ("the alias '*loop' is inside the value its anchor '&loop' names", "write the value out")),
]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_one_mistake_gives_one_problem_at_its_line(tmp_path: Path, case: Case) -> None:
    folder = contracts_with(tmp_path, [*case.setup, case.mistake])
    assert_one_problem(folder, case.mistake.file, case.at, case.words)


SETUP_CASES = [case for case in CASES if case.setup]


@pytest.mark.parametrize("case", SETUP_CASES, ids=[case.id for case in SETUP_CASES])
def test_setup_without_the_mistake_is_valid(tmp_path: Path, case: Case) -> None:
    load_contracts(contracts_with(tmp_path, case.setup))


def test_wrong_default_billing_mode_is_not_judged_again_per_table(tmp_path: Path) -> None:
    """With the defaults' billing mode unknown, no table is told it has (or lacks) capacity."""
    folder = contracts_with(tmp_path, [Edit(STACK, "billing_mode: PAY_PER_REQUEST", "billing_mode: PROVISONED"),
                                       Edit(TENANTS, None, "    capacity: {read: 5, write: 5}\n")])
    assert_one_problem(folder, STACK, ["PROVISONED"], ["'PROVISONED'", "did you mean 'PROVISIONED'"])


def test_conventions_setup_is_valid(tmp_path: Path) -> None:
    state = load_contracts(contracts_with(tmp_path, [WITHOUT_CONVENTIONS]))
    assert state.index_naming is None
