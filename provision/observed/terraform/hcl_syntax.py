"""Parses one HCL file with python-hcl2's grammar into a lark tree, and reads its bodies as blocks and arguments.

python-hcl2's dict output loses line numbers and expression structure, so the reader works on the lark
parse tree python-hcl2 builds (`hcl2.api.parses_to_tree`, with positions): every block, argument and
expression keeps its line, and an expression is a tree to evaluate, not a string to re-parse. A file in
Terraform's JSON syntax is read as the native text it stands for (`hcl_json`), whose lines map back to the
JSON file's own.
"""

from __future__ import annotations

import errno
import os
import re
from dataclasses import dataclass
from pathlib import Path

from lark import Token, Tree
from lark.exceptions import LarkError, UnexpectedInput

from . import hcl_cache
from .records import TerraformError

Node = Tree[Token] | Token


@dataclass(frozen=True)
class Source:
    """One file's text and the name it is reported under."""

    shown: str  # the path relative to the current directory if possible, else as given
    text: str
    lines: tuple[int, ...] = ()  # the file's own line of each line of `text`, where `text` was made from it (JSON)

    def line(self, line: int) -> int:
        return self.lines[line - 1] if 0 < line <= len(self.lines) else line

    def where(self, node: Node) -> str:
        return f"{self.shown}:{self.line(line_of(node))}"

    def snippet(self, node: Node, limit: int = 60) -> str:
        """The node's source text on one line, cut at `limit` characters."""
        if isinstance(node, Token):
            text = str(node)
        else:
            start = getattr(node.meta, "start_pos", None)
            end = getattr(node.meta, "end_pos", None)
            text = self.text[start:end] if start is not None and end is not None else node.data
        text = " ".join(text.split())
        return text if len(text) <= limit else text[: limit - 3] + "..."


@dataclass(frozen=True)
class Attribute:
    """`name = expression` in a body."""

    name: str
    expr: Node
    source: Source
    where: str


@dataclass(frozen=True)
class Block:
    """`type "label" ... { body }`."""

    type: str
    labels: tuple[str, ...]
    body: Body
    where: str


@dataclass(frozen=True)
class Body:
    """The arguments and nested blocks of a file or a block, in source order."""

    source: Source
    attributes: tuple[Attribute, ...]
    blocks: tuple[Block, ...]

    def attribute(self, name: str) -> Attribute | None:
        return next((a for a in self.attributes if a.name == name), None)


def line_of(node: Node) -> int:
    if isinstance(node, Token):
        return node.line or 0
    return getattr(node.meta, "line", 0) or 0


