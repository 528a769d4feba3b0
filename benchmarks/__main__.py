"""`python -m benchmarks`: time to verdict, scale, and provisioning under latency, as ratios to baselines
measured in the same run (these machines are noisy). Prints a table and writes JSON.

    python -m benchmarks [--repeat 5] [--out benchmarks/results.json] [--no-peer] [--no-scale] [--no-latency]

Each figure is the median of `--repeat` interleaved runs, with min and max. Nothing here is a test:
no timing gates CI. The latest figures, and the machine they came from, are in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.targets import targets
from benchmarks.timing import PACKAGES, PYTEST, ROOT, Case, Samples, compile_project, interleaved, run_once
from dynamo_contracts.provision.observed.terraform.hcl_cache import VARIABLE as PARSE_CACHE

PEER_PLAN = ROOT / "benchmarks" / "peer" / "plan.json"  # the stack of contracts/ for sit, as a Terraform plan
BRIEF_TF = ROOT / "tests" / "brief" / "terraform"
TERRAFORM = "every contract --against=terraform:DIR (the brief's)"  # its files' parse trees cached, as on a re-run
TERRAFORM_COLD = "every contract --against=terraform:DIR, nothing cached"  # a first run: every file parsed


def verdict_cases(scratch: Path, peer: bool) -> list[Case]:
    brief_terraform = [*PYTEST, "--env=sit", f"--against=terraform:{BRIEF_TF}",
                       f"--tf-var-file={BRIEF_TF / 'sit.tfvars'}"]
    cases = [
        Case("floor: import boto3, moto, pytest_bdd", [sys.executable, "-c", "import boto3, moto, pytest_bdd"]),
        Case("floor: pytest --version", [*PYTEST, "--version"]),
        Case("floor: DynamoDB Local start until it answers", [sys.executable, "-m", "benchmarks.floors",
                                                              "dynamodb-local"], reports_own_time=True),
        Case("every contract on moto", [*PYTEST, "--env=moto"]),
        Case("every contract on DynamoDB Local", PYTEST),
        Case("every contract --against=schema", [*PYTEST, "--env=sit", "--against=schema"]),
        Case("every contract --against=plan:FILE", [*PYTEST, "--env=sit", f"--against=plan:{PEER_PLAN}"]),
        Case(TERRAFORM, brief_terraform),
        Case(TERRAFORM_COLD, brief_terraform, environ={**os.environ, PARSE_CACHE: "0"}),
    ]
    if peer:
        from benchmarks.peer.run import environment, peer_command

        cases.append(Case("peer: terraform-compliance, same checks, same plan",
                          peer_command(PEER_PLAN, scratch=scratch / "peer"), environ=environment(scratch / "peer")))
    return cases


def scale_figures(scratch: Path, repeat: int, small_run: Samples) -> dict[str, Any]:
    from benchmarks.scale import calls, provisioning, scale_project

    project = scale_project(scratch / "scale")
    runs = interleaved([Case("scale", [*PYTEST, "--env=moto"], cwd=project)], repeat)["scale"]
    return {"contract_run": runs.summary(), "x_every_contract_on_moto": round(runs.median / small_run.median, 2),
            "calls": calls(project), "provisioning_200_tables_on_moto": provisioning(project)}


def machine() -> dict[str, Any]:
    return {"python": platform.python_version(), "system": platform.platform(), "cpus": os.cpu_count(),
            "date": datetime.now(UTC).date().isoformat(),
            "bytecode": f"{', '.join(PACKAGES)} compiled before timing, as an installed copy is"}


def _row(name: str, summary: dict[str, Any], baseline: float | None) -> str:
    ratio = f"{summary['median'] / baseline:>7.2f}" if baseline else "       "
    return f"{name:<56} {summary['median']:>7.2f} {summary['min']:>7.2f} {summary['max']:>7.2f} {ratio}"


def show(results: dict[str, Any]) -> None:
    verdict = results["time_to_verdict"]
    floor = verdict["floor: import boto3, moto, pytest_bdd"]["median"]
    print(f"{'time to verdict (s)':<56} {'median':>7} {'min':>7} {'max':>7} {'x floor':>7}")
    for name, summary in verdict.items():
        print(_row(name, summary, floor))
        for phase, seconds in summary.get("phases", {}).items():
            print(f"    {phase:<52} {seconds:>7.2f}")
    for section in ("scale", "latency"):
        if section in results:
            print(f"\n{section}:\n" + json.dumps(results[section], indent=2))
    print("\ntargets:")
    for target in results["targets"]:
        mark = "met" if target["met"] else "NOT MET"
        print(f"  {mark:<8} {target['what']}: {target['value']:.2f} against {target['bound']:.2f}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results.json")
    parser.add_argument("--no-peer", action="store_true", help="leave out terraform-compliance (its virtualenv is "
                                                               "made on first use: about a minute, once)")
    parser.add_argument("--no-scale", action="store_true", help="leave out the 200-table, 2,000-scenario case")
    parser.add_argument("--no-latency", action="store_true",
                        help="leave out provisioning under AWS-like latency (about 4 minutes)")
    args = parser.parse_args(argv)
    scratch = Path(tempfile.mkdtemp(prefix="dynamo-contracts-bench-"))
    compile_project()
    try:
        cases = verdict_cases(scratch, not args.no_peer)
        run_once(next(c for c in cases if c.name == TERRAFORM), Samples())  # untimed: the parse cache now holds
        samples = interleaved(cases, args.repeat)                            # the brief's files, as after a first run
        results: dict[str, Any] = {"machine": machine(), "repeat": args.repeat,
                                   "time_to_verdict": {name: s.summary() for name, s in samples.items()}}
        if not args.no_scale:
            results["scale"] = scale_figures(scratch, max(1, args.repeat // 2), samples["every contract on moto"])
        if not args.no_latency:
            from benchmarks.latency import measure

            results["latency"] = measure()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    results["targets"] = targets(results)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    show(results)
    print(f"\nwritten to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
