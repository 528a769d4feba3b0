"""Reads a file in Terraform's JSON syntax (`.tf.json`) into the same bodies, blocks and arguments as a `.tf` file.

JSON has one syntax for arguments and nested blocks, so Terraform tells them apart by the schema of each body
(https://developer.hashicorp.com/terraform/language/syntax/json), and so does this reader: the top-level block
types, the meta blocks of a resource (`lifecycle`, `dynamic`, `provisioner`, `connection`), and the AWS
provider's nested blocks of the resource types read here (`hcl_schema`, `hcl_blocks.BLOCKS`); in a resource
whose schema is not known here, every property is an argument. Several blocks of one type are an array (a
provider with aliases: `"provider": {"aws": [{...}, {"alias": "west", ...}]}`); `"//"` in a body is a
comment. Expressions follow Terraform's mapping: a JSON string is a template (`"${var.env}-orders"`), except
where Terraform reads it literally (a variable's `default`, a module's `source`) or as native syntax (a
variable's `type`, `provider`, `depends_on`, `ignore_changes`, a dynamic block's `iterator`).

The file is written out as the native text it stands for, each line mapped to the JSON line it comes from,
and parsed as any `.tf` file: the evaluator reads both alike and every mistake names the JSON file's line.
`hcl_json_lines` reads the JSON with the line of each value and every repeated property, as Terraform does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .hcl_blocks import BLOCKS
from .hcl_json_lines import JSONValue, Member, read_json
from .hcl_schema import PROVIDER_BLOCKS, RESOURCES, Schema
from .hcl_syntax import Body, Source, parse_source
from .records import TerraformError

__all__ = ["parse_json_file"]

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


# -- what each body holds ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Kind:
    """A body's schema as the JSON syntax needs it: its block types (with their label count and the kind of
    their bodies), how each argument's string is read, and the block types the reader has no use for."""

    blocks: Mapping[str, tuple[int, Callable[[tuple[str, ...]], _Kind]]] = field(default_factory=dict)
    modes: Mapping[str, str] = field(default_factory=dict)  # argument -> template (default) | literal | native
    ignored: frozenset[str] = frozenset()
    attributes_only: bool = False
    blocks_only: bool = False  # the top of a file


def _generic(_labels: tuple[str, ...] = ()) -> _Kind:
    return _Kind({"dynamic": (1, lambda labels: _dynamic(_generic))})


def _dynamic(content: Callable[[tuple[str, ...]], _Kind]) -> _Kind:
    return _Kind({"content": (0, content)}, {"iterator": "native"})


def _nested(schema: Schema | None, names: frozenset[str] = frozenset()) -> _Kind:
    """A body of the provider's schema: its nested blocks, each with its own, and `dynamic` ones of them."""
    inner = dict(schema.blocks) if schema else {}
    kinds = {name: (lambda _l, n=name: _nested(inner.get(n))) for name in {*inner, *names}}
    blocks: dict[str, tuple[int, Callable[[tuple[str, ...]], _Kind]]] = {k: (0, f) for k, f in kinds.items()}
    blocks["dynamic"] = (1, lambda labels: _dynamic(kinds.get(labels[0], _generic)))
    return _Kind(blocks)


_CONDITIONS: dict[str, tuple[int, Callable[[tuple[str, ...]], _Kind]]] = {
    "precondition": (0, _generic), "postcondition": (0, _generic)}
_LIFECYCLE = _Kind(_CONDITIONS, {"ignore_changes": "native", "replace_triggered_by": "native",
                                 "create_before_destroy": "literal", "prevent_destroy": "literal"})
_META = {"provider": "native", "depends_on": "native"}


