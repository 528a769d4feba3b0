"""Terraform written for another environment than the one checked: say so, instead of every table missing.

`pytest --against=terraform:infra/sit` without `--env=sit` checks `local`, whose tables are named
`orders-local`: every table of the folder (`orders-sit`, ...) would be unexpected and every table of the
contracts missing. When no table of the source has a name of the environment checked, but some have the
names another environment's `table_name_pattern` gives, the run stops before anything runs and says which
`--env` to give.
"""

from __future__ import annotations

from collections.abc import Collection

from ...provision.desired.model import DesiredState, Environment


def named_for_another(tables: Collection[str], desired: DesiredState, env: Environment, given: str) -> str | None:
    """Why the run should not go on with `env`, or None: the tables (physical names) of the source `given`
    include one named as `env` names the contracts' tables, or none named as any environment does."""
    logical = {table.name for table in desired.tables}

    def ours(environment: Environment) -> list[str]:
        return sorted(name for name in tables if environment.logical_table_name(name) in logical)

    if not tables or ours(env):
        return None
    matched = {other.name: ours(other) for other in desired.environments.values() if other.name != env.name}
    most = max((len(names) for names in matched.values()), default=0)
    if most == 0:
        return None
    best = sorted(name for name, names in matched.items() if len(names) == most)
    examples = matched[best[0]]
    shown = ", ".join(examples[:3]) + (", ..." if len(examples) > 3 else "")
    example = env.table_name(next(iter(sorted(logical))))
    told = " or ".join(f"--env={name}" for name in best)
    share = "its tables" if most == len(tables) else f"{most} of its {len(tables)} tables"
    return (f"--against {given}: {share} ({shown}) are named for environment {' or '.join(best)}, and none for "
            f"'{env.name}', the environment this run checks (its names are like {example}): give {told}. "
            "Nothing was run.")
