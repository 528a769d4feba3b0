"""The one loader: `contracts/*.yaml` -> a validated `DesiredState`, or every mistake at once.

Every YAML file under the contracts folder may hold any of the sections `tables`,
`defaults`, `backup`, `environments`, `conventions`; entries are merged across files and a
name defined twice is an error. Nothing is called on any backend before this succeeds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from provision import limits
from provision.errors import ContractError, Problem
from provision.fields import Fields, describe, did_you_mean
from provision.load_table import TableDefaults, TableReader, check_name, check_tags
from provision.model import (
    BackendKind,
    BackupPlan,
    BackupRule,
    BackupVault,
    Coverage,
    DesiredState,
    Environment,
    Location,
    TableClass,
    TableOverrides,
    TableSpec,
)
from provision.naming import DEFAULT_INDEX_NAMING
from provision.schedule import schedule_problem
from provision.yamlsrc import SourceDict, load_yaml

SECTIONS = ("tables", "defaults", "backup", "environments", "conventions")
BACKUP_KEYS = ("vaults", "plans")
VAULT_KEYS = ("kms_key",)
PLAN_KEYS = ("vault", "schedule", "retention_days", "cold_storage_after_days", "covers")
COVERS_KEYS = ("tables", "tags")
CONVENTION_KEYS = ("index_naming",)
ENVIRONMENT_KEYS = ("backend", "region", "account_id", "profile", "role_arn", "endpoint_url",
                    "table_name_pattern", "backup_name_pattern", "backup_role_arn", "overrides",
                    "writes_allowed", "destroy_allowed", "protected")
OVERRIDE_KEYS = ("deletion_protection", "point_in_time_recovery", "table_class", "tags")


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


def display_path(path: Path) -> str:
    """A path as people should read it in messages: relative to the working folder when inside it."""
    absolute = path.resolve()
    try:
        return str(absolute.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(absolute)


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
    state = _build(sections, problems)
    if problems:
        raise ContractError(sorted(set(problems), key=lambda p: (p.file, p.line, p.message)))
    return state


def _collect(path: Path, name: str, sections: _Sections, problems: list[Problem]) -> None:
    data = load_yaml(path, name, problems)
    if data is None:
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


def _build(sections: _Sections, problems: list[Problem]) -> DesiredState:
    index_naming = _conventions(sections.conventions, problems)
    defaults = TableDefaults()
    if sections.defaults is not None:
        if isinstance(sections.defaults.value, SourceDict):
            defaults = TableReader.read_defaults(sections.defaults.value, problems)
        else:
            problems.append(Problem(sections.defaults.where.file, sections.defaults.where.line,
                                    "'defaults' must be a mapping of table settings"))
    reader = TableReader(problems, defaults, index_naming)
    tables = [t for e in sections.tables.values() if (t := reader.read(e.name, e.value, e.where)) is not None]
    if not sections.tables:
        problems.append(Problem("contracts", 1, "no table is defined; add a 'tables:' section"))
    vaults = [v for e in sections.vaults.values() if (v := _vault(e, problems)) is not None]
    plans = [p for e in sections.plans.values()
             if (p := _plan(e, set(sections.vaults), tables, problems)) is not None]
    environments = {e.name: env for e in sections.environments.values()
                    if (env := _environment(e, problems)) is not None}
    if not sections.environments:
        problems.append(Problem("contracts", 1, "no environment is defined; add an 'environments:' section "
                                "with at least 'local: {backend: dynamodb-local}'"))
    for environment in environments.values():
        _check_names_in(environment, tables, vaults, plans, problems)
    return DesiredState(tuple(tables), tuple(vaults), tuple(plans), environments, index_naming)


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
    value = entry.value if entry.value is not None else None
    kms_key = None
    if value is not None:
        if not isinstance(value, SourceDict):
            problems.append(Problem(entry.where.file, entry.where.line, f"vault '{entry.name}' must be a mapping "
                                    "(write '{}' for no settings)"))
            return None
        kms_key = Fields(value, f"vault '{entry.name}'", VAULT_KEYS, problems).string("kms_key", "arn:aws:kms:...")
    return BackupVault(entry.name, kms_key, entry.where)


def _plan(entry: _Entry, vaults: set[str], tables: list[TableSpec], problems: list[Problem]) -> BackupPlan | None:
    if not isinstance(entry.value, SourceDict):
        problems.append(Problem(entry.where.file, entry.where.line, f"backup plan '{entry.name}' must be a mapping "
                                f"of its settings ({', '.join(PLAN_KEYS)})"))
        return None
    if len(entry.name) > limits.BACKUP_PLAN_NAME_MAX_LENGTH:
        problems.append(Problem(entry.where.file, entry.where.line, f"backup plan name '{entry.name}' is longer "
                                f"than {limits.BACKUP_PLAN_NAME_MAX_LENGTH} characters"))
    fields = Fields(entry.value, f"backup plan '{entry.name}'", PLAN_KEYS, problems)
    vault = fields.string("vault", "my-vault", required=True)
    if vault is not None and vault not in vaults:
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
                                                  f"retention_days must be at least {cold + 90} (it is {retention})")
    covers = _covers(fields, {t.name for t in tables}, problems)
    if None in (vault, schedule, retention, covers):
        return None
    rule = BackupRule(f"{entry.name}-rule", vault, schedule, retention, cold)  # type: ignore[arg-type]
    return BackupPlan(entry.name, rule, covers, entry.where)  # type: ignore[arg-type]


def _covers(fields: Fields, table_names: set[str], problems: list[Problem]) -> Coverage | None:
    value = fields.raw("covers")
    if value == "all":
        return Coverage(all_tables=True)
    if not isinstance(value, SourceDict):
        fields.problem("covers" if fields.has("covers") else None,
                       f"{fields.what} must say what it covers: 'covers: all', 'covers: {{tables: [orders]}}' "
                       "or 'covers: {tags: {Backup: daily}}'")
        return None
    covers = Fields(value, f"covers of {fields.what}", COVERS_KEYS, problems)
    tables = covers.string_list("tables", "[orders, users]") or []
    tags = covers.string_map("tags") or {}
    for table in tables:
        if table not in table_names:
            covers.problem("tables", f"{fields.what} covers table '{table}', which is not defined"
                                     f"{did_you_mean(table, table_names)}")
    if bool(tables) == bool(tags):
        covers.problem(None, "covers takes either 'tables' or 'tags', one of them")
        return None
    return Coverage(tables=tuple(tables), tags=tags)


def _environment(entry: _Entry, problems: list[Problem]) -> Environment | None:
    if not isinstance(entry.value, SourceDict):
        problems.append(Problem(entry.where.file, entry.where.line, f"environment '{entry.name}' must be a mapping "
                                "such as '{backend: dynamodb-local}'"))
        return None
    fields = Fields(entry.value, f"environment '{entry.name}'", ENVIRONMENT_KEYS, problems)
    backend = fields.choice("backend", BackendKind, required=True)
    region = fields.string("region", "eu-west-1")
    account = fields.string("account_id", "'123456789012'")
    if backend is BackendKind.AWS:
        if region is None:
            fields.require("region", "eu-west-1")
        if account is None:
            fields.require("account_id", "'123456789012'")
        elif not limits.ACCOUNT_ID.fullmatch(account):
            fields.problem("account_id", f"account_id '{account}' is not 12 digits; quote it so YAML keeps "
                                         "leading zeros: account_id: '012345678901'")
        if fields.boolean("destroy_allowed"):
            fields.problem("destroy_allowed", "destroy is only for the local and moto backends; remove "
                                              "'destroy_allowed' from an AWS environment")
    patterns = {}
    for key, placeholder, default in (("table_name_pattern", "{table}", "{table}-{env}"),
                                      ("backup_name_pattern", "{name}", "{name}-{env}")):
        pattern = fields.string(key, default) or default
        try:
            pattern.format(**{placeholder.strip("{}"): "x", "env": entry.name})
        except (KeyError, IndexError, ValueError):
            fields.problem(key, f"{key} '{pattern}' may only use {placeholder} and {{env}}; write '{default}'")
        if placeholder not in pattern:
            fields.problem(key, f"{key} '{pattern}' lacks {placeholder}; write '{default}'")
        patterns[key] = pattern
    overrides = _overrides(fields, problems)
    if backend is None:
        return None
    return Environment(
        name=entry.name, backend=backend, region=region or "us-east-1", account_id=account,
        profile=fields.string("profile", "my-profile"), role_arn=fields.string("role_arn", "arn:aws:iam::..."),
        endpoint_url=fields.string("endpoint_url", "http://localhost:8000"),
        table_name_pattern=patterns["table_name_pattern"], backup_name_pattern=patterns["backup_name_pattern"],
        backup_role_arn=fields.string("backup_role_arn", "arn:aws:iam::123456789012:role/backup"),
        overrides=overrides or TableOverrides(),
        writes_allowed=bool(fields.boolean("writes_allowed")),
        destroy_allowed=bool(fields.boolean("destroy_allowed")) and backend is not BackendKind.AWS,
        protected=bool(fields.boolean("protected")), source=entry.where,
    )


def _overrides(fields: Fields, problems: list[Problem]) -> TableOverrides | None:
    data = fields.mapping("overrides")
    if data is None:
        return None
    overrides = Fields(data, f"overrides of {fields.what}", OVERRIDE_KEYS, problems)
    tags = overrides.string_map("tags") or {}
    check_tags(problems, overrides.file, overrides.line("tags"), tags)
    return TableOverrides(
        deletion_protection=overrides.boolean("deletion_protection"),
        point_in_time_recovery=overrides.boolean("point_in_time_recovery"),
        table_class=overrides.choice("table_class", TableClass),
        tags=tags,
    )


def _check_names_in(environment: Environment, tables: list[TableSpec], vaults: list[BackupVault],
                    plans: list[BackupPlan], problems: list[Problem]) -> None:
    """The physical names an environment's patterns make must be valid AWS names too."""
    where = environment.source or Location("contracts", 1)
    for table in tables:
        check_name(problems, where.file, where.line, environment.table_name(table.name),
                   f"in environment '{environment.name}', table")
    for vault in vaults:
        physical = environment.backup_name(vault.name)
        if not limits.BACKUP_VAULT_NAME.fullmatch(physical):
            problems.append(Problem(where.file, where.line, f"in environment '{environment.name}', vault name "
                                    f"'{physical}' is not 2 to 50 letters, digits, '-' or '_'"))
    for plan in plans:
        if len(environment.backup_name(plan.name)) > limits.BACKUP_PLAN_NAME_MAX_LENGTH:
            problems.append(Problem(where.file, where.line, f"in environment '{environment.name}', backup plan "
                                    f"name '{environment.backup_name(plan.name)}' is over 50 characters"))
