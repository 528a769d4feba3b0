"""Writes HCL as `terraform fmt` leaves it: blocks, arguments and values, aligned and indented by two spaces.

A document is built from `Block`s holding `Attr`s, nested `Block`s and `Blank` lines; values are Python values
(str, bool, int, float, None, list, dict) or an `Expr`, an expression written as is (`var.env`,
`aws_dynamodb_table.orders.arn`). `render` gives the text: consecutive one-line arguments have their `=`
aligned, a multi-line one stands alone, as `terraform fmt` does, so the output passes `terraform fmt -check`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeAlias

INDENT = "  "
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
INLINE_LIST_LIMIT = 100  # a list longer than this on one line is written one item a line


class Expr(str):
    """An HCL expression written as is: a reference (`var.env`), an interpolation."""


@dataclass(frozen=True)
class Call:
    """A function call whose arguments are values: `merge({ ... }, var.tags)`."""

    function: str
    arguments: tuple[Value, ...]


Value: TypeAlias = "str | bool | int | float | Expr | Call | Sequence[Value] | Mapping[str, Value] | None"


@dataclass(frozen=True)
class Attr:
    name: str
    value: Value
    comment: str = ""  # written after the value: `name = value # comment`


@dataclass(frozen=True)
class Blank:
    """An empty line between groups of a body."""


@dataclass(frozen=True)
class Comment:
    text: str


@dataclass(frozen=True)
class Block:
    type: str
    labels: tuple[str, ...] = ()
    body: tuple[Attr | Block | Blank | Comment, ...] = field(default_factory=tuple)


Item = Attr | Block | Blank | Comment


def identifier(name: str) -> str:
    """A Terraform name for a logical name (letters, digits, `_` and `-`, not starting with a digit)."""
    made = re.sub(r"[^A-Za-z0-9_-]", "_", name)
    return made if IDENTIFIER.fullmatch(made) else f"_{made}"


def string(text: str) -> str:
    """A quoted HCL string whose content is `text` exactly: no interpolation, no directive."""
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
               .replace("\t", "\\t").replace("${", "$${").replace("%{", "%%{"))
    return f'"{escaped}"'


def _key(name: str) -> str:
    return name if IDENTIFIER.fullmatch(name) else string(name)


def value(item: Value, depth: int) -> str:
    """One value's text; maps and long lists over several lines, indented for `depth`."""
    if isinstance(item, Expr):
        return str(item)
    if isinstance(item, Call):
        return f"{item.function}(" + ", ".join(value(a, depth) for a in item.arguments) + ")"
    if isinstance(item, bool):
        return "true" if item else "false"
    if item is None:
        return "null"
    if isinstance(item, int | float):
        return repr(item) if isinstance(item, float) and not item.is_integer() else str(int(item))
    if isinstance(item, str):
        return string(item)
    if isinstance(item, Mapping):
        if not item:
            return "{}"
        inner = INDENT * (depth + 1)
        lines = _aligned([Attr(_key(str(k)), v) for k, v in item.items()], depth + 1)
        return "{\n" + "\n".join(f"{inner}{line}" for line in lines) + "\n" + INDENT * depth + "}"
    items = [value(v, depth + 1) for v in item]
    inline = "[" + ", ".join(items) + "]"
    if len(inline) <= INLINE_LIST_LIMIT and "\n" not in inline:
        return inline
    inner = INDENT * (depth + 1)
    return "[\n" + "".join(f"{inner}{text},\n" for text in items) + INDENT * depth + "]"


def _aligned(attributes: Sequence[Attr], depth: int) -> list[str]:
    """`name = value` lines, the `=` of consecutive one-line arguments aligned (a multi-line one stands alone)."""
    rendered = [(a, value(a.value, depth)) for a in attributes]
    lines: list[str] = []
    group: list[tuple[Attr, str]] = []

    def flush() -> None:
        width = max((len(a.name) for a, _ in group), default=0)
        lines.extend(f"{a.name.ljust(width)} = {text}" + (f" # {a.comment}" if a.comment else "") for a, text in group)
        group.clear()

    for attribute, text in rendered:
        if "\n" in text:
            flush()
            lines.append(f"{attribute.name} = {text}" + (f" # {attribute.comment}" if attribute.comment else ""))
        else:
            group.append((attribute, text))
    flush()
    return lines


def _body(items: Sequence[Item], depth: int) -> list[str]:
    lines: list[str] = []
    pending: list[Attr] = []
    prefix = INDENT * depth

    def flush() -> None:
        lines.extend(prefix + line for line in _aligned(pending, depth))
        pending.clear()

    for item in items:
        if isinstance(item, Attr):
            pending.append(item)
            continue
        flush()
        if isinstance(item, Blank):
            lines.append("")
        elif isinstance(item, Comment):
            lines.extend(f"{prefix}# {line}".rstrip() for line in item.text.splitlines())
        else:
            lines.extend(_block(item, depth))
    flush()
    return lines


def _block(block: Block, depth: int) -> list[str]:
    head = " ".join([block.type, *(string(label) for label in block.labels)])
    prefix = INDENT * depth
    if not block.body:
        return [f"{prefix}{head} {{}}"]
    return [f"{prefix}{head} {{", *_body(block.body, depth + 1), f"{prefix}}}"]


def render(items: Sequence[Item]) -> str:
    """A file's text: top-level blocks separated by one blank line, as `terraform fmt` keeps them."""
    lines: list[str] = []
    for position, item in enumerate(items):
        if position and not isinstance(item, Blank) and not isinstance(items[position - 1], Comment | Blank):
            lines.append("")
        if isinstance(item, Block):
            lines.extend(_block(item, 0))
        elif isinstance(item, Comment):
            lines.extend(f"# {line}".rstrip() for line in item.text.splitlines())
        elif isinstance(item, Attr):
            lines.extend(_aligned([item], 0))
        else:
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
