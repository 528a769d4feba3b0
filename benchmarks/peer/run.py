"""Run the peer tool, terraform-compliance 1.16.0, on benchmarks/peer/plan.json.

    python -m benchmarks.peer [--plan PLAN.json] [--features DIR]     # or: python benchmarks/peer/run.py

terraform-compliance pins versions that clash with this project's (radish-bdd, an old IPython, ...),
so it lives in a virtualenv of its own, made on first use under ~/.cache/dynamo-contracts/peer-venv
(or $DYNAMO_CONTRACTS_PEER_VENV) and reused after. `peer_command()` is the command the benchmark
times; `prepare()` makes the virtualenv and the one-line copy of the plan it needs (see below) first,
so the timed run pays for neither.

Two quirks of terraform-compliance 1.16.0 shape this:
- it reads a plan file of more than one line as its *second line* and writes that line back over the
  file (a workaround for a GitHub Action's wrapper): a pretty-printed plan is destroyed. It is given a
  one-line copy in a scratch folder, never the committed plan.json;
- a scenario whose resource is missing SKIPS (exit 0) unless tagged @noskip: every scenario here is.
It also leaves a `terraform-compliance*` cache folder in the temporary folder on every run; TMPDIR
points into the scratch folder so those go with it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
VERSION = "1.16.0"
PLAN = HERE / "plan.json"
FEATURES = HERE / "features"
SCRATCH = Path(tempfile.gettempdir()) / "dynamo-contracts-peer"


def venv_dir() -> Path:
    default = Path.home() / ".cache" / "dynamo-contracts" / "peer-venv"
    return Path(os.environ.get("DYNAMO_CONTRACTS_PEER_VENV", default))


def executable() -> Path:
    return venv_dir() / "bin" / "terraform-compliance"


def ensure_venv() -> Path:
    """The virtualenv with terraform-compliance==VERSION, made (once) if it is not there."""
    folder = venv_dir()
    marker = folder / f".terraform-compliance-{VERSION}"
    if marker.exists() and executable().exists():
        return folder
    print(f"making {folder} with terraform-compliance=={VERSION} (once)", file=sys.stderr)
    venv.EnvBuilder(with_pip=True, clear=True).create(folder)
    subprocess.run([str(folder / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    f"terraform-compliance=={VERSION}"], check=True)
    marker.write_text(VERSION + "\n", encoding="utf-8")
    return folder


def one_line_copy(plan: Path, scratch: Path = SCRATCH) -> Path:
    """The plan as `terraform show -json` writes it (one line), in the scratch folder."""
    scratch.mkdir(parents=True, exist_ok=True)
    target = scratch / f"{plan.stem}.oneline.json"
    target.write_text(json.dumps(json.loads(plan.read_text(encoding="utf-8")), separators=(",", ":")) + "\n",
                      encoding="utf-8")
    return target


def environment(scratch: Path = SCRATCH) -> dict[str, str]:
    tmp = scratch / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    return {**os.environ, "TMPDIR": str(tmp), "PYTHONDONTWRITEBYTECODE": "1"}


def prepare(plan: Path = PLAN, scratch: Path = SCRATCH) -> Path:
    """Everything the timed command needs: the virtualenv and the one-line plan. Returns that plan."""
    ensure_venv()
    return one_line_copy(plan, scratch)


def peer_command(plan: Path = PLAN, features: Path = FEATURES, scratch: Path = SCRATCH) -> list[str]:
    """`terraform-compliance -f FEATURES -p PLAN`, on a one-line copy of `plan` (made here, not timed)."""
    oneline = prepare(plan, scratch)
    return [str(executable()), "-f", str(features), "-p", str(oneline)]


def run(plan: Path = PLAN, features: Path = FEATURES) -> tuple[int, str, float]:
    """Run terraform-compliance once: its exit code, its output, the wall time of the run alone."""
    scratch = Path(tempfile.mkdtemp(prefix="dynamo-contracts-peer-"))
    try:
        command = peer_command(plan, features, scratch)
        env = environment(scratch)
        started = time.perf_counter()
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - started
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return result.returncode, result.stdout + result.stderr, elapsed


def summary(output: str) -> str:
    lines = [line for line in output.splitlines() if "features (" in line or "scenarios (" in line
             or "steps (" in line]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plan", type=Path, default=PLAN)
    parser.add_argument("--features", type=Path, default=FEATURES)
    parser.add_argument("--verbose", "-v", action="store_true", help="print terraform-compliance's whole output")
    args = parser.parse_args(argv)
    code, output, elapsed = run(args.plan, args.features)
    print(output if args.verbose else summary(output))
    verdict = "passed" if code == 0 else f"FAILED (exit {code})"
    print(f"terraform-compliance {VERSION} on {args.plan}: {verdict} in {elapsed:.2f} s")
    return code


if __name__ == "__main__":
    raise SystemExit(main())
