"""The cost model: what a month of a table's expected usage consumes in each price dimension.

Quantities only (million request units, capacity-unit hours, GB-months); `estimate` prices them.
The model, as DynamoDB and AWS Backup bill (https://aws.amazon.com/dynamodb/pricing/,
https://aws.amazon.com/backup/pricing/), with its simplifications:

- A write of an item writes 1 write unit per KB (rounded up); a read reads 1 read unit per 4 KB
  (rounded up), half of that when eventually consistent. Every item is of the average size.
- Each write to the table writes each of its indexes (GSIs and LSIs) once more: as if every item
  had every index's keys (no sparse index) and no update moved an item within an index (which
  costs two index writes). An index entry is the item (ALL) or, for KEYS_ONLY and INCLUDE, taken
  to be `PROJECTED_KB` (the keys, a few attributes and DynamoDB's 100 bytes of overhead).
- PROVISIONED tables pay their capacity and each GSI's own, every hour of the month (730); their
  reads and writes cost nothing more (the LSIs use the table's). Auto scaling is not modelled.
- Storage is the table's data and each index's entries (GB-month). Point-in-time recovery and
  each AWS Backup copy are of the table's size with its LSIs (not its GSIs), as AWS bills them.
- Stream reads are the declared GetRecords calls of consumers other than Lambda triggers (free).
- AWS Backup keeps a full copy per scheduled run (DynamoDB backups are not incremental): at
  steady state, runs a day x retention_days copies, those older than cold_storage_after_days in
  cold storage. The free tier, data transfer, restores, global tables, KMS requests and
  CloudWatch are left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..desired.limits import HOURS_PER_MONTH, read_units, write_units
from ..desired.model import (
    BackupPlan,
    BillingMode,
    ProjectionType,
    ReadConsistency,
    TableSpec,
    TableUsage,
)
from .prices import Dimension

DAYS_PER_MONTH = 365 / 12
PROJECTED_KB = 0.25  # a KEYS_ONLY or INCLUDE index entry, overhead included
MILLION = 1_000_000


@dataclass(frozen=True)
class Quantity:
    """What one part of a table (the table, an index, a backup plan) consumes of one dimension in a month."""

    dimension: Dimension
    item: str  # "table", "GSI OrdersByDate", "LSI OrdersByStatus", "backup plan bbws-dynamodb-daily-sit"
    amount: float  # in the unit the dimension is priced per: million request units, unit-hours, GB-months
    basis: str  # how the amount was reached, for people


def table_quantities(physical: str, spec: TableSpec, usage: TableUsage,
                     plans: Sequence[BackupPlan]) -> list[Quantity]:
    """Every quantity of one table (its physical name, its resolved spec) in a month of `usage`."""
    throughput = _provisioned(spec) if spec.billing.mode is BillingMode.PROVISIONED else _on_demand(spec, usage)
    backups = [q for plan in plans if covers(plan, physical, spec) for q in _backups(plan, backup_gb(spec, usage))]
    return [*throughput, *_storage(spec, usage), *_pitr(spec, usage), *_streams(spec, usage), *backups]


def read_units_per_read(usage: TableUsage) -> float:
    return read_units(usage.item_size_kb, usage.read_consistency is ReadConsistency.EVENTUAL)


def entry_kb(projection: ProjectionType, item_kb: float) -> float:
    """The size of an index's entry for an item of `item_kb`."""
    return item_kb if projection is ProjectionType.ALL else min(item_kb, PROJECTED_KB)


def _indexes(spec: TableSpec) -> list[tuple[str, ProjectionType, bool]]:
    """(name, projection type, is an LSI) of every index of the table."""
    return ([(f"GSI {gsi.name}", gsi.projection.type, False) for gsi in spec.global_indexes]
            + [(f"LSI {lsi.name}", lsi.projection.type, True) for lsi in spec.local_indexes])


def _on_demand(spec: TableSpec, usage: TableUsage) -> list[Quantity]:
    per_read = read_units_per_read(usage)
    reads = Quantity(Dimension.READ_REQUEST_UNITS, "table", usage.reads_per_month * per_read / MILLION,
                     f"{usage.reads_per_month:,.0f} reads x {per_read:g} RRU ({usage.item_size_kb:g} KB, "
                     f"{usage.read_consistency.value})")
    per_write = write_units(usage.item_size_kb)
    writes = [Quantity(Dimension.WRITE_REQUEST_UNITS, "table", usage.writes_per_month * per_write / MILLION,
                       f"{usage.writes_per_month:,.0f} writes x {per_write} WRU ({usage.item_size_kb:g} KB)")]
    for name, projection, _ in _indexes(spec):
        units = write_units(entry_kb(projection, usage.item_size_kb))
        writes.append(Quantity(Dimension.WRITE_REQUEST_UNITS, name, usage.writes_per_month * units / MILLION,
                               f"{usage.writes_per_month:,.0f} table writes x {units} WRU ({projection.value})"))
    return [reads, *writes]


