"""What evaluating an HCL expression works in and with, below the evaluator itself.

The `Scope` an expression is evaluated in (its file, the folder's root names, the local bindings), the
`Namespace` a root name such as `var` or a resource stands for, the `EvalError` Terraform would give too, the
`Unknown` a value hides (`hidden`), and the children of a parse tree node (`trees`, `tokens`). Nothing here
evaluates an expression: `hcl_eval` does, and the readers of a folder's blocks use these to call it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lark import Token, Tree

from .hcl_syntax import Source
from .records import Reference, TerraformError, Unknown

HINT = "check a plan instead (--against plan:FILE)"


class EvalError(TerraformError):
    """An expression Terraform would reject too: FILE:LINE, what is wrong, what to write instead."""


class Namespace:
    """A value whose attributes are looked up on demand: `var`, `local`, a resource, `data.TYPE`."""

    def __init__(self, name: str, get: Callable[[str, str], Any]) -> None:
        self.name = name
        self._get = get

    def get(self, attribute: str, where: str) -> Any:
        return self._get(attribute, where)

    def __repr__(self) -> str:
        return f"Namespace({self.name})"


@dataclass(frozen=True)
class Scope:
    """Where an expression is evaluated: its file, the root names of the folder, and local bindings."""

    source: Source
    root: Callable[[str, str], Any]  # (name, where) -> value of a root name such as var, local, aws_x
    names: Mapping[str, Any] = field(default_factory=dict)  # count, each, an iterator, a `for` variable

    def child(self, **bindings: Any) -> Scope:
        return Scope(self.source, self.root, {**self.names, **bindings})

    def at(self, source: Source) -> Scope:
        """The same names, for an expression written in `source` (an override file's argument in a merged block)."""
        return self if source is self.source else Scope(source, self.root, self.names)

    def lookup(self, name: str, where: str) -> Any:
        return self.names[name] if name in self.names else self.root(name, where)


def plain(value: Any, where: str) -> Any:
    if isinstance(value, Namespace):
        return Unknown(f"{value.name} at {where} is a whole object, known to Terraform only: {HINT}")
    if isinstance(value, list):
        return [plain(v, where) for v in value]
    if isinstance(value, dict):
        return {k: plain(v, where) for k, v in value.items()}
    return value


def trees(node: Tree[Token]) -> list[Tree[Token]]:
    return [c for c in node.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]


def tokens(node: Tree[Token]) -> list[Token]:
    return [c for c in node.children if isinstance(c, Token)]


def hidden(value: Any) -> Unknown | None:
    """The Unknown a value stands for if it is not known here (an Unknown, or a Reference), else None."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, Reference):
        return Unknown(f"{value} is known only after apply: {HINT}")
    return None
