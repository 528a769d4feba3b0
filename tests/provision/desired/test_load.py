"""The loader (`provision.desired.load.load_contracts`): every rule, each shown by the real contracts with one mistake.

Each case copies the real `contracts/` folder into a temporary folder, applies one edit and
checks the `ContractError`: exactly one problem, in the right file, on the line of the
mistake (found from the text written, not hard-coded), saying what is wrong and what to
write instead. A case may first apply a valid `setup` (e.g. switch a table to PROVISIONED);
a separate test proves each setup loads on its own, so the one edit is the only mistake.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from dynamo_contracts.provision.desired.load import load_contracts
from dynamo_contracts.provision.desired.model import DesiredState
from dynamo_contracts.provision.desired.stack import resolve
from dynamo_contracts.provision.desired.yamlsrc import load_yaml
from dynamo_contracts.provision.errors import ContractError, Problem
from tests.support import spawn
from tests.support.paths import ROOT

REAL_CONTRACTS = ROOT / "contracts"

ORDERS = "tables/orders.yaml"
TENANTS = "tables/tenants.yaml"
CAMPAIGNS = "tables/campaigns.yaml"
USERS = "tables/users.yaml"
BACKUP = "backup.yaml"
ENVIRONMENTS = "environments.yaml"
STACK = "stack.yaml"

CONVENTIONS_BLOCK = (
    "conventions:\n"
    "  # <Table> is the table's logical name in CamelCase; see docs/decisions/0001-index-naming.md\n"
    '  index_naming: "<Table>By<Attribute>"\n'
)


# --- editing a copy of the real contracts ---------------------------------------------------


@dataclass(frozen=True)
class Edit:
    """Replace `old` (which must occur exactly once) by `new` in `file`; `old=None` appends `new`."""

    file: str
    old: str | None
    new: str


@dataclass(frozen=True)
class Case:
    """The real contracts with one mistake.

    `at`: markers (unique substrings of the edited file); the problem must be on the line where
    one of them starts. `words`: what the message must contain (what is wrong and what to write).
    """

    id: str
    mistake: Edit
    at: tuple[str, ...]
    words: tuple[str, ...]
    setup: tuple[Edit, ...] = ()


def copy_contracts(tmp_path: Path) -> Path:
    folder = tmp_path / "contracts"
    shutil.copytree(REAL_CONTRACTS, folder)
    return folder


def apply_edit(folder: Path, edit: Edit) -> None:
    path = folder / edit.file
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if edit.old is None:
        text += edit.new
    else:
        assert text.count(edit.old) == 1, f"{edit.old!r} must occur exactly once in {edit.file}"
        text = text.replace(edit.old, edit.new)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def contracts_with(tmp_path: Path, edits: Iterable[Edit]) -> Path:
    folder = copy_contracts(tmp_path)
    for edit in edits:
        apply_edit(folder, edit)
    return folder


def line_of(text: str, marker: str) -> int:
    """The 1-based line on which `marker` starts; `marker` must occur exactly once."""
    assert text.count(marker) == 1, f"marker {marker!r} must occur exactly once"
    return text.count("\n", 0, text.index(marker)) + 1


def problems_of(folder: Path) -> tuple[Problem, ...]:
    with pytest.raises(ContractError) as caught:
        load_contracts(folder)
    return caught.value.problems


def show(problems: Sequence[Problem]) -> str:
    return "\n".join(str(p) for p in problems)


def assert_one_problem(folder: Path, file: str, markers: Sequence[str], words: Sequence[str]) -> Problem:
    """Loading `folder` fails with exactly one problem, in `file`, on a marker's line, saying `words`."""
    problems = problems_of(folder)
    assert len(problems) == 1, f"expected exactly one problem, got {len(problems)}:\n{show(problems)}"
    problem = problems[0]
    assert Path(problem.file).as_posix().endswith(file), f"wrong file: {problem}"
    text = (folder / file).read_text(encoding="utf-8")
    lines = sorted({line_of(text, marker) for marker in markers})
    assert problem.line in lines, f"expected line {' or '.join(map(str, lines))}, got {problem}"
    for word in words:
        assert word in problem.message, f"{word!r} missing from: {problem.message}"
    return problem


# --- generated YAML --------------------------------------------------------------------------


