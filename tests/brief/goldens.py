"""The golden readiness reports under tests/brief/: the runs that make them, the comparison the tests make,
and the one command that rewrites them.

    python tests/brief/goldens.py                  # every golden folder: golden, golden-ready, golden-sources
    python tests/brief/goldens.py golden-ready     # only that one

Run it after a deliberate change to the report, then read the diff (`git diff tests/brief`) before
committing. A test only compares: a report that differs fails and names this command. Nothing a test
does, no environment variable, makes it write a golden file: a test that rewrites its own expectation
can only pass.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

try:  # imported by the tests: their one way to start a program, warm where it can be (tests/support/spawn.py)
    from tests.support.spawn import run as _start
except ImportError:  # run as a script, from its own folder
    _start = subprocess.run
start: Callable[..., Any] = _start

ROOT = Path(__file__).resolve().parents[2]
BRIEF = ROOT / "tests" / "brief"
FILES = ("readiness.md", "readiness.json")
COMMAND = "python tests/brief/goldens.py"
SOURCES = ("--against=schema,terraform:tests/brief/terraform,plan:tests/brief/plan.json",
           "--tf-var-file=tests/brief/terraform/sit.tfvars")

# Each golden folder and the pytest arguments of the run whose report it holds (run in the project's root).
RUNS: dict[str, tuple[str, ...]] = {
    "golden-ready": ("--env=moto",),  # the real contracts on the real stack
    "golden": ("--env=moto", "--contracts", str(BRIEF / "contracts")),  # the brief's environment
    "golden-sources": ("--env=sit", *SOURCES),  # schema, the brief's Terraform and its plan side by side
}


def run(out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`pytest ARGS --readiness-report=OUT` in the project's root, with the time fixed (SOURCE_DATE_EPOCH)."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "0", "PYTHONPATH": str(ROOT)}
    env.pop("GITHUB_STEP_SUMMARY", None)
    done: subprocess.CompletedProcess[str] = start(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", f"--readiness-report={out}", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    return done


def compare_with_golden(out: Path, golden: Path) -> None:
    """The report in `out` is the one in `golden`, file by file; never writes anything."""
    for name in FILES:
        expected = golden / name
        again = f"after a deliberate change, run `{COMMAND} {golden.name}` and read the diff"
        assert expected.is_file(), f"{expected} does not exist: {again}"
        produced = (out / name).read_text(encoding="utf-8")
        assert produced == expected.read_text(encoding="utf-8"), f"{name} differs from {expected}: {again}"


def regenerate(name: str, into: Path) -> str:
    """Run the golden run of `name` and write its report into `into/name`; say what happened."""
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "out"
        done = run(out, *RUNS[name])
        if not all((out / file).is_file() for file in FILES):
            tail = "\n".join((done.stdout + done.stderr).splitlines()[-20:])
            raise SystemExit(f"{name}: the run (exit {done.returncode}) wrote no report; nothing changed:\n{tail}")
        folder = into / name
        folder.mkdir(parents=True, exist_ok=True)
        changed = [file for file in FILES if not (folder / file).is_file()
                   or (folder / file).read_bytes() != (out / file).read_bytes()]
        for file in changed:
            shutil.copyfile(out / file, folder / file)
    return f"{name}: " + (f"rewrote {', '.join(changed)}" if changed else "unchanged")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help=f"golden folders to rewrite (default: all of {', '.join(RUNS)})")
    parser.add_argument("--into", type=Path, default=BRIEF, help=argparse.SUPPRESS)  # for the tests
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in RUNS]
    if unknown:
        parser.error(f"no golden folder {', '.join(unknown)}; choose among {', '.join(RUNS)}")
    for name in args.names or list(RUNS):
        print(regenerate(name, args.into))
    return 0


if __name__ == "__main__":
    sys.exit(main())
