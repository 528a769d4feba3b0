"""Merges an override file's block into the block it overrides, as Terraform merges override files.

https://developer.hashicorp.com/terraform/language/files/override, and Terraform's own `configs` package: an
argument of the override replaces the primary's; a nested block type the override writes (as a block or as a
`dynamic` one) replaces every primary block of that type, except a resource's `lifecycle`, merged argument by
argument (`ignore_changes = all` stays); a variable's or an output's nested blocks stay the primary's; a
`depends_on` cannot be overridden. The merged block keeps the primary's place; each argument keeps its own file.
"""

from __future__ import annotations

from .hcl_syntax import Attribute, Block, Body
from .records import TerraformError

__all__ = ["merge_block", "merge_body"]

_KEEP_BLOCKS = frozenset({"variable", "output"})  # Terraform merges their arguments only
_NO_DEPENDS_ON = frozenset({"resource", "data", "module", "output"})


def merge_block(base: Block, override: Block) -> Block:
    """`base` with `override` merged into it."""
    depends = override.body.attribute("depends_on")
    if base.type in _NO_DEPENDS_ON and depends is not None and "".join(
            depends.source.snippet(depends.expr).split()) != "[]":  # an empty list changes nothing: Terraform allows it
        raise TerraformError(f"{depends.where}: depends_on cannot be set in an override file (Terraform refuses it: "
                             "Unsupported override): set it in the primary block at "
                             f"{base.where}")
    if base.type in _KEEP_BLOCKS:
        blocks = base.body.blocks
    elif base.type in ("resource", "data"):
        blocks = _lifecycle_merged(base.body, override.body)
    else:
        blocks = merge_body(base.body, override.body).blocks
    attributes = _attributes(base.body.attributes, override.body.attributes)
    return Block(base.type, base.labels, Body(base.body.source, attributes, blocks), base.where)


def merge_body(base: Body, override: Body) -> Body:
    """Terraform's MergeBodies: the override's arguments win; its block types hide every base block of that type."""
    replaced = {b.labels[0] if b.type == "dynamic" and b.labels else b.type for b in override.blocks}
    kept = tuple(b for b in base.blocks
                 if (b.labels[0] if b.type == "dynamic" and b.labels else b.type) not in replaced)
    return Body(base.source, _attributes(base.attributes, override.attributes), kept + override.blocks)


def _attributes(base: tuple[Attribute, ...], override: tuple[Attribute, ...]) -> tuple[Attribute, ...]:
    given = {a.name: a for a in override}
    merged = [given.get(a.name, a) for a in base]
    return (*merged, *(a for a in override if a.name not in {b.name for b in base}))


def _lifecycle_merged(base: Body, override: Body) -> tuple[Block, ...]:
    """A resource's nested blocks merged; its `lifecycle` argument by argument, as Terraform merges it."""
    others = merge_body(Body(base.source, (), tuple(b for b in base.blocks if b.type != "lifecycle")),
                        Body(override.source, (), tuple(b for b in override.blocks if b.type != "lifecycle"))).blocks
    lifecycles = [b for b in base.blocks if b.type == "lifecycle"]
    for block in (b for b in override.blocks if b.type == "lifecycle"):
        if not lifecycles:
            lifecycles = [block]
            continue
        first = lifecycles[0]
        attributes = _attributes(first.body.attributes, block.body.attributes)
        kept = first.body.attribute("ignore_changes")
        if kept is not None and _ignores_all(first.body) and not _ignores_all(block.body):  # `all` stays
            attributes = tuple(kept if a.name == "ignore_changes" else a for a in attributes)
        lifecycles = [Block(first.type, first.labels, Body(first.body.source, attributes, first.body.blocks),
                            first.where), *lifecycles[1:]]
    return (*lifecycles, *others)


def _ignores_all(body: Body) -> bool:
    attribute = body.attribute("ignore_changes")
    return attribute is not None and attribute.source.snippet(attribute.expr).strip() == "all"