def gsis(table: str, count: int, start: int = 1) -> str:
    """`count` valid GSIs named by the convention (`OrdersByExtra01`), at the indent of orders' GSIs."""
    return "".join(
        f"      {table}ByExtra{n:02d}:\n"
        f"        partition_key: {{name: extra{n:02d}, type: S}}\n"
        "        projection: KEYS_ONLY\n"
        for n in range(start, start + count)
    )


def lsis(table: str, count: int) -> str:
    """A `local_indexes:` section with `count` valid LSIs, to append to a table with a sort key."""
    body = "".join(
        f"      {table}ByLocal{n}:\n"
        f"        sort_key: {{name: local{n}, type: S}}\n"
        "        projection: KEYS_ONLY\n"
        for n in range(1, count + 1)
    )
    return "    local_indexes:\n" + body


def attribute_list(count: int, prefix: str = "attr") -> str:
    return "[" + ", ".join(f"{prefix}{n:03d}" for n in range(count)) + "]"


def new_table(name: str) -> Edit:
    """A new file with one more table (no index), named `name`."""
    return Edit("tables/zz_extra.yaml", None, f"tables:\n  {name}:\n    partition_key: {{name: id, type: S}}\n")


def extra_file(body: str) -> Edit:
    """A new file with one more table, `zz_extra`, whose settings after its partition key are `body`."""
    return Edit("tables/zz_extra.yaml", None, "tables:\n  zz_extra:\n    partition_key: {name: &id id, type: S}\n"
                + body)


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
# A valid setup: orders (sort key orderId) with one LSI.
ORDERS_LSI = Edit(ORDERS, None, "    local_indexes:\n      OrdersByTotal:\n"
                                "        sort_key: {name: orderTotal, type: N}\n        projection: ALL\n")
WITHOUT_CONVENTIONS = Edit(STACK, CONVENTIONS_BLOCK, "")
# Valid setups: sit in dev's account (and region), dev's names without {env}.
SIT_IN_DEVS_ACCOUNT = Edit(ENVIRONMENTS, '"222222222222"', '"111111111111"')
DEV_TABLES_WITHOUT_ENV = Edit(ENVIRONMENTS, "    writes_allowed: true\n    lambda_roles:",
                              '    writes_allowed: true\n    table_name_pattern: "{table}"\n    lambda_roles:')
DEV_BACKUPS_WITHOUT_ENV = Edit(ENVIRONMENTS, "    writes_allowed: true\n    lambda_roles:",
                               '    writes_allowed: true\n    backup_name_pattern: "{name}"\n    lambda_roles:')
SIT_OVERRIDES = "    overrides:\n      deletion_protection: true\n  prod:"


def sit_pattern(line: str) -> Edit:
    """`line` (a name pattern) added to sit."""
    return Edit(ENVIRONMENTS, SIT_OVERRIDES, f"    {line}\n{SIT_OVERRIDES}")


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


# --- the real contracts --------------------------------------------------------------------


@pytest.fixture(scope="module")
def real() -> DesiredState:
    return load_contracts(REAL_CONTRACTS)


def test_real_contracts_tables_and_indexes(real: DesiredState) -> None:
    assert sorted(t.name for t in real.tables) == ["campaigns", "orders", "products", "tenants", "users"]
    names = sorted(index.name for table in real.tables for index in table.global_indexes)
    assert names == ["CampaignsByProduct", "CampaignsByStatus", "OrdersByDate", "OrdersByUser",
                     "ProductsByCategory", "ProductsByStatus", "TenantsByDomain", "UsersByEmail"]
    assert all(not table.local_indexes for table in real.tables)
    assert real.index_naming == "<Table>By<Attribute>"


def test_real_contracts_backup(real: DesiredState) -> None:
    assert [vault.name for vault in real.vaults] == ["bbws-dynamodb"]
    assert len(real.plans) == 1
    plan = real.plans[0]
    assert plan.rule.retention_days == 14
    assert plan.rule.vault == "bbws-dynamodb"
    assert plan.covers.all_tables
    plans = resolve(real, real.environments["dev"]).plans
    assert [p.covers.tables for p in plans.values()] == [
        ("campaigns-dev", "orders-dev", "products-dev", "tenants-dev", "users-dev")]


