"""Resolves the names of one Terraform folder: variables, locals, resources and their instances, data, modules.

Each is evaluated on first use and kept; a value that depends on itself is an error, as in Terraform.
A resource's attribute written in its body is that value; one that is not (arn, id, stream_arn...) is
a `Reference` to it. A data source or a module output is `Unknown`: only Terraform reads them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from provision.observed.terraform.hcl_blocks import resource_values
from provision.observed.terraform.hcl_eval import HINT, EvalError, Namespace, Scope, evaluate, evaluate_plain, hidden
from provision.observed.terraform.hcl_syntax import Attribute, Block, Source
from provision.observed.terraform.hcl_types import convert
from provision.observed.terraform.hcl_vars import Given
from provision.observed.terraform.records import Reference, Unknown

VAR_HINT = "give its value with --tf-var-file FILE"


@dataclass(frozen=True)
class Declarations:
    """What a folder's .tf files declare, by name."""

    variables: Mapping[str, Block]
    locals: Mapping[str, Attribute]
    resources: Mapping[tuple[str, str], Block]
    data: Mapping[tuple[str, str], Block]
    modules: Mapping[str, Block]


@dataclass(frozen=True)
class Instance:
    """One instance of a resource: its address and its `count.index` or `each` bindings."""

    address: str
    bindings: Mapping[str, Any]


