"""Terraform resources as an observed state: what a configuration or a plan says an environment will hold.

`observe` is the one place that knows the AWS provider's schemas: the tables here (`aws_dynamodb_table`: its
name, the resources that share one, where its settings are given), their keys and indexes in
`to_observed_indexes` (with the separate `aws_dynamodb_global_secondary_index`), their settings in
`to_observed_settings`, their replicas in `to_observed_replicas`, the backups in `to_observed_backups`, the
alarms in `to_observed_alarms`, all reading values through `values`.
It reads plan-shaped values (see `records`) and builds the same `ObservedState` a live backend gives,
so the same checks run on a plan before anything is applied. What Terraform does not know yet becomes
`Unverifiable` (one field) or `Unresolved` (a whole table or plan), never a guess; what no Terraform
would accept (an attribute of type "X", a key not declared) is a `TerraformError` saying what to write.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from ...desired.model import BillingMode, Environment
from ..origin import Origin, SourceKind
from ..state import (
    ObservedBackups,
    ObservedState,
    ObservedTable,
    Unresolved,
    input_unknown,
    only,
)
from .records import Configuration, Resource
from .to_observed_alarms import alarms_of
from .to_observed_backups import plans_of, vaults_of
from .to_observed_indexes import Attributes, add_index_resources, global_indexes_of, local_index_of
from .to_observed_replicas import replicas_of
from .to_observed_settings import (
    billing_mode_of,
    billing_of,
    enabled_of,
    encryption_of,
    stream_of,
    table_class_of,
    ttl_of,
)
from .values import (
    ALARM,
    GSI,
    TABLE,
    VAULT,
    Block,
    NotKnown,
    References,
    joined,
    known,
)

__all__ = ["observe"]


# Each argument or block of aws_dynamodb_table, as the setting of the observed table it gives (state.SETTINGS).
SETTING_OF = {"hash_key": "keys", "range_key": "keys", "attribute": "keys", "global_secondary_index": "gsis",
              "billing_mode": "billing", "read_capacity": "billing", "write_capacity": "billing",
              "stream_enabled": "stream", "stream_view_type": "stream", "server_side_encryption": "encryption",
              "point_in_time_recovery": "pitr", "ttl": "ttl", "deletion_protection_enabled": "deletion_protection",
              "table_class": "table_class", "tags": "tags", "replica": "replicas"}
TABLE_ADVICE = ("its tables cannot be checked from this plan: give it a value known before apply "
                "(a literal or a variable) or check the environment after apply")


def observe(config: Configuration, env: Environment) -> ObservedState:
    """What `config` will build in `env`: its tables (by physical name), vaults and plans, and what it hides."""
    source = config.source
    resources = {r.address: r for r in config.resources}
    tables, by_address, unresolved, notes = _tables(config.of_type(TABLE), source, env, References(resources, {}))
    index = References(resources, by_address)
    tables = add_index_resources(tables, config.of_type(GSI), index, source)
    vaults, hidden_vaults = vaults_of(config.of_type(VAULT), index, source)
    plans, hidden_plans = plans_of(config, index, source)
    alarms, hidden_alarms = alarms_of(config.of_type(ALARM), index, source)
    return ObservedState(Origin(SourceKind(source), where=config.origin), env.name, tables,
                         ObservedBackups(vaults, plans),
                         (*config.unresolved, *unresolved, *hidden_vaults, *hidden_plans, *hidden_alarms),
                         alarms=alarms, notes=(*config.notes, *notes))


# Tables --------------------------------------------------------------------------------------------------------


def _tables(resources: Iterable[Resource], source: str, env: Environment, refs: References
            ) -> tuple[dict[str, ObservedTable], dict[str, ObservedTable], list[Unresolved], list[str]]:
    """Every table by physical name and by address, those whose name or keys are not known, and what to say of
    resources that share a physical name. Terraform keys resources by address, so two of one name are two
    resources; only AWS refuses the second, at apply, where both are in one account and region."""
    tables: dict[str, ObservedTable] = {}
    firsts: dict[str, Resource] = {}
    by_address: dict[str, ObservedTable] = {}
    unresolved: list[Unresolved] = []
    notes: list[str] = []
    for resource in resources:
        table = _table(resource, source, env, refs)
        if isinstance(table, Unresolved):
            unresolved.append(table)
            continue
        by_address[resource.address] = table
        first = firsts.get(table.name)
        if first is None:
            tables[table.name], firsts[table.name] = table, resource
            continue
        here, there = _region(resource, env), _region(first, env)
        if isinstance(here, str) and isinstance(there, str) and here != there:
            notes.append(f"{_named(resource)} and {_named(first)} both define table {table.name!r}, in {here} and "
                         f"{there}: two tables; the one in {env.region} (the environment's region) is checked here")
            if here == env.region:
                tables[table.name], firsts[table.name] = table, resource
            continue
        conflict = (f"{_named(resource)} and {_named(first)} both define table {table.name!r} in one account and "
                    f"region{'' if here == there else ' (as far as is known here)'}: AWS creates one and refuses the "
                    "other at apply, and which one Terraform creates first is not known; the owners of the Terraform: "
                    "give each its own name, or remove one")
        notes.append(conflict)
        # the one of the two the state cannot hold: what it defines is that table only, as far as it is read
        unresolved.append(Unresolved(resource.address, resource.where, conflict, ("table",), (only(table.name),)))
        if table.name not in tables:  # its definitions already disagree on the keys: unresolved
            continue
        kept = _either(tables[table.name], table, source, conflict, resource)
        if isinstance(kept, Unresolved):
            unresolved.append(kept)
            del tables[table.name]
        else:
            tables[table.name] = kept
    return tables, by_address, unresolved, notes


def _region(resource: Resource, env: Environment) -> str | None:
    """The region a resource is in: its provider configuration's, else the environment's; None if not known."""
    if resource.region is None:
        return env.region
    return resource.region if isinstance(resource.region, str) else None


def _named(resource: Resource) -> str:
    return resource.where if resource.address in resource.where else f"{resource.where} ({resource.address})"


_SETTINGS = ("billing", "stream", "encryption", "point_in_time_recovery", "ttl_attribute", "deletion_protection",
             "table_class", "tags")


def _either(first: ObservedTable, other: ObservedTable, source: str, conflict: str, resource: Resource
            ) -> ObservedTable | Unresolved:
    """The table two definitions of one name make, either of which AWS may create: a setting both give alike is
    known, one they give differently is unverifiable; different keys make the table itself unknown."""
    if first.keys != other.keys or first.local_indexes != other.local_indexes:
        return Unresolved(f"table {first.name}", resource.where, f"{conflict} (their keys differ)", ("table",),
                          (only(first.name),))
    why = input_unknown(source, conflict)
    changed: dict[str, Any] = {name: why for name in _SETTINGS if getattr(first, name) != getattr(other, name)}
    same = {n: i for n, i in first.global_indexes.items() if other.global_indexes.get(n) == i}
    if len(same) != len(first.global_indexes) or len(same) != len(other.global_indexes):
        changed.update(global_indexes=same, other_indexes=joined(
            source, [*([first.other_indexes.reason] if first.other_indexes else []), conflict]))
    return replace(first, **changed)


def _table(resource: Resource, source: str, env: Environment, refs: References) -> ObservedTable | Unresolved:
    """One `aws_dynamodb_table`, or why its name or key schema (what makes it this table) is not known."""
    block = Block(resource.values, resource.where)
    try:
        name = block.required("name")
    except NotKnown as unknown:
        named = None if resource.name_pattern is None else (resource.name_pattern,)
        return unknown.unresolved(resource.address, TABLE_ADVICE, "table", named)
    try:
        attributes = Attributes.of(block)
        keys = attributes.keys(block)
        local_indexes = {lsi.name: lsi for lsi in (local_index_of(b, attributes)
                                                   for b in block.blocks("local_secondary_index"))}
    except NotKnown as unknown:  # a table of this name, whose keys are not known: it is no other table
        return unknown.unresolved(resource.address, TABLE_ADVICE, "table", (only(name),))
    billing = known(source, lambda: billing_of(block))
    # known where the capacity is not (ignore_changes, after apply)
    mode = known(source, lambda: billing_mode_of(block))
    provisioned = mode is BillingMode.PROVISIONED
    global_indexes, other = global_indexes_of(block, attributes, provisioned, source)
    return ObservedTable(
        name=name, status="ACTIVE", keys=keys, global_indexes=global_indexes,
        arn=env.table_arn(name, resource.region if isinstance(resource.region, str) else None),
        local_indexes=local_indexes, billing=billing, stream=known(source, lambda: stream_of(block)),
        encryption=known(source, lambda: encryption_of(block, env, refs, source)),
        point_in_time_recovery=known(source, lambda: enabled_of(block.first("point_in_time_recovery"))),
        ttl_attribute=known(source, lambda: ttl_of(block)),
        deletion_protection=known(source, lambda: bool(block.flag("deletion_protection_enabled"))),
        table_class=known(source, lambda: table_class_of(block)),
        tags=known(source, lambda: block.tags("tags_all" if block.has("tags_all") else "tags", source)),
        defined_at=_defined_at(resource),
        other_indexes=other,
        replicas=replicas_of(block, source),
        given_at=_given_at(resource))


def _given_at(resource: Resource) -> dict[str, str]:
    """Where each setting's value is given, where that is not where the table is written (a module's argument)."""
    found: dict[str, str] = {}
    for name, where in resource.given_at.items():
        if name in SETTING_OF:
            found.setdefault(SETTING_OF[name], where)
    return found


def _defined_at(resource: Resource) -> str:
    """Where a table is written, its address, and the module calls it is made through (where its values are given)."""
    if resource.address in resource.where:  # a plan names the resource by its address already
        return resource.where
    calls = f", called at {' -> '.join(resource.called_at)}" if resource.called_at else ""
    return f"{resource.where} ({resource.address}{calls})"


