"""Limits AWS enforces, as named constants, each with the page that states it.

The loader checks every one of them before any call is made: moto accepts most invalid
schemas, so our own validation is the only guard before AWS.
"""

from __future__ import annotations

import math
import re

# https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html
NAME_MIN_LENGTH = 3
NAME_MAX_LENGTH = 255
NAME_PATTERN = re.compile(r"[A-Za-z0-9_.\-]+")
ATTRIBUTE_NAME_MAX_LENGTH = 255

# https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html
MAX_GLOBAL_INDEXES = 20
MAX_LOCAL_INDEXES = 5
MAX_PROJECTED_ATTRIBUTES = 100  # non-key attributes over all of a table's indexes

# https://docs.aws.amazon.com/aws-backup/latest/devguide/API_Lifecycle.html
MIN_RETENTION_DAYS = 1
MIN_DAYS_IN_COLD_STORAGE = 90

# https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupRule.html
# A schedule is cron(...) with six fields.
SCHEDULE_CRON = re.compile(r"cron\((?P<fields>[^)]*)\)")
BACKUP_VAULT_NAME = re.compile(r"[A-Za-z0-9\-_]{2,50}")
BACKUP_PLAN_NAME_MAX_LENGTH = 50

# https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TagResource.html
MAX_TAGS = 50
TAG_KEY_MAX_LENGTH = 128
TAG_VALUE_MAX_LENGTH = 256

ACCOUNT_ID = re.compile(r"\d{12}")

# What one table can do, for the expected usage (`usage:` of an environment) the cost estimate prices: usage
# beyond it is a typing mistake (1e40 reads), refused at its line.
# https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html ("Throughput default
# quotas", per table, on-demand and provisioned alike; AWS raises them on request, and a raised quota is not
# known here: the default is the bound).
QUOTAS_PAGE = "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html"
TABLE_READ_UNITS_PER_SECOND = 40_000
TABLE_WRITE_UNITS_PER_SECOND = 40_000
# The same page, "Items": an item is at most 400 KB, attribute names and values included.
MAX_ITEM_SIZE_KB = 400
# The same page, "Capacity unit sizes": a read unit reads an item of up to 4 KB strongly consistent, or two
# eventually consistent; a write unit writes an item of up to 1 KB.
READ_UNIT_KB = 4
WRITE_UNIT_KB = 1
HOURS_PER_MONTH = 730  # AWS's month for hourly prices and quotas a second
SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600
# DynamoDB states no limit on a table's size, nor on its stream's reads (GetRecords): these two bounds are ours,
# far above any table in use, only to refuse typing mistakes: a pebibyte, and a GetRecords call for each read unit
# the table can serve.
MAX_STORAGE_GB = 1 << 20
MAX_STREAM_READS_PER_MONTH = TABLE_READ_UNITS_PER_SECOND * SECONDS_PER_MONTH


def read_units(item_size_kb: float, eventually_consistent: bool) -> float:
    """The read units one read of an item of `item_size_kb` takes."""
    units = max(1, math.ceil(item_size_kb / READ_UNIT_KB))
    return units / 2 if eventually_consistent else units


def write_units(item_size_kb: float) -> int:
    """The write units one write of an item of `item_size_kb` takes."""
    return max(1, math.ceil(item_size_kb / WRITE_UNIT_KB))
