"""AWS Backup schedule expressions: `cron(Minutes Hours Day-of-month Month Day-of-week Year)`.

AWS Backup takes EventBridge-style cron in UTC and backs up at most once an hour:
https://docs.aws.amazon.com/aws-backup/latest/devguide/creating-a-backup-plan.html
https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html#eb-cron-expressions
"""

from __future__ import annotations

import re

from . import limits

_MONTHS = "JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC"
_DAYS = "SUN|MON|TUE|WED|THU|FRI|SAT"


def _field(value: str) -> str:
    """A cron field of single values, ranges, lists and steps over the `value` pattern."""
    item = rf"(?:\*|(?:{value})(?:-(?:{value}))?)(?:/\d+)?"
    return rf"{item}(?:,{item})*"


_NUMBER_0_59 = r"[0-5]?\d"
_NUMBER_0_23 = r"[01]?\d|2[0-3]"
_NUMBER_1_31 = r"0?[1-9]|[12]\d|3[01]"
_FIELDS: list[tuple[str, re.Pattern[str]]] = [
    ("minutes (0-59)", re.compile(_NUMBER_0_59)),
    ("hours (0-23)", re.compile(_field(_NUMBER_0_23))),
    ("day of month (1-31, ? or L)", re.compile(rf"\?|L|(?:{_NUMBER_1_31})W|{_field(_NUMBER_1_31)}")),
    ("month (1-12 or JAN-DEC)", re.compile(_field(rf"0?[1-9]|1[0-2]|{_MONTHS}"))),
    ("day of week (1-7 or SUN-SAT, or ?)", re.compile(rf"\?|[1-7]L|[1-7]#[1-5]|{_field(rf'[1-7]|{_DAYS}')}")),
    ("year (1970-2199)", re.compile(_field(r"19[7-9]\d|2[01]\d\d"))),
]


def schedule_problem(expression: str) -> str | None:
    """Why AWS Backup would reject `expression`, with the way to write it; None if it is valid."""
    example = "write it like 'cron(0 3 * * ? *)' (03:00 UTC every day)"
    match = limits.SCHEDULE_CRON.fullmatch(expression.strip())
    if match is None:
        return f"a schedule is cron(...) with six fields; {example}"
    fields = match.group("fields").split()
    if len(fields) != len(_FIELDS):
        return f"it has {len(fields)} fields, cron for AWS Backup has six; {example}"
    for (name, pattern), value in zip(_FIELDS, fields, strict=True):
        if not pattern.fullmatch(value.upper()):
            if name.startswith("minutes"):
                return (f"minutes '{value}' must be one number from 0 to 59 (AWS Backup runs at most once an "
                        f"hour); {example}")
            return f"'{value}' is not a valid {name}; {example}"
    day_of_month, day_of_week = fields[2], fields[4]
    if (day_of_month == "?") == (day_of_week == "?"):
        return f"exactly one of day-of-month and day-of-week must be '?'; {example}"
    return None
