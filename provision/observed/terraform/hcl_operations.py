"""The operations on the values of HCL expressions that need no further evaluation.

Converting a value to a string, bool or number as Terraform does (`to_string`, `to_bool`, `to_number`), the
characters of a string literal with its escapes read (`string_chars`), reading an attribute or an index of a
value, the binary operators on two values, the pairs a `for` expression iterates over and the object it makes.
What Terraform would reject is an `EvalError` with FILE:LINE. `hcl_eval` evaluates the operands and calls these.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from lark import Token

from . import hcl_functions
from .hcl_scope import HINT, EvalError, Namespace, hidden
from .records import Reference, Unknown


def normal(number: int | float) -> int | float:
    return int(number) if isinstance(number, float) and number.is_integer() else number


# -- strings -----------------------------------------------------------------------------------------------------

_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", re.DOTALL)


def unescape(text: str, where: str) -> str:
    def one(match: re.Match[str]) -> str:
        code = match.group(1)
        if code in _ESCAPES:
            return _ESCAPES[code]
        if len(code) > 1:
            return chr(int(code[1:], 16))
        raise EvalError(f"{where}: invalid escape sequence \\{code} in a string: write \\\\ for a backslash")

    return _ESCAPE.sub(one, text)


def string_chars(token: Token, where: str) -> str:
    if token.type == "ESCAPED_INTERPOLATION":
        return str(token)[1:]  # $${x} is the text ${x}
    if token.type == "ESCAPED_DIRECTIVE":
        return str(token)[1:]
    return unescape(str(token), where)


def to_string(value: Any, where: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(normal(value))
    if isinstance(value, str):
        return value
    what = "null" if value is None else type(value).__name__
    raise EvalError(f"{where}: a string is needed here, not {what}: use a string value")


# -- traversals --------------------------------------------------------------------------------------------------


def get_attribute(value: Any, name: str, where: str) -> Any:
    if isinstance(value, Namespace):
        return value.get(name, where)
    if isinstance(value, Reference):
        return Unknown(f"{value}.{name} at {where} is known only after apply: {HINT}")
    if isinstance(value, Unknown):
        return value
    if isinstance(value, dict):
        if name not in value:
            raise EvalError(f"{where}: the object has no attribute {name!r} (it has {', '.join(value) or 'none'})")
        return value[name]
    what = "null" if value is None else type(value).__name__
    raise EvalError(f"{where}: cannot read .{name} of a {what}: use an object")


def index(value: Any, key: Any, where: str) -> Any:
    if (unknown := hidden(value)) is not None or (unknown := hidden(key)) is not None:
        return unknown
    if isinstance(value, dict):
        text = to_string(key, where)
        if text not in value:
            raise EvalError(f"{where}: the map has no key {text!r} (it has {', '.join(value) or 'none'})")
        return value[text]
    if isinstance(value, list):
        position = hcl_functions.to_number(key) if isinstance(key, str) else key
        if not isinstance(position, int) or isinstance(position, bool) or not 0 <= position < len(value):
            raise EvalError(f"{where}: index {key!r} is out of range for a list of {len(value)}")
        return value[position]
    raise EvalError(f"{where}: cannot index a {'null' if value is None else type(value).__name__}")


# -- operators ---------------------------------------------------------------------------------------------------


def to_bool(value: Any, where: str) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise EvalError(f"{where}: a bool is needed here, not {value!r}: use true or false")


def to_number(value: Any, where: str) -> int | float:
    number = hcl_functions.to_number(value)
    if number is None:
        raise EvalError(f"{where}: a number is needed here, not {value!r}: use a number")
    return number


def apply_operator(operator: str, left: Any, right: Any, where: str) -> Any:
    if operator == "==":
        return left == right
    if operator == "!=":
        return left != right
    if operator in ("&&", "||"):
        return to_bool(right, where)
    a, b = to_number(left, where), to_number(right, where)
    if operator in ("/", "%") and b == 0:
        raise EvalError(f"{where}: division by zero")
    results: dict[str, Callable[[], Any]] = {
        "+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b, "/": lambda: a / b, "%": lambda: a % b,
        "<": lambda: a < b, ">": lambda: a > b, "<=": lambda: a <= b, ">=": lambda: a >= b,
    }  # fmt: skip
    result = results[operator]()
    return result if isinstance(result, bool) else normal(result)


# -- for expressions ---------------------------------------------------------------------------------------------


def items(value: Any, where: str) -> list[tuple[Any, Any]]:
    """(key, value) pairs to iterate: a list by index, a map by key in lexical order (as Terraform does)."""
    if isinstance(value, list):
        return list(enumerate(value))
    if isinstance(value, dict):
        return [(k, value[k]) for k in sorted(value)]
    raise EvalError(
        f"{where}: cannot iterate over {'null' if value is None else type(value).__name__}: use a list or map"
    )


def for_object(results: list[tuple[Any, ...]], grouping: bool, where: str) -> Any:
    made: dict[str, Any] = {}
    for key, value in results:
        if (unknown := hidden(key)) is not None:
            return Unknown(f"a key made by the `for` expression at {where} is not known: {unknown}")
        text = to_string(key, where)
        if grouping:
            made.setdefault(text, []).append(value)
        elif text in made:
            raise EvalError(f"{where}: the `for` expression makes key {text!r} twice: add `...` to group the values")
        else:
            made[text] = value
    return made
