"""Resolves the names of one module instance: variables, locals, resources and their instances, data, modules.

The root module and every module it calls (and they call, however deep) are each a `Folder`: the names its
files declare, the values its variables get (from variable files for the root, from the call's arguments
for a child), and the provider configurations it uses. Each name is evaluated on first use and kept; a value
that depends on itself is an error, as in Terraform, across modules too. A resource's attribute written in
its body is that value; one that is not (arn, id, stream_arn...) is a `Reference` to it, by its full address
(`module.tables["orders"].aws_dynamodb_table.this[0]`). A data source is `Unknown`: only Terraform reads it;
so are the outputs of a module that cannot be read here.
The instances a resource or module call makes (`count`, `for_each`) are expanded by `hcl_instances`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from .hcl_blocks import resource_values
from .hcl_eval import evaluate, evaluate_plain
from .hcl_files import Declarations
from .hcl_instances import Instance, expand
from .hcl_modules import Installed, locate
from .hcl_providers import (
    ProviderConfig,
    configuration,
    passed,
    provider_of,
)
from .hcl_scope import HINT, EvalError, Namespace, Scope, hidden
from .hcl_syntax import Attribute, Block, Source, shown_path
from .hcl_types import convert
from .records import Reference, TerraformError, Unknown

VAR_HINT = "give its value with --tf-var-file FILE"
CALL_META = frozenset({"source", "version", "count", "for_each", "providers", "depends_on"})


class Input(Protocol):
    """A value given to a module's variable: from a variable file (the root) or a module call's argument."""

    @property
    def where(self) -> str: ...

    @property
    def value(self) -> Any: ...


@dataclass(frozen=True)
class Argument:
    """A module call's argument, evaluated in the calling module (with the call instance's count or each)."""

    attribute: Attribute
    scope: Scope

    @property
    def where(self) -> str:
        return self.attribute.where

    @property
    def value(self) -> Any:
        return evaluate_plain(self.attribute.expr, self.scope.at(self.attribute.source))


@dataclass
class Tree:
    """What every module instance of one root shares: the values computed so far, and how to load a folder."""

    installed: Installed
    load: Callable[[Path], Declarations]
    done: dict[str, Any] = field(default_factory=dict)
    busy: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Child:
    """One instance of a module call that could be read: the call's instance, and the child module."""

    instance: Instance
    folder: Folder


