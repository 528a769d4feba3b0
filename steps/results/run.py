"""One contract run's results, as saved: what the contracts require, and per source what it held and
what each scenario found. The report is built from this alone (`python -m steps.report`), so a run's
report can be rebuilt, or built again later, without pytest, the environment or the features.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...provision.observed.origin import SourceKind, kind_of
from .environment import EnvironmentSummary
from .expected import Requirements
from .files import write_whole
from .reading import Malformed, at, items, maybe, obj, text, texts
from .scenarios import Results

FORMAT = 2  # the version of this file's layout; another one is refused with what to do (2: with its digest)
DIGEST = "digest"


def digest(content: Mapping[str, Any]) -> str:
    """The SHA-256 of the results' content (everything but the digest), as canonical JSON: a rebuild checks it, so
    results edited after the run (an outcome turned to passed by hand) cannot rebuild a verdict no run gave. It
    tells an edit, not a forger who recomputes it: the report a run wrote itself is the one to trust."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class ResultsFileError(ValueError):
    """A results file that cannot be read: which file, and why."""


@dataclass(frozen=True)
class SourceResults:
    """What one source of observed state was, held and showed: `live` (the environment's backend), `schema`..."""

    name: str
    backend: str  # what the outputs call it: dynamodb-local, moto, aws (live), schema, terraform, plan
    observed: EnvironmentSummary | None  # None: the source could not be read in this run
    results: Results
    origin: str = ""  # what a static source read: the Terraform folder, the plan file

    @property
    def static(self) -> bool:
        """Whether it was a file's account (its label's kind is not live)."""
        return kind_of(self.name) is not SourceKind.LIVE

    def data(self) -> dict[str, Any]:
        return {"name": self.name, "backend": self.backend, "origin": self.origin,
                "observed": None if self.observed is None else self.observed.data(),
                "scenarios": self.results.data()}

    @classmethod
    def from_data(cls, data: Any, where: str = "") -> SourceResults:
        data = obj(data, where, ("name", "backend", "observed", "scenarios"), ("origin",))
        return cls(text(data["name"], at(where, "name")), text(data["backend"], at(where, "backend")),
                   maybe(EnvironmentSummary.from_data)(data["observed"], at(where, "observed")),
                   Results.from_data(data["scenarios"], at(where, "scenarios")),
                   text(data.get("origin", ""), at(where, "origin")))


@dataclass(frozen=True)
class RunResults:
    environment: str
    generated_at: str  # ISO 8601, UTC
    requirements: Requirements
    expected_vaults: list[str]  # physical names of the vaults the contracts require
    sources: list[SourceResults] = field(default_factory=list)
    expired_waivers: list[str] = field(default_factory=list)  # "contracts/waivers.yaml:2: this waiver expired on ..."

    def data(self) -> dict[str, Any]:
        return {"format": FORMAT, "environment": self.environment, "generated_at": self.generated_at,
                "requirements": self.requirements.data(), "expected_vaults": list(self.expected_vaults),
                "sources": [s.data() for s in self.sources],
                **({"expired_waivers": list(self.expired_waivers)} if self.expired_waivers else {})}

    @classmethod
    def from_data(cls, data: Any) -> RunResults:
        data = obj(data, "", ("format", "environment", "generated_at", "requirements", "expected_vaults", "sources"),
                   ("expired_waivers",))
        if not data["sources"]:
            raise Malformed("sources", "holds no source: nothing was checked")
        return cls(text(data["environment"], "environment"), text(data["generated_at"], "generated_at"),
                   Requirements.from_data(data["requirements"], "requirements"),
                   texts(data["expected_vaults"], "expected_vaults"),
                   items(data["sources"], "sources", SourceResults.from_data),
                   texts(data.get("expired_waivers", []), "expired_waivers"))

    def dumps(self) -> str:
        """The results as saved: their content and its digest."""
        content = self.data()
        return json.dumps({**content, DIGEST: digest(content)}, indent=2) + "\n"

    def save(self, path: Path) -> None:
        write_whole({path: self.dumps()})

    @classmethod
    def load(cls, path: Path) -> RunResults:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            raise ResultsFileError(f"{path}: cannot be read ({getattr(error, 'strerror', None) or error})") from None
        except (json.JSONDecodeError, RecursionError) as error:
            where = f":{error.lineno}" if isinstance(error, json.JSONDecodeError) else ""
            raise ResultsFileError(f"{path}{where}: not JSON ({getattr(error, 'msg', 'nested too deep')}); give the "
                                   "results.json a run wrote with --readiness-report") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            found = data.get("format") if isinstance(data, dict) else None
            raise ResultsFileError(f"{path}: not a results file of format {FORMAT} (format: {found!r}); give the "
                                   "results.json a run of this version wrote with --readiness-report")
        recorded = data.pop(DIGEST, None)
        if recorded is None:
            raise ResultsFileError(f"{path}: carries no digest of its content, so nothing tells it is what the run "
                                   "wrote; give the results.json a run wrote with --readiness-report")
        if recorded != digest(data):
            raise ResultsFileError(
                f"{path}: its content does not match its digest: it was changed after the run wrote it. A report "
                "rebuilt from it would say what no run said, so none is built; rebuild from the results.json the "
                "run wrote (or its CI artifact), or run the contracts again")
        try:
            return cls.from_data(data)
        except Malformed as error:
            raise ResultsFileError(f"{path}: {error}; it is not what a run writes with --readiness-report") from None
