"""The backups of the desired state: vaults, plans (their one rule), and which tables each plan covers.

Part of the desired-state model (`provision.desired.model`, which re-exports these), apart because a plan's
selections have naming rules of their own: AWS Backup cannot update a selection, so each content gets a name.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .location import Location

MAX_SELECTION_NAME = 50  # AWS Backup's limit on a selection's name
SELECTION_DIGEST_LENGTH = 6


@dataclass(frozen=True)
class Coverage:
    """Which tables a backup plan protects: all of them, some by name, or by tag."""

    all_tables: bool = False
    tables: tuple[str, ...] = ()
    tags: Mapping[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        if self.all_tables:
            return "all tables"
        if self.tables:
            return "tables " + ", ".join(self.tables)
        return "tables tagged " + ", ".join(f"{k}={v}" for k, v in sorted(self.tags.items()))


@dataclass(frozen=True)
class BackupVault:
    name: str
    kms_key: str | None = None
    source: Location | None = field(default=None, compare=False)


@dataclass(frozen=True)
class BackupRule:
    """The one rule of a backup plan: when it runs, where it writes, how long it keeps."""

    name: str
    vault: str
    schedule: str
    retention_days: int
    cold_storage_after_days: int | None = None


@dataclass(frozen=True)
class BackupPlan:
    name: str
    rule: BackupRule
    covers: Coverage
    source: Location | None = field(default=None, compare=False)

    @property
    def selection_name(self) -> str:
        """The base name of the plan's own backup selections (earlier versions named the one selection so)."""
        return f"{self.name}-tables"

    def selection_name_for(self, resources: Iterable[str]) -> str:
        """The name of the selection of exactly this content: the base name and a digest of what it selects.

        AWS Backup cannot update a selection, and whether it takes two of one name in a plan is not
        something to rely on: giving each content its own name lets a replacement be created before the
        old selection is deleted, so the tables are never left uncovered in between.
        """
        content = json.dumps({"resources": sorted(resources), "tags": sorted(self.covers.tags.items())})
        digest = hashlib.sha256(content.encode()).hexdigest()[:SELECTION_DIGEST_LENGTH]
        return f"{self._selection_prefix}-{digest}"

    def owns_selection(self, name: str) -> bool:
        """Whether a selection of this plan is one of ours (the base name, or a name `selection_name_for` gives)."""
        if name == self.selection_name:
            return True
        prefix, _, digest = name.rpartition("-")
        return (prefix == self._selection_prefix and len(digest) == SELECTION_DIGEST_LENGTH
                and all(c in "0123456789abcdef" for c in digest))

    @property
    def _selection_prefix(self) -> str:
        return self.selection_name[:MAX_SELECTION_NAME - SELECTION_DIGEST_LENGTH - 1]  # AWS takes 50 characters
