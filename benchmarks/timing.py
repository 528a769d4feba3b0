"""Measuring: a command's wall time (process start to exit), samples summarised as median, min and max.

Each case is run several times, interleaved with the others, so a change in the machine's load
touches every case alike; figures are compared as ratios to a baseline measured in the same run.
"""

from __future__ import annotations

import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTEST = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
PHASES = "DYNAMO_CONTRACTS_PHASES"  # steps.run.phases.VARIABLE: where a run writes its breakdown


PACKAGES = ("steps", "provision")  # the project's own code, which the timed runs import from this checkout


def compile_project() -> None:
    """Compile the project's modules to bytecode first, as `pip install` does for a user (and as the peer's
    virtualenv has it): a checkout run with PYTHONDONTWRITEBYTECODE set would otherwise compile every module on
    every run, about 0.2 s that no installed copy pays. Sources newer than their bytecode are compiled again."""
    for package in PACKAGES:
        compileall.compile_dir(ROOT / package, quiet=1)


@dataclass
class Samples:
    seconds: list[float] = field(default_factory=list)
    phases: list[dict[str, float]] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def summary(self) -> dict[str, Any]:
        found: dict[str, Any] = {"median": round(self.median, 3), "min": round(min(self.seconds), 3),
                                 "max": round(max(self.seconds), 3), "runs": len(self.seconds)}
        if self.phases:
            names = sorted({name for run in self.phases for name in run})
            found["phases"] = {n: round(statistics.median(run.get(n, 0.0) for run in self.phases), 3) for n in names}
        return found


@dataclass(frozen=True)
class Case:
    name: str
    command: Sequence[str]
    cwd: Path = ROOT
    environ: Mapping[str, str] | None = None
    reports_own_time: bool = False  # the command prints the seconds to count (a floor measured inside it)


def run_once(case: Case, samples: Samples) -> None:
    env = {**(case.environ or os.environ), "PYTHONPATH": str(ROOT)}
    env.pop("GITHUB_STEP_SUMMARY", None)
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        phases = Path(handle.name)
    env[PHASES] = str(phases)
    started = time.perf_counter()
    result = subprocess.run(list(case.command), cwd=case.cwd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    try:
        if result.returncode not in (0, 1):  # 1: some contract failed, still a verdict
            raise SystemExit(f"{case.name}: {' '.join(case.command)} exited {result.returncode}:\n"
                             f"{result.stdout[-2000:]}{result.stderr[-2000:]}")
        samples.seconds.append(float(result.stdout.split()[-1]) if case.reports_own_time else elapsed)
        if phases.stat().st_size:
            samples.phases.append(json.loads(phases.read_text()))
    finally:
        phases.unlink(missing_ok=True)


def interleaved(cases: Sequence[Case], repeat: int) -> dict[str, Samples]:
    found = {case.name: Samples() for case in cases}
    for _ in range(repeat):
        for case in cases:
            run_once(case, found[case.name])
    return found
