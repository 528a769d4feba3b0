"""A resource's `lifecycle { ignore_changes = [...] }`: what Terraform sets when it creates the resource, but
does not enforce after (https://developer.hashicorp.com/terraform/language/meta-arguments/lifecycle).

An ignored argument is written in the configuration, yet what is deployed may have drifted from it (an
autoscaler's capacity, tags set by hand), or still hold what an earlier version of the file said: its value
is `Unknown` here, with the reason naming the line, never the value written. `ignore_changes = all` does
that for every argument of the resource, those not written too (the deployed value may be anything).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from lark import Tree

from .hcl_schema import RESOURCES
from .hcl_scope import trees
from .hcl_syntax import Attribute, Body
from .records import TerraformError, Unknown

__all__ = ["ignore_changes"]

_KEY = re.compile(r'\.([A-Za-z_][A-Za-z0-9_-]*)|\[\s*"((?:[^"\\]|\\.)*)"\s*\]')  # a map key: .k or ["k"]
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_DERIVED = {"tags": ("tags_all",)}  # the provider computes tags_all from tags: ignoring one ignores both


def ignore_changes(kind: str, body: Body, values: dict[str, Any]) -> dict[str, Any]:
    """`values` with each argument the resource's `lifecycle` tells Terraform to ignore made `Unknown`."""
    attribute = next((b.body.attribute("ignore_changes") for b in body.blocks if b.type == "lifecycle"), None)
    if attribute is None:
        return values
    changed = dict(values)
    if attribute.source.snippet(attribute.expr).strip() == "all":
        reason = Unknown(_reason(kind, "every argument", attribute))
        schema = RESOURCES.get(kind)
        names = [*(schema.arguments if schema else ()), *(schema.blocks if schema else ()), *values]
        return {**changed, **dict.fromkeys(names, reason)}
    for name, key in _paths(attribute):
        unknown = Unknown(_reason(kind, name if key is None else f"{name}[{key!r}]", attribute))
        for argument in (name, *_DERIVED.get(name, ())):
            if argument == name or argument in changed:
                changed[argument] = _ignored(changed.get(argument), key, unknown)
    return changed


def _ignored(value: Any, key: str | None, unknown: Unknown) -> Any:
    """The argument unknown, or only the key of it that is ignored (one tag: the others are still enforced)."""
    return {**value, key: unknown} if key is not None and isinstance(value, dict) else unknown


def _reason(kind: str, what: str, attribute: Attribute) -> str:
    return (f"{what} of this {kind} is in lifecycle.ignore_changes ({attribute.where}): Terraform sets it when it "
            "creates the resource but does not enforce it after, so what is deployed may differ: check it against "
            "the environment (--against live)")


def _paths(attribute: Attribute) -> Iterable[tuple[str, str | None]]:
    """Each argument `ignore_changes = [a, b["k"], c[0].d]` names, with the map key it names in it (b["k"]: "k")."""
    node = attribute.expr
    while isinstance(node, Tree) and node.data == "expr_term" and len(trees(node)) == 1:
        node = trees(node)[0]
    if not isinstance(node, Tree) or node.data != "tuple":
        raise TerraformError(f"{attribute.where}: ignore_changes is a list of argument names or `all`: write "
                             "ignore_changes = [read_capacity, tags]")
    for element in trees(node):
        text = attribute.source.snippet(element, limit=10_000).strip().strip('"')  # "name": the 0.11 way
        head = _NAME.match(text)
        if head is None:
            raise TerraformError(f"{attribute.where}: `{text}` in ignore_changes is not an argument of the resource: "
                                 "write its name, as in ignore_changes = [read_capacity]")
        step = _KEY.match(text, head.end())
        yield head.group(), (step.group(1) or step.group(2)) if step else None
