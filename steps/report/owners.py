"""Who must approve a change to a file: the owners `.github/CODEOWNERS` names for it (the last matching line wins).

The report names, per gap, the owners of each file the gap must change. Parsed from the file's text (the caller
reads it), so the report stays plain code; the patterns read are the ones this repository's CODEOWNERS uses:
`*`, a folder (`/contracts/`), a file or a glob.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field

PATH = ".github/CODEOWNERS"


@dataclass(frozen=True)
class Codeowners:
    rules: list[tuple[str, list[str]]] = field(default_factory=list)  # (pattern, owners), in the file's order

    @classmethod
    def parse(cls, text: str) -> Codeowners:
        rules = []
        for line in text.splitlines():
            words = line.split("#", 1)[0].split()
            if len(words) >= 2:
                rules.append((words[0], words[1:]))
        return cls(rules)

    def of(self, path: str) -> list[str]:
        """The owners of `path` (relative to the repository's root); none when no line matches."""
        owners: list[str] = []
        for pattern, named in self.rules:
            if _matches(pattern, path.lstrip("/")):
                owners = named
        return owners


def _matches(pattern: str, path: str) -> bool:
    anchored = pattern.startswith("/")
    pattern = pattern.strip("/") if pattern != "*" else pattern
    if pattern == "*":
        return True
    if path == pattern or path.startswith(pattern + "/"):
        return True
    if fnmatch.fnmatch(path, pattern):
        return True
    return not anchored and "/" not in pattern and fnmatch.fnmatch(path.rsplit("/", 1)[-1], pattern)