def _provisioned(spec: TableSpec) -> list[Quantity]:
    parts = [("table", spec.billing.capacity)] + [(f"GSI {gsi.name}", gsi.capacity) for gsi in spec.global_indexes]
    found: list[Quantity] = []
    for dimension, side in ((Dimension.READ_CAPACITY_UNIT_HOURS, "read"), (Dimension.WRITE_CAPACITY_UNIT_HOURS,
                                                                           "write")):
        for item, capacity in parts:
            units = 0 if capacity is None else getattr(capacity, side)
            found.append(Quantity(dimension, item, units * HOURS_PER_MONTH,
                                  f"{units} {side[0].upper()}CU x {HOURS_PER_MONTH} hours"))
    return found


def _storage(spec: TableSpec, usage: TableUsage) -> list[Quantity]:
    found = [Quantity(Dimension.STORAGE, "table", usage.storage_gb, f"{usage.storage_gb:g} GB of items")]
    for name, projection, _ in _indexes(spec):
        gb = index_gb(projection, usage)
        found.append(Quantity(Dimension.STORAGE, name, gb, f"{gb:.4g} GB of {projection.value} entries"))
    return found


def index_gb(projection: ProjectionType, usage: TableUsage) -> float:
    """An index's storage: an entry per item of the table, of `entry_kb`."""
    return usage.storage_gb * entry_kb(projection, usage.item_size_kb) / usage.item_size_kb


def backup_gb(spec: TableSpec, usage: TableUsage) -> float:
    """The size PITR and backups are billed on: the table with its LSIs."""
    return usage.storage_gb + sum(index_gb(lsi.projection.type, usage) for lsi in spec.local_indexes)


def _pitr(spec: TableSpec, usage: TableUsage) -> list[Quantity]:
    if not spec.point_in_time_recovery:
        return []
    gb = backup_gb(spec, usage)
    return [Quantity(Dimension.PITR_STORAGE, "table", gb, f"{gb:.4g} GB (table and LSIs) continuously backed up")]


def _streams(spec: TableSpec, usage: TableUsage) -> list[Quantity]:
    if spec.stream is None:
        return []
    reads = usage.stream_reads_per_month
    return [Quantity(Dimension.STREAM_READ_REQUEST_UNITS, "table", reads / MILLION,
                     f"{reads:,.0f} GetRecords by consumers other than Lambda triggers (theirs are free)")]


def covers(plan: BackupPlan, physical: str, spec: TableSpec) -> bool:
    """Whether a resolved backup plan backs up the table (by name, or by any of its tags, as AWS Backup selects)."""
    if physical in plan.covers.tables:
        return True
    return any(spec.tags.get(key) == value for key, value in plan.covers.tags.items())


def _backups(plan: BackupPlan, gb: float) -> list[Quantity]:
    rule = plan.rule
    per_day = runs_per_day(rule.schedule)
    warm_days = rule.retention_days if rule.cold_storage_after_days is None else min(
        rule.cold_storage_after_days, rule.retention_days)
    cold_days = rule.retention_days - warm_days
    item = f"backup plan {plan.name}"
    found = [Quantity(Dimension.BACKUP_WARM_STORAGE, item, per_day * warm_days * gb,
                      f"{per_day:g} backup(s) a day kept {warm_days} days: {per_day * warm_days:g} full copies "
                      f"of {gb:.4g} GB")]
    if cold_days:
        found.append(Quantity(Dimension.BACKUP_COLD_STORAGE, item, per_day * cold_days * gb,
                              f"{per_day:g} backup(s) a day in cold storage for {cold_days} days: "
                              f"{per_day * cold_days:g} copies of {gb:.4g} GB"))
    return found


# --- how often a backup plan runs -----------------------------------------------------------

_DAY_NAMES = {name: number for number, name in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"), 1)}
_MONTH_NAMES = {name: number for number, name in enumerate(
    ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), 1)}


def runs_per_day(schedule: str) -> float:
    """How many backups a valid AWS Backup cron schedule makes a day, on average over a year.

    `cron(0 3 * * ? *)` is 1; `cron(0 */6 * * ? *)` 4; `cron(0 3 ? * MON-FRI *)` 5/7. A last day,
    nearest weekday or nth weekday of the month (`L`, `15W`, `2#1`) is once a month.
    """
    fields = schedule.strip()[len("cron("):-1].split()
    _, hours, day_of_month, month, day_of_week = fields[:5]
    per_day = len(_expand(hours, 0, 23, {}))
    if day_of_month == "?":
        days = 12 / 365 if any(mark in day_of_week for mark in "L#") else len(_expand(day_of_week, 1, 7,
                                                                                         _DAY_NAMES)) / 7
    elif day_of_month in ("*", "L") or day_of_month.endswith("W"):
        days = 1.0 if day_of_month == "*" else 12 / 365
    else:
        days = len(_expand(day_of_month, 1, 31, {})) / DAYS_PER_MONTH
    return per_day * days * len(_expand(month, 1, 12, _MONTH_NAMES)) / 12


def _expand(field: str, low: int, high: int, names: dict[str, int]) -> set[int]:
    """The values a cron field stands for: `*`, `a`, `a-b`, each with an optional `/step`, comma-separated."""
    values: set[int] = set()
    for item in field.upper().split(","):
        span, _, step = item.partition("/")
        if span in ("*", "?"):
            first, last = low, high
        else:
            start, _, end = span.partition("-")
            first = names.get(start) or int(start)
            last = (names.get(end) or int(end)) if end else (high if step else first)
        values.update(range(first, last + 1, int(step) if step else 1))
    return values
