"""The sentence catalogue: every step sentence, its placeholder types and one example.

Step modules register sentences with `@sentence(...)` instead of pytest-bdd's decorators
directly, so the catalogue knows them all: docs/steps.md is generated from it
(`python -m steps.sentences.catalogue > docs/steps.md`), a feature step no sentence matches is
reported with the closest examples, and a test checks the docs list exactly these.

Placeholder types are defined here, once. "must" and "must not" are one parameter; "should" and "should not"
are the same claims, advisory (`ADVISORY`: their failures are warnings, blocking nothing).
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Literal, ParamSpec, TypeVar

from parse import with_pattern
from pytest_bdd import parsers, step
from pytest_bdd.parsers import StepParser

from dynamo_contracts.provision.desired.model import (
    AlarmKind,
    AttributeType,
    BillingMode,
    EncryptionType,
    ProjectionType,
    StreamView,
    TableClass,
)

P = ParamSpec("P")
R = TypeVar("R")
Keyword = Literal["given", "when", "then"]


def _enum_type(enum: type[StrEnum], name: str) -> Callable[[str], object]:
    values = sorted((member.value for member in enum), key=len, reverse=True)  # longest first: KEYS_ONLY, not KEYS

    @with_pattern("|".join(re.escape(v) for v in values))
    def convert(text: str) -> object:
        return enum(text)

    convert.__name__ = name
    return convert


@with_pattern(r"must not|must|should not|should")
def _must(text: str) -> bool:
    return text in ("must", "should")


ADVISORY = re.compile(r"\bshould( not)?\b")  # in a step's words outside its quoted names: the claim is advisory


def advisory(step_text: str) -> bool:
    """Whether a step says "should" (or "should not") where its sentence has `{must:Must}`: an advisory claim."""
    return ADVISORY.search(re.sub(r'"[^"]*"', '""', step_text)) is not None


@with_pattern(r"partition|sort")
def _role(text: str) -> str:
    return text


@with_pattern(r"GSI|LSI")
def _index_kind(text: str) -> str:
    return text


@with_pattern(r"[^\"]+")
def _name(text: str) -> str:
    return text


TYPES: dict[str, Callable[[str], object]] = {
    "Must": _must,
    "Role": _role,
    "IndexKind": _index_kind,
    "Name": _name,
    "AttributeType": _enum_type(AttributeType, "attribute_type"),
    "Projection": _enum_type(ProjectionType, "projection"),
    "BillingMode": _enum_type(BillingMode, "billing_mode"),
    "StreamView": _enum_type(StreamView, "stream_view"),
    "Encryption": _enum_type(EncryptionType, "encryption"),
    "TableClass": _enum_type(TableClass, "table_class"),
    "AlarmKind": _enum_type(AlarmKind, "alarm_kind"),
}


@dataclass(frozen=True)
class Sentence:
    keyword: Keyword
    pattern: str  # as written in the docs
    example: str  # one full example, datatable lines included
    parser: StepParser
    meaning: str
    module: str = ""  # the step module that defines it (steps.sentences.access: it needs the backend itself)

    def matches(self, text: str) -> bool:
        return bool(self.parser.is_matching(text))


CATALOGUE: list[Sentence] = []


def sentence(keyword: Keyword, pattern: str, example: str, meaning: str, *, regex: str | None = None,
             target_fixture: str | None = None) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Register a step sentence with pytest-bdd and in the catalogue.

    `pattern` uses {name:Type} placeholders from TYPES; `regex` replaces it for sentences with
    optional parts (the pattern is still what the docs show).
    """
    parser = parsers.re(regex) if regex else parsers.parse(pattern, extra_types=TYPES)

    def register(func: Callable[P, R]) -> Callable[P, R]:
        CATALOGUE.append(Sentence(keyword, pattern, example, parser, meaning, func.__module__))
        # stacklevel 2: pytest-bdd puts the step fixture in the module that applies this decorator
        return step(parser, keyword, target_fixture=target_fixture, stacklevel=2)(func)

    return register


_FOUND: dict[tuple[str, str, int], Sentence | None] = {}  # by keyword, text and size of the catalogue then


def find(keyword: str, text: str) -> Sentence | None:
    """The sentence a step's text is, if any. Asked for each step by several readers (about a thousand times a
    run, each trying up to every sentence): answered once per text while the catalogue is as it was."""
    key = (keyword, text, len(CATALOGUE))  # sentences are only added: the size tells a catalogue apart
    if key not in _FOUND:
        _FOUND[key] = next((s for s in CATALOGUE if s.keyword == keyword and s.matches(text)), None)
    return _FOUND[key]


