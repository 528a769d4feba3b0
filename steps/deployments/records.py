"""What the verdict store holds: a run's verdict of one consumer, and a deployment of one contract version.

Items of the tool's own table (`provision.desired.own_tables`): partition `<environment>#<consumer>`, sort
`verdict#<time>` or `deployment#<time>` (ISO 8601 UTC, so a Query in key order is in time order).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...provision.desired.own_tables import PARTITION, SORT

VERDICT = "verdict"
DEPLOYMENT = "deployment"


def subject(environment: str, consumer: str) -> str:
    return f"{environment}#{consumer}"


def _s(value: str) -> dict[str, str]:
    return {"S": value}


def _text(item: dict[str, Any], name: str) -> str:
    value = item.get(name, {})
    return str(value.get("S", "")) if isinstance(value, dict) else ""


@dataclass(frozen=True)
class VerdictRecord:
    """One run's verdict of one consumer in one environment, for one version of its contract."""

    environment: str
    consumer: str
    version: str  # sha256 of features/<consumer>/
    commit: str  # the git commit checked, "" when unknown
    status: str  # the consumer's state in the run's report: ready, unverified, blocked, not checked
    why: str  # the gaps and failed scenarios behind it, or what could not be verified
    checked: str  # "7 of 8" scenarios
    verified_at: str  # the run's time, ISO 8601 UTC
    backend: str

    def item(self) -> dict[str, Any]:
        item = {PARTITION: _s(subject(self.environment, self.consumer)), SORT: _s(f"{VERDICT}#{self.verified_at}"),
                "environment": _s(self.environment), "consumer": _s(self.consumer), "version": _s(self.version),
                "status": _s(self.status), "why": _s(self.why or "-"), "checked": _s(self.checked),
                "verified_at": _s(self.verified_at), "backend": _s(self.backend)}
        if self.commit:
            item["commit"] = _s(self.commit)
        return item

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> VerdictRecord:
        why = _text(item, "why")
        return cls(_text(item, "environment"), _text(item, "consumer"), _text(item, "version"), _text(item, "commit"),
                   _text(item, "status"), "" if why == "-" else why, _text(item, "checked"),
                   _text(item, "verified_at"), _text(item, "backend"))


@dataclass(frozen=True)
class DeploymentRecord:
    """A contract version noted as live in an environment (`record-deployment`)."""

    environment: str
    consumer: str
    version: str
    deployed_at: str
    commit: str = ""

    def item(self) -> dict[str, Any]:
        item = {PARTITION: _s(subject(self.environment, self.consumer)), SORT: _s(f"{DEPLOYMENT}#{self.deployed_at}"),
                "environment": _s(self.environment), "consumer": _s(self.consumer), "version": _s(self.version),
                "deployed_at": _s(self.deployed_at)}
        if self.commit:
            item["commit"] = _s(self.commit)
        return item

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> DeploymentRecord:
        return cls(_text(item, "environment"), _text(item, "consumer"), _text(item, "version"),
                   _text(item, "deployed_at"), _text(item, "commit"))
