"""Read and validate an environment's expected usage and monthly budget, for the cost estimate.

Part of the loader (`provision.desired.load`, through `load_env`). Under an environment:

    budget: {monthly_usd: 50}
    usage:
      defaults: {reads_per_month: 1_000_000, writes_per_month: 250_000, storage_gb: 1, item_size_kb: 1}
      tables:
        orders: {writes_per_month: 2_000_000}        # over the defaults, key by key
        products: {file: ../usage/sit-products.yaml}  # the same keys, in a file of their own

Every number is at least 0 (`item_size_kb` above 0) and at most what one table can do (`limits`: DynamoDB's
default per-table throughput quota, its item size limit; bounds of our own where DynamoDB states none): each
table's reads and writes, in read and write units of its items, within the quota a second over a month. Unknown
keys are refused with the closest key; a usage file is read like the contracts (file:line in every message).
Nothing is priced here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import Problem
from . import limits
from .fields import Fields, describe, did_you_mean
from .model import (
    Budget,
    Environment,
    Location,
    ReadConsistency,
    TableSpec,
    TableUsage,
    Usage,
)
from .yamlsrc import EMPTY, SourceDict, display_path, load_yaml

BUDGET_KEYS = ("monthly_usd",)
USAGE_KEYS = ("defaults", "tables")
NUMBER_KEYS = ("reads_per_month", "writes_per_month", "storage_gb", "item_size_kb", "stream_reads_per_month")
TABLE_USAGE_KEYS = (*NUMBER_KEYS, "read_consistency")
TABLE_ENTRY_KEYS = (*TABLE_USAGE_KEYS, "file")
EXAMPLES = {"reads_per_month": "1_000_000", "writes_per_month": "250_000", "storage_gb": "1", "item_size_kb": "1",
            "stream_reads_per_month": "0", "monthly_usd": "50"}
ABOVE_ZERO = frozenset({"item_size_kb"})  # an item of no size: a count of items would be infinite
AT_MOST = {"item_size_kb": (limits.MAX_ITEM_SIZE_KB, f"DynamoDB's item size limit, {limits.QUOTAS_PAGE}"),
           "storage_gb": (limits.MAX_STORAGE_GB, "a pebibyte: DynamoDB states no table size limit, this bound is ours, "
                                                 "against typing mistakes"),
           "stream_reads_per_month": (limits.MAX_STREAM_READS_PER_MONTH,
                                      "a GetRecords call for each read unit a table can serve by default: DynamoDB "
                                      "states no limit, this bound is ours, against typing mistakes")}
_NUMERIC_TEXT = re.compile(r"[-+]?(\d[\d_]*)?\.?\d*([eE][-+]?\d+)?")
_CONTRACTS_SUFFIXES = (".yaml", ".yml")


def read_budget(environment: Fields) -> Budget | None:
    """The environment's `budget: {monthly_usd: N}`; None when it has none or it was wrong (reported)."""
    data = environment.mapping("budget")
    if data is None:
        return None
    fields = Fields(data, f"budget of {environment.what}", BUDGET_KEYS, environment.problems)
    if not fields.has("monthly_usd") or fields.raw("monthly_usd") is None:
        fields.require("monthly_usd", EXAMPLES["monthly_usd"])
        return None
    monthly = number(fields, "monthly_usd")
    return None if monthly is None else Budget(monthly, Location(fields.file, fields.line("monthly_usd")))


def read_usage(environment: Fields) -> Usage:
    """The environment's `usage:` (defaults, per-table overrides, usage files); empty when it has none."""
    data = environment.mapping("usage")
    if data is None:
        return Usage()
    problems = environment.problems
    fields = Fields(data, f"usage of {environment.what}", USAGE_KEYS, problems)
    defaults_data = fields.mapping("defaults")
    given: dict[str, Any] = {}
    if defaults_data is not None:
        defaults_fields = Fields(defaults_data, f"usage defaults of {environment.what}", TABLE_USAGE_KEYS, problems)
        given = _usage_keys(defaults_fields)
    defaults = TableUsage(**given, source=Location(fields.file, fields.line("defaults")))
    if defaults_data is not None:
        check_throughput(defaults_fields, given, defaults)
    tables: dict[str, TableUsage] = {}
    for name, value in (fields.mapping("tables") or {}).items():
        table = _table_usage(fields, name, value, given)
        if table is not None:
            tables[name] = table
    return Usage(defaults, tables, declared=True, source=Location(environment.file, environment.line("usage")))


def _table_usage(usage: Fields, name: str, value: Any, defaults: dict[str, Any]) -> TableUsage | None:
    """One table's usage, over the defaults: written inline, or in the file its `file:` names."""
    tables: SourceDict = usage.data["tables"]
    where = Location(tables.file, tables.line_of(name))
    what = f"the usage of table '{name}' in {usage.what.removeprefix('usage of ')}"
    if not isinstance(value, SourceDict):
        usage.problems.append(Problem(where.file, where.line, f"{what} must be a mapping such as "
                                      f"'{name}: {{writes_per_month: 250_000}}' or '{name}: {{file: "
                                      f"../usage/{name}.yaml}}', not {describe(value)}"))
        return None
    fields = Fields(value, what, TABLE_ENTRY_KEYS, usage.problems)
    if fields.has("file"):
        if any(fields.has(key) for key in TABLE_USAGE_KEYS):
            fields.problem("file", f"{what} is given both inline and in 'file': keep one of them")
            return None
        in_file = _usage_file(fields, what)
        if in_file is None:
            return None
        fields = in_file
    own = _usage_keys(fields)
    table = TableUsage(**{**defaults, **own}, source=where)
    check_throughput(fields, own, table)
    return table


