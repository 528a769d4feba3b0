"""Terraform's pure functions that configurations of tables and backups use, over already evaluated values.

A function that needs every part of its arguments (format, join, lower...) stops at the first value not
known here (`UnknownArgument`); one that only moves values around (merge, concat, lookup...) keeps
unknown leaves in place. A function not listed here is not evaluated: the caller makes it Unknown.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from .records import Reference, Unknown


class FunctionError(ValueError):
    """Arguments Terraform would reject."""


class UnknownArgument(Exception):
    """An argument holds a value not known here (None: one this module does not evaluate): so is the result."""

    def __init__(self, value: Any) -> None:
        super().__init__(str(value))
        self.value = value


def to_number(value: Any) -> int | float | None:
    """The number a value converts to, as Terraform converts ("5" is 5), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return None
        return int(number) if number.is_integer() and math.isfinite(number) else number
    return None


def _known(value: Any) -> Any:
    """The value, if no part of it is Unknown or a Reference; else UnknownArgument."""
    if isinstance(value, Unknown | Reference):
        raise UnknownArgument(value)
    if isinstance(value, list):
        for item in value:
            _known(item)
    elif isinstance(value, dict):
        for item in value.values():
            _known(item)
    elif not (value is None or isinstance(value, str | int | float | bool)):
        raise UnknownArgument(None)  # a whole resource or namespace: known to Terraform only
    return value


def _top(value: Any) -> Any:
    """The value, if it is itself known (its parts may not be)."""
    if isinstance(value, Unknown | Reference):
        raise UnknownArgument(value)
    return value


def _list(value: Any) -> list[Any]:
    value = _top(value)
    if not isinstance(value, list):
        raise FunctionError(f"a list is needed, not {value!r}")
    return value


def _map(value: Any) -> dict[str, Any]:
    value = _top(value)
    if not isinstance(value, dict):
        raise FunctionError(f"a map is needed, not {value!r}")
    return value


