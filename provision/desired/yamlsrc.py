"""YAML with line numbers: mappings and lists that remember where each entry was written.

PyYAML's SafeLoader drops positions and silently keeps the last of two equal keys; this
loader keeps the line of every key and item and reports duplicate keys as problems. It also
refuses, at their line and before building anything, the inputs that could make it (or code
that later walks the data) explode: files over 1 MiB, keys that are lists or mappings,
aliases that repeat more than 10,000 values, and values nested more than 100 levels deep.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final, Protocol

import yaml

from ..errors import Problem

# A contracts file is a few kilobytes; 1 MiB of YAML already takes the pure-Python parser about two seconds.
MAX_FILE_BYTES = 2**20
# The real contracts alias nothing; 10,000 repeated values is generous for hand-written YAML and instant to read.
MAX_ALIASED_VALUES = 10_000
# The contracts nest about 6 levels; composing and building recurse, so 100 stays far below Python's stack limit.
MAX_DEPTH = 100


def display_path(path: Path) -> str:
    """A path as people should read it in messages: relative to the working folder when inside it."""
    absolute = path.resolve()
    try:
        return str(absolute.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(absolute)


class SourceDict(dict[str, Any]):
    """A YAML mapping that knows its file, its own line, and the line of each key.

    `line` is the line of the entry the mapping belongs to: the line of its parent key
    (`tenants:`, `sort_key: {...}`) or list item, so "needs 'X'" points at that entry.
    """

    file: str
    line: int
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class SourceList(list[Any]):
    """A YAML sequence that knows its file, its own line (its parent key's), and the line of each item."""

    file: str
    line: int
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class _Empty:
    """The value of a file that holds none: empty, blank, only comments, or a bare '---' (or 'null')."""

    def __repr__(self) -> str:
        return "EMPTY"


EMPTY: Final = _Empty()


class _Stop(Exception):
    """A mistake after which the rest of the file cannot be read safely: it ends the reading of the file."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


class _RefusedKey(yaml.ScalarNode):
    """Stands in for a key that was refused (and reported) while composing: its entry is left out."""

    def __init__(self) -> None:
        super().__init__("!refused-key", "")


class _Loader(yaml.SafeLoader):
    """SafeLoader that reports where it is, and refuses what would make it explode before building anything.

    An alias is a reference to a node, so aliases of aliases (the "billion laughs") stand for a value
    exponentially larger than the text: 400 bytes can mean 400 million values once something walks
    or prints it. While composing, each node's expanded size is known (an anchor comes before its
    aliases), so the values aliases repeat are counted, and the file is refused at the alias that
    passes `MAX_ALIASED_VALUES`. A key that is a list or a mapping is refused before it is built.
    """

    def __init__(self, text: str, file: str, problems: list[Problem]) -> None:
        super().__init__(text)
        self.file, self.problems = file, problems
        self.sizes: dict[yaml.Node, int] = {}  # each finished node: how many values it stands for
        self.repeated = 0  # values repeated by aliases so far
        self.depth = 0  # collections open around the node being composed

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        """One node; `index` is None when it is a key of `parent` (PyYAML passes the key node for a value)."""
        event = self.peek_event()
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _Stop(Problem(self.file, _line(event.start_mark), f"this value is nested more than {MAX_DEPTH} "
                                "levels deep (contracts need fewer than 10); close the '[' or '{' left open above "
                                "it, or write it flatter"))
        node = super().compose_node(parent, index)
        self.depth -= 1
        if node is None:
            return None
        if isinstance(event, yaml.AliasEvent):
            self._count_alias(event, node)
        else:
            self.sizes[node] = 1 + sum(self.sizes.get(child, 1) for child in _children(node))
        if index is None and isinstance(parent, yaml.MappingNode) and not isinstance(node, yaml.ScalarNode):
            return self._refuse_key(event, node)
        return node

    def _count_alias(self, event: yaml.AliasEvent, node: yaml.Node) -> None:
        line, anchor = _line(event.start_mark), event.anchor
        size = self.sizes.get(node)
        if size is None:  # its anchor's value is still being read: the alias is inside it
            raise _Stop(Problem(self.file, line, f"the alias '*{anchor}' is inside the value its anchor '&{anchor}' "
                                f"names (line {_line(node.start_mark)}), which would make that value endless; "
                                "write the value out instead"))
        self.repeated += size
        if self.repeated > MAX_ALIASED_VALUES:
            values = f"{size:,} value" + "s" * (size != 1)
            raise _Stop(Problem(self.file, line, f"the alias '*{anchor}' repeats {values}, which brings the values "
                                f"repeated by aliases in this file to {self.repeated:,}, over the limit of "
                                f"{MAX_ALIASED_VALUES:,} (aliases of aliases multiply: an alias bomb); write the "
                                "values out instead of aliasing them"))

    def _refuse_key(self, event: yaml.Event, node: yaml.Node) -> yaml.Node:
        kind = "a list" if isinstance(node, yaml.SequenceNode) else "a mapping"
        if isinstance(event, yaml.AliasEvent):
            kind = f"the alias '*{event.anchor}' of {kind} (line {_line(node.start_mark)})"
        self.problems.append(Problem(self.file, _line(event.start_mark), f"this key is {kind}; a key is a plain "
                                     "name: write 'name: value'"))
        return _RefusedKey()


class _Mark(Protocol):
    line: int  # 0-based


def _line(mark: _Mark | None) -> int:
    return mark.line + 1 if mark is not None else 1


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [child for pair in node.value for child in pair]
    return []


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> SourceDict:
    loader.flatten_mapping(node)
    result = SourceDict()
    result.file, result.line, result.key_lines = loader.file, node.start_mark.line + 1, {}
    for key_node, value_node in node.value:
        if isinstance(key_node, _RefusedKey):  # reported while composing; never built
            continue
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, str):
            key = str(key)
        if key in result:
            loader.problems.append(
                Problem(loader.file, line, f"'{key}' is given twice (first on line {result.key_lines[key]}); "
                        "keep one of them")
            )
            continue
        result[key] = _construct_value(loader, value_node, line)
        result.key_lines[key] = line
    return result


def _construct_value(loader: _Loader, node: yaml.Node, key_line: int) -> Any:
    """A mapping's value; a nested mapping or list takes the line of its key (an alias keeps its anchor's)."""
    fresh = node not in loader.constructed_objects
    value = loader.construct_object(node, deep=True)
    if fresh and isinstance(value, SourceDict | SourceList):
        value.line = key_line
    return value


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> SourceList:
    result = SourceList(loader.construct_object(child, deep=True) for child in node.value)
    result.file, result.line = loader.file, node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode) -> Any:
    """A date, or its text when it only looks like one (2026-13-31): the field's reader says what to write."""
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml(path: Path, display_name: str, problems: list[Problem]) -> Any:
    """Parse one YAML file; every mistake (syntax, duplicate keys, refused input) is appended to `problems`.

    None if the file could not be read (a problem says why); `EMPTY` if it holds no value at all.
    """
    text = _read_text(path, display_name, problems)
    if text is None:
        return None
    try:
        loader = _Loader(text, display_name, problems)
    except yaml.reader.ReaderError as error:  # a control character: it has a position, not a mark
        line = text.count("\n", 0, error.position) + 1
        problems.append(Problem(display_name, line, f"this is not valid YAML: character U+{error.character:04X} "
                                "is not allowed in YAML; remove it"))
        return None
    try:
        node = loader.get_single_node()  # composed and checked whole before anything is built
        value = None if node is None else loader.construct_document(node)
        return EMPTY if value is None else value
    except _Stop as stop:
        problems.append(stop.problem)
        return None
    except yaml.MarkedYAMLError as error:
        problems.append(_syntax_problem(display_name, error))
        return None
    except yaml.YAMLError as error:
        problems.append(Problem(display_name, 1, f"this is not valid YAML: {error}; check the file's syntax"))
        return None
    finally:
        loader.dispose()


