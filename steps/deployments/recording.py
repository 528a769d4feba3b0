"""A run's report as verdict records: one per consumer, with its contract's version and the commit checked."""

from __future__ import annotations

from pathlib import Path

from ..report.model import ConsumerState, Readiness
from .records import VerdictRecord
from .version import contract_version, git_commit

WHY_LIMIT = 2000  # characters: the reasons are for people, the run's report holds them all


def _why(state: ConsumerState, failed: list[str], gaps: list[str]) -> str:
    if state is ConsumerState.UNVERIFIED:
        return "nothing failed, but some claims could not be verified or were not run on this backend"
    if state is ConsumerState.NOT_CHECKED:
        return "not checked in full in that run (some scenarios deselected, skipped or not collected)"
    text = "; ".join([*gaps, *(f"failed: {f}" for f in failed)])
    return text if len(text) <= WHY_LIMIT else text[: WHY_LIMIT - 3] + "..."


def verdict_records(readiness: Readiness, root: Path) -> list[VerdictRecord]:
    """The records of every consumer with a folder under `root/features` (consumers of no folder are left out)."""
    commit = git_commit(root) or ""
    records = []
    for consumer, status in sorted(readiness.consumers.items()):
        if not (root / "features" / consumer).is_dir():
            continue
        records.append(VerdictRecord(readiness.environment, consumer, contract_version(root / "features", consumer),
                                     commit, status.status.value, _why(status.status, status.failed, status.gaps),
                                     status.checked, readiness.generated_at, readiness.backend))
    return records