def closest(text: str, limit: int = 3) -> list[str]:
    """The example sentences nearest to `text`, for a step nothing matches."""
    first_lines = {s.example.splitlines()[0].split(" ", 1)[1]: s for s in CATALOGUE}
    return difflib.get_close_matches(text, list(first_lines), n=limit, cutoff=0.3)


def markdown(sentences: Sequence[Sentence]) -> str:
    lines = ["# Step sentences", "",
             "Every sentence a consumer contract (`features/<consumer>/*.feature`) can use, with one example.",
             "Generated from the catalogue: `python -m steps.sentences.catalogue > docs/steps.md`.",
             "`{must:Must}` is `must` or `must not`, or `should` or `should not` for an advisory claim (its failure",
             "is a warning, blocking nothing). Names are in double quotes and are logical names (`orders`,",
             "not `orders-sit`); the environment's name pattern makes the physical ones.", ""]
    for section, keyword in (("Given", "given"), ("When", "when"), ("Then", "then")):
        chosen = [s for s in sentences if s.keyword == keyword]
        if not chosen:
            continue
        lines += [f"## {section}", ""]
        for item in chosen:
            lines += [f"### `{item.pattern}`", "", item.meaning, "", "```gherkin", item.example, "```", ""]
    return "\n".join(lines)


def documented_patterns(text: str) -> list[str]:
    return re.findall(r"^### `(.+)`$", text, flags=re.M)


def load_all() -> list[Sentence]:
    """Import every step module the plugin loads, and return the sentences they registered."""
    import importlib

    from dynamo_contracts.steps.sentences import MODULES, catalogue

    for module in MODULES:
        importlib.import_module(module)
    return catalogue.CATALOGUE  # this module's registry, even when this file runs as __main__


# --- the command line: python -m steps.sentences.catalogue [--list | --search WORD ... | --markdown [FILE]] ---


def search(sentences: Sequence[Sentence], words: Sequence[str]) -> list[Sentence]:
    """The sentences whose pattern, example or meaning holds every word (any case)."""
    wanted = [word.lower() for word in words]
    return [s for s in sentences if all(w in f"{s.pattern}\n{s.example}\n{s.meaning}".lower() for w in wanted)]


def listing(sentences: Sequence[Sentence]) -> str:
    """Each sentence as a feature writes it (its keyword and pattern), with its example indented below."""
    lines: list[str] = []
    for item in sentences:
        lines += [f"{item.keyword.capitalize()} {item.pattern}", *(f"    {line}" for line in item.example.splitlines()),
                  ""]
    lines.append(f"{len(sentences)} sentence{'' if len(sentences) == 1 else 's'}. {{must:Must}} is `must` or "
                 "`must not` (`should`, `should not`: advisory); names are logical, in double quotes. What each one "
                 "checks: docs/steps.md.")
    return "\n".join(lines) + "\n"


def _arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m steps.sentences.catalogue",
        description="The step sentences a consumer contract (features/<consumer>/*.feature) can use. With no "
                    "option it prints docs/steps.md's markdown, as --markdown does.")
    chosen = parser.add_mutually_exclusive_group()
    chosen.add_argument("--list", action="store_true",
                        help="print every sentence as a feature writes it, each with its example")
    chosen.add_argument("--search", nargs="+", metavar="WORD",
                        help="print only the sentences whose pattern, example or meaning holds every WORD "
                             "(any case), e.g. --search GSI project; exit 1 if none does")
    chosen.add_argument("--markdown", nargs="?", const="-", metavar="FILE",
                        help="print the markdown of docs/steps.md (the default), or write it to FILE: "
                             "--markdown docs/steps.md regenerates the docs")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments().parse_args(argv)
    sentences = load_all()
    if args.search:
        found = search(sentences, args.search)
        if not found:
            print(f"no sentence holds {' and '.join(repr(w) for w in args.search)}; see --list", file=sys.stderr)
            return 1
        print(listing(found), end="")
    elif args.list:
        print(listing(sentences), end="")
    elif args.markdown not in (None, "-"):
        Path(args.markdown).write_text(markdown(sentences), encoding="utf-8")
    else:
        print(markdown(sentences), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
