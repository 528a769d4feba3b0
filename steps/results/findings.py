"""What a check finds: one `Finding` per claim, plain data that travels (xdist, reports, JSON).

A finding says what was required (kind, table, name, expected), what was there (actual),
and the outcome: passed, failed, unverifiable on this backend, or not run here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any

from ...provision.observed.state import Unknowable, Unverifiable
from .reading import at, choice, count, flag, maybe, obj, text, texts


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    UNVERIFIABLE = "unverifiable"
    NOT_RUN = "not run"


class Cause(StrEnum):
    """What is missing when a claim fails only because of it: its one gap groups every such claim."""

    TABLE = "table"
    INDEX = "index"
    VAULT = "vault"


class NotRun(StrEnum):
    """Why a claim was not run here (an access pattern writes items): so the report says where it can run."""

    READ_ONLY = "read-only"  # --read-only: this run writes no items
    WRITES_NOT_ALLOWED = "writes not allowed"  # the environment does not allow contract items
    UNMARKABLE = "unmarkable"  # the table's partition key cannot carry the contract marker
    STATIC_SOURCE = "static source"  # the observed state comes from files (the schema): no query can run
    NO_ROLE = "no role declared"  # the environment names no Lambda role for the consumer: nothing to judge


class Kind(StrEnum):
    """What a finding is about; the readiness report groups gaps by it."""

    TABLE = "table"
    KEY = "key"
    GSI = "gsi"
    LSI = "lsi"
    PROJECTION = "projection"
    BILLING = "billing"
    STREAM = "stream"
    ENCRYPTION = "encryption"
    PITR = "pitr"
    TTL = "ttl"
    DELETION_PROTECTION = "deletion_protection"
    TABLE_CLASS = "table_class"
    TAGS = "tags"
    BACKUP_VAULT = "backup_vault"
    BACKUP_PLAN = "backup_plan"
    BACKUP_COVERAGE = "backup_coverage"
    TABLE_SET = "table_set"
    GSI_SET = "gsi_set"
    NAMING = "naming"
    ACCESS_PATTERN = "access_pattern"
    ALARM = "alarm"
    REPLICA = "replica"  # a global table's replica in a region
    COST = "cost"
    PERMISSION = "permission"  # a consumer's Lambda role may make a call its access patterns make
    DRIFT = "drift"  # a difference from the desired state no other kind names (a change the plan refuses)


@dataclass(frozen=True)
class Finding:
    kind: Kind
    outcome: Outcome
    subject: str  # what the sentence is about, in words: "GSI OrdersByDate of table orders"
    expected: str
    actual: str
    table: str | None = None  # logical table name, when the finding is about one table
    name: str | None = None  # the index, vault, plan or attribute named, when there is one
    required: bool = True  # "must" (True) or "must not" (False)
    reason: str = ""  # why it failed or could not be verified, in plain words
    closest: str | None = None  # for a missing index: the name found that most likely means it
    expected_names: tuple[str, ...] = ()  # for exact sets: every name required
    unexpected_names: tuple[str, ...] = ()  # for exact sets: every name found that is not required
    cause: Cause | None = None  # when it failed because that table, index or vault is missing
    action: str = ""  # who must do what, and where, to close the gap ("the platform team must add ...")
    change: str | None = None  # for a difference from the desired state: the plan's change kind (CreateIndex)
    line: int | None = None  # the feature line of the step that made the claim (set by the recorder)
    not_run: NotRun | None = None  # for a claim not run: why
    warning: str = ""  # what holds but should not be so, whatever the outcome (an over-privileged role): blocks nothing
    unknown: Unknowable | None = None  # for a claim unverifiable: a limit of the source, or an unknown in its input
    waiver: str = ""  # a failure accepted as risk: the waiver that covers it, all four of its fields (blocks nothing)
    advisory: bool = False  # the consumer marked the claim advisory (@advisory): its failure is a warning

    @property
    def input_unknown(self) -> bool:
        """Unverifiable because the input left something unknown (not a limit of the source): see `accepted`."""
        return self.outcome is Outcome.UNVERIFIABLE and self.unknown is Unknowable.INPUT

    @property
    def blocking(self) -> bool:
        """Failed, not advisory, and no waiver accepts it."""
        return self.outcome is Outcome.FAILED and not self.waiver and not self.advisory

    @property
    def failed(self) -> bool:
        return self.outcome is Outcome.FAILED

    def message(self) -> str:
        if self.outcome is Outcome.PASSED:
            return f"{self.subject}: {self.actual}"
        if self.outcome is Outcome.FAILED:
            text = f"{self.subject}: expected {self.expected}, found {self.actual}"
            text = f"{text}. {self.reason}" if self.reason else text
            return f"{text.rstrip('.')}. {self.action}" if self.action else text
        return f"{self.subject}: {self.reason}"

    def data(self) -> dict[str, Any]:
        """Every field, an enum as its value: what `from_data` reads back. Each field holds text, a number, a flag,
        an enum or a tuple of text, so its value is taken as it is (dataclasses.asdict would copy each, deeply)."""
        found = {name: getattr(self, name) for name in _FIELDS}
        return {key: (value.value if isinstance(value, StrEnum) else value) for key, value in found.items()}

    @classmethod
    def from_data(cls, data: Any, where: str = "") -> Finding:
        data = obj(data, where, REQUIRED, tuple(name for name in READERS if name not in REQUIRED))
        return cls(**{key: READERS[key](value, at(where, key)) for key, value in data.items()})


_FIELDS = tuple(f.name for f in fields(Finding))
REQUIRED = ("kind", "outcome", "subject", "expected", "actual")
READERS: dict[str, Callable[[Any, str], Any]] = {  # one per field of Finding, in its order
    "kind": choice(Kind), "outcome": choice(Outcome), "subject": text, "expected": text, "actual": text,
    "table": maybe(text), "name": maybe(text), "required": flag, "reason": text, "closest": maybe(text),
    "expected_names": lambda value, where: tuple(texts(value, where)),
    "unexpected_names": lambda value, where: tuple(texts(value, where)), "cause": maybe(choice(Cause)),
    "action": text, "change": maybe(text), "line": maybe(count), "not_run": maybe(choice(NotRun)),
    "warning": text, "unknown": maybe(choice(Unknowable)), "waiver": text, "advisory": flag,
}


def unknown_of(value: object) -> Unknowable | None:
    """What kind of unknown `value` is, when it is an `Unverifiable` (for `Finding.unknown`)."""
    return value.unknown if isinstance(value, Unverifiable) else None


def verdict(holds: bool | Unverifiable, must: bool) -> Outcome:
    """The outcome of a claim that `holds` (or cannot be told) under "must" or "must not"."""
    if isinstance(holds, Unverifiable):
        return Outcome.UNVERIFIABLE
    return Outcome.PASSED if holds == must else Outcome.FAILED
