"""JSON with lines: each value keeps the line it starts on, and an object every property in order, a repeated
one too, as Terraform's own JSON reader keeps them (the HCL JSON spec requires it). Python's `json` keeps
neither, and a mistake in a .tf.json or .tfvars.json file must name its line.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .hcl_syntax import read_text, shown_path
from .records import TerraformError

__all__ = ["JSONValue", "Member", "plain", "read_json"]

DEPTH_LIMIT = 200  # JSON nested deeper than this is not a configuration
_SPACE = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"(?:[^"\\\x00-\x1f]|\\.)*"', re.DOTALL)
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?")
_LITERALS = {"true": True, "false": False, "null": None}


@dataclass(frozen=True)
class Member:
    """One property of a JSON object: its name, the line of the name, and its value."""

    name: str
    line: int
    value: JSONValue


@dataclass(frozen=True)
class JSONValue:
    """A JSON value and the line it starts on; an object keeps every property in order, repeated ones too."""

    kind: str  # object, array, string, number, bool, null
    value: Any  # object: list[Member]; array: list[JSONValue]; number: its text; string, bool, null: the value
    line: int


class _Reader:
    def __init__(self, text: str, shown: str) -> None:
        self.text, self.shown, self.pos = text, shown, 0
        self.newlines = [i for i, c in enumerate(text) if c == "\n"]

    def line(self, pos: int) -> int:
        return bisect_left(self.newlines, pos) + 1

    def fail(self, what: str) -> TerraformError:
        return TerraformError(f"{self.shown}:{self.line(self.pos)}: not valid JSON ({what}): fix the syntax")

    def skip(self) -> str:
        match = _SPACE.match(self.text, self.pos)
        self.pos = match.end() if match else self.pos
        return self.text[self.pos : self.pos + 1]

    def document(self) -> JSONValue:
        value = self.value(0)
        if self.skip():
            raise self.fail("more after the end of the JSON value")
        return value

    def value(self, depth: int) -> JSONValue:
        if depth > DEPTH_LIMIT:
            raise self.fail(f"nested more than {DEPTH_LIMIT} deep")
        char = self.skip()
        line = self.line(self.pos)
        if char == "{":
            return JSONValue("object", self.members(depth), line)
        if char == "[":
            return JSONValue("array", self.items(depth), line)
        if char == '"':
            return JSONValue("string", self.string(), line)
        number = _NUMBER.match(self.text, self.pos) if char in "-0123456789" and char else None
        if number:
            self.pos = number.end()
            return JSONValue("number", number.group(), line)
        for word, literal in _LITERALS.items():
            if self.text.startswith(word, self.pos):
                self.pos += len(word)
                return JSONValue("null" if literal is None else "bool", literal, line)
        raise self.fail(f"unexpected {char!r}" if char else "the file ends before the value")

    def string(self) -> str:
        match = _STRING.match(self.text, self.pos)
        if match is None:
            raise self.fail("a string that does not end on its line, or holds a control character")
        try:
            text = json.loads(match.group())
        except json.JSONDecodeError as error:
            raise self.fail(error.msg) from None
        self.pos = match.end()
        return str(text)

    def members(self, depth: int) -> list[Member]:
        self.pos += 1
        found: list[Member] = []
        if self.skip() == "}":
            self.pos += 1
            return found
        while True:
            if self.skip() != '"':
                raise self.fail("expected a property name in double quotes")
            line = self.line(self.pos)
            name = self.string()
            if self.skip() != ":":
                raise self.fail(f"expected ':' after {name!r}")
            self.pos += 1
            found.append(Member(name, line, self.value(depth + 1)))
            char = self.skip()
            self.pos += 1
            if char == "}":
                return found
            if char != ",":
                raise self.fail("expected ',' or '}' after a property")

    def items(self, depth: int) -> list[JSONValue]:
        self.pos += 1
        found: list[JSONValue] = []
        if self.skip() == "]":
            self.pos += 1
            return found
        while True:
            found.append(self.value(depth + 1))
            char = self.skip()
            self.pos += 1
            if char == "]":
                return found
            if char != ",":
                raise self.fail("expected ',' or ']' after an element")


def read_json(path: Path) -> tuple[JSONValue, str, str]:
    """A JSON file's value with lines, the name it is shown under, and its text."""
    shown = shown_path(path)
    text = read_text(path, shown)
    return _Reader(text, shown).document(), shown, text


def plain(value: JSONValue) -> Any:
    """A JSON value as Terraform reads it literally (a variable file): strings as written, numbers as numbers."""
    if value.kind == "object":
        return {m.name: plain(m.value) for m in value.value}
    if value.kind == "array":
        return [plain(v) for v in value.value]
    if value.kind == "number":
        return json.loads(value.value)
    return value.value
