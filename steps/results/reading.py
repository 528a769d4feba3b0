"""Reading plain data back (a results.json, a worker's findings): every value checked for its type, and where
it is in the file named when it is not what it must be: `sources[0].scenarios[3].outcome: 'pass' is not one
of passed, failed, skipped, error`. Never a KeyError or AttributeError from deep inside.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any, TypeVar

T = TypeVar("T")
E = TypeVar("E", bound=StrEnum)


class Malformed(ValueError):
    """A value that is not what the layout says: where it is, and what is wrong."""

    def __init__(self, where: str, what: str) -> None:
        super().__init__(f"{where or 'the file'}: {what}")


def describe(value: object) -> str:
    """What a JSON value is, in words, with a short sample."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, int | float):
        return f"a number ({value!r})"
    if isinstance(value, str):
        sample = value if len(value) <= 40 else value[:37] + "..."
        return f"a string ({sample!r})"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def at(where: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{where}[{key}]"
    return f"{where}.{key}" if where else key


def obj(value: Any, where: str, required: tuple[str, ...] = (), optional: tuple[str, ...] = ()) -> dict[str, Any]:
    """An object with these keys (those in `optional` may be left out), and no other."""
    if not isinstance(value, dict):
        raise Malformed(where, f"expected an object, found {describe(value)}")
    missing = [k for k in required if k not in value]
    if missing:
        raise Malformed(where, f"lacks {', '.join(missing)}")
    unknown = sorted(str(k) for k in value if k not in required and k not in optional)
    if unknown and (required or optional):
        raise Malformed(where, f"has no field {', '.join(unknown)} (fields: {', '.join((*required, *optional))})")
    return value


def items(value: Any, where: str, read: Callable[[Any, str], T]) -> list[T]:
    """A list (or a tuple: the same data before it went through JSON), each element read by `read`."""
    if not isinstance(value, list | tuple):
        raise Malformed(where, f"expected a list, found {describe(value)}")
    return [read(element, at(where, i)) for i, element in enumerate(value)]


def mapping(value: Any, where: str, read: Callable[[Any, str], T]) -> dict[str, T]:
    """An object of any keys, each value read by `read`."""
    if not isinstance(value, dict):
        raise Malformed(where, f"expected an object, found {describe(value)}")
    return {key: read(element, at(where, key)) for key, element in value.items()}


def text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise Malformed(where, f"expected a string, found {describe(value)}")
    return value


def count(value: Any, where: str) -> int:
    """A whole number, 0 or more."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise Malformed(where, f"expected a whole number, 0 or more, found {describe(value)}")
    return value


def flag(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise Malformed(where, f"expected true or false, found {describe(value)}")
    return value


def maybe(read: Callable[[Any, str], T]) -> Callable[[Any, str], T | None]:
    """`read`, or null."""
    return lambda value, where: None if value is None else read(value, where)


def choice(kind: type[E]) -> Callable[[Any, str], E]:
    """One of an enum's values."""

    def read(value: Any, where: str) -> E:
        names = [member.value for member in kind]
        if not isinstance(value, str) or value not in names:
            raise Malformed(where, f"{describe(value)} is not one of {', '.join(names)}")
        return kind(value)

    return read


def pair(first: Callable[[Any, str], Any], second: Callable[[Any, str], Any]) -> Callable[[Any, str], tuple[Any, Any]]:
    """A list of exactly two, each read by its own reader."""

    def read(value: Any, where: str) -> tuple[Any, Any]:
        if not isinstance(value, list | tuple) or len(value) != 2:
            raise Malformed(where, f"expected a list of two, found {describe(value)}")
        return first(value[0], at(where, 0)), second(value[1], at(where, 1))

    return read


def texts(value: Any, where: str) -> list[str]:
    return items(value, where, text)
