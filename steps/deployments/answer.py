"""Can this version of a consumer's contract be deployed to an environment? Pure: from the store's history.

Yes only when the newest verdict recorded for exactly that version is `ready` (or `ready with accepted risk`, a
waiver's): unverified, blocked or not checked is no, with the run's reasons. A version never verified there is no.
"""

from __future__ import annotations

from dataclasses import dataclass

from .store import History

DEPLOYABLE = frozenset({"ready", "ready with accepted risk"})


@dataclass(frozen=True)
class Answer:
    yes: bool
    text: str


def answer(history: History, consumer: str, environment: str, version: str) -> Answer:
    mine = [v for v in history.verdicts if v.version == version]
    live = next((d for d in history.deployments), None)
    deployed = (f"\nLive in {environment}: version {live.version[:19]}, recorded {live.deployed_at}"
                if live else f"\nNo deployment recorded in {environment} (record-deployment notes one).")
    if not mine:
        seen = ", ".join(dict.fromkeys(f"{v.version[:19]} ({v.status}, {v.verified_at})" for v in history.verdicts[:5]))
        return Answer(False, f"no: {consumer} version {version[:19]} was never verified on {environment}; verified "
                             f"there: {seen or 'none'}. Run the contracts on {environment} with --record-verdicts."
                      + deployed)
    last = mine[0]
    commit = f", commit {last.commit[:12]}" if last.commit else ""
    when = f"last verified {last.verified_at} on {last.backend}{commit}, {last.checked} scenarios checked"
    if last.status in DEPLOYABLE:
        return Answer(True, f"yes: {consumer} version {version[:19]} is {last.status} on {environment} ({when})"
                      + deployed)
    why = f": {last.why}" if last.why else ""
    return Answer(False, f"no: {consumer} version {version[:19]} is {last.status} on {environment} ({when}){why}"
                  + deployed)
