"""GitHub Actions annotations: `::error file=F,line=N,title=T::message` lines, which the runner shows on the pull
request at that line (and in the run's summary).

Written by the plugin when GITHUB_ACTIONS is set (or `--github-annotations=on`): one per problem of the run
(`steps.output.problems`: gaps as errors where their fix goes, warnings, notes for what could not be verified
here) and, when the run is refused before anything is checked, one per mistake its message places at a
`file:line` (a feature's step, a contracts/ key). Escaped as the runner's toolkit does: `%`, CR and LF in the
message; those and `:` and `,` in a property.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .places import PLACE, Place, Places
from .problems import Level, Problem

COMMANDS = {Level.ERROR: "error", Level.WARNING: "warning", Level.NOTE: "notice"}
TOOL = "dynamo-contracts"
_LOCATED = re.compile(rf"^(?P<indent>\s*)(?P<place>{PLACE.pattern}): (?P<what>.*)$")


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(level: Level, message: str, title: str = "", place: Place | None = None) -> str:
    properties = [f"file={escape_property(place.file)}", f"line={place.line}"] if place else []
    if title:
        properties.append(f"title={escape_property(title)}")
    return f"::{COMMANDS[level]}{' ' + ','.join(properties) if properties else ''}::{escape_data(message)}"


def of_problems(found: Iterable[Problem]) -> list[str]:
    return [command(p.level, p.message, p.title, p.place) for p in found]


def of_refusal(text: str, places: Places) -> list[str]:
    """The annotations of a run refused before anything ran: one per mistake at a `file:line` (with the lines
    indented below it), titled by the message's first line; the whole message at no place when none is placed."""
    header, mistakes = "", list[tuple[Place, list[str], int]]()
    for line in text.splitlines():
        located = _LOCATED.match(line)
        place = places.find(located["file"], int(located["line"])) if located and located["line"] else None
        if located and place is not None:
            mistakes.append((place, [located["what"]], len(located["indent"])))
        elif mistakes and line.strip() and len(line) - len(line.lstrip()) > mistakes[-1][2]:
            mistakes[-1][1].append(line.strip())
        elif not mistakes and not header and line.strip():
            header = line.strip().rstrip(":")
    if not mistakes:
        return [command(Level.ERROR, text.strip(), TOOL)]
    title = f"{TOOL}: {header}" if header else TOOL
    return [command(Level.ERROR, "\n".join(what), title, place) for place, what, _ in mistakes]
