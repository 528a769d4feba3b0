"""Where a contract run's time goes, phase by phase, for the benchmark (`python -m benchmarks`).

Off unless $DYNAMO_CONTRACTS_PHASES names a file: then the run writes there, as JSON, the seconds
spent starting the backend (launch until it answers, overlapped with collection; for a JVM started before the
plugin's imports, also how long before configure it was launched), waiting for it,
provisioning, reading the sources, running the checks (the scenarios, the above excluded) and
writing the report. Nothing here changes what a run does, and no test reads a timing.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

VARIABLE = "DYNAMO_CONTRACTS_PHASES"


@dataclass
class Phases:
    seconds: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def timing(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - started)

    def add(self, name: str, seconds: float) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds

    def write(self) -> None:
        target = os.environ.get(VARIABLE)
        if target:
            Path(target).write_text(json.dumps({k: round(v, 4) for k, v in self.seconds.items()}) + "\n",
                                    encoding="utf-8")
