"""Where a value of a resource inside a module is given: the argument of the module call it comes from.

`module "users" { gsis = [...] }` at main.tf:78 feeds `dynamic "global_secondary_index" { for_each = var.gsis }`
in modules/table/main.tf: a wrong projection is changed at main.tf:78, not in the module every table shares.
Read from the syntax: each argument and block of the resource body, and the locals it uses, is searched for
`var.NAME` of a variable the call gives. One call up; a value the module writes itself has no entry.
"""

from __future__ import annotations

from lark import Token, Tree

from .hcl_folder import Folder
from .hcl_scope import trees
from .hcl_syntax import Block, Body, Node, name_text

LIMIT = 64  # locals followed through locals: deeper than this is a cycle Terraform refuses anyway


def given_at(module: Folder, body: Body) -> dict[str, str]:
    """Each argument or block of a resource body (a `dynamic "x"` as x) whose value comes from the module call,
    with where the call gives it: {"global_secondary_index": "main.tf:78 (argument gsis of module.users)"}."""
    if not module.address:
        return {}
    found: dict[str, str] = {}
    for attribute in body.attributes:
        if (where := _from_call(module, [attribute.expr])) is not None:
            found[attribute.name] = where
    for block in body.blocks:
        name = block.labels[0] if block.type == "dynamic" and block.labels else block.type
        if name not in found and (where := _from_call(module, _expressions(block))) is not None:
            found[name] = where
    return found


def _expressions(block: Block) -> list[Node]:
    nodes: list[Node] = [a.expr for a in block.body.attributes]
    for inner in block.body.blocks:
        nodes += _expressions(inner)
    return nodes


def _from_call(module: Folder, nodes: list[Node]) -> str | None:
    """Where the call gives the first variable these expressions (and the locals they use) read."""
    pending, seen = list(nodes), 0
    while pending and seen < LIMIT * 16:
        node = pending.pop(0)
        seen += 1
        if not isinstance(node, Tree):
            continue
        reference = _reference(node)
        if reference is not None:
            namespace, name = reference
            if namespace == "var" and name in module.inputs:
                argument = module.inputs[name]
                return f"{argument.where} (argument {name} of {module.address.rstrip('.')})"
            local = module.declarations.locals.get(name) if namespace == "local" else None
            if local is not None:
                pending.append(local.expr)
            continue
        pending.extend(c for c in node.children if isinstance(c, Tree))
    return None


def _reference(node: Tree[Token]) -> tuple[str, str] | None:
    """`var.NAME` or `local.NAME` as (namespace, name), for a traversal node that starts with one."""
    if node.data not in ("get_attr_expr_term", "attr_splat_expr_term", "index_expr_term"):
        return None
    parts = trees(node)
    if len(parts) != 2 or parts[1].data != "get_attr":
        return None
    target = parts[0]
    inner = trees(target)[0] if target.data == "expr_term" and trees(target) else target
    if inner.data != "identifier" or name_text(inner) not in ("var", "local"):
        return None
    return name_text(inner), name_text(trees(parts[1])[0])