def shown_path(path: Path) -> str:
    """The path relative to the current directory if it is under it, else as given."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a symbolic link that loops (Python 3.11)
        return os.fspath(path)


def broken_link(path: Path) -> str | None:
    """Why a symbolic link cannot be followed (it loops, or points at nothing), as Terraform refuses it; else None."""
    if not path.is_symlink():
        return None
    try:
        path.stat()
    except OSError as error:
        target = os.readlink(path)
        if error.errno == errno.ELOOP:
            return f"is a symbolic link that loops ({path.name} -> {target}): Terraform cannot read it either"
        return f"is a symbolic link to {target}, which does not exist: Terraform cannot read it either"
    return None


def read_text(path: Path, shown: str) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise TerraformError(f"{shown}: no such file: give an existing file") from None
    except OSError as error:
        raise TerraformError(f"{shown}: cannot be read ({error.strerror}): give a readable file") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise TerraformError(
            f"{shown}:{line}: not UTF-8 (byte 0x{data[error.start]:02x}): Terraform reads UTF-8 only, save it as UTF-8"
        ) from None


def parse_file(path: Path) -> Body:
    """The top-level body of one HCL file (.tf or .tfvars)."""
    shown = shown_path(path)
    return parse_source(Source(shown, read_text(path, shown)))


def parse_source(source: Source) -> Body:
    """The top-level body of HCL text."""
    shown = source.shown
    try:
        tree = hcl_cache.parsed(source.text, _parse)
    except UnexpectedInput as error:
        raise TerraformError(_syntax_message(source, error)) from None
    except (LarkError, RecursionError) as error:
        raise TerraformError(f"{shown}: not valid HCL ({type(error).__name__}): fix the syntax") from None
    return read_body(_children(tree)[0], source)


def _parse(text: str) -> Tree[Token]:
    """python-hcl2's tree of `text`, with positions. Imported here: an unchanged file's tree is in the cache, and
    python-hcl2 then is never imported (building its parser is most of the cost of a parse)."""
    from hcl2.api import parses_to_tree

    return parses_to_tree(text)


def _syntax_message(source: Source, error: UnexpectedInput) -> str:
    line = error.line if isinstance(error.line, int) and error.line > 0 else source.text.count("\n") + 1
    lines = source.text.splitlines()
    opened = open_string(source.text)
    if opened is not None and opened <= line:  # the parser stops at the next quote, lines later: say where it opens
        text = lines[opened - 1].strip()
        return (f"{source.shown}:{opened}: not valid HCL: a string opens here and is not closed on its line, near "
                f"`{text[:60]}`: close it with a \" on the same line (a string of several lines is a heredoc, "
                "<<EOT ... EOT)")
    text = lines[line - 1].strip() if 0 < line <= len(lines) else ""
    found = f" near `{text[:60]}`" if text else " at the end of the file"
    token = getattr(error, "token", None)
    what = f"unexpected {str(token).strip()!r}" if token is not None and str(token).strip() else "unexpected input"
    if source.lines:  # made from a .tf.json file: the mistake is in an expression one of its strings holds
        return (f"{source.shown}:{source.line(line)}: not a valid Terraform expression in a JSON string: {what}"
                f"{found}: fix the expression (`terraform validate` shows the same place)")
    return (
        f"{source.shown}:{line}: not valid HCL: {what}{found} (column {error.column}): "
        "fix the syntax (`terraform validate` shows the same place)"
    )


HEREDOC = re.compile(r"<<-?([A-Za-z_][A-Za-z0-9_-]*)[ \t]*$")


def open_string(text: str) -> int | None:
    """The line of the first quoted string not closed on its own line (HCL's cannot span lines), outside comments
    and heredocs; None if every one is closed."""
    lines = text.splitlines()
    in_comment, heredoc = False, None
    for number, line in enumerate(lines, start=1):
        if heredoc is not None:
            heredoc = None if line.strip() == heredoc else heredoc
            continue
        i, quoted = 0, False
        while i < len(line):
            char, pair = line[i], line[i:i + 2]
            if in_comment:
                in_comment, i = (False, i + 2) if pair == "*/" else (True, i + 1)
            elif quoted:
                quoted, i = (quoted, i + 2) if char == "\\" else (char != '"', i + 1)
            elif char == "#" or pair == "//":
                break
            elif pair == "/*":
                in_comment, i = True, i + 2
            elif char == '"':
                quoted, i = True, i + 1
            elif (found := HEREDOC.match(line, i)) is not None:
                heredoc, i = found[1], len(line)
            else:
                i += 1
        if quoted:
            return number
    return None


def _children(tree: Tree[Token]) -> list[Tree[Token]]:
    return [c for c in tree.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]


def read_body(tree: Tree[Token], source: Source) -> Body:
    attributes: list[Attribute] = []
    blocks: list[Block] = []
    for child in _children(tree):
        if child.data == "attribute":
            name_node, expr = _children(child)[0], child.children[-1]
            attributes.append(Attribute(name_text(name_node), expr, source, source.where(child)))
        elif child.data == "block":
            blocks.append(_read_block(child, source))
    seen: dict[str, str] = {}
    for attribute in attributes:
        if attribute.name in seen:
            raise TerraformError(
                f"{attribute.where}: argument {attribute.name!r} is set twice "
                f"(first at {seen[attribute.name]}): keep one"
            )
        seen[attribute.name] = attribute.where
    return Body(source, tuple(attributes), tuple(blocks))


def _read_block(tree: Tree[Token], source: Source) -> Block:
    parts = _children(tree)
    labels = tuple(_label(p, source) for p in parts[1:-1])
    return Block(name_text(parts[0]), labels, read_body(parts[-1], source), source.where(tree))


def name_text(node: Node) -> str:
    """The text of an identifier, keyword or literal-value node."""
    if isinstance(node, Token):
        return str(node)
    return "".join(str(t) for t in node.scan_values(lambda v: isinstance(v, Token)))


def _label(node: Tree[Token], source: Source) -> str:
    if node.data != "string":
        return name_text(node)
    parts = [c for c in node.children if isinstance(c, Tree)]
    chunks = [c.children[0] for c in parts if c.children and isinstance(c.children[0], Token)]
    if len(chunks) != len(parts) or any(t.type != "STRING_CHARS" for t in chunks):
        raise TerraformError(f"{source.where(node)}: a block label must be a plain string: remove the ${{...}}")
    return "".join(str(t) for t in chunks)
