"""`python -m steps.report RESULTS [--out DIR]`: the readiness report, rebuilt from a run's saved results.

A run with `--readiness-report DIR` saves `DIR/results.json` beside the report; this builds the same
`readiness.md` and `readiness.json` from it alone, with no pytest, no environment and no features.
Results changed after the run wrote them (their digest no longer matches) are refused: the report
would say what no run said. Exit 0 for READY or UNVERIFIED, 1 for BLOCKED, 2 for a results file that
cannot be read or a report that cannot be written (nothing is then half written).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from steps.report.build import build
from steps.report.files import FILES, FolderBusy, hold_folder, read_codeowners, write_report
from steps.report.model import Verdict
from steps.results.run import ResultsFileError, RunResults


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m steps.report", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("results", type=Path, help="a results.json written by `pytest --readiness-report DIR`")
    parser.add_argument("--out", type=Path, default=None, help="the folder to write into (default: the results' own)")
    args = parser.parse_args(argv)
    try:
        run = RunResults.load(args.results)
        readiness = build(run)
    except (ResultsFileError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    folder = args.out if args.out is not None else args.results.parent
    try:
        if folder.exists() and not folder.is_dir():
            raise NotADirectoryError(f"{folder} is a file; give --out a folder")
        folder.mkdir(parents=True, exist_ok=True)
        lock = hold_folder(folder, "python -m steps.report")
        try:
            write_report(readiness, folder, codeowners=read_codeowners(Path.cwd()))
        finally:
            lock.release()
    except FolderBusy as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        reason = error.strerror or str(error)
        print(f"error: the report cannot be written into {folder} ({reason}); nothing was written there "
              f"(any {' or '.join(FILES)} it held is as it was)", file=sys.stderr)
        return 2
    print(f"readiness report: {readiness.verdict.value}, written to {folder / 'readiness.md'} and .json")
    return 1 if readiness.verdict is Verdict.BLOCKED else 0


if __name__ == "__main__":
    sys.exit(main())