def _usage_file(entry: Fields, what: str) -> Fields | None:
    """The keys of the usage file `entry` names, relative to the file that names it; None if it cannot be read."""
    written = entry.string("file", "../usage/orders.yaml")
    if written is None:
        return None
    path = Path(entry.file).parent / written
    if path.suffix in _CONTRACTS_SUFFIXES and path.resolve().is_relative_to(Path(entry.file).parent.resolve()):
        entry.reject("file", f"usage file '{written}' is inside the contracts folder, where every .yaml or .yml "
                             "file is read as a contracts file; keep usage files beside the folder, e.g. "
                             f"'file: ../usage/{path.name}'")
        return None
    if not path.is_file():
        entry.reject("file", f"usage file '{written}' is not there (looked for {display_path(path)}); create it with "
                             "lines such as 'writes_per_month: 250_000', or correct the path (it is relative to "
                             f"{entry.file})")
        return None
    data = load_yaml(path, display_path(path), entry.problems)
    if data is None:
        return None
    if data is EMPTY or not isinstance(data, SourceDict):
        shown = "nothing" if data is EMPTY else describe(data)
        keys = ", ".join(TABLE_USAGE_KEYS)
        entry.problems.append(Problem(display_path(path), 1, f"a usage file holds a mapping of {keys}, not {shown}; "
                                      "write e.g. 'writes_per_month: 250_000'"))
        return None
    return Fields(data, f"the usage file of {what.removeprefix('the usage of ')}", TABLE_USAGE_KEYS, entry.problems)


def _usage_keys(fields: Fields) -> dict[str, Any]:
    """The usage keys given in `fields`, each valid (the wrong ones are reported and left out)."""
    given: dict[str, Any] = {}
    for key in NUMBER_KEYS:
        value = number(fields, key)
        if value is not None:
            given[key] = value
    consistency = fields.choice("read_consistency", ReadConsistency)
    if consistency is not None:
        given["read_consistency"] = consistency
    return given


def number(fields: Fields, key: str) -> float | None:
    """A number of `key`, at least 0 (above 0 for `ABOVE_ZERO`); None when absent or wrong (reported)."""
    value = fields.raw(key)
    if value is None:
        return None
    example = f"'{key}: {EXAMPLES[key]}'"
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        hint = ""
        if isinstance(value, str) and _NUMERIC_TEXT.fullmatch(value.strip()):
            hint = f" (YAML reads '{value}' as text: write the digits, 1_000_000 for a million)"
        fields.reject(key, f"'{key}' in {fields.what} must be a number, not {describe(value)}{hint}; write {example}")
        return None
    if value < 0 or (key in ABOVE_ZERO and value == 0):
        bound = "above 0" if key in ABOVE_ZERO else "0 or more"
        fields.reject(key, f"'{key}' in {fields.what} is {value}; it must be {bound}: write {example}")
        return None
    if key in AT_MOST and value > AT_MOST[key][0]:
        most, why = AT_MOST[key]
        fields.reject(key, f"'{key}' in {fields.what} is {value:,g}, more than one table can have: write at most "
                           f"{most:,} ({why})")
        return None
    return float(value)


def _amount(value: float) -> str:
    """A count as people write it: 105,120,000,000; a number past any count of ours as 1e+40."""
    return f"{value:,.0f}" if value < 1e15 else f"{value:.3g}"


def check_throughput(fields: Fields, own: dict[str, Any], usage: TableUsage) -> None:
    """A table's reads and writes a month, in read and write units of its items, within DynamoDB's default quota
    for one table (a second, over AWS's month). Reported at the line of the count, or of the item size or read
    consistency that makes it too much, when `fields` gave it (`own`): the defaults' own mistake is theirs."""
    eventual = usage.read_consistency is ReadConsistency.EVENTUAL
    sides = (("reads_per_month", usage.reads_per_month, limits.read_units(usage.item_size_kb, eventual),
              limits.TABLE_READ_UNITS_PER_SECOND, "read", f", {usage.read_consistency.value}",
              ("reads_per_month", "item_size_kb", "read_consistency")),
             ("writes_per_month", usage.writes_per_month, limits.write_units(usage.item_size_kb),
              limits.TABLE_WRITE_UNITS_PER_SECOND, "write", "", ("writes_per_month", "item_size_kb")))
    for count_key, count, units, per_second, side, how, blamed in sides:
        most = per_second * limits.SECONDS_PER_MONTH
        key = next((k for k in blamed if k in own), None)
        if count * units <= most or key is None:
            continue
        plural = "" if units == 1 else "s"
        fields.reject(key, f"{fields.what}: {_amount(count)} {side}s a month of {usage.item_size_kb:g} KB items{how} "
                           f"({units:g} {side} unit{plural} each) are more than one table can serve, DynamoDB's "
                           f"default quota of {per_second:,} {side} units a second per table ({most:,} in a month of "
                           f"{limits.HOURS_PER_MONTH} hours; {limits.QUOTAS_PAGE}): write '{count_key}' of at most "
                           f"{most / units:,.0f} for such items")


def check_usage_tables(problems: list[Problem], environments: Sequence[Environment],
                       tables: Sequence[TableSpec]) -> None:
    """Each table an environment's usage names must be a table of the contracts.

    Only when nothing else was reported: a table with a mistake is not built, and naming it in a
    usage is not a second mistake (one mistake, one problem).
    """
    if problems:
        return
    names = {table.name for table in tables}
    for environment in environments:
        for name, usage in environment.usage.tables.items():
            if name not in names:
                where = usage.source or environment.source or Location("contracts", 1)
                problems.append(Problem(where.file, where.line, f"the usage of environment '{environment.name}' "
                                        f"names table '{name}', which is not defined{did_you_mean(name, names)}; "
                                        "write a table of the contracts or remove it"))