class Folder:
    """The names of one folder, resolved on demand."""

    def __init__(self, declarations: Declarations, given: Mapping[str, Given]) -> None:
        self.declarations = declarations
        self.given = given
        self._done: dict[str, Any] = {}
        self._busy: list[str] = []

    def scope(self, source: Source, **names: Any) -> Scope:
        return Scope(source, self.root, names)

    def _once(self, key: str, where: str, compute: Callable[[], Any]) -> Any:
        if key in self._done:
            return self._done[key]
        if key in self._busy:
            chain = " -> ".join([*self._busy[self._busy.index(key) :], key])
            raise EvalError(f"{where}: {key} depends on itself ({chain}): break the cycle")
        self._busy.append(key)
        try:
            self._done[key] = compute()
        finally:
            self._busy.pop()
        return self._done[key]

    def root(self, name: str, where: str) -> Any:
        kinds = {kind for kind, _ in self.declarations.resources}
        namespaces: dict[str, Callable[[str, str], Any]] = {
            "var": self.variable,
            "local": self.local,
            "data": lambda kind, w: Namespace(f"data.{kind}", lambda n, w2: self.data(kind, n, w2)),
            "module": self.module,
        }
        if name in namespaces:
            return Namespace(name, namespaces[name])
        if name in kinds:
            return Namespace(name, lambda n, w: self.resource(name, n, w))
        if name == "path":
            return {"module": ".", "root": ".", "cwd": "."}
        if name == "terraform":
            return {"workspace": Unknown(f"terraform.workspace at {where} is chosen when Terraform runs: {HINT}")}
        if name in ("count", "each"):
            raise EvalError(
                f"{where}: {name} is only known in a resource with {'count' if name == 'count' else 'for_each'}"
            )
        if name == "self":
            return Unknown(f"self at {where} is known to Terraform only: {HINT}")
        raise EvalError(
            f"{where}: {name!r} is not declared here (no variable, local, resource type or data source of that name): "
            "check the spelling, or declare it in this folder"
        )

    def variable(self, name: str, where: str) -> Any:
        block = self.declarations.variables.get(name)
        if block is None:
            raise EvalError(f'{where}: var.{name} is not declared: add `variable "{name}" {{}}` to the folder')
        return self._once(f"var.{name}", where, lambda: self._variable_value(name, block))

    def _variable_value(self, name: str, block: Block) -> Any:
        type_attribute = block.body.attribute("type")
        type_node = type_attribute.expr if type_attribute is not None else None
        if name in self.given:
            given = self.given[name]
            value = convert(
                given.value, type_node, f"{given.where}: the value of var.{name} (declared at {block.where})"
            )
            return self._validated(name, block, value, given.where)
        default = block.body.attribute("default")
        if default is None:
            return Unknown(f"var.{name} ({block.where}) has no default and no value is given: {VAR_HINT}")
        value = evaluate(default.expr, Scope(default.source, self._no_reference))
        value = convert(value, type_node, f"{default.where}: the default of var.{name}")
        return self._validated(name, block, value, block.where)

    def validate(self) -> None:
        """Every variable with a `validation` block checked now, used or not, as `terraform plan` does."""
        for name, block in self.declarations.variables.items():
            if any(b.type == "validation" for b in block.body.blocks):
                self.variable(name, block.where)

    def _validated(self, name: str, block: Block, value: Any, where: str) -> Any:
        """`value`, unless a `validation` rule of the variable refuses it: then the error Terraform gives, at
        `where` the value is written. A rule whose condition is not known here judges nothing."""
        if hidden(value) is not None:
            return value

        def root(root_name: str, at: str) -> Any:
            if root_name != "var":
                return self.root(root_name, at)
            return Namespace("var", lambda n, w: value if n == name else self.variable(n, w))

        for rule in (b for b in block.body.blocks if b.type == "validation"):
            condition = rule.body.attribute("condition")
            if condition is None:
                raise EvalError(f"{rule.where}: a validation block needs a condition: add `condition = ...`")
            holds = evaluate_plain(condition.expr, Scope(condition.source, root))
            if hidden(holds) is not None:
                continue
            if not isinstance(holds, bool):
                raise EvalError(f"{condition.where}: a validation condition must be true or false, not {holds!r}")
            if not holds:
                raise EvalError(f"{where}: invalid value for var.{name} ({json.dumps(value, default=str)}): "
                                f"{self._error_message(rule, root)} (checked by the validation rule at "
                                f"{rule.where}, as terraform plan does); give a value it accepts")
        return value

    def _error_message(self, rule: Block, root: Callable[[str, str], Any]) -> str:
        message = rule.body.attribute("error_message")
        if message is None:
            return "its validation condition is false"
        text = evaluate_plain(message.expr, Scope(message.source, root))
        return text if isinstance(text, str) else message.source.snippet(message.expr, 200)

    def _no_reference(self, name: str, where: str) -> Any:
        raise EvalError(f"{where}: a variable's default cannot refer to {name}: write a value, or use a local")

    def local(self, name: str, where: str) -> Any:
        attribute = self.declarations.locals.get(name)
        if attribute is None:
            raise EvalError(f"{where}: local.{name} is not declared: add it to a `locals {{ }}` block")
        return self._once(f"local.{name}", where, lambda: evaluate(attribute.expr, self.scope(attribute.source)))

    def data(self, kind: str, name: str, where: str) -> Any:
        block = self.declarations.data.get((kind, name))
        if block is None:
            raise EvalError(f'{where}: data.{kind}.{name} is not declared: add `data "{kind}" "{name}" {{ ... }}`')
        return Unknown(
            f"data.{kind}.{name} (declared at {block.where}), used at {where}, is read by Terraform only: {HINT}"
        )

    def module(self, name: str, where: str) -> Any:
        if name not in self.declarations.modules:
            raise EvalError(f'{where}: module.{name} is not declared: add `module "{name}" {{ source = ... }}`')
        return Unknown(f"the outputs of module.{name}, used at {where}, are known to Terraform only: {HINT}")

    def resource(self, kind: str, name: str, where: str) -> Any:
        """A resource as a value: one instance, a list of them (count), a map (for_each), or Unknown."""
        if (kind, name) not in self.declarations.resources:
            raise EvalError(f'{where}: {kind}.{name} is not declared: add `resource "{kind}" "{name}" {{ ... }}`')
        block = self.declarations.resources[(kind, name)]
        found = self.instances(kind, name)
        if isinstance(found, Unknown):
            return found
        made = [self._namespace(kind, name, i) for i in found]
        if block.body.attribute("count") is not None:
            return made
        if block.body.attribute("for_each") is not None:
            return {str(i.bindings["each"]["key"]): n for i, n in zip(found, made, strict=True)}
        return made[0]

    def _namespace(self, kind: str, name: str, instance: Instance) -> Namespace:
        def attribute(attribute: str, where: str) -> Any:
            values = self.values(kind, name, instance, where)
            return values[attribute] if attribute in values else Reference(instance.address, attribute)

        return Namespace(instance.address, attribute)

    def values(self, kind: str, name: str, instance: Instance, where: str) -> dict[str, Any]:
        """The plan-shaped values of one resource instance."""
        body = self.declarations.resources[(kind, name)].body
        scope = self.scope(body.source, **instance.bindings)
        return self._once(instance.address, where, lambda: resource_values(kind, body, scope))

    def instances(self, kind: str, name: str) -> list[Instance] | Unknown:
        """The instances of a resource (one, `count` of them, one per `for_each` key), or why they are not known."""
        block = self.declarations.resources[(kind, name)]
        return self._once(f"{kind}.{name} (instances)", block.where, lambda: self._instances(kind, name, block))

    def _instances(self, kind: str, name: str, block: Block) -> list[Instance] | Unknown:
        count, for_each = block.body.attribute("count"), block.body.attribute("for_each")
        address = f"{kind}.{name}"
        if count is not None and for_each is not None:
            raise EvalError(f"{block.where}: {address} has both count and for_each: keep one")
        if count is None and for_each is None:
            return [Instance(address, {})]
        meta = count or for_each
        assert meta is not None
        value = evaluate(meta.expr, self.scope(meta.source))
        if (unknown := hidden(value)) is not None:
            return unknown
        if isinstance(value, list) and (unknown := next((u for v in value if (u := hidden(v))), None)) is not None:
            return unknown  # the keys of for_each are not known
        if count is not None:
            return [Instance(f"{address}[{i}]", {"count": {"index": i}}) for i in range(_count(value, count.where))]
        return [
            Instance(f"{address}[{json.dumps(k)}]", {"each": {"key": k, "value": v}}) for k, v in _each(value, meta)
        ]


def _count(value: Any, where: str) -> int:
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise EvalError(f"{where}: count must be a whole number of 0 or more, not {value!r}")
    return value


def _each(value: Any, attribute: Attribute) -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return [(k, value[k]) for k in sorted(value)]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [(v, v) for v in sorted(set(value))]  # a set of strings: each.key is each.value
    raise EvalError(
        f"{attribute.where}: for_each must be a map or a set of strings, not {value!r}: use toset([...]) or a map"
    )
