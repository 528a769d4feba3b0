"""The YAML the import writes: block mappings with comments, short mappings and lists inline, every string
quoted unless YAML reads it back as that very string.

A document is a list of nodes: `Entry` (a key and its value; a stand-in value is listed as a placeholder), `Note`
(a comment line) and `Placeholder` (a setting the import could not write: a comment naming the key and why, which
`placeholders` lists). A value is a
scalar, a list of scalars, a mapping (written inline when short and flat) or a list of nodes (a nested block).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Union

INDENT = "  "
INLINE_WIDTH = 100  # a mapping or list of scalars whose inline form is at most this wide is written inline
PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_.\-/]*")
NOT_PLAIN = frozenset({"y", "yes", "n", "no", "true", "false", "on", "off", "null"})  # YAML 1.1 reads these otherwise

Scalar = str | int | float | bool
Value = Union[Scalar, Sequence[Scalar], Mapping[str, "Value"], "Block"]


@dataclass(frozen=True)
class Entry:
    key: str
    value: Value
    comment: str = ""  # after the value, on its line
    stand_in: bool = False  # the value only stands in for one not known (the comment says why): a placeholder too


@dataclass(frozen=True)
class Note:
    text: str


@dataclass(frozen=True)
class Placeholder:
    """A setting not written: `# key: why` where the key would be."""

    key: str
    why: str

    @property
    def text(self) -> str:
        return f"{self.key}: {self.why}"


Node = Entry | Note | Placeholder


@dataclass(frozen=True)
class Block:
    """A nested block mapping (which may hold notes and placeholders)."""

    nodes: tuple[Node, ...]


def scalar(value: Scalar) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        text = repr(value)
        return text if "e" not in text else f"{value:.17f}".rstrip("0")
    if PLAIN.fullmatch(value) and value.lower() not in NOT_PLAIN:
        return value
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _inline(value: Value) -> str | None:
    """The value on one line, or None when it holds a block."""
    if isinstance(value, Block):
        return None
    if isinstance(value, Mapping):
        parts = []
        for key, item in value.items():
            inner = _inline(item)
            if inner is None:
                return None
            parts.append(f"{scalar(key)}: {inner}")
        return "{" + ", ".join(parts) + "}"
    if isinstance(value, str | int | float | bool):
        return scalar(value)
    items = [_inline(item) for item in value]
    return None if any(i is None for i in items) else "[" + ", ".join(str(i) for i in items) + "]"


def _lines(nodes: Sequence[Node], depth: int) -> Iterator[str]:
    pad = INDENT * depth
    for node in nodes:
        if isinstance(node, Note | Placeholder):
            yield f"{pad}# {_one_line(node.text)}"
            continue
        comment = f"  # {_one_line(node.comment)}" if node.comment else ""
        value = node.value
        inline = _inline(value)
        head = f"{pad}{scalar(node.key)}:"
        if inline is not None and (len(head) + 1 + len(inline) <= INLINE_WIDTH or not isinstance(value, Mapping)):
            yield f"{head} {inline}{comment}"
            continue
        children: Sequence[Node] = value.nodes if isinstance(value, Block) else [
            Entry(k, v) for k, v in value.items()]  # type: ignore[union-attr]
        if not any(isinstance(child, Entry) for child in children):  # a mapping still, whatever its comments say
            yield f"{head} {{}}{comment}"
        else:
            yield head + comment
        yield from _lines(children, depth + 1)


def render(nodes: Sequence[Node], header: Sequence[str] = ()) -> str:
    """The YAML text of a document, after its header comment lines."""
    return "".join(f"# {line}\n" if line else "#\n" for line in header) + "".join(
        line + "\n" for line in _lines(nodes, 0))


def placeholders(nodes: Sequence[Node], path: str = "") -> Iterator[tuple[str, Placeholder]]:
    """Every placeholder of a document, with the path of keys above it (`tables.orders`)."""
    for node in nodes:
        if isinstance(node, Placeholder):
            yield path, node
        elif isinstance(node, Entry) and node.stand_in:
            yield path, Placeholder(node.key, node.comment)
        elif isinstance(node, Entry) and isinstance(node.value, Block):
            yield from placeholders(node.value.nodes, f"{path}.{node.key}" if path else node.key)
