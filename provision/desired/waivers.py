"""`waivers:` in contracts/ (conventionally `contracts/waivers.yaml`): gaps accepted as risk, each with an owner,
a reason and an expiry.

A waiver says what it covers (any of consumer, scenario, table, index, kind; in one environment or all), who
approved it, why, and until when. It is read here, with the line it was written on; a waiver missing its owner,
reason or expiry, or naming a table, index or kind that does not exist, is a `Problem` at its file:line. Whether
it has expired is decided against `today`, given by the caller (`--today`, or the real date), so tests can say
which day it is. Consumers and scenarios are known only to the features: the steps plugin checks those names.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from ..errors import ContractError, Problem
from .fields import did_you_mean
from .model import DesiredState
from .yamlsrc import EMPTY, SourceDict, SourceList, display_path, load_yaml

SECTION = "waivers"
TODAY_VARIABLE = "DYNAMO_CONTRACTS_TODAY"  # the date waivers expire against, when no --today is given (for tests)
COVERS = ("consumer", "scenario", "table", "index", "kind", "environment")
STATED = ("approved_by", "reason", "expires")
INPUT_UNKNOWN = "input_unknown"  # the kind that covers only claims the input left unknown (a variable with no value)
# What `kind` may name: the kinds of claim of the steps' findings (`steps.results.findings.Kind`, which this layer
# cannot import; a test keeps the two equal), and `input_unknown`.
KINDS = ("table", "key", "gsi", "lsi", "projection", "billing", "stream", "encryption", "pitr", "ttl",
         "deletion_protection", "table_class", "tags", "backup_vault", "backup_plan", "backup_coverage", "table_set",
         "gsi_set", "naming", "access_pattern", "alarm", "replica", "cost", "permission", "drift", INPUT_UNKNOWN)
FIELDS = (*COVERS, *STATED)


@dataclass(frozen=True)
class Waiver:
    """One accepted risk: what it covers (None: any), who approved it, why, until when, and where it is written."""

    file: str
    line: int
    approved_by: str
    reason: str
    expires: datetime.date
    consumer: str | None = None
    scenario: str | None = None
    table: str | None = None
    index: str | None = None
    kind: str | None = None
    environment: str | None = None

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    def covers(self) -> str:
        """What it covers, in words: "table orders, in sit"."""
        named = [f"{key} {value}" for key in COVERS[:-1] if (value := getattr(self, key)) is not None]
        scope = f"in {self.environment}" if self.environment else "in every environment"
        return f"{', '.join(named)}, {scope}"

    def describe(self) -> str:
        """All four: what, who, why, until when, and where it is written."""
        return (f"waived by {self.where} ({self.covers()}): approved by {self.approved_by}, until {self.expires}: "
                f"{self.reason}")

    def expired(self, today: datetime.date) -> bool:
        return today > self.expires


def today_of(given: str | None) -> datetime.date:
    """`--today` as given, else $DYNAMO_CONTRACTS_TODAY, else today's date (UTC); ValueError saying what to write."""
    given = given or os.environ.get(TODAY_VARIABLE)
    if not given:
        return datetime.datetime.now(datetime.UTC).date()
    try:
        return datetime.date.fromisoformat(given)
    except ValueError:
        raise ValueError(f"--today={given}: not a date; write YYYY-MM-DD (2026-03-01)") from None


def expired(waivers: Collection[Waiver], today: datetime.date) -> list[Problem]:
    """Each expired waiver as a problem at its line: what it covered blocks again."""
    return [Problem(w.file, w.line, f"this waiver expired on {w.expires} (today is {today}): what it covered "
                    f"({w.covers()}) blocks again; renew it with a new date (approved by {w.approved_by}) or close "
                    "the gap") for w in waivers if w.expired(today)]