def _resource(labels: tuple[str, ...], managed: bool = True) -> _Kind:
    kind = labels[0]
    body = _nested(RESOURCES.get(kind), BLOCKS.get(kind, frozenset())) if managed else _nested(None)
    blocks = {**body.blocks, "lifecycle": (0, lambda _l: _LIFECYCLE)}
    if managed:
        blocks["provisioner"] = (1, lambda _l: _Kind({"connection": (0, _generic)},
                                                      {"when": "native", "on_failure": "native"}))
        blocks["connection"] = (0, _generic)
    return _Kind(blocks, _META)


def _provider(labels: tuple[str, ...]) -> _Kind:
    names = PROVIDER_BLOCKS if labels[0] == "aws" else frozenset()
    body = _nested(None, names)
    return _Kind(body.blocks, {"alias": "literal", "version": "literal"})


_TOP = _Kind(
    {
        "variable": (1, lambda _l: _Kind({"validation": (0, _generic)}, {
            "type": "native", "default": "literal", "description": "literal", "sensitive": "literal",
            "nullable": "literal", "ephemeral": "literal"})),
        "locals": (0, lambda _l: _Kind(attributes_only=True)),
        "resource": (2, _resource),
        "data": (2, lambda labels: _resource(labels, managed=False)),
        "module": (1, lambda _l: _Kind(modes={"source": "literal", "version": "literal", "providers": "native",
                                              "depends_on": "native"})),
        "output": (1, lambda _l: _Kind(_CONDITIONS, {"description": "literal", "depends_on": "native",
                                                     "sensitive": "literal", "ephemeral": "literal"})),
        "provider": (1, _provider),
    },
    ignored=frozenset({"terraform", "moved", "import", "removed", "check"}),  # nothing the reader uses
    blocks_only=True,
)


# -- writing the native text it stands for -----------------------------------------------------------------------

_Lines = list[tuple[int, str]]


class _Writer:
    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.text: list[str] = []
        self.lines: list[int] = []

    def error(self, line: int, what: str) -> TerraformError:
        return TerraformError(f"{self.shown}:{line}: {what}")

    def add(self, lines: _Lines) -> None:
        for line, text in lines:
            self.lines.append(line)
            self.text.append(text)

    def body(self, value: JSONValue, kind: _Kind, what: str) -> None:
        if kind.attributes_only and value.kind != "object":
            raise self.error(value.line, f"{what} is one JSON object of `name: value` properties")
        for member in self.members(value, what):
            if member.name == "//" or member.name in kind.ignored:
                continue
            if member.name in kind.blocks:
                count, inner = kind.blocks[member.name]
                self.labelled(member.name, member.value, count, inner, (), member.line)
                continue
            if kind.blocks_only:
                raise self.error(member.line, f"{member.name!r} is not a block type Terraform reads at the top of a "
                                              ".tf.json file: use resource, data, variable, locals, module, output, "
                                              "provider or terraform")
            if not _NAME.fullmatch(member.name):
                raise self.error(member.line, f"{member.name!r} is not an argument name Terraform accepts (letters, "
                                              "digits, _ and -, not starting with a digit)")
            lines = self.expression(member.value, kind.modes.get(member.name, "template"))
            self.add([(member.line, f"{member.name} = {lines[0][1]}"), *lines[1:]])

    def members(self, value: JSONValue, what: str) -> list[Member]:
        """The properties of a body or a label level: one object, or an array of objects in order."""
        if value.kind == "null":
            return []
        if value.kind == "object":
            return list(value.value)
        if value.kind == "array" and all(v.kind == "object" for v in value.value):
            return [m for v in value.value for m in v.value]
        raise self.error(value.line, f"{what} must be a JSON object (or an array of objects), not a {value.kind}")

    def labelled(self, block: str, value: JSONValue, count: int, inner: Callable[[tuple[str, ...]], _Kind],
                 labels: tuple[str, ...], line: int) -> None:
        if len(labels) < count:
            for member in self.members(value, f"the {block} block's labels"):
                self.labelled(block, member.value, count, inner, (*labels, member.name), member.line)
            return
        head = " ".join([block, *(_literal(label) for label in labels)])
        kind = inner(labels)
        bodies = [] if value.kind == "null" else value.value if value.kind == "array" else [value]
        for body in bodies:
            if body.kind != "object":
                raise self.error(body.line, f"the body of a {block} block must be a JSON object, not a {body.kind}")
            self.add([(line if body is value else body.line, f"{head} {{")])
            self.body(body, kind, f"the {block} block")
            self.add([(self.lines[-1], "}")])

    def expression(self, value: JSONValue, mode: str) -> _Lines:
        if value.kind == "string":
            text = (_template(value.value, value.line, self) if mode == "template" else
                    _literal(value.value) if mode == "literal" else _native(value.value))
            return [(value.line, text)]
        if value.kind == "number":
            return [(value.line, value.value)]
        if value.kind in ("bool", "null"):
            return [(value.line, {True: "true", False: "false", None: "null"}[value.value])]
        if value.kind == "array":
            lines: _Lines = [(value.line, "[")]
            for item in value.value:
                inner = self.expression(item, mode)
                lines += [*inner[:-1], (inner[-1][0], inner[-1][1] + ",")]
            return [*lines, (lines[-1][0], "]")]
        lines = [(value.line, "{")]
        for member in value.value:
            key = self.expression(JSONValue("string", member.name, member.line), mode)[0][1]
            inner = self.expression(member.value, mode)
            lines += [(member.line, f"{key} = {inner[0][1]}"), *inner[1:]]
        return [*lines, (lines[-1][0], "}")]


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escaped(char: str) -> str:
    if char in _ESCAPES:
        return _ESCAPES[char]
    return f"\\u{ord(char):04x}" if ord(char) < 0x20 else char


