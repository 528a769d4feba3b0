"""An observed state as the files of a contracts/ folder, for one environment.

    stack.yaml          conventions (when every index follows one), defaults (what every table shares), and what
                        the source could not follow (each `Unresolved`, as a placeholder)
    tables/<name>.yaml  one per table, under its logical name, with where the Terraform defines it
    backup.yaml         the vaults and plans, when there are any
    environments.yaml   the environment: region, account, name patterns, backup role, alarm actions, the tags
                        whose value is the environment's name

A setting every table has alike goes to `defaults:`; one that some table does not know stays with each table,
so a table's unknown setting is never covered by a default.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..desired.naming import DEFAULT_INDEX_NAMING, follows_convention
from ..desired.stack import OWNERSHIP_TAG_KEY
from ..errors import ToolError
from ..observed.state import ObservedState
from . import environment, names
from .alarms import Alarms, read_alarms
from .backups import StackTables, read_backups
from .document import Block, Entry, Node, Note, Placeholder, placeholders, render
from .tables import DEFAULTABLE, Setting, TableDraft, draft, tag_nodes

HEADER = "Imported by `python -m provision import` from {spec} for environment {env}."
HOW = ("A commented `# key: ...` line is a setting not written (unknown here, or not something contracts/ can say), "
       "with where and why: fill it in. Nothing here is guessed.")


@dataclass(frozen=True)
class Options:
    spec: str  # the --from given
    env: str
    name_pattern: str | None = None
    backup_name_pattern: str | None = None
    region: str | None = None
    account_id: str | None = None


@dataclass(frozen=True)
class Imported:
    files: dict[str, str]  # relative path -> text
    placeholders: list[str]  # "tables/orders.yaml: tables.orders: point_in_time_recovery: unknown here: ..."
    summary: str
    others: int = 0  # alarms on nothing of the stack, left out


def header(spec: str, env: str) -> str:
    return "# " + HEADER.format(spec=spec, env=env) + "\n"


def _common(drafts: Sequence[TableDraft], values: Sequence[Mapping[str, Setting]]) -> dict[str, Setting]:
    """The keys every table has with one known value."""
    if not drafts:
        return {}
    first = values[0]
    return {key: value for key, value in first.items() if not isinstance(value, Placeholder)
            and all(key in other and other[key] == value for other in values[1:])}


def _convention(drafts: Sequence[TableDraft], tables: Mapping[str, Any]) -> bool:
    indexes = [(d.logical, name) for d in drafts for name in (*tables[d.physical].global_indexes,
                                                             *tables[d.physical].local_indexes)]
    return bool(indexes) and all(follows_convention(i, DEFAULT_INDEX_NAMING, t) for t, i in indexes)


def _setting(key: str, value: Setting) -> Node:
    return value if isinstance(value, Placeholder) else Entry(key, value)


def _alarm_nodes(rules: Mapping[str, Setting]) -> list[Node]:
    if not rules:
        return []
    return [Entry("alarms", Block(tuple(_setting(k, v) for k, v in rules.items())))]


def _table_file(d: TableDraft, defaults: Mapping[str, Setting], tags: Mapping[str, str],
                alarms: Mapping[str, Setting]) -> list[Node]:
    own = [_setting(k, v) for k, v in d.settings.items() if k not in defaults]
    billing = [n for n in own if getattr(n, "key", "") == "billing_mode"]
    rest = [n for n in own if n not in billing]
    own_tags = {k: v for k, v in d.tags.items() if tags.get(k) != v}
    where: list[Node] = [Note(f"terraform: {d.defined_at}")] if d.defined_at else []
    body: list[Node] = [*where, *d.keys, *billing, *d.capacity, *d.indexes, *rest, *d.ttl,
                        *tag_nodes(own_tags, d.defined_at), *d.tag_nodes,
                        *_alarm_nodes({k: v for k, v in d.alarms.items() if k not in alarms})]
    return [Entry("tables", Block((Entry(d.logical, Block(tuple(body))),)))]


def _split_tags(common: Mapping[str, Setting], env: str) -> tuple[dict[str, str], dict[str, str]]:
    """The tags every table shares: those of the environment's name (its overrides), and the others (defaults)."""
    of_env = {k: str(v) for k, v in common.items() if v == env and k != OWNERSHIP_TAG_KEY}
    return {k: str(v) for k, v in common.items() if k not in of_env}, of_env


