"""Where a piece of the desired state was written (file and line): for error messages and plans."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """Where a piece of the desired state was written: for error messages and plans."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"
