"""The AWS provider configurations of a module, and which one each resource uses, as Terraform decides.

A root module's `provider "aws"` blocks are its configurations (the default one, and one per `alias`). A child
module gets its parent's default configuration unless the call's `providers = { aws = aws.west }` passes others;
a provider block inside a child module (the legacy way) is that module's own. A resource uses the default
configuration unless its `provider = aws.ALIAS` names another. What the reader needs of a configuration: its
`region` (a table's ARN is in it) and its `default_tags` (merged into every resource's `tags_all`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lark import Tree

from .hcl_eval import evaluate_plain
from .hcl_scope import EvalError, Scope, hidden, trees
from .hcl_syntax import Attribute, Block, name_text
from .records import TerraformError, Unknown

DEFAULT = "aws"


@dataclass(frozen=True)
class ProviderConfig:
    """One configuration of the AWS provider, as far as it is known here."""

    key: str  # "aws" or "aws.ALIAS", as the module that declares it names it
    region: str | Unknown | None  # None: not set (the environment's region, from the credentials' profile)
    default_tags: Mapping[str, Any] | Unknown  # tag values may be Unknown one by one
    where: str


IMPLICIT = ProviderConfig(DEFAULT, None, {}, "")  # no provider block: Terraform configures one with no arguments


def configuration(key: str, block: Block, scope: Scope) -> ProviderConfig:
    """A provider block's region and default tags."""
    region_attribute = block.body.attribute("region")
    region: str | Unknown | None = None
    if region_attribute is not None:
        value = evaluate_plain(region_attribute.expr, scope.at(region_attribute.source))
        if hidden(value) is None and value is not None and not isinstance(value, str):
            raise TerraformError(f"{region_attribute.where}: region should be a string such as \"eu-west-1\"")
        region = hidden(value) or value
    return ProviderConfig(key, region, _default_tags(block, scope), block.where)


def _default_tags(block: Block, scope: Scope) -> Mapping[str, Any] | Unknown:
    found: dict[str, Any] = {}
    for nested in block.body.blocks:
        if nested.type == "dynamic" and nested.labels == ("default_tags",):
            return Unknown(f"the dynamic default_tags of the provider at {nested.where} are not read here: "
                           "check a plan instead (--against plan:FILE)")
        if nested.type != "default_tags":
            continue
        tags = nested.body.attribute("tags")
        if tags is None:
            continue
        value = evaluate_plain(tags.expr, scope.at(tags.source))
        if (unknown := hidden(value)) is not None:
            return unknown
        if not isinstance(value, dict):
            raise TerraformError(f'{tags.where}: default_tags.tags must be a map: write tags = {{ Key = "value" }}')
        found.update(value)
    return found


def provider_of(body_provider: Attribute | None, providers: Mapping[str, ProviderConfig], where: str) -> ProviderConfig:
    """The configuration a resource uses: the one its `provider` argument names, else the default one."""
    if body_provider is None:
        return providers.get(DEFAULT, IMPLICIT)
    key = reference_text(body_provider)
    if key not in providers:
        if key == DEFAULT:
            return IMPLICIT
        known = ", ".join(sorted(providers)) or "none"
        raise EvalError(f"{body_provider.where}: provider {key} is not configured in this module (it has {known}): "
                        f'declare provider "aws" {{ alias = "{key.partition(".")[2]}" }} or pass it in `providers`')
    return providers[key]


def reference_text(attribute: Attribute) -> str:
    """`aws.west` as written (a provider reference is a bare traversal, not a value)."""
    text = name_text(attribute.expr).strip()
    if not text.replace(".", "").replace("_", "").replace("-", "").isalnum():
        raise TerraformError(f"{attribute.where}: a provider is named as aws or aws.ALIAS, not `{text}`")
    return text


def passed(call: Block, parent: Mapping[str, ProviderConfig], own: Mapping[str, ProviderConfig]
           ) -> dict[str, ProviderConfig]:
    """The configurations a child module gets: its parent's default one, or those its call passes; a provider block
    in the child itself comes last and wins, as in Terraform."""
    providers: dict[str, ProviderConfig] = {}
    if DEFAULT in parent:
        providers[DEFAULT] = parent[DEFAULT]
    mapping = call.body.attribute("providers")
    if mapping is not None:
        for child_key, parent_key in _pairs(mapping):
            if parent_key not in parent and parent_key != DEFAULT:
                raise EvalError(f"{mapping.where}: providers passes {parent_key}, which the calling module does not "
                                f"configure (it has {', '.join(sorted(parent)) or 'none'})")
            providers[child_key] = parent.get(parent_key, IMPLICIT)
    providers.update(own)
    return providers


def _pairs(mapping: Attribute) -> list[tuple[str, str]]:
    """The `child = parent` pairs of a `providers = { ... }` map, as the names written."""
    node = mapping.expr
    while isinstance(node, Tree) and node.data == "expr_term" and len(trees(node)) == 1:
        node = trees(node)[0]
    if not isinstance(node, Tree) or node.data != "object":
        raise TerraformError(f"{mapping.where}: providers is a map: write providers = {{ aws = aws.west }}")
    return [(name_text(trees(element)[0]).strip().strip('"'), name_text(element.children[-1]).strip())
            for element in trees(node)]
