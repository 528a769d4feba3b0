"""The one loader: `contracts/*.yaml` -> a validated `DesiredState`, or every mistake at once.

Every YAML file under the contracts folder may hold any of the sections `tables`,
`defaults`, `backup`, `environments`, `conventions` (and `waivers`, read by `waivers.py`); entries are
merged across files and a name defined twice is an error. Nothing is called on any backend before this succeeds.

One mistake is one problem: a rule that depends on a key or section that was misspelled or
rejected keeps quiet (`Fields.doubtful`, `_Sections.doubtful`). Tables and their indexes are
read in `load_table` and `load_index`, environments and physical names in `load_env`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ContractError, Problem
from . import limits
from .fields import Fields, describe, did_you_mean
from .load_env import PLAN_NAME, RULE_SUFFIX, EnvironmentReader, check_physical_names
from .load_replicas import check_replica_regions
from .load_table import TableDefaults, TableReader
from .model import (
    BackupPlan,
    BackupRule,
    BackupVault,
    Coverage,
    DesiredState,
    Location,
)
from .naming import DEFAULT_INDEX_NAMING
from .schedule import schedule_problem
from .yamlsrc import EMPTY, SourceDict, SourceList, display_path, load_yaml

SECTIONS = ("tables", "defaults", "backup", "environments", "conventions", "waivers")  # waivers: see waivers.py
BACKUP_KEYS = ("vaults", "plans")
VAULT_KEYS = ("kms_key",)
PLAN_KEYS = ("vault", "schedule", "retention_days", "cold_storage_after_days", "covers")
COVERS_KEYS = ("tables", "tags")
CONVENTION_KEYS = ("index_naming",)


@dataclass
class _Entry:
    name: str
    value: Any
    where: Location


@dataclass
class _Sections:
    """The sections of all files, merged by name, each entry with where it was written."""

    tables: dict[str, _Entry] = field(default_factory=dict)
    environments: dict[str, _Entry] = field(default_factory=dict)
    vaults: dict[str, _Entry] = field(default_factory=dict)
    plans: dict[str, _Entry] = field(default_factory=dict)
    defaults: _Entry | None = None
    conventions: _Entry | None = None
    doubtful: set[str] = field(default_factory=set)  # sections misspelled or not a mapping in some file


def load_contracts(directory: Path | str) -> DesiredState:
    """Read and validate every contracts file; raise `ContractError` listing every problem."""
    directory = Path(directory)
    problems: list[Problem] = []
    if not directory.is_dir():
        raise ContractError([Problem(display_path(directory), 1, "there is no contracts folder here; create it "
                                     "or point to it with --contracts DIR")])
    files = sorted(p for p in directory.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
    if not files:
        raise ContractError([Problem(display_path(directory), 1, "the contracts folder holds no .yaml file; "
                                     "add one with a 'tables:' section (see README)")])
    sections = _Sections()
    for path in files:
        _collect(path, display_path(path), sections, problems)
    state = _build(sections, display_path(directory), problems)
    if problems:
        raise ContractError(sorted(set(problems), key=lambda p: (p.file, p.line, p.message)))
    return state


def _collect(path: Path, name: str, sections: _Sections, problems: list[Problem]) -> None:
    data = load_yaml(path, name, problems)
    if data is None:
        return
    if data is EMPTY:  # a forgotten stub, or a file emptied by mistake: either way it contributes nothing
        problems.append(Problem(name, 1, f"this file holds nothing: add a section ({', '.join(SECTIONS)}) "
                                "or delete it"))
        return
    if not isinstance(data, SourceDict):
        problems.append(Problem(name, 1, f"a contracts file must be a mapping of sections ({', '.join(SECTIONS)}),"
                                f" not {describe(data)}"))
        return
    top = Fields(data, "a contracts file", SECTIONS, problems)
    for section, target in (("tables", sections.tables), ("environments", sections.environments)):
        _merge(top, section, target, problems)
    backup = top.mapping("backup")
    if backup is not None:
        backup_fields = Fields(backup, "backup", BACKUP_KEYS, problems)
        _merge(backup_fields, "vaults", sections.vaults, problems)
        _merge(backup_fields, "plans", sections.plans, problems)
        sections.doubtful.update(key for key in BACKUP_KEYS if backup_fields.doubtful(key))
    sections.doubtful.update(section for section in SECTIONS if top.doubtful(section))
    for single in ("defaults", "conventions"):
        if top.has(single):
            entry = _Entry(single, top.raw(single), Location(name, top.line(single)))
            previous = getattr(sections, single)
            if previous is not None:
                problems.append(Problem(name, entry.where.line, f"'{single}' is also given at {previous.where}; "
                                        "keep one of them"))
            else:
                setattr(sections, single, entry)


def _merge(fields: Fields, key: str, target: dict[str, _Entry], problems: list[Problem]) -> None:
    data = fields.mapping(key)
    for name, value in (data or {}).items():
        where = Location(fields.file, data.line_of(name))  # type: ignore[union-attr]
        if name in target:
            problems.append(Problem(where.file, where.line, f"{key[:-1]} '{name}' is also defined at "
                                    f"{target[name].where}; keep one of them"))
            continue
        target[name] = _Entry(name, value, where)


def _build(sections: _Sections, folder: str, problems: list[Problem]) -> DesiredState:
    index_naming = _conventions(sections.conventions, problems)
    reader = TableReader(problems, _defaults(sections, problems), index_naming)
    tables = [t for e in sections.tables.values() if (t := reader.read(e.name, e.value, e.where)) is not None]
    if not sections.tables and "tables" not in sections.doubtful:
        problems.append(Problem(folder, 1, "no table is defined; add a 'tables:' section"))
    vaults = [v for e in sections.vaults.values() if (v := _vault(e, problems)) is not None]
    # Names as written, built or not: a table with a mistake is still defined (its mistake is reported).
    vault_names = None if {"backup", "vaults"} & sections.doubtful else set(sections.vaults)
    table_names = None if "tables" in sections.doubtful else set(sections.tables)
    plans = [p for e in sections.plans.values() if (p := _plan(e, vault_names, table_names, problems)) is not None]
    reader_of_environments = EnvironmentReader(problems)
    environments = [env for e in sections.environments.values()
                    if (env := reader_of_environments.read(e.name, e.value, e.where)) is not None]
    if not sections.environments and "environments" not in sections.doubtful:
        problems.append(Problem(folder, 1, "no environment is defined; add an 'environments:' section "
                                "with at least 'local: {backend: dynamodb-local}'"))
    check_physical_names(problems, environments, tables, vaults, plans)
    check_replica_regions(problems, [env.environment for env in environments], tables)
    return DesiredState(tuple(tables), tuple(vaults), tuple(plans),
                        {env.environment.name: env.environment for env in environments}, index_naming)


def _defaults(sections: _Sections, problems: list[Problem]) -> TableDefaults:
    """What every table gets; the billing mode is unknown (None) if the defaults were wrong and reported."""
    entry = sections.defaults
    if entry is None:
        return TableDefaults(billing_mode=None) if "defaults" in sections.doubtful else TableDefaults()
    if not isinstance(entry.value, SourceDict):
        problems.append(Problem(entry.where.file, entry.where.line, "'defaults' must be a mapping of table "
                                "settings such as 'defaults: {billing_mode: PAY_PER_REQUEST}'"))
        return TableDefaults(billing_mode=None)
    return TableReader.read_defaults(entry.value, problems)


def _conventions(entry: _Entry | None, problems: list[Problem]) -> str | None:
    if entry is None:
        return None
    if not isinstance(entry.value, SourceDict):
        problems.append(Problem(entry.where.file, entry.where.line, "'conventions' must be a mapping such as "
                                f"'conventions: {{index_naming: \"{DEFAULT_INDEX_NAMING}\"}}'"))
        return None
    fields = Fields(entry.value, "conventions", CONVENTION_KEYS, problems)
    template = fields.string("index_naming", DEFAULT_INDEX_NAMING)
    if template is not None and "<Attribute>" not in template:
        fields.problem("index_naming", f"index_naming '{template}' has no <Attribute> part; write "
                                       f"'{DEFAULT_INDEX_NAMING}'")
        return None
    return template


def _vault(entry: _Entry, problems: list[Problem]) -> BackupVault | None:
    if not limits.BACKUP_VAULT_NAME.fullmatch(entry.name):
        problems.append(Problem(entry.where.file, entry.where.line, f"vault name '{entry.name[:60]}' is not 2 to 50 "
                                "letters, digits, '-' or '_'; rename it, e.g. 'my-vault'"))
    kms_key = None
    if entry.value is not None:
        if not isinstance(entry.value, SourceDict):
            problems.append(Problem(entry.where.file, entry.where.line, f"vault '{entry.name}' must be a mapping "
                                    "(write '{}' for no settings)"))
            return None
        fields = Fields(entry.value, f"vault '{entry.name}'", VAULT_KEYS, problems)
        kms_key = fields.string("kms_key", "arn:aws:kms:...")
    return BackupVault(entry.name, kms_key, entry.where)


def _plan(entry: _Entry, vaults: set[str] | None, tables: set[str] | None,
          problems: list[Problem]) -> BackupPlan | None:
    """One backup plan; `vaults`/`tables` None: that section had a mistake, so names in it are not checked."""
    if not isinstance(entry.value, SourceDict):
        problems.append(Problem(entry.where.file, entry.where.line, f"backup plan '{entry.name}' must be a mapping "
                                f"of its settings ({', '.join(PLAN_KEYS)})"))
        return None
    if not PLAN_NAME.fullmatch(entry.name):
        most = limits.BACKUP_PLAN_NAME_MAX_LENGTH - len(RULE_SUFFIX)
        problems.append(Problem(entry.where.file, entry.where.line, f"backup plan name '{entry.name[:60]}' is not "
                                f"1 to {most} letters, digits, '-', '_' or '.' (its rule is named "
                                f"'<plan>{RULE_SUFFIX}', at most {limits.BACKUP_PLAN_NAME_MAX_LENGTH}); rename it, "
                                "e.g. 'daily'"))
    fields = Fields(entry.value, f"backup plan '{entry.name}'", PLAN_KEYS, problems)
    vault = fields.string("vault", "my-vault", required=True)
    if vault is not None and vaults is not None and vault not in vaults:
        fields.problem("vault", f"backup plan '{entry.name}' writes to vault '{vault}', which is not defined"
                                f"{did_you_mean(vault, vaults)}; add it under 'backup: vaults:'")
    schedule = fields.string("schedule", "cron(0 3 * * ? *)", required=True)
    if schedule is not None and (why := schedule_problem(schedule)):
        fields.problem("schedule", f"AWS Backup would reject the schedule '{schedule}': {why}")
    retention = fields.integer("retention_days", limits.MIN_RETENTION_DAYS, "14", required=True)
    cold = fields.integer("cold_storage_after_days", 1, "30")
    if retention is not None and cold is not None and retention - cold < limits.MIN_DAYS_IN_COLD_STORAGE:
        fields.problem("cold_storage_after_days", f"backups moved to cold storage after {cold} days must stay "
                                                  f"there at least {limits.MIN_DAYS_IN_COLD_STORAGE} days, so "
                                                  "retention_days must be at least "
                                                  f"{cold + limits.MIN_DAYS_IN_COLD_STORAGE} (it is {retention})")
    covers = _covers(fields, tables, problems)
    if vault is None or schedule is None or retention is None or covers is None:
        return None
    rule = BackupRule(f"{entry.name}{RULE_SUFFIX}", vault, schedule, retention, cold)
    return BackupPlan(entry.name, rule, covers, entry.where)


def _covers(fields: Fields, table_names: set[str] | None, problems: list[Problem]) -> Coverage | None:
    value = fields.raw("covers")
    if value == "all":
        return Coverage(all_tables=True)
    if value is None and fields.doubtful("covers"):
        return None
    if not isinstance(value, SourceDict):
        message = (f"{fields.what} must say what it covers: 'covers: all', 'covers: {{tables: [orders]}}' "
                   "or 'covers: {tags: {Backup: daily}}'")
        if fields.has("covers"):
            fields.reject("covers", message)
        else:
            fields.problem(None, message)
        return None
    covers = Fields(value, f"covers of {fields.what}", COVERS_KEYS, problems)
    tables = covers.string_list("tables", "[orders, users]") or []
    tags = covers.string_map("tags") or {}
    if table_names is not None:
        listed: SourceList | None = value.get("tables") if tables else None
        for position, table in enumerate(tables):
            if table not in table_names:
                line = listed.line_of(position) if listed is not None else covers.line("tables")
                problems.append(Problem(covers.file, line, f"{fields.what} covers table '{table}', which is not "
                                        f"defined{did_you_mean(table, table_names)}; add it under 'tables:' or "
                                        "remove it here"))
    if bool(tables) == bool(tags):
        if not covers.doubtful("tables", "tags"):
            covers.problem(None, "covers takes either 'tables' or 'tags', one of them: write 'covers: {tables: "
                                 "[orders]}' or 'covers: {tags: {Backup: daily}}'")
        return None
    return Coverage(tables=tuple(tables), tags=tags)