def test_real_contracts_environments(real: DesiredState) -> None:
    assert list(real.environments) == ["local", "moto", "dev", "sit", "prod"]
    assert [env.name for env in real.environments.values() if env.is_aws] == ["dev", "sit", "prod"]
    assert all(not table.deletion_protection for table in real.tables)


@pytest.mark.parametrize(("env", "protected"), [("local", False), ("moto", False), ("dev", False),
                                                ("sit", True), ("prod", True)])
def test_real_contracts_deletion_protection_per_environment(real: DesiredState, env: str, protected: bool) -> None:
    environment = real.environments[env]
    assert environment.overrides.deletion_protection is (True if protected else None)
    stack = resolve(real, environment)
    assert sorted(stack.tables) == sorted(f"{t.name}-{env}" for t in real.tables)
    assert {name: spec.deletion_protection for name, spec in stack.tables.items()} == dict.fromkeys(
        stack.tables, protected)


# --- several mistakes at once --------------------------------------------------------------


def test_all_mistakes_reported_together_sorted_by_file_and_line(tmp_path: Path) -> None:
    edits = [
        Edit(USERS, "        projection: {type: INCLUDE", "        capacity: {read: 1, write: 1}\n"
                                                           "        projection: {type: INCLUDE"),
        Edit(ORDERS, "        projection: ALL\n", "        projecton: ALL\n"),
        Edit(BACKUP, "cron(0 3 * * ? *)", "cron(0 3 * * * *)"),
        Edit(ORDERS, "sort_key: {name: orderId, type: S}", "sort_key: {name: orderId, type: BOOL}"),
        Edit(ENVIRONMENTS, '"111111111111"', '"11111111111"'),
    ]
    folder = contracts_with(tmp_path, edits)
    markers = {USERS: ["capacity:"], ORDERS: ["type: BOOL", "projecton"], BACKUP: ["schedule:"],
               ENVIRONMENTS: ['"11111111111"']}
    expected = sorted((file, line_of((folder / file).read_text(encoding="utf-8"), marker))
                      for file, file_markers in markers.items() for marker in file_markers)
    with pytest.raises(ContractError) as caught:
        load_contracts(folder)
    problems = caught.value.problems
    found = [(Path(p.file).relative_to(folder).as_posix(), p.line) for p in problems]
    assert found == expected, show(problems)
    assert list(problems) == sorted(problems, key=lambda p: (p.file, p.line))
    assert str(caught.value).startswith("5 problems in the contracts:")


# --- the command line ----------------------------------------------------------------------


def run_validate(contracts: Path) -> spawn.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return spawn.run([sys.executable, "-m", "dynamo_contracts.provision", "--contracts", str(contracts), "validate"],
                     cwd=ROOT, env=env, capture_output=True, text=True, check=False)


