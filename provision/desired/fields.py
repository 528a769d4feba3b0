"""Typed reading of one YAML mapping, collecting problems instead of raising.

Each getter returns a usable value (or None) and records a `Problem` with `file:line`
and what to write instead, so one pass over the contracts reports every mistake.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from enum import StrEnum
from typing import Any, TypeVar

from ..errors import Problem
from .yamlsrc import SourceDict, SourceList

E = TypeVar("E", bound=StrEnum)


def closest(word: str, choices: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = closest(word, choices)
    return f"; did you mean '{close}'?" if close else ""


def describe(value: Any) -> str:
    if isinstance(value, SourceDict):
        return "a mapping"
    if isinstance(value, SourceList):
        return "a list"
    if value is None:
        return "nothing"
    return repr(value)


class Fields:
    """The keys of one mapping, read once each; unknown keys are reported on creation.

    A rule that depends on a key asks `doubtful(key)` first: a key that was misspelled (an
    unknown key looks like it) or given but rejected has been reported already, so the rule
    keeps quiet instead of adding a follow-on problem ("needs ...", "... is not defined").
    """

    def __init__(self, data: SourceDict, what: str, allowed: Iterable[str], problems: list[Problem]) -> None:
        self.data, self.what, self.problems = data, what, problems
        allowed = list(allowed)
        self.misspelled: set[str] = set()  # allowed keys an unknown key was probably meant to be
        self.invalid: set[str] = set()  # keys given with a value that was reported as wrong
        for key in data:
            if key not in allowed:
                if (meant := closest(key, allowed)) is not None:
                    self.misspelled.add(meant)
                self.problem(key, f"unknown key '{key}' in {what}{did_you_mean(key, allowed)} "
                                  f"(allowed: {', '.join(allowed)})")

    @property
    def file(self) -> str:
        return self.data.file

    def line(self, key: str | None = None) -> int:
        return self.data.line if key is None else self.data.line_of(key)

    def problem(self, key: str | None, message: str) -> None:
        self.problems.append(Problem(self.file, self.line(key), message))

    def reject(self, key: str, message: str) -> None:
        """Report the value of `key` as wrong: rules that depend on `key` will not report again."""
        self.invalid.add(key)
        self.problem(key, message)

    def doubtful(self, *keys: str) -> bool:
        """Whether any of `keys` was misspelled or rejected, so its real value is unknown."""
        return any(key in self.misspelled or key in self.invalid for key in keys)

    def has(self, key: str) -> bool:
        return key in self.data

    def raw(self, key: str) -> Any:
        return self.data.get(key)

    def require(self, key: str, example: str) -> bool:
        if key in self.data and self.data[key] is not None:
            return True
        if key in self.misspelled:  # already reported as "unknown key ...; did you mean"
            return False
        self.problem(None, f"{self.what} needs '{key}'; add a line such as '{key}: {example}'")
        return False

    def string(self, key: str, example: str, required: bool = False) -> str | None:
        if key not in self.data or self.data[key] is None:
            if required:
                self.require(key, example)
            return None
        value = self.data[key]
        if isinstance(value, bool) or not isinstance(value, str | int):
            self.reject(key, f"'{key}' in {self.what} must be text, not {describe(value)}; "
                              f"write '{key}: {example}'")
            return None
        return str(value)

    def boolean(self, key: str) -> bool | None:
        if key not in self.data or self.data[key] is None:
            return None
        value = self.data[key]
        if not isinstance(value, bool):
            self.reject(key, f"'{key}' in {self.what} must be true or false, not {describe(value)}")
            return None
        return value

    def integer(self, key: str, minimum: int, example: str, required: bool = False) -> int | None:
        if key not in self.data or self.data[key] is None:
            if required:
                self.require(key, example)
            return None
        value = self.data[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.reject(key, f"'{key}' in {self.what} must be a whole number, not {describe(value)}; "
                              f"write '{key}: {example}'")
            return None
        if value < minimum:
            self.reject(key, f"'{key}' in {self.what} is {value}, below the minimum of {minimum}; "
                              f"write '{key}: {example}'")
            return None
        return value

    def choice(self, key: str, enum: type[E], required: bool = False) -> E | None:
        if key not in self.data or self.data[key] is None:
            if required:
                self.require(key, next(iter(enum)).value)
            return None
        return self.enum_value(key, self.data[key], enum)

    def enum_value(self, key: str, value: Any, enum: type[E]) -> E | None:
        names = [member.value for member in enum]
        if isinstance(value, str) and value in names:
            return enum(value)
        hint = did_you_mean(str(value), names) if isinstance(value, str) else ""
        self.reject(key, f"'{key}' in {self.what} is {describe(value)}{hint}; "
                          f"write one of: {', '.join(names)}")
        return None

    def mapping(self, key: str, required: bool = False, example: str = "...") -> SourceDict | None:
        if key not in self.data or self.data[key] is None:
            if required:
                self.require(key, example)
            return None
        value = self.data[key]
        if not isinstance(value, SourceDict):
            self.reject(key, f"'{key}' in {self.what} must be a mapping (indented 'name: value' lines), "
                              f"not {describe(value)}")
            return None
        return value

    def string_list(self, key: str, example: str) -> list[str] | None:
        if key not in self.data or self.data[key] is None:
            return None
        value = self.data[key]
        if not isinstance(value, SourceList) or not all(isinstance(item, str) for item in value):
            self.reject(key, f"'{key}' in {self.what} must be a list of names, such as '{key}: {example}'")
            return None
        return list(value)

    def string_map(self, key: str) -> dict[str, str] | None:
        value = self.mapping(key)
        if value is None:
            return None
        result: dict[str, str] = {}
        for name, item in value.items():
            if isinstance(item, bool) or not isinstance(item, str | int | float):
                self.problems.append(Problem(value.file, value.line_of(name),
                                             f"'{name}' under '{key}' must be a text value, not {describe(item)}"))
                continue
            result[name] = str(item)
        return result
