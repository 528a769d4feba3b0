"""What every change of a plan is: one thing to do to one resource, with its order, its text and its JSON form.

The base of the change classes (`provision.planning.changes` for tables, `provision.planning.changes_backup` for
backups and alarms, both re-exported from `changes`).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, ClassVar

from ..observed.state import Unverifiable


@dataclass(frozen=True, kw_only=True)
class Change:
    """One thing to do to one resource (`target`: a physical table, vault or plan name)."""

    target: str
    skipped: Unverifiable | None = None  # the backend cannot do or report this: shown, never done

    order: ClassVar[int] = 50
    symbol: ClassVar[str] = "~"
    destructive: ClassVar[bool] = False
    is_backup: ClassVar[bool] = False
    informational: ClassVar[bool] = False  # shown in the plan, never done (nothing to do)
    topic: ClassVar[str] = "change"  # what it is about, to group skipped changes in a plan

    @property
    def kind(self) -> str:
        return type(self).__name__

    @property
    def lowers_protection(self) -> bool:
        """Whether it takes a protection away from a table (deletion protection, point-in-time recovery).

        Treated like a delete by the plan: it is how data becomes deletable, or unrecoverable.
        """
        return False

    def describe(self) -> str:
        raise NotImplementedError

    def as_terraform(self, desired: str) -> str | None:
        """The difference as a Terraform source has it, where the provisioner's words would say something else (a
        table Terraform would create is no live table whose data is lost); `desired`: the contracts' folder."""
        return None

    def data(self) -> dict[str, Any]:
        """A JSON-ready form, for `plan --format json` and reports."""
        fields = {f.name: plain(getattr(self, f.name)) for f in dataclasses.fields(self) if f.name != "skipped"}
        result = {"kind": self.kind, **fields, "summary": self.describe()}
        if self.lowers_protection:
            result["lowers_protection"] = True
        if self.skipped is not None:
            result["skipped"] = str(self.skipped)
        return result


def plain(value: Any) -> Any:
    """A value as JSON data: dataclasses by field (where a thing is written left out), enums by value, sets sorted."""
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value) if f.name != "source"}
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, frozenset | set):
        items = [plain(v) for v in value]
        return sorted(items, key=lambda v: v if isinstance(v, str) else json.dumps(v, sort_keys=True, default=str))
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value
