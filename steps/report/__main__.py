"""`python -m steps.report RESULTS [--out DIR]`: the readiness report, rebuilt from a run's saved results.

A run with `--readiness-report DIR` saves `DIR/results.json` beside the report; this builds the same
`readiness.md` and `readiness.json` from it alone, with no pytest, no environment and no features.
Exit 0 for READY or UNVERIFIED, 1 for BLOCKED, 2 for a results file that cannot be read.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from steps.report.build import build
from steps.report.files import write_report
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
    write_report(readiness, folder)
    print(f"readiness report: {readiness.verdict.value}, written to {folder / 'readiness.md'} and .json")
    return 1 if readiness.verdict is Verdict.BLOCKED else 0


if __name__ == "__main__":
    sys.exit(main())
