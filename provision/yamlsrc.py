"""YAML with line numbers: mappings and lists that remember where each entry was written.

PyYAML's SafeLoader drops positions and silently keeps the last of two equal keys; this
loader keeps the line of every key and item and reports duplicate keys as problems.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from provision.errors import Problem


class SourceDict(dict[str, Any]):
    """A YAML mapping that knows its file, its own line, and the line of each key."""

    file: str
    line: int
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class SourceList(list[Any]):
    """A YAML sequence that knows its file, its own line, and the line of each item."""

    file: str
    line: int
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class _Loader(yaml.SafeLoader):
    file = ""
    problems: list[Problem]


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> SourceDict:
    loader.flatten_mapping(node)
    result = SourceDict()
    result.file, result.line, result.key_lines = loader.file, node.start_mark.line + 1, {}
    for key_node, value_node in node.value:
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
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> SourceList:
    result = SourceList(loader.construct_object(child, deep=True) for child in node.value)
    result.file, result.line = loader.file, node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml(path: Path, display_name: str, problems: list[Problem]) -> Any:
    """Parse one YAML file; syntax errors and duplicate keys are appended to `problems`."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        problems.append(Problem(display_name, 1, f"cannot read the file: {error}"))
        return None
    loader = _Loader(text)
    loader.file, loader.problems = display_name, problems
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 1
        problems.append(Problem(display_name, line, f"this is not valid YAML: {error.problem or error}; "
                                "check the indentation and quoting on this line"))
        return None
    finally:
        loader.dispose()