@pytest.mark.usefixtures("spawn")
def test_cli_validate_good_contracts(tmp_path: Path) -> None:
    result = run_validate(copy_contracts(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "contracts are valid: 5 tables, 8 GSIs, 1 backup plans" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


CLI_MISTAKES = [
    pytest.param(Edit(ORDERS, "        projection: ALL\n", "        projecton: ALL\n"), "projecton", id="unknown key"),
    pytest.param(Edit(BACKUP, "retention_days: 14", "retention_days: 0"), "retention_days", id="retention 0"),
    pytest.param(Edit(ENVIRONMENTS, "    backend: moto\n", "    backend: moto\n    table_name_pattern: '{tabel}'\n"),
                 "table_name_pattern", id="table_name_pattern typo"),
]


@pytest.mark.usefixtures("spawn")
@pytest.mark.parametrize(("edit", "marker"), CLI_MISTAKES)
def test_cli_validate_bad_contracts(tmp_path: Path, edit: Edit, marker: str) -> None:
    folder = contracts_with(tmp_path, [edit])
    line = line_of((folder / edit.file).read_text(encoding="utf-8"), marker)
    result = run_validate(folder)
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.returncode == 1, output
    assert result.stderr.startswith("error: 1 problem in the contracts:"), result.stderr
    assert result.stderr.count("error:") == 1, result.stderr
    assert re.search(rf"^  \S*{re.escape(edit.file)}:{line}: \S", result.stderr, re.MULTILINE), result.stderr


@pytest.mark.usefixtures("spawn")
def test_cli_validate_missing_folder(tmp_path: Path) -> None:
    result = run_validate(tmp_path / "nowhere")
    assert result.returncode == 1
    assert result.stderr.startswith("error: 1 problem in the contracts:")
    assert "--contracts DIR" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


# --- boundaries ----------------------------------------------------------------------------


def long_gsi_name(length: int) -> str:
    """A GSI name on orders that follows the convention and has `length` characters."""
    return "OrdersByU" + "x" * (length - len("OrdersByU"))


@dataclass(frozen=True)
class Boundary:
    """Edits at a limit: they load (`file` None), or give one problem in `file` on the line of `at`."""

    id: str
    edits: tuple[Edit, ...]
    file: str | None = None
    at: str = ""
    words: tuple[str, ...] = ()


def ok(case_id: str, *edits: Edit) -> Boundary:
    return Boundary(case_id, edits)


def fails(case_id: str, edits: Sequence[Edit], file: str, at: str, *words: str) -> Boundary:
    return Boundary(case_id, tuple(edits), file, at, words)


def padded_table(size: int) -> Edit:
    """A new file of exactly `size` bytes: one valid table, then comment lines."""
    head = "tables:\n  zz_padded:\n    partition_key: {name: id, type: S}\n"
    line = "# " + "padding " * 8 + "\n"
    count, rest = divmod(size - len(head), len(line))
    tail = "#" * (rest - 1) + "\n" if rest else ""
    return Edit("tables/zz_padded.yaml", None, head + line * count + tail)


def projected(count: int) -> Edit:
    return Edit(ORDERS, "attributes: [orderTotal, status]", f"attributes: {attribute_list(count)}")


BOUNDARIES = [
    ok("table name of 3 characters", new_table("abc")),
    fails("table name of 2 characters", [new_table("ab")], "tables/zz_extra.yaml", "ab:", "3 to 255"),
    # the physical name in 'local' is <table>-local: 249 + 6 = 255 characters
    ok("physical table name of 255 characters", new_table("t" * 249)),
    fails("physical table name of 256 characters", [new_table("t" * 250)], ENVIRONMENTS, "  local:",
          "in environment 'local'", "has 256 characters", "3 to 255"),
    fails("physical table name too long in three environments", [new_table("t" * 251)], ENVIRONMENTS,
          "  local:", "in environment 'local' (and in moto, prod)", "has 257 characters", "at most 249"),
    ok("index name of 255 characters", Edit(ORDERS, "OrdersByUser:", f"{long_gsi_name(255)}:")),
    fails("index name of 256 characters", [Edit(ORDERS, "OrdersByUser:", f"{long_gsi_name(256)}:")], ORDERS,
          long_gsi_name(256), "has 256 characters", "3 to 255"),
    ok("index name of 3 characters, no convention", WITHOUT_CONVENTIONS, Edit(ORDERS, "OrdersByUser:", "abc:")),
    fails("index name of 2 characters, no convention", [WITHOUT_CONVENTIONS, Edit(ORDERS, "OrdersByUser:", "ab:")],
          ORDERS, "ab:", "'ab' has 2 characters", "3 to 255"),
    ok("20 GSIs", Edit(ORDERS, None, gsis("Orders", 18))),
    fails("21 GSIs", [Edit(ORDERS, None, gsis("Orders", 19))], ORDERS, "  global_indexes:", "21 GSIs", "at most 20"),
    ok("5 LSIs", Edit(ORDERS, None, lsis("Orders", 5))),
    fails("6 LSIs", [Edit(ORDERS, None, lsis("Orders", 6))], ORDERS, "  local_indexes:", "6 LSIs", "at most 5"),
    ok("100 projected attributes", projected(100)),
    fails("101 projected attributes", [projected(101)], ORDERS, "  global_indexes:", "101 non-key attributes",
          "at most 100"),
    ok("retention of 1 day", Edit(BACKUP, "retention_days: 14", "retention_days: 1")),
    fails("retention of 0 days", [Edit(BACKUP, "retention_days: 14", "retention_days: 0")], BACKUP,
          "retention_days", "below the minimum of 1"),
    ok("cold after 30 days, retention 120", Edit(BACKUP, "retention_days: 14",
                                                 "retention_days: 120\n      cold_storage_after_days: 30")),
    fails("cold after 30 days, retention 119", [Edit(BACKUP, "retention_days: 14",
                                                     "retention_days: 119\n      cold_storage_after_days: 30")],
          BACKUP, "cold_storage_after_days", "at least 90 days", "at least 120 (it is 119)"),
    ok("index naming with an underscored table",
       Edit("tables/zz_extra.yaml", None, "tables:\n  order_items:\n    partition_key: {name: id, type: S}\n"
                                          "    global_indexes:\n      OrderItemsBySku:\n"
                                          "        partition_key: {name: sku, type: S}\n"
                                          "        projection: KEYS_ONLY\n")),
    ok("a key that is an alias of a plain name", extra_file("    tags:\n      ? *id\n      : x\n")),
    ok("a few small aliases", extra_file("    sort_key: &sort {name: at, type: S}\n    global_indexes:\n"
                                         "      ZzExtraByAt: {partition_key: *sort, projection: KEYS_ONLY}\n")),
    ok("the same table names in two accounts", DEV_TABLES_WITHOUT_ENV, sit_pattern("table_name_pattern: '{table}'")),
    ok("the same table names in two regions of one account", DEV_TABLES_WITHOUT_ENV, sit_pattern(
        "table_name_pattern: '{table}'"), Edit(ENVIRONMENTS, 'region: eu-west-1\n    account_id: "222222222222"',
                                               'region: eu-central-1\n    account_id: "111111111111"')),
    ok("the same table names on local and moto",
       Edit(ENVIRONMENTS, "    backend: dynamodb-local\n",
            "    backend: dynamodb-local\n    table_name_pattern: '{table}'\n"),
       Edit(ENVIRONMENTS, "    backend: moto\n", "    backend: moto\n    table_name_pattern: '{table}'\n")),
    ok("ttl_attribute that is an LSI's sort key, of type N", ORDERS_LSI,
       Edit(ORDERS, None, "    ttl_attribute: orderTotal\n")),
    ok("a file of 1 MiB", padded_table(2**20)),
    fails("a file of 1 MiB and 1 byte", [padded_table(2**20 + 1)], "tables/zz_padded.yaml", "tables:",
          "1,048,577 bytes", "over the limit of 1 MiB (1,048,576 bytes)", "split it into smaller files"),
]


@pytest.mark.parametrize("boundary", BOUNDARIES, ids=[b.id for b in BOUNDARIES])
def test_boundary(tmp_path: Path, boundary: Boundary) -> None:
    folder = contracts_with(tmp_path, boundary.edits)
    if boundary.file is None:
        load_contracts(folder)
    else:
        assert_one_problem(folder, boundary.file, [boundary.at], boundary.words)


def test_boundary_values_are_kept(tmp_path: Path) -> None:
    folder = contracts_with(tmp_path, [
        Edit(ORDERS, None, gsis("Orders", 18)),
        Edit(BACKUP, "retention_days: 14", "retention_days: 120\n      cold_storage_after_days: 30"),
        projected(100),
    ])
    state = load_contracts(folder)
    orders = state.table("orders")
    assert orders is not None
    assert len(orders.global_indexes) == 20
    assert sum(len(index.projection.attributes) for index in orders.global_indexes) == 100
    assert (state.plans[0].rule.retention_days, state.plans[0].rule.cold_storage_after_days) == (120, 30)


# --- bad inputs: what a file can do to the reader itself -------------------------------------


def assert_cli_one_problem(folder: Path, file: str, line: int, *words: str) -> None:
    """`validate` exits 1 with one problem at `file:line` saying `words`, and no traceback."""
    result = run_validate(folder)
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.returncode == 1, output
    assert result.stderr.startswith("error: 1 problem in the contracts:"), result.stderr
    assert re.search(rf"^  \S*{re.escape(file)}:{line}: \S", result.stderr, re.MULTILINE), result.stderr
    for word in words:
        assert word in result.stderr, f"{word!r} missing from: {result.stderr}"


def replace_bytes(folder: Path, file: str, old: bytes, new: bytes) -> int:
    """Replace `old` (once in `file`) by `new`, written as raw bytes; return the 1-based line of `old`."""
    path = folder / file
    data = path.read_bytes()
    assert data.count(old) == 1, f"{old!r} must occur exactly once in {file}"
    path.write_bytes(data.replace(old, new))
    return data.count(b"\n", 0, data.index(old)) + 1


NOT_UTF8 = [
    pytest.param(b"Orders placed", b"Orders plac\xe9d", "0xE9", id="a Latin-1 e-acute in a description"),
    pytest.param(b"Orders placed", b"\x93Orders\x94 placed", "0x93", id="a Windows-1252 quote"),
    pytest.param(b"# one user's", b"# one user\xe2\x80s", "0xE2", id="a UTF-8 sequence cut short"),
]


@pytest.mark.parametrize(("old", "new", "byte"), NOT_UTF8)
def test_a_byte_that_is_not_utf8_is_reported_at_its_line_and_column(tmp_path: Path, old: bytes, new: bytes,
                                                                     byte: str) -> None:
    folder = copy_contracts(tmp_path)
    text = (folder / ORDERS).read_text(encoding="utf-8")
    line = replace_bytes(folder, ORDERS, old, new)
    column = text.index(old.decode()) - text.rfind("\n", 0, text.index(old.decode()))
    expected = column + new.index(bytes.fromhex(byte[2:]))
    problem = assert_one_problem_at(folder, ORDERS, line, f"byte {byte} at column {expected}", "save the file as UTF-8")
    assert line > 1, problem


@pytest.mark.usefixtures("spawn")
def test_cli_validate_a_byte_that_is_not_utf8(tmp_path: Path) -> None:
    folder = copy_contracts(tmp_path)
    line = replace_bytes(folder, ORDERS, b"Orders placed", b"Orders plac\xe9d")
    assert_cli_one_problem(folder, ORDERS, line, "byte 0xE9", "UTF-8")


def assert_one_problem_at(folder: Path, file: str, line: int, *words: str) -> Problem:
    """Like `assert_one_problem`, for a line found otherwise than from the (unreadable or absent) text."""
    problems = problems_of(folder)
    assert len(problems) == 1, f"expected exactly one problem, got {len(problems)}:\n{show(problems)}"
    problem = problems[0]
    assert Path(problem.file).as_posix().endswith(file), f"wrong file: {problem}"
    assert problem.line == line, f"expected line {line}, got {problem}"
    for word in words:
        assert word in problem.message, f"{word!r} missing from: {problem.message}"
    return problem


@pytest.mark.parametrize(("uses", "refused"), [(100, False), (101, True)])
def test_aliases_may_repeat_10000_values_and_no_more(tmp_path: Path, uses: int, refused: bool) -> None:
    """Each `*a` repeats 100 values (a list and its 99 items): 100 of them are 10,000, the limit."""
    text = "anchor: &a [" + ", ".join(["x"] * 99) + "]\nuses:\n" + "  - *a\n" * uses
    path = tmp_path / "aliases.yaml"
    path.write_text(text, encoding="utf-8")
    problems: list[Problem] = []
    data = load_yaml(path, "aliases.yaml", problems)
    if not refused:
        assert problems == []
        assert len(data["uses"]) == uses
        return
    assert data is None
    assert [p.line for p in problems] == [text.count("\n")], show(problems)  # the 101st alias, on the last line
    assert "by aliases in this file to 10,100, over the limit of 10,000" in problems[0].message


# The classic "billion laughs": nine levels of nine aliases, 9**9 (387 million) values from 355 bytes. Read
# whole, PyYAML's shared nodes stay small, but turning the key into text walks every value (3 GB, then
# MemoryError, on the old loader).
BILLION_LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{name}: &{name} [{','.join([f'*{previous}'] * 9)}]\n" for previous, name in itertools.pairwise("abcdefghi"))


def _cap_memory() -> None:  # pragma: no cover - runs in the child process
    """At most 1 GiB of address space (validate needs under 100 MB), so a regression fails instead of swapping."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))


@pytest.mark.usefixtures("spawn")
@pytest.mark.parametrize("use", ["? *i\n: value\n", "z: *i\n"], ids=["as a key", "as a value"])
def test_cli_validate_an_alias_bomb_is_refused_at_once(tmp_path: Path, use: str) -> None:
    """Bounded in time (timeout) and memory (rlimit) even where the loader would expand it."""
    folder = copy_contracts(tmp_path)
    text = BILLION_LAUGHS + use
    assert len(text.encode()) < 400
    (folder / "bomb.yaml").write_text(text, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = spawn.run([sys.executable, "-m", "provision", "--contracts", str(folder), "validate"], cwd=ROOT,
                       env=env, capture_output=True, text=True, check=False, timeout=30,
                       preexec_fn=_cap_memory if sys.platform != "win32" else None)
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith("error: 1 problem in the contracts:"), result.stderr
    assert re.search(rf"bomb\.yaml:{line_of(text, 'e: &e')}: the alias '\*d' repeats", result.stderr), result.stderr


@pytest.mark.parametrize(("levels", "refused"), [(100, False), (101, True)])
def test_values_may_nest_100_levels_and_no_more(tmp_path: Path, levels: int, refused: bool) -> None:
    """One '[' a line, so the problem's line is the level that passes the limit."""
    path = tmp_path / "deep.yaml"
    path.write_text("[\n" * levels + "]\n" * levels, encoding="utf-8")
    problems: list[Problem] = []
    data = load_yaml(path, "deep.yaml", problems)
    if not refused:
        assert problems == []
        assert data is not None
        return
    assert [p.line for p in problems] == [101], show(problems)
    assert "nested more than 100 levels deep" in problems[0].message


@pytest.mark.usefixtures("spawn")
def test_cli_validate_deeply_nested_brackets(tmp_path: Path) -> None:
    """Before the limit, composing 1,000 levels ran out of Python's stack: a RecursionError traceback."""
    folder = contracts_with(tmp_path, [extra_file("    description: " + "[" * 1000 + "]" * 1000 + "\n")])
    line = line_of((folder / "tables/zz_extra.yaml").read_text(encoding="utf-8"), "    description:")
    assert_cli_one_problem(folder, "tables/zz_extra.yaml", line, "nested more than 100 levels deep")


EMPTY_FILES = [
    pytest.param("", id="empty"),
    pytest.param("\n  \n\n", id="blank lines"),
    pytest.param("# the users table will go here\n# (not yet)\n", id="only comments"),
    pytest.param("---\n", id="a bare document start"),
    pytest.param("--- # nothing yet\n...\n", id="a document start and end"),
    pytest.param("null\n", id="null"),
]


@pytest.mark.parametrize("text", EMPTY_FILES)
def test_a_file_that_holds_nothing_is_reported(tmp_path: Path, text: str) -> None:
    folder = contracts_with(tmp_path, [Edit("tables/notes.yaml", None, text)])
    assert_one_problem_at(folder, "tables/notes.yaml", 1, "this file holds nothing",
                          "add a section (tables, defaults, backup, environments, conventions, waivers) or delete it")


@pytest.mark.usefixtures("spawn")
def test_cli_validate_an_empty_file(tmp_path: Path) -> None:
    folder = contracts_with(tmp_path, [Edit("tables/notes.yaml", None, "# to do\n")])
    assert_cli_one_problem(folder, "tables/notes.yaml", 1, "this file holds nothing")


@pytest.mark.usefixtures("spawn")
def test_cli_validate_two_environments_sharing_table_names(tmp_path: Path) -> None:
    mistake = sit_pattern("table_name_pattern: '{table}'")
    folder = contracts_with(tmp_path, [SIT_IN_DEVS_ACCOUNT, DEV_TABLES_WITHOUT_ENV, mistake])
    line = line_of((folder / ENVIRONMENTS).read_text(encoding="utf-8"), "table_name_pattern: '{table}'")
    assert_cli_one_problem(folder, ENVIRONMENTS, line, "environments 'dev' and 'sit' both make the table name")


@pytest.mark.usefixtures("spawn")
def test_cli_validate_a_ttl_attribute_that_is_a_string_key(tmp_path: Path) -> None:
    folder = contracts_with(tmp_path, [Edit(ORDERS, None, "    ttl_attribute: orderId\n")])
    line = line_of((folder / ORDERS).read_text(encoding="utf-8"), "ttl_attribute")
    assert_cli_one_problem(folder, ORDERS, line, "ttl_attribute 'orderId' is the sort key of the table, of type S")
