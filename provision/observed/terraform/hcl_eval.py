"""Evaluates one HCL expression (a python-hcl2 lark tree) to a plain value, without Terraform.

Literals, templates, collections, references, indexing, splats, `for` expressions, operators,
conditionals and a set of pure functions are evaluated over what is known. What cannot be known here
is an `Unknown` at the place of the value, naming the construct and FILE:LINE; another resource's
attribute that only exists after apply is a `Reference`. What Terraform itself would reject (a
missing key, a wrong type) is an `EvalError` with FILE:LINE.

Here is one handler per grammar rule, dispatched from `evaluate` through `_HANDLERS`; a handler evaluates the
parts of its node and leaves the work on their values to `hcl_operations` (conversions, traversals, operators),
which evaluates nothing. The scope an expression is evaluated in, and `EvalError`, are in `hcl_scope`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from lark import Token, Tree

from ..state import only
from . import hcl_functions
from .hcl_operations import (
    apply_operator,
    for_object,
    get_attribute,
    index,
    items,
    normal,
    string_chars,
    to_bool,
    to_number,
    to_string,
)
from .hcl_scope import HINT, EvalError, Scope, hidden, plain, tokens, trees
from .hcl_syntax import Node, name_text
from .records import Unknown


def evaluate(node: Node, scope: Scope) -> Any:
    """The value of an expression node."""
    if isinstance(node, Token):
        raise EvalError(f"{scope.source.where(node)}: unexpected {str(node)!r}: write an expression")
    handler = _HANDLERS.get(node.data)
    if handler is None:
        return Unknown(f"`{scope.source.snippet(node)}` at {scope.source.where(node)} is not evaluated here: {HINT}")
    return handler(node, scope)


def evaluate_plain(node: Node, scope: Scope) -> Any:
    """The value of an argument, with what is not a plain value (a whole resource, a namespace) as Unknown."""
    where = scope.source.where(node)
    try:
        return plain(evaluate(node, scope), where)
    except RecursionError:
        raise EvalError(f"{where}: the expression nests too deeply to be read here: simplify it") from None


# -- terms -------------------------------------------------------------------------------------------------------


def _expr_term(node: Tree[Token], scope: Scope) -> Any:
    return evaluate(trees(node)[0], scope)


def _int(node: Tree[Token], scope: Scope) -> Any:
    return int(str(node.children[0]))


def _float(node: Tree[Token], scope: Scope) -> Any:
    return normal(float(str(node.children[0])))


def _literal(node: Tree[Token], scope: Scope) -> Any:
    return {"true": True, "false": False, "null": None}[name_text(node)]


def _identifier(node: Tree[Token], scope: Scope) -> Any:
    return scope.lookup(name_text(node), scope.source.where(node))


def _tuple(node: Tree[Token], scope: Scope) -> Any:
    return [evaluate(c, scope) for c in trees(node)]


def _object(node: Tree[Token], scope: Scope) -> Any:
    result: dict[str, Any] = {}
    for element in trees(node):
        key_node, value_node = trees(element)[0], element.children[-1]
        key = _object_key(key_node, scope)
        if (unknown := hidden(key)) is not None:
            return Unknown(f"a key of the object at {scope.source.where(node)} is not known: {unknown}")
        if key in result:
            raise EvalError(f"{scope.source.where(element)}: key {key!r} is set twice in the object: keep one")
        result[key] = evaluate(value_node, scope)
    return result


def _object_key(node: Tree[Token], scope: Scope) -> Any:
    inner = node.children[0]
    if isinstance(inner, Tree) and inner.data == "keyword":
        return name_text(inner)
    if isinstance(inner, Tree) and inner.data == "expr_term":
        term = trees(inner)[0]
        if term.data == "identifier" and not tokens(inner):  # `name = ...`: the key is the word itself
            return name_text(term)
    key = evaluate(inner, scope)
    if hidden(key) is None:
        return to_string(key, scope.source.where(node))
    return key


# -- strings -----------------------------------------------------------------------------------------------------


def _string(node: Tree[Token], scope: Scope) -> Any:
    parts = [c.children[0] for c in node.children if isinstance(c, Tree)]
    where = scope.source.where(node)
    if len(parts) == 1 and isinstance(parts[0], Tree) and parts[0].data == "interpolation":
        return evaluate(trees(parts[0])[0], scope)  # "${x}" is x itself, of any type
    chunks: list[str] = []
    patterns: list[str] = []  # what the string may be, where a part of it is not known (an fnmatch pattern)
    unknown: Unknown | None = None
    for part in parts:
        if isinstance(part, Token):
            chunks.append(string_chars(part, where))
            patterns.append(only(chunks[-1]))
        elif part.data == "interpolation":
            value = evaluate(trees(part)[0], scope)
            if (not_known := hidden(value)) is not None:
                unknown = unknown or not_known
                patterns.append(not_known.pattern or "*")
                continue
            chunks.append(to_string(value, where))
            patterns.append(only(chunks[-1]))
        else:
            return Unknown(
                f"the template directive in `{scope.source.snippet(node)}` at {where} is not evaluated: {HINT}"
            )
    if unknown is not None:  # one unknown part: the string is unknown, but not anything at all
        return Unknown(unknown.reason, "".join(patterns))
    return "".join(chunks)


def _heredoc(node: Tree[Token], scope: Scope) -> Any:
    text = str(node.children[0])
    lines = text.split("\n")[1:-2]  # drop `<<EOT`, the closing marker and the newline after it
    if node.data == "heredoc_template_trim":
        indents = [len(x) - len(x.lstrip()) for x in lines if x.strip()]
        cut = min(indents, default=0)
        lines = [x[cut:] for x in lines]
    body = "".join(x + "\n" for x in lines)
    if re.search(r"(?<!\$)\$\{|(?<!%)%\{", body):
        return Unknown(f"the heredoc template at {scope.source.where(node)} is not evaluated here: {HINT}")
    return body.replace("$${", "${").replace("%%{", "%{")


# -- traversals --------------------------------------------------------------------------------------------------


def _step(value: Any, step: Tree[Token], scope: Scope) -> Any:
    where = scope.source.where(step)
    if step.data == "get_attr":
        return get_attribute(value, name_text(trees(step)[0]), where)
    if step.data == "short_index":
        return index(value, int(str(step.children[-1])), where)
    return index(value, evaluate(trees(step)[0], scope), where)


def _get_attr_term(node: Tree[Token], scope: Scope) -> Any:
    target, step = trees(node)
    return _step(evaluate(target, scope), step, scope)


def _splat(node: Tree[Token], scope: Scope) -> Any:
    target, splat = trees(node)
    value = evaluate(target, scope)
    if (unknown := hidden(value)) is not None:
        return unknown
    items = [] if value is None else value if isinstance(value, list) else [value]
    results = []
    for item in items:
        for step in trees(splat):
            item = _step(item, step, scope)
        results.append(item)
    return results


# -- operators ---------------------------------------------------------------------------------------------------


def _conditional(node: Tree[Token], scope: Scope) -> Any:
    condition, yes, no = trees(node)
    value = evaluate(condition, scope)
    if (unknown := hidden(value)) is not None:
        where = scope.source.where(node)
        return Unknown(f"the condition of `{scope.source.snippet(node)}` at {where} is not known: {unknown}")
    return evaluate(yes if to_bool(value, scope.source.where(condition)) else no, scope)


def _unary(node: Tree[Token], scope: Scope) -> Any:
    operator, operand = str(node.children[0]).strip(), evaluate(trees(node)[0], scope)
    if (unknown := hidden(operand)) is not None:
        return unknown
    where = scope.source.where(node)
    if operator == "!":
        return not to_bool(operand, where)
    return normal(-to_number(operand, where))


def _binary(node: Tree[Token], scope: Scope) -> Any:
    left_node, term = trees(node)[:2]
    operator = str(trees(term)[0].children[0]).strip()
    left = evaluate(left_node, scope)
    where = scope.source.where(node)
    if operator in ("&&", "||") and hidden(left) is None and to_bool(left, where) == (operator == "||"):
        return operator == "||"  # false && x, true || x: x is not needed
    right = evaluate(trees(term)[1], scope)
    for value in (left, right):
        if (unknown := hidden(value)) is not None:
            return unknown
    return apply_operator(operator, left, right, where)


# -- for expressions and functions -------------------------------------------------------------------------------


def _for(node: Tree[Token], scope: Scope) -> Any:
    intro, *rest = trees(node)
    names = [name_text(c) for c in trees(intro) if c.data == "identifier"]
    collection = evaluate(next(c for c in trees(intro) if c.data != "identifier"), scope)
    where = scope.source.where(node)
    if (unknown := hidden(collection)) is not None:
        return Unknown(f"the `for` expression at {where} iterates over an unknown value: {unknown}")
    condition = rest[-1] if rest[-1].data == "for_cond" else None
    grouping = any(str(t) == "..." for t in tokens(node))
    results: list[Any] = []
    for key, value in items(collection, where):
        inner = scope.child(**({names[0]: key, names[1]: value} if len(names) == 2 else {names[0]: value}))
        if condition is not None:
            keep = evaluate(trees(condition)[0], inner)
            if (unknown := hidden(keep)) is not None:
                return Unknown(f"the `if` of the `for` expression at {where} is not known: {unknown}")
            if not to_bool(keep, where):
                continue
        results.append(tuple(evaluate(e, inner) for e in rest if e.data != "for_cond"))
    if node.data == "for_tuple_expr":
        return [r[0] for r in results]
    return for_object(results, grouping, where)


def _function(node: Tree[Token], scope: Scope) -> Any:
    parts = trees(node)
    where = scope.source.where(node)
    name = "::".join(name_text(p) for p in parts if p.data == "identifier")
    arguments = next((p for p in parts if p.data == "arguments"), None)
    nodes = trees(arguments) if arguments is not None else []
    if name in ("try", "can"):
        return _try(name, nodes, scope, where)
    function = hcl_functions.FUNCTIONS.get(name)
    if function is None:
        return Unknown(f"function {name}() at {where} is not evaluated here: {HINT}")
    values = [evaluate(n, scope) for n in nodes]
    if arguments is not None and any(str(t) == "..." for t in tokens(arguments)) and values:
        if (unknown := hidden(values[-1])) is not None:
            return unknown
        values = values[:-1] + list(values[-1])
    try:
        return function(*values)
    except hcl_functions.UnknownArgument as error:
        return hidden(error.value) or Unknown(
            f"function {name}() at {where} is not evaluated here on these arguments: {HINT}"
        )
    except (hcl_functions.FunctionError, TypeError, ValueError, KeyError, IndexError) as error:
        raise EvalError(f"{where}: {name}() cannot take these arguments ({error}): fix the call") from None


def _try(name: str, nodes: list[Tree[Token]], scope: Scope, where: str) -> Any:
    for node in nodes:
        try:
            value = evaluate(node, scope)
        except EvalError:
            continue
        return True if name == "can" and hidden(value) is None else value
    if name == "can":
        return False
    raise EvalError(f"{where}: no argument of try() could be evaluated: give one that always can")


_HANDLERS: dict[str, Callable[[Tree[Token], Scope], Any]] = {
    "expr_term": _expr_term,
    "int_lit": _int,
    "float_lit": _float,
    "literal_value": _literal,
    "identifier": _identifier,
    "string": _string,
    "tuple": _tuple,
    "object": _object,
    "heredoc_template": _heredoc,
    "heredoc_template_trim": _heredoc,
    "get_attr_expr_term": _get_attr_term,
    "index_expr_term": _get_attr_term,
    "attr_splat_expr_term": _splat,
    "full_splat_expr_term": _splat,
    "conditional": _conditional,
    "unary_op": _unary,
    "binary_op": _binary,
    "for_tuple_expr": _for,
    "for_object_expr": _for,
    "function_call": _function,
}
