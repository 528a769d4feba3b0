"""Read and validate the environments of the contracts, and the physical names they make.

Part of the loader (`provision.desired.load`). An environment's name patterns are checked once, at
the pattern: a wrong pattern is one problem, and its environment is then left out of the
checks of physical names (which would only repeat the mistake once per table). An environment's
expected usage and budget are read in `load_usage`.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import Problem
from . import limits
from .fields import Fields, describe
from .load_index import name_problem
from .load_lambda_roles import read_lambda_roles
from .load_table import check_ownership_tag, check_tags
from .load_usage import check_usage_tables, read_budget, read_usage
from .model import (
    BackendKind,
    BackupPlan,
    BackupVault,
    Environment,
    Location,
    TableClass,
    TableOverrides,
    TableSpec,
)
from .own_tables import RESERVED_PREFIX, is_own
from .yamlsrc import SourceDict

ENVIRONMENT_KEYS = ("backend", "region", "account_id", "profile", "role_arn", "endpoint_url",
                    "table_name_pattern", "backup_name_pattern", "backup_role_arn", "overrides",
                    "writes_allowed", "destroy_allowed", "protected", "usage", "budget", "alarm_actions",
                    "lambda_roles", "record_verdicts")
OVERRIDE_KEYS = ("deletion_protection", "point_in_time_recovery", "table_class", "tags")

# https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupPlanInput.html and API_BackupRule.html:
# plan and rule names take 1 to 50 of A-Z a-z 0-9 - _ . ; the rule of plan P is named "P-rule".
RULE_SUFFIX = "-rule"
PLAN_NAME = re.compile(rf"[A-Za-z0-9\-_.]{{1,{limits.BACKUP_PLAN_NAME_MAX_LENGTH - len(RULE_SUFFIX)}}}")


def _vault_name_problem(name: str, what: str) -> str | None:
    if limits.BACKUP_VAULT_NAME.fullmatch(name):
        return None
    return f"{what} name '{_short(name)}' is not 2 to 50 letters, digits, '-' or '_'"


@dataclass(frozen=True)
class _Pattern:
    """A name pattern of an environment, and how to check the names it makes."""

    key: str
    placeholder: str
    kind: str
    name_problem: Callable[[str, str], str | None]

    @property
    def default(self) -> str:
        return f"{{{self.placeholder}}}-{{env}}"

    def of(self, environment: Environment) -> str:
        """The environment's pattern (its attribute has the key's name)."""
        return str(getattr(environment, self.key))

    def physical(self, environment: Environment, logical: str) -> str:
        return self.of(environment).format(**{self.placeholder: logical, "env": environment.name})


TABLE_PATTERN = _Pattern("table_name_pattern", "table", "table", name_problem)
BACKUP_PATTERN = _Pattern("backup_name_pattern", "name", "vault", _vault_name_problem)


@dataclass(frozen=True)
class ReadEnvironment:
    """An environment, and whether its patterns were valid (so the physical names it makes can be checked)."""

    environment: Environment
    table_names_checked: bool
    backup_names_checked: bool
    account_region: tuple[str, str] | None = None  # an AWS environment's, when both were given and valid
    pattern_lines: dict[str, int] = field(default_factory=dict)  # each pattern's line (the environment's if unset)


class EnvironmentReader:
    """Builds `Environment`s from YAML, appending every mistake to `problems`."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        self._bad_names: set[str] = set()  # environments whose own name was reported as making bad names

    def read(self, name: str, value: Any, where: Location) -> ReadEnvironment | None:
        if not isinstance(value, SourceDict):
            self.problems.append(Problem(where.file, where.line, f"environment '{name}' must be a mapping such as "
                                         f"'{{backend: dynamodb-local}}', not {describe(value)}"))
            return None
        fields = Fields(value, f"environment '{name}'", ENVIRONMENT_KEYS, self.problems)
        backend = fields.choice("backend", BackendKind, required=True)
        region, account = self._region_and_account(fields, backend)
        table_pattern = self._pattern(fields, name, TABLE_PATTERN)
        backup_pattern = self._pattern(fields, name, BACKUP_PATTERN)
        overrides = self._overrides(fields)
        usage, budget = read_usage(fields), read_budget(fields)
        lambda_roles = read_lambda_roles(fields)
        if backend is None:
            return None
        environment = Environment(
            name=name, backend=backend, region=region or "us-east-1", account_id=account,
            profile=fields.string("profile", "my-profile"), role_arn=fields.string("role_arn", "arn:aws:iam::..."),
            endpoint_url=fields.string("endpoint_url", "http://localhost:8000"),
            table_name_pattern=table_pattern or TABLE_PATTERN.default,
            backup_name_pattern=backup_pattern or BACKUP_PATTERN.default,
            backup_role_arn=fields.string("backup_role_arn", "arn:aws:iam::123456789012:role/backup"),
            overrides=overrides or TableOverrides(),
            writes_allowed=bool(fields.boolean("writes_allowed")),
            record_verdicts=bool(fields.boolean("record_verdicts")),
            destroy_allowed=bool(fields.boolean("destroy_allowed")) and backend is not BackendKind.AWS,
            protected=bool(fields.boolean("protected")), usage=usage, budget=budget,
            alarm_actions=tuple(fields.string_list("alarm_actions", "[arn:aws:sns:eu-west-1:123456789012:alarms]")
                                or ()),
            lambda_roles=lambda_roles, source=where,
        )
        placed = None  # where its physical names live; unknown if the account or region was wrong (and reported)
        if backend is BackendKind.AWS and region and account and limits.ACCOUNT_ID.fullmatch(account):
            placed = (account, region)
        return ReadEnvironment(environment, table_pattern is not None, backup_pattern is not None, placed,
                               {pattern.key: fields.line(pattern.key) for pattern in (TABLE_PATTERN, BACKUP_PATTERN)})

    def _region_and_account(self, fields: Fields, backend: BackendKind | None) -> tuple[str | None, str | None]:
        region = fields.string("region", "eu-west-1")
        account = fields.string("account_id", "'123456789012'")
        if backend is BackendKind.AWS:
            if region is None:
                fields.require("region", "eu-west-1")
            if account is None:
                fields.require("account_id", "'123456789012'")
            elif not limits.ACCOUNT_ID.fullmatch(account):
                fields.reject("account_id", f"account_id '{account}' is not 12 digits; quote it so YAML keeps "
                                            "leading zeros: account_id: '012345678901'")
            if fields.boolean("destroy_allowed"):
                fields.problem("destroy_allowed", "destroy is only for the local and moto backends; remove "
                                                  "'destroy_allowed' from an AWS environment")
        return region, account

    def _pattern(self, fields: Fields, environment: str, pattern: _Pattern) -> str | None:
        """The environment's pattern; None if it is wrong (reported once, here) or misspelled."""
        written = fields.string(pattern.key, pattern.default)
        if fields.doubtful(pattern.key):
            return None
        text = written if written is not None else pattern.default
        if (why := _format_problem(text, pattern.placeholder)) is not None:
            fields.reject(pattern.key, f"{pattern.key} '{written}' {why}; write '{pattern.default}'")
            return None
        sample = text.format(**{pattern.placeholder: "abc", "env": environment})
        if (why := pattern.name_problem(sample, f"the {pattern.kind}")) is None:
            return text
        if written is not None:
            fields.reject(pattern.key, f"{pattern.key} '{written}' makes {pattern.kind} names AWS rejects "
                                       f"({why}); write '{pattern.default}'")
        elif environment not in self._bad_names:  # the default pattern: the environment's own name is at fault
            self._bad_names.add(environment)
            fields.problem(None, f"environment name '{environment}' makes {pattern.kind} names AWS rejects "
                                 f"({why}); rename the environment with letters, digits, '-' and '_' only")
        return None

    def _overrides(self, fields: Fields) -> TableOverrides | None:
        data = fields.mapping("overrides")
        if data is None:
            return None
        overrides = Fields(data, f"overrides of {fields.what}", OVERRIDE_KEYS, self.problems)
        tags = overrides.string_map("tags") or {}
        check_tags(self.problems, overrides.file, overrides.line("tags"), tags)
        check_ownership_tag(self.problems, overrides.file, overrides.line("tags"), tags)
        return TableOverrides(
            deletion_protection=overrides.boolean("deletion_protection"),
            point_in_time_recovery=overrides.boolean("point_in_time_recovery"),
            table_class=overrides.choice("table_class", TableClass),
            tags=tags,
        )


