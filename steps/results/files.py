"""Writing files whole or not at all: a report must never be half there (a full disk used to leave a complete
readiness.md beside a 0-byte readiness.json).

Each file goes to a temporary name in its own folder first, written out and flushed to the disk; only when
every one is written are they renamed into place (a rename within a folder is atomic). When a write fails
(ENOSPC, EFBIG, EIO...) the temporaries are removed and the error is raised: what the folder held before
is left as it was.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Mapping
from pathlib import Path


def write_whole(files: Mapping[Path, str]) -> None:
    """Write every file (UTF-8 text), or none of them."""
    written: list[tuple[Path, Path]] = []
    try:
        for path, content in files.items():
            temporary = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
            written.append((temporary, path))
            _write(temporary, content.encode("utf-8"))
        for temporary, path in written:
            os.replace(temporary, path)
    except BaseException:
        for temporary, _ in written:
            with contextlib.suppress(OSError):
                temporary.unlink()
        raise


def _write(path: Path, data: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask decides, as for any file
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view):]
        os.fsync(descriptor)  # a full disk may only say so here
    finally:
        os.close(descriptor)
