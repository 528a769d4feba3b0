"""What a construct the HCL reader cannot follow may define, as small as the files make it.

A module call that is not read may define anything; a resource whose `count` or `for_each` is not known may
define only resources of its type. Where the names are known but for a part (`"audit-${each.key}-sit"`), or
a module call is given its table's name (`name = "users-sit"`), only what is named so may be hidden there:
the absence of `orders-sit` is then a fact, not an unknown. The registry module
terraform-aws-modules/dynamodb-table defines one table, named by its `name`, and nothing else read here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from lark import Token, Tree

from ..state import only
from .hcl_eval import evaluate_plain
from .hcl_folder import Folder
from .hcl_modules import source_of
from .hcl_operations import string_chars, to_string
from .hcl_scope import Scope, hidden, tokens, trees
from .hcl_syntax import Block, Node
from .records import TerraformError, Unknown, Unresolved

# The argument naming each resource type's physical name (a GSI resource: its table's); a backup selection has
# none (it adds tables to a plan, and defines no plan of any name).
NAME_OF = {"aws_dynamodb_table": "name", "aws_dynamodb_global_secondary_index": "table_name",
           "aws_backup_vault": "name", "aws_backup_plan": "name", "aws_cloudwatch_metric_alarm": "alarm_name"}
CALL_NAMES = ("name", "table_name")  # a module call's arguments that name what it defines
TABLE_MODULES = frozenset({"terraform-aws-modules/dynamodb-table/aws"})  # one table named by var.name, nothing else
REGISTRY = "registry.terraform.io/"
ANY_INSTANCE: Mapping[str, Any] = {"each": {"key": Unknown("each.key"), "value": Unknown("each.value")},
                                   "count": {"index": Unknown("count.index")}}


def resource(module: Folder, address: str, kind: str, block: Block, unknown: Unknown,
             kinds: tuple[str, ...]) -> Unresolved:
    """A resource whose `count` or `for_each` is not known: resources of its type, named as its name allows."""
    meta = block.body.attribute("count") or block.body.attribute("for_each")
    assert meta is not None
    construct = f"{address} ({meta.name} over {meta.source.snippet(meta.expr)})"
    names = () if kind not in NAME_OF else names_of(module, block, NAME_OF[kind], [ANY_INSTANCE])
    return Unresolved(construct, block.where, unknown.reason, kinds, names)


def name_pattern(module: Folder, kind: str, block: Block, bindings: Mapping[str, Any]) -> str | None:
    """The names a resource instance whose name is not known may have, or None (any)."""
    if kind not in NAME_OF:
        return None
    found = names_of(module, block, NAME_OF[kind], [bindings])
    return found[0] if found else None


def call(module: Folder, name: str, block: Block, unknown: Unknown) -> Unresolved:
    """A module call that cannot be read: anything, or where it is given a name, what is named after it."""
    construct = f'module "{name}"' if not module.address else f"{module.address}module.{name}"
    meta = block.body.attribute("count") or block.body.attribute("for_each")
    if meta is not None and "not installed" not in unknown.reason:
        construct += f" ({meta.name} over {meta.source.snippet(meta.expr)})"
    try:
        instances = module.call_instances(name)
    except TerraformError:  # a count or for_each Terraform refuses: said where the call is read, if ever
        instances = Unknown("its instances")
    bindings = [ANY_INSTANCE] if isinstance(instances, Unknown) else [i.bindings for i in instances]
    given = next(((a, found) for a in CALL_NAMES if (found := names_of(module, block, a, bindings))), None)
    if given is None:
        return Unresolved(construct, block.where, unknown.reason)
    argument, names = given
    shown = ", ".join(names)
    if source_of(block).removeprefix(REGISTRY) in TABLE_MODULES:
        return Unresolved(construct, block.where, f"{unknown.reason}; that module defines one table, named by its "
                          f"{argument} ({shown})", ("table",), names)
    # Any other module may name what it makes as it likes (a hard-coded table, a second one): it may define anything,
    # or a table it does not hold would be reported missing.
    return Unresolved(construct, block.where, unknown.reason)


def names_of(module: Folder, block: Block, argument: str, instances: Sequence[Mapping[str, Any]]
             ) -> tuple[str, ...] | None:
    """The patterns of the names `argument` gives over `instances`, or None where one may be any name."""
    attribute = block.body.attribute(argument)
    if attribute is None:
        return None
    found = set()
    for bindings in instances:
        try:
            one = pattern(attribute.expr, module.scope(attribute.source, **bindings))
        except (TerraformError, RecursionError):
            return None
        if one is None:
            return None
        found.add(one)
    return tuple(sorted(found))


def pattern(node: Node, scope: Scope) -> str | None:
    """The strings an expression may be, as an fnmatch pattern: its value where known, else a string template with
    `*` for each part not known ("audit-${each.key}-${var.env}" -> "audit-*-sit"); None where it may be any string.
    Only a template's own unknown parts become `*`: whatever they are, the template turns them into text."""
    value = evaluate_plain(node, scope)
    if isinstance(value, str):
        return only(value)
    if hidden(value) is None:
        return None  # not a string at all: Terraform refuses it where a name is wanted
    while isinstance(node, Tree) and node.data == "expr_term" and len(trees(node)) == 1 and not tokens(node):
        node = trees(node)[0]
    if not isinstance(node, Tree) or node.data != "string":
        return None
    where, chunks = scope.source.where(node), []
    for part in (c.children[0] for c in node.children if isinstance(c, Tree)):
        if isinstance(part, Token):
            chunks.append(only(string_chars(part, where)))
            continue
        known = evaluate_plain(trees(part)[0], scope) if part.data == "interpolation" else Unknown("a directive")
        scalar = isinstance(known, str | bool | int | float) and hidden(known) is None
        chunks.append(only(to_string(known, where)) if scalar else "*")
    found = re.sub(r"\*+", "*", "".join(chunks))
    return None if found == "*" else found
