"""What a source cannot tell, as a value: `Unverifiable(source, reason)` where a fact would be, and the yes-or-no
that may be one (`Maybe`), with the logic that keeps an unknown unknown (`any_of`, `all_of`, `negated`).

Part of the observed-state model (`provision.observed.state`, which re-exports these). An unknown is a limit of
the source (DynamoDB Local has no CloudWatch) or an unknown in its input (a variable with no value): the gate
treats them apart (`Unknowable`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeVar

T = TypeVar("T")


class Unknowable(StrEnum):
    """Why a fact is not known, as typed data (never read back from the reason's words).

    LIMIT: the backend or the kind of source cannot tell it (DynamoDB Local has no CloudWatch, a static source
    knows no alarm's state): accepted, and listed. INPUT: the input left it unknown (a Terraform variable with no
    value, a module not followed, a data source, a value known only after apply): the gate fails on it unless
    the run accepts it (`--allow-unknown`)."""

    LIMIT = "limit"
    INPUT = "input"


@dataclass(frozen=True)
class Unverifiable:
    """A fact this source cannot report, and why (`unverifiable on moto: ...`)."""

    source: str
    reason: str
    # a limit of the source, or an unknown in its input; not part of equality: one fact, one reason, whoever asks
    unknown: Unknowable = field(default=Unknowable.LIMIT, compare=False)

    def __str__(self) -> str:
        return f"unverifiable on {self.source}: {self.reason}"


def input_unknown(source: str, reason: str) -> Unverifiable:
    """A fact the input leaves unknown (a Terraform reader's): it fails the gate unless accepted."""
    return Unverifiable(source, reason, Unknowable.INPUT)


def known(value: T | Unverifiable) -> bool:
    return not isinstance(value, Unverifiable)


Maybe = bool | Unverifiable  # a yes or no a source may not be able to give


def any_of(answers: Iterable[Maybe]) -> Maybe:
    """True if one answer is True; else the first unknown one, if any; else False (or on "either")."""
    unknown: Unverifiable | None = None
    for answer in answers:
        if answer is True:
            return True
        if isinstance(answer, Unverifiable) and unknown is None:
            unknown = answer
    return False if unknown is None else unknown


def all_of(answers: Iterable[Maybe]) -> Maybe:
    """False if one answer is False; else the first unknown one, if any; else True (and on "both")."""
    unknown: Unverifiable | None = None
    for answer in answers:
        if answer is False:
            return False
        if isinstance(answer, Unverifiable) and unknown is None:
            unknown = answer
    return True if unknown is None else unknown


def negated(answer: Maybe) -> Maybe:
    return answer if isinstance(answer, Unverifiable) else not answer


def known_tags(tags: Mapping[str, str | Unverifiable]) -> dict[str, str]:
    """The tags whose values are known (a tag of unknown value is left out: use it only where that is safe)."""
    return {key: value for key, value in tags.items() if isinstance(value, str)}