def _stack_file(state: ObservedState, drafts: Sequence[TableDraft], defaults: Mapping[str, Setting],
                tags: Mapping[str, str], alarms: Alarms, common_alarms: Mapping[str, Setting],
                loose: Sequence[Node]) -> list[Node]:
    nodes: list[Node] = []
    if _convention(drafts, state.tables):
        nodes.append(Entry("conventions", Block((Entry("index_naming", DEFAULT_INDEX_NAMING),))))
    body: list[Node] = [_setting(k, v) for k, v in defaults.items()]
    body += tag_nodes(tags, state.origin.where or state.source)
    body += [alarms.unknown] if alarms.unknown else _alarm_nodes(common_alarms)
    nodes.append(Entry("defaults", Block(tuple(body))))
    for hidden in state.unresolved:
        nodes.append(Placeholder(hidden.construct, f"not followed at {hidden.where}, so what it defines is unknown "
                                                   f"here: {hidden.reason}"))
    return nodes + list(alarms.unplaced) + list(loose)


def build(state: ObservedState, options: Options) -> Imported:
    """The contracts/ files of `state` for `options.env`, and the placeholders they hold."""
    if not state.tables and not state.unresolved:
        raise ToolError(f"--from {options.spec}: it defines no DynamoDB table (aws_dynamodb_table): nothing to import")
    tables = names.infer(state.tables, options.env, "table", options.name_pattern, "--name-pattern",
                         lambda physical: state.tables[physical].defined_at)
    backup = state.backups
    backup_physical = [*(backup.vaults if isinstance(backup.vaults, Mapping) else ()),
                       *(backup.plans if isinstance(backup.plans, Mapping) else ())]
    backups_named = names.infer(backup_physical, options.env, "name", options.backup_name_pattern,
                                "--backup-name-pattern", fallback=tables.pattern.replace("{table}", "{name}"))
    alarms = read_alarms(state, tables.logical)
    drafts = [draft(state.tables[p], tables.logical[p]) for p in sorted(state.tables)]
    for d in drafts:
        d.alarms = alarms.of(d.logical)
    defaults = _common(drafts, [d.settings for d in drafts])
    defaults = {k: defaults[k] for k in DEFAULTABLE if k in defaults}
    tags, env_tags = _split_tags(_common(drafts, [dict(d.tags) for d in drafts]), options.env)
    common_alarms = _common(drafts, [d.alarms for d in drafts])
    stack_tables = StackTables({p: (tables.logical[p], state.tables[p].arn) for p in state.tables})
    read = read_backups(backup, backups_named.logical, stack_tables)
    documents: dict[str, list[Node]] = {
        "stack.yaml": _stack_file(state, drafts, defaults, tags, alarms, common_alarms,
                                  [] if read.nodes else read.loose)}
    for d in drafts:
        documents[f"tables/{d.logical}.yaml"] = _table_file(d, defaults, {**tags, **env_tags}, common_alarms)
    if read.nodes:
        documents["backup.yaml"] = [Entry("backup", Block(tuple([*read.nodes, *read.loose])))]
    account = environment.account(state, read.roles, options.account_id)
    settings: list[Node] = [
        environment.region(state, options.region), account,
        Entry("table_name_pattern", tables.pattern), Entry("backup_name_pattern", backups_named.pattern),
        *environment.backup_role(read.roles, str(account.value))]
    if isinstance(alarms.actions, Placeholder):
        settings.append(alarms.actions)
    elif alarms.actions:
        settings.append(Entry("alarm_actions", list(alarms.actions)))
    if env_tags:
        settings.append(Entry("overrides", Block((Entry("tags", env_tags),))))
    documents["environments.yaml"] = environment.environment_nodes(options.env, settings)
    head = [HEADER.format(spec=options.spec, env=options.env), HOW]
    files = {path: render(nodes, head) for path, nodes in documents.items()}
    found = [f"{path}: {where + ': ' if where else ''}{p.text}" for path, nodes in documents.items()
             for where, p in placeholders(nodes)]
    plans = len(backup.plans) if isinstance(backup.plans, Mapping) else 0
    vaults = len(backup.vaults) if isinstance(backup.vaults, Mapping) else 0
    listed = f" ({', '.join(d.logical for d in drafts)})" if drafts else ""
    summary = (f"{len(drafts)} table(s){listed}, {vaults} backup vault(s), "
               f"{plans} backup plan(s), environment {options.env} (table names {tables.pattern}, backup names "
               f"{backups_named.pattern})")
    return Imported(files, found, summary, alarms.others)
