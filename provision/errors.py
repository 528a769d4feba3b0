"""The errors the tool reports to people: each one says where and what to do instead."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One mistake in the contracts: where it is, what is wrong, what to write instead."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class ToolError(Exception):
    """A failure caused by input or environment, shown to the user without a traceback."""


class ContractError(ToolError):
    """The contracts are invalid. Raised before any call to a backend."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        heading = "1 problem" if count == 1 else f"{count} problems"
        super().__init__(f"{heading} in the contracts:\n" + "\n".join(f"  {p}" for p in self.problems))


class RefusedError(ToolError):
    """A change the tool will not make, with the way to do it instead."""


class AccountMismatchError(ToolError):
    """The credentials belong to another AWS account than the environment's."""


class BackendError(ToolError):
    """A backend could not be started or reached."""
