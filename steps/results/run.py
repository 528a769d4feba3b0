"""One contract run's results, as saved: what the contracts require, and per source what it held and
what each scenario found. The report is built from this alone (`python -m steps.report`), so a run's
report can be rebuilt, or built again later, without pytest, the environment or the features.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from steps.results.environment import EnvironmentSummary
from steps.results.expected import Requirements
from steps.results.scenarios import Results

FORMAT = 1  # the version of this file's layout; another one is refused with what to do


class ResultsFileError(ValueError):
    """A results file that cannot be read: which file, and why."""


@dataclass(frozen=True)
class SourceResults:
    """What one source of observed state was, held and showed: `live` (the environment's backend), `schema`..."""

    name: str
    backend: str  # dynamodb-local, moto, aws, contracts
    observed: EnvironmentSummary | None  # None: the source could not be read in this run
    results: Results
    origin: str = ""  # what a static source read: the Terraform folder, the plan file

    @property
    def static(self) -> bool:
        return self.name != "live"

    def data(self) -> dict[str, Any]:
        return {"name": self.name, "backend": self.backend, "origin": self.origin,
                "observed": None if self.observed is None else self.observed.data(),
                "scenarios": self.results.data()}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> SourceResults:
        observed = data.get("observed")
        return cls(data["name"], data["backend"], None if observed is None else EnvironmentSummary.from_data(observed),
                   Results.from_data(data["scenarios"]), str(data.get("origin", "")))


@dataclass(frozen=True)
class RunResults:
    environment: str
    generated_at: str  # ISO 8601, UTC
    requirements: Requirements
    expected_vaults: list[str]  # physical names of the vaults the contracts require
    sources: list[SourceResults] = field(default_factory=list)

    def data(self) -> dict[str, Any]:
        return {"format": FORMAT, "environment": self.environment, "generated_at": self.generated_at,
                "requirements": self.requirements.data(), "expected_vaults": list(self.expected_vaults),
                "sources": [s.data() for s in self.sources]}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> RunResults:
        return cls(data["environment"], data["generated_at"], Requirements.from_data(data["requirements"]),
                   list(data["expected_vaults"]), [SourceResults.from_data(s) for s in data["sources"]])

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.data(), indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> RunResults:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            raise ResultsFileError(f"{path}: cannot be read ({error})") from None
        except json.JSONDecodeError as error:
            raise ResultsFileError(f"{path}:{error.lineno}: not JSON ({error.msg}); give the results.json a run "
                                   "wrote with --readiness-report") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            found = data.get("format") if isinstance(data, dict) else None
            raise ResultsFileError(f"{path}: not a results file of format {FORMAT} (format: {found!r}); give the "
                                   "results.json a run of this version wrote with --readiness-report")
        try:
            return cls.from_data(data)
        except (KeyError, TypeError, ValueError) as error:
            raise ResultsFileError(f"{path}: a results file with a field missing or wrong ({error!r})") from None