class Folder:
    """The names of one module instance, resolved on demand."""

    def __init__(self, tree: Tree, path: Path, declarations: Declarations, inputs: Mapping[str, Input],
                 providers: Mapping[str, ProviderConfig] | None = None, address: str = "", key: str = "",
                 calls: tuple[str, ...] = ()) -> None:
        self.tree = tree
        self.path = path
        self.declarations = declarations
        self.inputs = inputs
        self.address = address  # "" for the root, 'module.tables["orders"].' for a child
        self.key = key  # the call names from the root, as modules.json keys them: "tables", "tables.index"
        self.calls = calls  # where each call on the way here is: ("main.tf:12", ...)
        own = {k: self._provider(k, b) for k, b in declarations.providers.items()}
        self.providers: dict[str, ProviderConfig] = {**(providers or {}), **own}

    def _provider(self, key: str, block: Block) -> ProviderConfig:
        made: ProviderConfig = self._once(f"provider.{key}", block.where,
                                          lambda: configuration(key, block, self.scope(block.body.source)))
        return made

    def scope(self, source: Source, **names: Any) -> Scope:
        return Scope(source, self.root, names)

    def _once(self, key: str, where: str, compute: Callable[[], Any]) -> Any:
        key = f"{self.address}{key}"
        done, busy = self.tree.done, self.tree.busy
        if key in done:
            return done[key]
        if key in busy:
            chain = " -> ".join([*busy[busy.index(key) :], key])
            raise EvalError(f"{where}: {key} depends on itself ({chain}): break the cycle")
        busy.append(key)
        try:
            done[key] = compute()
        finally:
            busy.pop()
        return done[key]

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
            return {"module": shown_path(self.path), "root": shown_path(self.tree.installed.root), "cwd": "."}
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

    # Variables, locals, data ---------------------------------------------------------------------------------

    def variable(self, name: str, where: str) -> Any:
        block = self.declarations.variables.get(name)
        if block is None:
            raise EvalError(f'{where}: var.{name} is not declared: add `variable "{name}" {{}}` to the folder')
        return self._once(f"var.{name}", where, lambda: self._variable_value(name, block))

    def _variable_value(self, name: str, block: Block) -> Any:
        type_attribute = block.body.attribute("type")
        type_node = type_attribute.expr if type_attribute is not None else None
        given = self.inputs.get(name)
        if given is not None:
            value = given.value
            if value is not None or _nullable(block):
                value = convert(value, type_node, f"{given.where}: the value of var.{name} (declared at {block.where})")
                return self._validated(name, block, value, given.where)
        default = block.body.attribute("default")
        if default is None:
            if self.address:
                return Unknown(f"var.{name} ({block.where}) has no value in the call at {self.calls[-1]}: {HINT}")
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

    # Modules -------------------------------------------------------------------------------------------------

    def module(self, name: str, where: str) -> Any:
        """A module call as a value: its outputs (one instance), a list of them (count), a map (for_each)."""
        block = self.declarations.modules.get(name)
        if block is None:
            raise EvalError(f'{where}: module.{name} is not declared: add `module "{name}" {{ source = ... }}`')
        found = self.children(name)
        if isinstance(found, Unknown):
            return Unknown(f"the outputs of module.{name}, used at {where}: {found}")
        made = [Namespace(child.instance.address, child.folder.output) for child in found]
        if block.body.attribute("count") is not None:
            return made
        if block.body.attribute("for_each") is not None:
            return {str(c.instance.bindings["each"]["key"]): n for c, n in zip(found, made, strict=True)}
        return made[0]

    def children(self, name: str) -> list[Child] | Unknown:
        """The instances of a module call, each read, or why they cannot be."""
        block = self.declarations.modules[name]
        return self._once(f"module.{name} (instances)", block.where, lambda: self._children(name, block))

    def call_instances(self, name: str) -> list[Instance] | Unknown:
        """The instances of a module call (one, `count` of them, one per `for_each` key), read or not."""
        block = self.declarations.modules[name]
        return self._once(f"module.{name} (keys)", block.where,
                          lambda: expand(f"{self.address}module.{name}", block, self.scope))

    def _children(self, name: str, block: Block) -> list[Child] | Unknown:
        key = f"{self.key}.{name}" if self.key else name
        folder = locate(block, key, self.path, self.tree.installed)
        if isinstance(folder, Unknown):
            return folder
        found = expand(f"{self.address}module.{name}", block, self.scope)
        if isinstance(found, Unknown):
            return found
        declarations = self.tree.load(folder)
        _check_arguments(block, declarations)
        providers = passed(block, self.providers, {})
        children = []
        for instance in found:
            scope = self.scope(block.body.source, **instance.bindings)
            inputs = {a.name: Argument(a, scope) for a in block.body.attributes if a.name not in CALL_META}
            child = Folder(self.tree, folder, declarations, inputs, providers, address=f"{instance.address}.",
                           key=key, calls=(*self.calls, block.where))
            children.append(Child(instance, child))
        return children

    def output(self, name: str, where: str) -> Any:
        block = self.declarations.outputs.get(name)
        if block is None:
            known = ", ".join(sorted(self.declarations.outputs)) or "none"
            raise EvalError(f"{where}: the module at {shown_path(self.path)} has no output {name!r} (it has {known})")
        value = block.body.attribute("value")
        if value is None:
            raise EvalError(f"{block.where}: output {name!r} has no value: add value = ...")
        return self._once(f"output.{name}", where, lambda: evaluate(value.expr, self.scope(value.source)))

    # Resources -----------------------------------------------------------------------------------------------

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
        return self._once(instance.address, where, lambda: resource_values(kind, body, scope, self.provider(body)))

    def provider(self, body: Any) -> ProviderConfig:
        """The provider configuration a resource body uses."""
        return provider_of(body.attribute("provider"), self.providers, body.source.shown)

    def instances(self, kind: str, name: str) -> list[Instance] | Unknown:
        """The instances of a resource (one, `count` of them, one per `for_each` key), or why they are not known."""
        block = self.declarations.resources[(kind, name)]
        return self._once(f"{kind}.{name} (instances)", block.where,
                          lambda: expand(f"{self.address}{kind}.{name}", block, self.scope))


def _nullable(block: Block) -> bool:
    """Whether null given to the variable stays null (Terraform's default) rather than taking the default."""
    attribute = block.body.attribute("nullable")
    return attribute is None or attribute.source.snippet(attribute.expr) != "false"


def _check_arguments(call: Block, child: Declarations) -> None:
    """Terraform refuses an argument the module declares no variable for, and a required variable not given."""
    for attribute in call.body.attributes:
        if attribute.name not in CALL_META and attribute.name not in child.variables:
            known = ", ".join(sorted(child.variables)) or "none"
            raise TerraformError(f'{attribute.where}: module "{call.labels[0]}" has no variable {attribute.name!r} '
                                 f"(its variables: {known}): remove the argument or fix its name")
    for name, block in child.variables.items():
        if call.body.attribute(name) is None and block.body.attribute("default") is None:
            raise TerraformError(f'{call.where}: module "{call.labels[0]}" needs a value for {name!r} (declared at '
                                 f"{block.where} with no default): add {name} = ... to the call")


__all__ = ["Argument", "Child", "Folder", "Input", "TerraformError", "Tree"]
