"""A plan: the ordered changes for one environment, its safety checks, and its text and JSON forms."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..desired.model import Environment
from ..errors import RefusedError
from .changes import Change, Refused

DESTROY_OPTION = "--destroy-removed-tables-and-indexes"
LOWER_PROTECTION_OPTION = "--turn-off-deletion-protection-and-pitr"


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
        """Refused changes; one the source could not tell is needed (skipped) is shown with the skipped ones."""
        return [c for c in self.changes if isinstance(c, Refused) and c.skipped is None]

    @property
    def destructive(self) -> list[Change]:
        return [c for c in self.pending if c.destructive]

    @property
    def lowering_protection(self) -> list[Change]:
        """Pending changes that turn deletion protection or point-in-time recovery off: treated like deletes."""
        return [c for c in self.pending if c.lowers_protection]

    def raise_if_unsafe(self, allow_destroy: bool, allow_lower_protection: bool = False) -> None:
        """Refuse a plan holding refused changes (what AWS cannot do in place, or is unsafe), and deletes or
        lowered protection the environment does not allow: never in a protected one, elsewhere only with the
        option that names it (local and moto allow both)."""
        if self.refused:
            raise RefusedError("the plan holds refused changes, so nothing was changed:\n"
                               + "\n".join(f"  ! {c.describe()}" for c in self.refused))
        env = self.environment
        if env.protected:
            self._refuse_in_protected(env)
            return
        if env.destroy_allowed:
            return
        problems = []
        if self.destructive and not allow_destroy:
            problems.append((f"deletes tables or indexes:\n{self._lines(self.destructive)}", DESTROY_OPTION,
                             "these deletes"))
        if self.lowering_protection and not allow_lower_protection:
            problems.append((f"lowers the protection of tables:\n{self._lines(self.lowering_protection)}",
                             LOWER_PROTECTION_OPTION, "these changes"))
        if problems:
            what = "\nand it ".join(text for text, _, _ in problems)
            how = " ".join(f"If {these} are intended, run again with {option}." for _, option, these in problems)
            raise RefusedError(f"the plan for '{env.name}' {what}\nNothing was changed. {how}")

    def _refuse_in_protected(self, env: Environment) -> None:
        if self.destructive:
            raise RefusedError(f"environment '{env.name}' is protected: tables and indexes are never deleted "
                               f"here, whatever the options.\n{self._lines(self.destructive)}\nPut them back in "
                               "the contracts, or delete them by hand after a reviewed change.")
        if self.lowering_protection:
            raise RefusedError(f"environment '{env.name}' is protected: deletion protection and point-in-time "
                               f"recovery are never turned off here, whatever the options.\n"
                               f"{self._lines(self.lowering_protection)}\nPut them back in the contracts (the "
                               f"environment's overrides), or turn them off by hand after a reviewed change.")

    @staticmethod
    def _lines(changes: Sequence[Change]) -> str:
        return "\n".join(f"  - {c.describe()}" for c in changes)

    def render(self) -> str:
        env = self.environment
        lines = [f"Plan for environment '{env.name}' on {self.backend}:"]
        if not self.changes:
            return lines[0] + " nothing to change."
        lines += [f"  {'-' if c.lowers_protection else c.symbol} {c.describe()}" for c in self.changes
                  if c.skipped is None]
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
        if self.lowering_protection:
            counts.append(f"{len(self.lowering_protection)} of them LOWER PROTECTION")
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
            "lowering_protection": len(self.lowering_protection),
            "skipped": len(self.skipped),
            "refused": len(self.refused),
            "left_alone": len(self.left_alone),
            "changes": [c.data() for c in self.changes],
        }