def _read_text(path: Path, file: str, problems: list[Problem]) -> str | None:
    """The file as text; None (with a problem) if it cannot be read, is too large, or is not UTF-8.

    The size is checked before anything is parsed, so a huge file costs one bounded read.
    """
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        problems.append(Problem(file, 1, f"cannot read the file: {error.strerror or error}; check that it exists "
                                "and that you may read it"))
        return None
    if len(data) > MAX_FILE_BYTES:
        size = _size_of(path, len(data))
        problems.append(Problem(file, 1, f"this file is {size / 2**20:.1f} MiB ({size:,} bytes), over the limit of "
                                f"{MAX_FILE_BYTES // 2**20} MiB ({MAX_FILE_BYTES:,} bytes) for a contracts file; "
                                "split it into smaller files, or move it out of the contracts folder if it is "
                                "not a contract"))
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        problems.append(_not_utf8(file, data, error))
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")  # the newlines of a file read as text


def _size_of(path: Path, at_least: int) -> int:
    try:
        return max(path.stat().st_size, at_least)
    except OSError:
        return at_least


def _not_utf8(file: str, data: bytes, error: UnicodeDecodeError) -> Problem:
    """The line and column of the first byte that is not UTF-8 (everything before it decodes)."""
    line_start = data.rfind(b"\n", 0, error.start) + 1
    line = data.count(b"\n", 0, error.start) + 1
    column = len(data[line_start:error.start].decode("utf-8")) + 1
    return Problem(file, line, f"byte 0x{data[error.start]:02X} at column {column} is not UTF-8 text "
                   f"({error.reason}); save the file as UTF-8")


def _syntax_problem(file: str, error: yaml.MarkedYAMLError) -> Problem:
    """A syntax error at the line of the mistake.

    In a flow collection (`{...}`, `[...]`), a quoted text or a key without ':', the mistake is
    where that construct began (the context mark): the parser only notices it lines later. Other
    contexts (a block mapping, the whole document) start far above, so the problem mark is the place.
    """
    problem, context = error.problem_mark, error.context_mark
    what = error.problem or str(error)
    if error.context and not error.context.startswith("while"):  # e.g. "expected a single document in the stream"
        what = f"{error.context}, {what}"
    began_there = (error.context or "").startswith(("while parsing a flow", "while scanning"))
    if context is not None and problem is not None and context.line < problem.line and began_there:
        return Problem(file, context.line + 1, f"this is not valid YAML: {error.context} that starts on this "
                       f"line, {what} on line {problem.line + 1}; check the indentation and quoting on this "
                       "line (a '{' or '[' needs its closing '}' or ']', a quote its closing quote)")
    mark = problem or context
    line = mark.line + 1 if mark is not None else 1
    return Problem(file, line, f"this is not valid YAML: {what}; check the indentation and quoting on this line")
