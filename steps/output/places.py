"""Where a problem is, as a file of the repository and a line, read from what the checks say.

A finding says where its fix goes in words ("add GSI OrdersByUser on orders-sit to
infra/modules/dynamodb-stack/tables.tf:81 (module.dynamodb_stack.aws_dynamodb_table.orders, called at
infra/envs/sit/main.tf:9)"), with paths as the readers show them (relative to the current directory), and a
scenario is at its feature's `file:line` (relative to pytest's rootdir). GitHub annotations and SARIF want a
path relative to the repository's root: `Places` finds each `file:line` of a text that names a file there,
and gives it relative to that root. A name that is no file (or one outside the root) is no place.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

# A path ending in the suffix of a file the checks name (Terraform, contracts/, plans, policies, features),
# optionally followed by its line. `tf.json` before `tf`, or `x.tf.json` would be read as `x.tf`.
PLACE = re.compile(r"(?<![\w./@+-])(?P<file>/?(?:[\w.@+-]+/)*[\w.@+-]+\.(?:tf\.json|tfvars|tf|json|ya?ml|feature))"
                   r"(?::(?P<line>\d+))?(?![\w/-])")


@dataclass(frozen=True, order=True)
class Place:
    file: str  # relative to the repository's root, with forward slashes
    line: int = 1  # 1 when the text names the file alone: code scanning needs a line

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


class Places:
    """Paths of texts found under `bases` (the current directory, pytest's rootdir), told relative to `root`."""

    def __init__(self, root: Path, bases: Sequence[Path]) -> None:
        self.root = root.resolve()
        self.bases = [base.resolve() for base in bases]

    def find(self, path: str, line: int | None = None) -> Place | None:
        """The place of `path` (relative to a base, or absolute) when it is a file under the root."""
        for base in self.bases:
            try:
                resolved = (base / path).resolve()
                if not resolved.is_file():
                    continue
            except (OSError, RuntimeError):  # RuntimeError: a symbolic link that loops (Python 3.11)
                continue
            if not resolved.is_relative_to(self.root):
                return None
            return Place(resolved.relative_to(self.root).as_posix(), line if line and line > 0 else 1)
        return None

    def in_text(self, text: str) -> Iterator[Place]:
        """Every place `text` names, in order."""
        for match in PLACE.finditer(text):
            found = self.find(match["file"], int(match["line"]) if match["line"] else None)
            if found is not None:
                yield found

    def first(self, *texts: str) -> Place | None:
        """The first place the first text naming one names."""
        for text in texts:
            for found in self.in_text(text):
                return found
        return None

    def lines(self, stated: str) -> list[Place]:
        """`features/x.feature:7,9,12` (the report's way of listing claims) as its places."""
        file, _, lines = stated.rpartition(":")
        numbers = [int(n) for n in lines.split(",") if n.isdigit()]
        if not file or not numbers:
            found = self.find(stated)
            return [found] if found else []
        return [p for p in (self.find(file, n) for n in numbers) if p is not None]