def _format_problem(pattern: str, placeholder: str) -> str | None:
    """Why `pattern` is not a name pattern using only {placeholder} and {env}; None if it is one."""
    try:
        used = [(name, spec, conversion) for _, name, spec, conversion in string.Formatter().parse(pattern)
                if name is not None]
    except ValueError:
        return "has a '{' or '}' without its pair"
    for name, spec, conversion in used:
        if name not in (placeholder, "env") or spec or conversion:
            field = name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            return f"may only use {{{placeholder}}} and {{env}}, not {{{field}}}"
    if placeholder not in (name for name, _, _ in used):
        return f"lacks {{{placeholder}}}"
    return None


def check_physical_names(problems: list[Problem], environments: Sequence[ReadEnvironment],
                         tables: Sequence[TableSpec], vaults: Sequence[BackupVault],
                         plans: Sequence[BackupPlan]) -> None:
    """The physical names the environments make must be valid AWS names too, and each environment's own.

    Only names that are valid themselves, in environments whose patterns are valid: the rest
    was reported already. Then only the length can fail: one problem per name, at the first
    environment where it is too long. And two AWS environments of one account and region may
    not make the same name (`_check_shared`). Last, the tables named by each usage must exist.
    """
    table_envs = [e.environment for e in environments if e.table_names_checked]
    backup_envs = [e.environment for e in environments if e.backup_names_checked]
    for table in tables:
        if name_problem(table.name, "table") is None:
            _check_reserved(problems, table, table_envs)
            _check_length(problems, "table", table.name, table_envs, Environment.table_name,
                          limits.NAME_MAX_LENGTH,
                          f"DynamoDB needs {limits.NAME_MIN_LENGTH} to {limits.NAME_MAX_LENGTH}")
    for vault in vaults:
        if _vault_name_problem(vault.name, "vault") is None:
            _check_length(problems, "vault", vault.name, backup_envs, Environment.backup_name, 50,
                          "AWS Backup needs 2 to 50")
    for plan in plans:
        if PLAN_NAME.fullmatch(plan.name):
            _check_length(problems, "backup plan", plan.name, backup_envs, Environment.backup_name,
                          limits.BACKUP_PLAN_NAME_MAX_LENGTH,
                          f"AWS Backup allows at most {limits.BACKUP_PLAN_NAME_MAX_LENGTH}")
    table_names = [table.name for table in tables if name_problem(table.name, "table") is None]
    vault_names = [vault.name for vault in vaults if _vault_name_problem(vault.name, "vault") is None]
    plan_names = [plan.name for plan in plans if PLAN_NAME.fullmatch(plan.name)]
    _check_shared(problems, [e for e in environments if e.table_names_checked], TABLE_PATTERN,
                  [("table", table_names)])
    _check_shared(problems, [e for e in environments if e.backup_names_checked], BACKUP_PATTERN,
                  [("vault", vault_names), ("backup plan", plan_names)])
    check_usage_tables(problems, [e.environment for e in environments], tables)  # not a name, but needs the tables


