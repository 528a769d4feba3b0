"""A consumer's contract version: a digest of its folder `features/<consumer>/`, and the git commit when known.

The digest is over every file of the folder (its path inside the folder and its bytes, in path order), so a renamed,
added or edited feature is a new version, and the same files give the same version on any machine or checkout.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

GIT_TIMEOUT_SECONDS = 10


def contract_version(features: Path, consumer: str) -> str:
    """`sha256:<hex>` of `features/<consumer>/`; ValueError when the consumer has no such folder."""
    folder = features / consumer
    if not folder.is_dir():
        raise ValueError(f"no consumer {consumer!r}: {folder} is not a folder of features")
    digest = hashlib.sha256()
    for file in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(file.relative_to(folder).as_posix().encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(file.read_bytes()).digest())
    return "sha256:" + digest.hexdigest()


def git_commit(root: Path) -> str | None:
    """The commit checked: GITHUB_SHA in GitHub Actions, else `git rev-parse HEAD` in `root`; None outside git."""
    given = os.environ.get("GITHUB_SHA")
    if given:
        return given
    try:
        done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True,
                              timeout=GIT_TIMEOUT_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and commit else None
