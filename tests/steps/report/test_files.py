"""The report's files (issue 17.13, 17.14): whole or absent, on a full disk too; one run at a time per folder.

A full disk is a write failing with ENOSPC (monkeypatched at `os.write`, in-process) or, for a whole pytest
run, a real limit on the size of the files it writes (RLIMIT_FSIZE, no root needed: the write then fails
with EFBIG, as a full disk fails with ENOSPC).
"""

from __future__ import annotations

import errno
import json
import os
import resource
import sys
from pathlib import Path
from typing import Any

import pytest

from dynamo_contracts.steps.report.__main__ import main as report_main
from dynamo_contracts.steps.report.files import LOCK, hold_folder
from dynamo_contracts.steps.results import files
from dynamo_contracts.steps.results.files import write_whole
from tests.steps.report.test_library import RESULTS, signed
from tests.support import spawn
from tests.support.paths import ROOT

REPORT = ("readiness.md", "readiness.json", "results.json")


def leftovers(folder: Path) -> list[str]:
    """What a write left that is neither a report file nor the folder's lock: temporaries, say."""
    return sorted(p.name for p in folder.iterdir() if p.name not in (*REPORT, LOCK))


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """`os.write` as on a disk that fills after `room[0]` more writes."""
    room = [0]
    real = os.write

    def write(descriptor: int, data: Any) -> int:
        if room[0] <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        room[0] -= 1
        return real(descriptor, data)

    monkeypatch.setattr(files.os, "write", write)
    return room


def test_a_full_disk_writes_none_of_the_files_and_keeps_what_was_there(tmp_path: Path, full_disk: list[int]) -> None:
    (tmp_path / "readiness.md").write_text("the earlier report\n")
    full_disk[0] = 1  # room for the first file only: the complete readiness.md beside a 0-byte .json
    with pytest.raises(OSError, match="No space left on device"):
        write_whole({tmp_path / "readiness.md": "# new\n", tmp_path / "readiness.json": "{}\n"})
    assert (tmp_path / "readiness.md").read_text() == "the earlier report\n"
    assert not (tmp_path / "readiness.json").exists()
    assert leftovers(tmp_path) == []
    full_disk[0] = 2
    write_whole({tmp_path / "readiness.md": "# new\n", tmp_path / "readiness.json": "{}\n"})
    assert [(tmp_path / n).read_text() for n in ("readiness.md", "readiness.json")] == ["# new\n", "{}\n"]


def test_rebuilding_onto_a_full_disk_is_a_clear_error_and_writes_nothing(
        tmp_path: Path, full_disk: list[int], capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "results.json").write_text(signed(RESULTS))
    code = report_main([str(tmp_path / "results.json"), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert f"error: the report cannot be written into {tmp_path / 'out'} (No space left on device)" in err
    assert not [n for n in REPORT if (tmp_path / "out" / n).exists()]
    assert leftovers(tmp_path / "out") == []


def limited_to(size: int) -> Any:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return limit


@pytest.mark.slow
def test_a_run_on_a_full_disk_leaves_no_report_not_half_of_one(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    for name in REPORT:  # an earlier run's: it says nothing about this one
        (out / name).write_text("earlier\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("GITHUB_STEP_SUMMARY", None)
    # readiness.md of this run is about 3.4 kB, readiness.json 2.8 kB: the first fits, the others do not
    done = spawn.run([sys.executable, "-m", "pytest", "--env=moto", "-p", "no:cacheprovider", "-q",
                           "-m", "order_lambda", f"--readiness-report={out}"], cwd=ROOT, env=env,
                     capture_output=True, text=True, timeout=300, check=False,
                     preexec_fn=limited_to(3_500))
    assert done.returncode == 1, done.stdout[-2000:] + done.stderr[-2000:]
    assert f"readiness report: cannot be written to {out} (File too large); no report was written" in done.stdout
    assert not [n for n in REPORT if (out / n).exists()]
    assert leftovers(out) == []
    assert "Traceback" not in done.stdout + done.stderr


# --- one run at a time per report folder (issue 17.14) ------------------------------------------------------


def test_a_rebuild_into_a_folder_a_run_holds_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "results.json").write_text(signed(RESULTS))
    out = tmp_path / "out"
    out.mkdir()
    lock = hold_folder(out, "pytest")
    try:
        code = report_main([str(tmp_path / "results.json"), "--out", str(out)])
    finally:
        lock.release()
    err = capsys.readouterr().err
    assert code == 2
    assert f"another run is writing its readiness report into {out} (pytest, pid {os.getpid()}, since " in err
    assert not (out / "readiness.md").exists()
    assert report_main([str(tmp_path / "results.json"), "--out", str(out)]) == 1  # free again: written (BLOCKED)


def pytest_run(out: Path, *args: str) -> spawn.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("GITHUB_STEP_SUMMARY", None)
    return spawn.run([sys.executable, "-m", "pytest", "--env=moto", "-p", "no:cacheprovider", "-q",
                           f"--readiness-report={out}", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                     timeout=300, check=False)


@pytest.mark.slow
def test_a_second_run_into_a_folder_another_run_holds_is_refused_and_xdist_workers_do_not_wait_for_it(
        tmp_path: Path) -> None:
    """Two runs writing one folder: the last writer won with no word. While one holds it, the other stops
    before anything runs; a run under pytest-xdist holds it in its controller only (its workers never ask)."""
    out = tmp_path / "out"
    out.mkdir()
    lock = hold_folder(out, "a run of the order_lambda team")
    try:
        refused = pytest_run(out, "-m", "platform")
    finally:
        lock.release()
    assert refused.returncode == pytest.ExitCode.USAGE_ERROR, refused.stdout[-2000:]
    assert (f"--readiness-report={out}: another run is writing its readiness report into {out} (a run of the "
            f"order_lambda team, pid {os.getpid()}, since ") in refused.stderr
    assert "Nothing was run." in refused.stderr
    assert not (out / "readiness.md").exists()

    done = pytest_run(out, "-m", "platform", "-n", "2")
    assert done.returncode == 1, done.stdout[-2000:]  # the other consumers were not checked: BLOCKED
    assert json.loads((out / "readiness.json").read_text())["consumers"]["platform"]["status"] == "unverified"
    hold_folder(out, "the test").release()  # the run let it go when it ended