def _check_shared(problems: list[Problem], environments: Sequence[ReadEnvironment], pattern: _Pattern,
                  kinds: Sequence[tuple[str, Sequence[str]]]) -> None:
    """Two AWS environments in one account and region may not make the same physical name.

    Names are unique per account and region, so both environments would manage one table (or
    vault, or plan): dev's plan would change sit's. One problem per environment that makes a
    name an earlier one makes, for its first such name. Environments without an account (local,
    moto) are each their own backend and never share names.
    """
    made: dict[tuple[str, str, str, str], tuple[ReadEnvironment, str]] = {}  # (account, region, kind, name)
    for read in environments:
        if read.account_region is None:
            continue
        clash: _Clash | None = None
        for kind, names in kinds:
            for logical in names:
                physical = pattern.physical(read.environment, logical)
                earlier, earlier_logical = made.setdefault((*read.account_region, kind, physical), (read, logical))
                if clash is None and earlier is not read:
                    clash = _Clash(kind, physical, earlier, earlier_logical, read, logical)
        if clash is not None:
            problems.append(clash.problem(pattern))


@dataclass(frozen=True)
class _Clash:
    """One physical name made by two environments of one account and region, each from its logical name."""

    kind: str
    physical: str
    earlier: ReadEnvironment
    earlier_logical: str
    later: ReadEnvironment
    later_logical: str

    def problem(self, pattern: _Pattern) -> Problem:
        """At the later environment's pattern, unless only the earlier one's pattern lacks {env}: then there."""
        first, second = self.earlier.environment, self.later.environment
        blamed = self.later
        if "{env}" in pattern.of(second) and "{env}" not in pattern.of(first):
            blamed = self.earlier
        where = blamed.environment.source or Location("contracts", 1)
        account, region = self.later.account_region or ("?", "?")
        made = (f"from {self.kind} '{self.earlier_logical}'" if self.earlier_logical == self.later_logical else
                f"from {self.kind} '{self.earlier_logical}' in {first.name}, '{self.later_logical}' in {second.name}")
        return Problem(where.file, blamed.pattern_lines.get(pattern.key, where.line),
                       f"environments '{first.name}' and '{second.name}' both make the {self.kind} name "
                       f"'{_short(self.physical)}' ({made}) in account {account}, region {region}: a plan for one "
                       f"would change the other's {self.kind}s; put {{env}} in the {pattern.key} of "
                       f"'{blamed.environment.name}', e.g. {pattern.key}: '{pattern.default}'")


