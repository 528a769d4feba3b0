"""A saved plan: the plan people approved, so that what is applied is exactly what they read.

`python -m provision plan --env ENV --out plan.json` writes the plan's changes with digests of
what it was made from (the contracts resolved for the environment, and the environment as read);
`apply --plan plan.json` reads the environment again, makes the plan anew and refuses, changing
nothing, when it differs from the saved one: the environment (or the contracts) changed since the
plan was approved, as Terraform refuses a stale saved plan. A file edited after it was written is
refused too (its own digest no longer matches). JSON, so a reviewer and a workflow artifact read it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..desired.stack import Stack
from ..errors import RefusedError, ToolError
from ..observed.state import ObservedState
from .changes import plain
from .plan import Plan

FORMAT = 1


class PlanFileError(ToolError):
    """A saved plan that cannot be read: which file, why, and what to give instead."""


class StalePlanError(RefusedError):
    """The plan an apply would make now is not the one that was approved."""


def digest(value: Any) -> str:
    return "sha256:" + hashlib.sha256(json.dumps(plain(value), sort_keys=True, default=str).encode()).hexdigest()


@dataclass(frozen=True)
class SavedPlan:
    environment: str
    account_id: str | None
    region: str
    backend: str
    contracts: str  # digest of the stack the contracts give for the environment
    observed: str  # digest of the environment as read when the plan was made
    changes: list[dict[str, Any]]  # the plan's changes, as `plan --format json` shows them
    summary: str

    @classmethod
    def of(cls, plan: Plan, stack: Stack, observed: ObservedState) -> SavedPlan:
        env = plan.environment
        return cls(env.name, env.account_id, env.region, plan.backend, digest(stack), digest(observed),
                   [c.data() for c in plan.changes], plan.summary())

    @property
    def digest(self) -> str:
        """Of everything above: what the reviewers approved."""
        return digest(dataclasses.asdict(self))

    def data(self) -> dict[str, Any]:
        return {"format": FORMAT, **dataclasses.asdict(self), "digest": self.digest}

    def save(self, path: Path) -> None:
        try:
            path.write_text(json.dumps(self.data(), indent=2) + "\n", encoding="utf-8")
        except OSError as error:
            raise PlanFileError(f"--out {path}: cannot be written ({error.strerror or error})") from None

    @classmethod
    def load(cls, path: Path) -> SavedPlan:
        redo = "make it again with `dynamo-contracts plan --env ENV --out FILE`"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            raise PlanFileError(f"--plan {path}: cannot be read ({getattr(error, 'strerror', None) or error})"
                                ) from None
        except json.JSONDecodeError as error:
            raise PlanFileError(f"--plan {path}:{error.lineno}: not JSON ({error.msg}); {redo}") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            found = data.get("format") if isinstance(data, dict) else None
            raise PlanFileError(f"--plan {path}: not a saved plan of format {FORMAT} (format: {found!r}); {redo}")
        try:
            saved = cls(**{f.name: data[f.name] for f in dataclasses.fields(cls)})
        except (KeyError, TypeError) as error:
            raise PlanFileError(f"--plan {path}: a saved plan with a field missing or wrong ({error}); {redo}"
                                ) from None
        if data.get("digest") != saved.digest:
            raise PlanFileError(f"--plan {path}: the file was changed after it was written (its digest does not "
                                f"match its content); apply only the plan as `plan --out` wrote it, or {redo}")
        return saved

    def check(self, plan: Plan, stack: Stack, observed: ObservedState) -> None:
        """Refuse (StalePlanError) unless the plan made now is the one saved, for the same environment."""
        now = SavedPlan.of(plan, stack, observed)
        env = plan.environment
        if (self.environment, self.account_id, self.region) != (now.environment, now.account_id, now.region):
            raise StalePlanError(f"the saved plan is for environment '{self.environment}' (account "
                                 f"{self.account_id}, {self.region}), not '{env.name}' (account {env.account_id}, "
                                 f"{env.region}). Nothing was changed.")
        if self.contracts != now.contracts:
            raise StalePlanError("the contracts changed since the plan was approved: they no longer give the stack "
                                 "the plan was made from. Nothing was changed; make and review a new plan.")
        if self.changes != now.changes:
            raise StalePlanError("the environment changed since the plan was approved: the plan made now differs "
                                 f"from the saved one.\n{_difference(self.changes, now.changes)}\nNothing was "
                                 "changed; make and review a new plan.")


def _difference(saved: list[dict[str, Any]], now: list[dict[str, Any]]) -> str:
    before = {json.dumps(c, sort_keys=True): c for c in saved}
    after = {json.dumps(c, sort_keys=True): c for c in now}
    lines = [f"  approved, no longer planned: {c['summary']}" for k, c in before.items() if k not in after]
    lines += [f"  planned now, never approved: {c['summary']}" for k, c in after.items() if k not in before]
    return "\n".join(lines) or "  the same changes, in another order"
