"""The loader at DynamoDB's limits (`provision.desired.limits`): each limit reached is valid and kept as written,
one past it is one problem at its line, saying the limit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from dynamo_contracts.provision.desired.load import load_contracts
from tests.provision.desired.contracts_edits import (
    BACKUP,
    DEV_TABLES_WITHOUT_ENV,
    ENVIRONMENTS,
    ORDERS,
    ORDERS_LSI,
    WITHOUT_CONVENTIONS,
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
