"""Physical names to logical ones: the name pattern of an environment, inferred from the names or given.

The first pattern every name fits (each giving a logical name the contracts take) is the one: all tables end in
`-sit` for environment sit, so `{table}-{env}`; `{env}-{table}`, `{table}_{env}` and `{env}_{table}` next; else
`{table}`, the names as they are. Backup vaults and plans get their own pattern the same way (`{name}-{env}`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..desired.load_env import PLAN_NAME
from ..desired.load_index import name_problem
from ..desired.model import BackendKind, Environment
from ..errors import ToolError

MIN_BACKUP_NAME = 2  # AWS Backup: vault names of 2 to 50 characters
SHAPES = ("{x}-{env}", "{env}-{x}", "{x}_{env}", "{env}_{x}")


@dataclass(frozen=True)
class Naming:
    """How one kind of name is made: the pattern, and the logical name of each physical one."""

    pattern: str
    inferred: bool
    logical: dict[str, str]  # physical -> logical


def _logical_of(pattern: str, placeholder: str, env: str, physical: str) -> str | None:
    key = "table_name_pattern" if placeholder == "table" else "backup_name_pattern"
    probe = Environment(env, BackendKind.AWS, **{key: pattern})  # type: ignore[arg-type]
    return probe.logical_table_name(physical) if placeholder == "table" else probe.logical_backup_name(physical)


def _fits(pattern: str, placeholder: str, env: str, names: Iterable[str],
          valid: Callable[[str], bool]) -> dict[str, str] | None:
    found = {}
    for physical in names:
        logical = _logical_of(pattern, placeholder, env, physical)
        if logical is None or not valid(logical):
            return None
        found[physical] = logical
    return found


def _check_pattern(pattern: str, placeholder: str, option: str) -> None:
    marker = "{" + placeholder + "}"
    rest = pattern.replace(marker, "", 1).replace("{env}", "")
    if marker not in pattern or "{" in rest or "}" in rest:
        raise ToolError(f"{option} '{pattern}': a name pattern has {marker} once and may have {{env}}, nothing else "
                        f"in braces; write e.g. {option} '{marker}-{{env}}'")


def infer(names: Iterable[str], env: str, placeholder: str, given: str | None, option: str,
          where: Callable[[str], str] = lambda _name: "", fallback: str | None = None) -> Naming:
    """The naming of `names` in `env`: `given` (every name must fit it), or the first shape all fit; with no names
    at all, `fallback` (the shape of the other names: backups named as the tables are)."""
    names = sorted(names)
    valid = _valid_table if placeholder == "table" else _valid_backup
    if given is not None:
        _check_pattern(given, placeholder, option)
        found: dict[str, str] = {}
        for physical in names:
            logical = _logical_of(given, placeholder, env, physical)
            if logical is None or not valid(logical):
                at = where(physical)
                raise ToolError(f"{option} '{given}': {physical!r}{f' ({at})' if at else ''} does not fit it for "
                                f"environment {env}; give the pattern its names are made by, or leave {option} out to "
                                "have it inferred")
            found[physical] = logical
        return Naming(given, False, found)
    if not names and fallback is not None:
        return Naming(fallback, True, {})
    for shape in SHAPES:
        pattern = shape.replace("{x}", "{" + placeholder + "}")
        fitted = _fits(pattern, placeholder, env, names, valid)
        if fitted is not None:
            return Naming(pattern, True, fitted)
    return Naming("{" + placeholder + "}", True, {name: name for name in names})


def _valid_table(name: str) -> bool:
    return name_problem(name, "table") is None


def _valid_backup(name: str) -> bool:
    """A vault or plan name AWS Backup takes (2 characters at least; a vault's other rules the loader tells)."""
    return len(name) >= MIN_BACKUP_NAME and PLAN_NAME.fullmatch(name) is not None