def _check_reserved(problems: list[Problem], table: TableSpec, environments: Sequence[Environment]) -> None:
    """No table of the contracts may be named like the tool's own (`provision.desired.own_tables`): the live reader
    leaves those out of the stack, so such a table would never be checked."""
    made = [(env, env.table_name(table.name)) for env in environments if is_own(env.table_name(table.name))]
    if made:
        env, name = made[0]
        where = table.source or env.source or Location("contracts", 1)
        problems.append(Problem(where.file, where.line, f"table '{_short(table.name)}' is named '{_short(name)}' in "
                                f"environment '{env.name}', with the prefix '{RESERVED_PREFIX}' the tool keeps for its "
                                "own tables (the verdict store); rename the table"))


def _check_length(problems: list[Problem], kind: str, logical: str, environments: Sequence[Environment],
                  physical: Callable[[Environment, str], str], most: int, rule: str) -> None:
    too_long = [(env, name) for env in environments if len(name := physical(env, logical)) > most]
    if not too_long:
        return
    env, name = too_long[0]
    added = max(len(name) - len(logical) for _, name in too_long)
    also = f" (and in {', '.join(other.name for other, _ in too_long[1:])})" if len(too_long) > 1 else ""
    where = env.source or Location("contracts", 1)
    problems.append(Problem(where.file, where.line, f"in environment '{env.name}'{also}, {kind} name "
                            f"'{_short(name)}' has {len(name)} characters; {rule}: shorten the {kind} name "
                            f"'{_short(logical)}' to at most {most - added} characters, or the environment's "
                            "name pattern"))


def _short(name: str) -> str:
    return name if len(name) <= 60 else name[:57] + "..."
