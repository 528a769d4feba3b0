"""A plan: the ordered changes for one environment, its safety checks, and its text and JSON forms."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from provision.changes import Change, Refused
from provision.errors import RefusedError
from provision.model import Environment

DESTROY_OPTION = "--destroy-removed-tables-and-indexes"


@dataclass(frozen=True)
class Plan:
    environment: Environment
    backend: str
    changes: Sequence[Change]

    @property
    def pending(self) -> list[Change]:
        """What an apply would do: neither skipped nor refused nor only shown (a table left alone)."""
        return [c for c in self.changes if c.skipped is None and not isinstance(c, Refused) and not c.informational]

    @property
    def left_alone(self) -> list[Change]:
        """What is shown and never done: tables not in the contracts that are not provably ours."""
        return [c for c in self.changes if c.informational]

    @property
    def skipped(self) -> list[Change]:
        return [c for c in self.changes if c.skipped is not None]

    @property
    def refused(self) -> list[Refused]:
        return [c for c in self.changes if isinstance(c, Refused)]

    @property
    def destructive(self) -> list[Change]:
        return [c for c in self.pending if c.destructive]

    def raise_if_unsafe(self, allow_destroy: bool) -> None:
        """Refuse a plan holding refused changes (what AWS cannot do in place, or is unsafe), and deletes the
        environment does not allow."""
        if self.refused:
            raise RefusedError("the plan holds refused changes, so nothing was changed:\n"
                               + "\n".join(f"  ! {c.describe()}" for c in self.refused))
        if not self.destructive:
            return
        deletes = "\n".join(f"  - {c.describe()}" for c in self.destructive)
        env = self.environment
        if env.protected:
            raise RefusedError(f"environment '{env.name}' is protected: tables and indexes are never deleted "
                               f"here, whatever the options.\n{deletes}\nPut them back in the contracts, or "
                               "delete them by hand after a reviewed change.")
        if not env.destroy_allowed and not allow_destroy:
            raise RefusedError(f"the plan for '{env.name}' deletes tables or indexes:\n{deletes}\nNothing was "
                               f"changed. If these deletes are intended, run again with {DESTROY_OPTION}.")

    def render(self) -> str:
        env = self.environment
        lines = [f"Plan for environment '{env.name}' on {self.backend}:"]
        if not self.changes:
            return lines[0] + " nothing to change."
        lines += [f"  {c.symbol} {c.describe()}" for c in self.changes if c.skipped is None]
        if self.skipped:
            lines.append(f"  Not done on {self.backend} (the backend cannot hold or report it):")
            lines += self._skipped_lines()
        lines.append(self.summary())
        return "\n".join(lines)

    def _skipped_lines(self) -> list[str]:
        """Skipped changes grouped by what they are about and why, one line per group."""
        groups: dict[tuple[str, str], list[Change]] = {}
        for change in self.skipped:
            groups.setdefault((change.topic, str(change.skipped)), []).append(change)
        lines = []
        for (topic, reason), changes in groups.items():
            if len(changes) == 1:
                lines.append(f"  ? {changes[0].describe()}: {reason}")
            else:
                targets = ", ".join(c.target for c in changes)
                lines.append(f"  ? {topic} of {len(changes)} tables ({targets}): {reason}")
        return lines

    def summary(self) -> str:
        counts = [f"{len(self.pending)} to change"]
        if self.destructive:
            counts.append(f"{len(self.destructive)} of them DELETE")
        if self.skipped:
            counts.append(f"{len(self.skipped)} skipped on {self.backend}")
        if self.refused:
            counts.append(f"{len(self.refused)} refused")
        if self.left_alone:
            counts.append(f"{len(self.left_alone)} left alone")
        return "Plan: " + ", ".join(counts) + "."

    def data(self) -> dict[str, Any]:
        return {
            "environment": self.environment.name,
            "backend": self.backend,
            "pending": len(self.pending),
            "skipped": len(self.skipped),
            "refused": len(self.refused),
            "left_alone": len(self.left_alone),
            "changes": [c.data() for c in self.changes],
        }
