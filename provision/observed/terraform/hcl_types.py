"""Applies a variable's `type` constraint to its value, as Terraform does before anything uses it.

Strings, numbers and bools convert into each other where Terraform converts them; `optional(T, default)`
attributes of an object type are filled in; attributes an object type does not name are dropped. A
value that does not fit is an error naming the variable and where its value was given.
"""

from __future__ import annotations

from typing import Any

from lark import Token, Tree

from .hcl_eval import evaluate
from .hcl_functions import to_number
from .hcl_scope import Scope, hidden, trees
from .hcl_syntax import Node, Source, name_text
from .records import TerraformError

_PRIMITIVES = frozenset({"string", "number", "bool", "any"})
_Type = Any  # "string" | ("list", inner) | ("object", {name: type}) | ("optional", inner, default) | ...


def convert(value: Any, type_node: Node | None, what: str) -> Any:
    """The value converted to the type written at `type_node` (no type: as it is)."""
    if type_node is None:
        return value
    return _convert(value, _read_type(type_node, what), what)


def _read_type(node: Node, what: str) -> _Type:
    if isinstance(node, Token):
        raise TerraformError(f"{what}: the type is not a type expression")
    while node.data == "expr_term" and len(trees(node)) == 1 and not [c for c in node.children if isinstance(c, Token)]:
        node = trees(node)[0]
    if node.data == "identifier" and name_text(node) in _PRIMITIVES:
        return name_text(node)
    if node.data == "identifier" and name_text(node) in ("list", "set", "map"):
        return (name_text(node), "any")  # the legacy `type = map`
    if node.data == "function_call":
        name = name_text(trees(node)[0])
        arguments = next((trees(a) for a in trees(node) if a.data == "arguments"), [])
        if name in ("list", "set", "map") and len(arguments) == 1:
            return (name, _read_type(arguments[0], what))
        if name in ("object", "tuple") and len(arguments) == 1:
            return (name, _read_structure(arguments[0], what))
        if name == "optional" and len(arguments) in (1, 2):
            default = _constant(arguments[1]) if len(arguments) == 2 else None
            return ("optional", _read_type(arguments[0], what), default)
    raise TerraformError(
        f"{what}: `{name_text(node)[:40]}` is not a type this reader knows: use string, list(...), ..."
    )


def _read_structure(node: Tree[Token], what: str) -> Any:
    while node.data == "expr_term":
        node = trees(node)[0]
    if node.data == "tuple":
        return [_read_type(e, what) for e in trees(node)]
    if node.data == "object":
        return {name_text(trees(e)[0]).strip('"'): _read_type(e.children[-1], what) for e in trees(node)}
    raise TerraformError(f"{what}: object() takes {{ name = type }} and tuple() takes [type, ...]")


def _constant(node: Tree[Token]) -> Any:
    def no_reference(name: str, where: str) -> Any:
        raise TerraformError(f"{where}: an optional() default cannot refer to {name}: write a value")

    return evaluate(node, Scope(Source("", ""), no_reference))


def _convert(value: Any, kind: _Type, what: str) -> Any:
    if value is None or hidden(value) is not None or kind == "any":
        return value
    if isinstance(kind, str):
        return _primitive(value, kind, what)
    name = kind[0]
    if name == "optional":
        return _convert(value, kind[1], what)
    if name in ("list", "set") and isinstance(value, list):
        items = [_convert(v, kind[1], what) for v in value]
        return sorted(set(items)) if name == "set" and all(isinstance(i, str) for i in items) else items
    if name == "map" and isinstance(value, dict):
        return {k: _convert(v, kind[1], what) for k, v in value.items()}
    if name == "tuple" and isinstance(value, list) and len(value) == len(kind[1]):
        return [_convert(v, t, what) for v, t in zip(value, kind[1], strict=True)]
    if name == "object" and isinstance(value, dict):
        return _object(value, kind[1], what)
    raise TerraformError(f"{what}: {value!r} is not a {name}: give a value of the variable's type")


def _object(value: dict[str, Any], attributes: dict[str, _Type], what: str) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, kind in attributes.items():
        if name in value:
            result[name] = _convert(value[name], kind, what)
        elif not isinstance(kind, str) and kind[0] == "optional":
            result[name] = _convert(kind[2], kind[1], what)
        else:
            raise TerraformError(f"{what}: attribute {name!r} is required by the variable's type: add it")
    return result


def _primitive(value: Any, kind: str, what: str) -> Any:
    if kind == "string" and isinstance(value, str | int | float):  # a bool is an int here
        return ("true" if value else "false") if isinstance(value, bool) else str(value)
    if kind == "number" and not isinstance(value, bool) and (number := to_number(value)) is not None:
        return number
    if kind == "bool" and (isinstance(value, bool) or value in ("true", "false")):
        return value if isinstance(value, bool) else value == "true"
    raise TerraformError(f"{what}: {value!r} is not a {kind}: give a value of the variable's type")
