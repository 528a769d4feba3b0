"""`python -m steps.report RESULTS [--out DIR]`: the readiness report, rebuilt from a run's saved results.

A run with `--readiness-report DIR` saves `DIR/results.json` beside the report; this builds the same
`readiness.md` and `readiness.json` from it alone, with no pytest, no environment and no features.
Results changed after the run wrote them (their digest no longer matches) are refused: the report
would say what no run said. Exit 0 for READY or UNVERIFIED, 1 for BLOCKED, 2 for a results file that
cannot be read or a report that cannot be written (nothing is then half written).

`python -m steps.report --env dev,sit,prod [--results PATTERN] [--out DIR]` puts several environments side by side
instead, one column each, from each one's saved results (`steps.report.environments`): `environments.md` and
`environments.json` in DIR (default: the current folder); exit 1 when any environment is BLOCKED.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from dynamo_contracts.steps.report.build import build
from dynamo_contracts.steps.report.environments import DEFAULT_RESULTS, load_environments, write_environments
from dynamo_contracts.steps.report.environments import FILES as ENV_FILES
from dynamo_contracts.steps.report.files import FILES, FolderBusy, hold_folder, read_codeowners, write_report
from dynamo_contracts.steps.report.model import Verdict
from dynamo_contracts.steps.results.run import ResultsFileError, RunResults


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m steps.report", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("results", type=Path, nargs="?", default=None,
                        help="a results.json written by `pytest --readiness-report DIR`")
    parser.add_argument("--out", type=Path, default=None, help="the folder to write into (default: the results' own)")
    parser.add_argument("--env", default=None, metavar="ENV[,ENV...]",
                        help="several environments side by side, from each one's saved results (see --results)")
    parser.add_argument("--results", dest="pattern", default=None, metavar="PATTERN",
                        help=f"with --env: where each one's results are, {{env}} for its name (default: "
                             f"{DEFAULT_RESULTS})")
    args = parser.parse_args(argv)
    if (args.env is None) == (args.results is None):
        parser.error("give a results.json, or --env ENV[,ENV...] for several environments side by side")
    if args.env is not None:
        return environments(args.env, args.pattern or DEFAULT_RESULTS, args.out or Path("."))
    if args.pattern is not None:
        parser.error("--results is for --env; give the one results.json as the argument")
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


def environments(given: str, pattern: str, folder: Path) -> int:
    envs = [env.strip() for env in given.split(",")]
    if not all(envs) or len(set(envs)) != len(envs):
        print(f"error: --env {given}: give distinct environment names separated by commas (--env dev,sit,prod)",
              file=sys.stderr)
        return 2
    if "{env}" not in pattern and len(envs) > 1:
        print(f"error: --results {pattern}: put {{env}} where each environment's name goes "
              "(--results 'drift-{env}/results.json')", file=sys.stderr)
        return 2
    try:
        reports = load_environments(envs, pattern)
        verdict = write_environments(reports, folder)
    except (ResultsFileError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"error: the report cannot be written into {folder} ({error.strerror or error}); nothing was written",
              file=sys.stderr)
        return 2
    print(f"environments report: {verdict.value}, written to {folder / ENV_FILES[0]} and .json")
    return 1 if verdict is Verdict.BLOCKED else 0


if __name__ == "__main__":
    sys.exit(main())
