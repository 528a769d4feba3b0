"""Time to verdict, as ratios against a floor measured in the same run (these machines are noisy).

    python benchmarks/time_to_verdict.py [--repeat 3] [--scale] [--no-peer]

The floor is what any Python tool on this stack pays before doing anything: importing boto3,
moto and pytest-bdd. Each case is run `--repeat` times, interleaved with the floor, and reported
as its median and its ratio to the floor's median. `--scale` adds a generated stack of 200 tables
(600 GSIs) checked by 2,000 scenarios on moto.

Nothing here is a test: timings never gate CI.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTEST = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
PEER_PLAN = ROOT / "benchmarks" / "peer" / "plan.json"  # the stack of contracts/ for sit, as a Terraform plan
BRIEF_TF = ROOT / "tests" / "brief" / "terraform"


def timed(command: Sequence[str], cwd: Path, environ: dict[str, str] | None = None) -> float:
    env = {**(environ or os.environ), "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if result.returncode not in (0, 1):  # 1: some contract failed, still a verdict
        raise SystemExit(f"{' '.join(command)} exited {result.returncode}:\n{result.stdout[-2000:]}{result.stderr}")
    return elapsed


def scale_project(folder: Path, tables: int = 200, consumers: int = 10, scenarios_per_consumer: int = 200) -> Path:
    """A project with `tables` tables of 3 GSIs each and consumers * scenarios_per_consumer scenarios."""
    contracts = folder / "contracts"
    contracts.mkdir(parents=True)
    lines = ["conventions:", '  index_naming: "<Table>By<Attribute>"', "tables:"]
    for t in range(tables):
        lines += [f"  t{t:03d}:", "    partition_key: {name: pk, type: S}", "    sort_key: {name: sk, type: S}",
                  "    global_indexes:"]
        for attribute in ("Alpha", "Beta", "Gamma"):
            lines += [f"      T{t:03d}By{attribute}:", f"        partition_key: {{name: {attribute.lower()}, type: S}}",
                      "        projection: KEYS_ONLY"]
    lines += ["environments:",
              "  moto: {backend: moto, region: eu-west-1, writes_allowed: true, destroy_allowed: true}"]
    (contracts / "stack.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for c in range(consumers):
        consumer = folder / "features" / f"consumer{c:02d}"
        consumer.mkdir(parents=True)
        body = [f"Feature: consumer {c} needs its tables", ""]
        for s in range(scenarios_per_consumer):
            t = (c * scenarios_per_consumer + s) % tables
            table, index = f"t{t:03d}", f"T{t:03d}ByBeta"
            body += [f"  Scenario: table {table} and index {s}",
                     f'    Then the table "{table}" must exist',
                     f'    And the table "{table}" must have the GSI "{index}"',
                     f'    And the GSI "{index}" of table "{table}" must have the partition key "beta" of type S',
                     ""]
        (consumer / "needs.feature").write_text("\n".join(body), encoding="utf-8")
    (folder / "conftest.py").write_text('pytest_plugins = ["steps.plugin"]\n')
    (folder / "pytest.ini").write_text("[pytest]\ntestpaths = features\naddopts = --import-mode=importlib\n")
    return folder


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scale", action="store_true", help="add the 200-table, 2,000-scenario case")
    parser.add_argument("--no-peer", action="store_true",
                        help="leave out terraform-compliance (its virtualenv is made on first use: a minute, once)")
    args = parser.parse_args(argv)

    cases: dict[str, tuple[list[str], Path]] = {
        "floor: import boto3, moto, pytest_bdd": ([sys.executable, "-c", "import boto3, moto, pytest_bdd"], ROOT),
        "pytest --version": ([*PYTEST, "--version"], ROOT),
        "every contract on moto (33 scenarios)": ([*PYTEST, "--env=moto"], ROOT),
        "one consumer on moto (-m order_lambda)": ([*PYTEST, "--env=moto", "-m", "order_lambda"], ROOT),
        "every contract on DynamoDB Local (JVM start included)": (PYTEST, ROOT),
        "every contract against the schema (--against=schema)": ([*PYTEST, "--env=sit", "--against=schema"], ROOT),
        "every contract against a plan (the stack's, 5 tables)": (
            [*PYTEST, "--env=sit", f"--against=plan:{PEER_PLAN}"], ROOT),
        "every contract against the brief's .tf folder": (
            [*PYTEST, "--env=sit", f"--against=terraform:{BRIEF_TF}", f"--tf-var-file={BRIEF_TF / 'sit.tfvars'}"],
            ROOT),
    }
    environs: dict[str, dict[str, str]] = {}
    scratch = Path(tempfile.mkdtemp(prefix="dynamo-contracts-bench-"))
    try:
        if not args.no_peer:
            sys.path.insert(0, str(ROOT))  # run as a script: benchmarks/ is not a package on the path
            from benchmarks.peer.run import environment, peer_command

            name = "terraform-compliance on the same plan (28 scenarios, same checks)"
            cases[name] = (peer_command(PEER_PLAN, scratch=scratch / "peer"), ROOT)
            environs[name] = environment(scratch / "peer")
        if args.scale:
            project = scale_project(scratch / "scale")
            cases["200 tables, 600 GSIs, 2,000 scenarios on moto"] = ([*PYTEST, "--env=moto"], project)
        samples: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(args.repeat):  # interleaved, so drift in machine load touches every case alike
            for name, (command, cwd) in cases.items():
                samples[name].append(timed(command, cwd, environs.get(name)))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    floor = statistics.median(next(iter(samples.values())))
    print(f"{'case':<58} {'median s':>9} {'x floor':>8}")
    for name, values in samples.items():
        median = statistics.median(values)
        print(f"{name:<58} {median:>9.2f} {median / floor:>8.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