def _literal(text: str) -> str:
    """A string Terraform reads as written: a native string with `${` and `%{` escaped."""
    body = "".join(_escaped(c) for c in text)
    return '"' + body.replace("${", "$${").replace("%{", "%%{") + '"'


def _native(text: str) -> str:
    """A string Terraform reads as native syntax (a type, a reference): the text itself, on one line."""
    return " ".join(text.split()) or '""'


def _template(text: str, line: int, writer: _Writer) -> str:
    """A string Terraform reads as a template: its literal parts escaped, its `${...}` and `%{...}` kept."""
    out, i = ['"'], 0
    while i < len(text):
        if text.startswith(("$${", "%%{"), i):
            out.append(text[i : i + 3])
            i += 3
        elif text.startswith(("${", "%{"), i):
            end = _closing(text, i + 2)
            if end < 0:
                raise writer.error(line, f"the template `{text[:60]}` opens {text[i:i + 2]} and never closes it "
                                         "with }: close it")
            out.append(text[i : i + 2] + " ".join(text[i + 2 : end].split()) + "}")
            i = end + 1
        else:
            out.append(_escaped(text[i]))
            i += 1
    return "".join(out) + '"'


def _closing(text: str, start: int) -> int:
    """The position of the `}` that closes the interpolation starting at `start`, or -1."""
    depth, i = 0, start
    while i < len(text):
        char = text[i]
        if char == '"':
            i = _string_end(text, i + 1)
            if i < 0:
                return -1
        elif char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                return i
            depth -= 1
        i += 1
    return -1


def _string_end(text: str, start: int) -> int:
    """The position of the quote that ends a native string starting at `start` (templates inside it too), or -1."""
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text.startswith(("${", "%{"), i) and not text.startswith(("$${", "%%{"), i - 1):
            i = _closing(text, i + 2)
            if i < 0:
                return -1
        elif text[i] == '"':
            return i
        i += 1
    return -1


def parse_json_file(path: Path) -> Body:
    """The top-level body of one `.tf.json` file, as the body of the `.tf` file it stands for."""
    value, shown, _ = read_json(path)
    writer = _Writer(shown)
    writer.body(value, _TOP, "a .tf.json file")
    text = "\n".join(writer.text) + "\n"
    return parse_source(Source(shown, text, tuple(writer.lines)))