def load_waivers(directory: Path | str, desired: DesiredState, kinds: Collection[str] = KINDS) -> list[Waiver]:
    """Every waiver under the contracts folder; raise `ContractError` listing every malformed one."""
    problems: list[Problem] = []
    waivers: list[Waiver] = []
    for path in sorted(p for p in Path(directory).rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()):
        if not _may_hold_waivers(path):
            continue
        name = display_path(path)
        data = load_yaml(path, name, [])
        if data is None or data is EMPTY or not isinstance(data, SourceDict) or SECTION not in data:
            continue  # the contracts loader reports what is wrong with the file itself
        entries = data[SECTION]
        if entries is None:
            continue  # `waivers:` with nothing under it (every waiver commented out): none
        if not isinstance(entries, SourceList):
            problems.append(Problem(name, data.line_of(SECTION), "'waivers' must be a list of waivers, each "
                                    "'- {table: orders, environment: sit, approved_by: ..., reason: ..., expires: "
                                    "YYYY-MM-DD}'"))
            continue
        for i, entry in enumerate(entries):
            found = _read(entry, name, entries.line_of(i), desired, kinds, problems)
            if found is not None:
                waivers.append(found)
    if problems:
        raise ContractError(problems)
    return waivers


def _may_hold_waivers(path: Path) -> bool:
    """Whether the file could have a `waivers:` key: it names it, or has an escape that could spell it
    (`"w\\x61ivers"`). The others are not parsed a second time (the contracts loader has read them all)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False  # the contracts loader says it cannot be read
    return SECTION in text or "\\" in text


def _read(entry: object, file: str, line: int, desired: DesiredState, kinds: Collection[str],
          problems: list[Problem]) -> Waiver | None:
    if not isinstance(entry, SourceDict):
        problems.append(Problem(file, line, "a waiver must be a mapping of " + ", ".join(FIELDS)))
        return None
    before = len(problems)
    for key in entry:
        if key not in FIELDS:
            problems.append(Problem(file, entry.line_of(key), f"a waiver has no field '{key}'"
                                    f"{did_you_mean(key, FIELDS)} (fields: {', '.join(FIELDS)})"))
    for key in STATED:
        if entry.get(key) in (None, ""):
            what = {"approved_by": "who approved it (a person or team)", "reason": "why the risk is accepted",
                    "expires": "until when (a date, YYYY-MM-DD)"}[key]
            problems.append(Problem(file, line, f"this waiver has no '{key}': give {what}"))
    if not any(entry.get(key) is not None for key in COVERS[:-1]):
        problems.append(Problem(file, line, "this waiver covers nothing: give at least one of consumer, scenario, "
                                "table, index, kind"))
    expires = entry.get("expires")
    if expires is not None and not isinstance(expires, datetime.date):
        try:
            expires = datetime.date.fromisoformat(str(expires))
        except ValueError:
            problems.append(Problem(file, entry.line_of("expires"), f"expires: {expires!r} is not a date; write "
                                    "YYYY-MM-DD"))
    text = {key: None if entry.get(key) is None else str(entry[key]) for key in FIELDS if key != "expires"}
    _known(entry, file, "table", text["table"], [t.name for t in desired.tables], problems)
    _known(entry, file, "environment", text["environment"], list(desired.environments), problems)
    _known(entry, file, "kind", text["kind"], sorted(kinds), problems)
    tables = [t for t in desired.tables if text["table"] in (None, t.name)]
    indexes = [*(i.name for t in tables for i in t.global_indexes), *(i.name for t in tables for i in t.local_indexes)]
    _known(entry, file, "index", text["index"], indexes, problems)
    if len(problems) > before or not isinstance(expires, datetime.date):
        return None
    return Waiver(file, line, str(text["approved_by"]), str(text["reason"]), expires, text["consumer"],
                  text["scenario"], text["table"], text["index"], text["kind"], text["environment"])


def _known(entry: SourceDict, file: str, key: str, value: str | None, names: list[str],
           problems: list[Problem]) -> None:
    if value is not None and value not in names:
        problems.append(Problem(file, entry.line_of(key), f"{key} '{value}' does not exist{did_you_mean(value, names)}"
                                f" (the contracts define: {', '.join(names) or 'none'})"))
