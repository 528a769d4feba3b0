"""What a check finds: one `Finding` per claim, plain data that travels (xdist, reports, JSON).

A finding says what was required (kind, table, name, expected), what was there (actual),
and the outcome: passed, failed, unverifiable on this backend, or not run here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from provision.observed.state import Unverifiable


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    UNVERIFIABLE = "unverifiable"
    NOT_RUN = "not run"


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
    cause: str | None = None  # "table", "index" or "vault" when it failed because that is missing
    action: str = ""  # who must do what, and where, to close the gap ("the platform team must add ...")
    change: str | None = None  # for a difference from the desired state: the plan's change kind (CreateIndex)
    line: int | None = None  # the feature line of the step that made the claim (set by the recorder)

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
        return {key: (value.value if isinstance(value, StrEnum) else value) for key, value in asdict(self).items()}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Finding:
        return cls(**{**data, "kind": Kind(data["kind"]), "outcome": Outcome(data["outcome"]),
                      "expected_names": tuple(data.get("expected_names", ()))})


def verdict(holds: bool | Unverifiable, must: bool) -> Outcome:
    """The outcome of a claim that `holds` (or cannot be told) under "must" or "must not"."""
    if isinstance(holds, Unverifiable):
        return Outcome.UNVERIFIABLE
    return Outcome.PASSED if holds == must else Outcome.FAILED


def polarity(must: bool) -> str:
    return "" if must else "no "