def _string(value: Any) -> str:
    value = _known(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(int(value) if float(value).is_integer() else value)
    if not isinstance(value, str):
        raise FunctionError(f"a string is needed, not {value!r}")
    return value


def _lookup(table: Any, key: Any, *default: Any) -> Any:
    found = _map(table)
    name = _string(key)
    if name in found:
        return found[name]
    if default:
        return default[0]
    raise FunctionError(f"no key {name!r} and no default")


def _merge(*maps: Any) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for item in maps:
        if _top(item) is not None:
            result.update(_map(item))
    return result


def _format(spec: Any, *args: Any) -> str:
    values = iter(_known(list(args)))

    def one(match: re.Match[str]) -> str:
        verb = match.group(2)
        if verb == "%":
            return "%"
        value = next(values)
        if verb == "d":
            number = to_number(value)
            if number is None:
                raise FunctionError(f"%d needs a number, not {value!r}")
            return f"%{match.group(1)}d" % int(number)
        return f"%{match.group(1)}s" % _string(value)

    return re.sub(r"%([-+ 0#]*\d*)([sdvq%])", one, _string(spec))


def _toset(value: Any) -> list[Any]:
    items = _list(value)
    if all(isinstance(i, str) for i in items):
        return sorted(set(items))
    unique: list[Any] = []
    for item in items:
        if item not in unique:
            unique.append(item)
    return unique


def _setintersection(first: Any, *others: Any) -> list[Any]:
    rest = [_toset(o) for o in others]
    return _toset([item for item in _toset(first) if all(item in other for other in rest)])


def _setsubtract(first: Any, second: Any) -> list[Any]:
    removed = _toset(second)
    return _toset([item for item in _toset(first) if item not in removed])


def _flatten(value: Any) -> list[Any]:
    result: list[Any] = []
    for item in _list(value):
        result.extend(_flatten(item) if isinstance(_top(item), list) else [item])
    return result


def _coalesce(*values: Any) -> Any:
    for value in values:
        if _top(value) is not None and value != "":
            return value
    raise FunctionError("every argument is null or empty")


def _element(items: Any, position: Any) -> Any:
    found = _list(items)
    number = to_number(_known(position))
    if not found or not isinstance(number, int):
        raise FunctionError("element() needs a non-empty list and a whole number")
    return found[number % len(found)]


def _one(value: Any) -> Any:
    found = _list(value)
    if len(found) > 1:
        raise FunctionError("one() needs a list of at most one element")
    return found[0] if found else None


def _tonumber(value: Any) -> int | float | None:
    if _known(value) is None:
        return None
    number = to_number(value)
    if number is None:
        raise FunctionError(f"{value!r} is not a number")
    return number


def _replace(text: Any, old: Any, new: Any) -> str:
    """Terraform's replace(): a plain substring, or a regular expression written between slashes (RE2 syntax,
    which Python's `re` reads alike for what RE2 allows; `$1` and `${name}` in the replacement)."""
    subject, pattern, replacement = _string(text), _string(old), _string(new)
    if len(pattern) > 1 and pattern.startswith("/") and pattern.endswith("/"):
        try:
            compiled = re.compile(pattern[1:-1])
        except re.error:
            raise UnknownArgument(None) from None  # not a pattern Python reads as RE2 does: not evaluated here
        return compiled.sub(_re2_replacement(replacement), subject)
    return subject.replace(pattern, replacement)


_RE2_GROUP = re.compile(r"\$(?:\$|(\d+)|\{(\w+)\}|(\w+))")


def _re2_replacement(template: str) -> Callable[[re.Match[str]], str]:
    """An RE2 replacement template (`$1`, `${1}`, `${name}`, `$$`) as a function of the match."""
    def expand(match: re.Match[str]) -> str:
        def group(found: re.Match[str]) -> str:
            name = found.group(1) or found.group(2) or found.group(3)
            if name is None:
                return "$"
            try:
                return match.group(int(name) if name.isdigit() else name) or ""
            except IndexError:  # RE2 expands a group that does not exist to nothing
                return ""

        return _RE2_GROUP.sub(group, template)

    return expand


def _range(*bounds: Any) -> list[int]:
    made = range(*(int(x) for x in _known(list(bounds))))
    if len(made) > 1024:
        raise FunctionError("range() makes at most 1024 numbers")  # as Terraform's range()
    return list(made)


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "lookup": _lookup,
    "merge": _merge,
    "concat": lambda *lists: [item for value in lists for item in _list(value)],
    "format": _format,
    "lower": lambda s: _string(s).lower(),
    "upper": lambda s: _string(s).upper(),
    "title": lambda s: _string(s).title(),
    "trimspace": lambda s: _string(s).strip(),
    "tostring": lambda s: None if _known(s) is None else _string(s),
    "tonumber": _tonumber,
    "tobool": lambda b: {True: True, False: False, "true": True, "false": False, None: None}[_known(b)],
    "tolist": lambda v: list(_list(v)),
    "toset": _toset,
    "setintersection": _setintersection,
    "setunion": lambda *sets: _toset([item for value in sets for item in _toset(value)]),
    "setsubtract": _setsubtract,
    "tomap": lambda m: dict(_map(m)),
    "length": lambda v: len(_top(v)) if isinstance(_top(v), list | dict | str) else len(_list(v)),
    "keys": lambda m: sorted(_map(m)),
    "values": lambda m: [_map(m)[k] for k in sorted(_map(m))],
    "contains": lambda items, value: _known(value) in _known(_list(items)),
    "element": _element,
    "flatten": _flatten,
    "distinct": lambda v: [x for i, x in enumerate(_known(_list(v))) if x not in _list(v)[:i]],
    "compact": lambda v: [x for x in _known(_list(v)) if x not in (None, "")],
    "coalesce": _coalesce,
    "coalescelist": lambda *lists: next((x for x in map(_list, lists) if x), []),
    "zipmap": lambda k, v: dict(zip([_string(x) for x in _list(k)], _list(v), strict=True)),
    "join": lambda sep, v: _string(sep).join(_string(x) for x in _list(v)),
    "split": lambda sep, s: _string(s).split(_string(sep)),
    "replace": _replace,
    "substr": lambda s, o, n: _string(s)[int(_known(o)) :][: None if int(_known(n)) < 0 else int(_known(n))],
    "startswith": lambda s, p: _string(s).startswith(_string(p)),
    "endswith": lambda s, p: _string(s).endswith(_string(p)),
    "one": _one,
    "max": lambda *n: max(_known(list(n))),
    "min": lambda *n: min(_known(list(n))),
    "abs": lambda n: abs(_known(n)),
    "range": _range,
    "reverse": lambda v: list(reversed(_list(v))),
    "sort": lambda v: sorted(_string(x) for x in _list(v)),
    "slice": lambda v, a, b: _list(v)[int(_known(a)) : int(_known(b))],
}
