"""Limits AWS enforces, as named constants, each with the page that states it.

The loader checks every one of them before any call is made: moto accepts most invalid
schemas, so our own validation is the only guard before AWS.
"""

from __future__ import annotations

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
