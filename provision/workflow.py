"""The provisioner's steps in order: resolve the stack, read the environment, diff, plan, apply.

Shared by the command line (`provision.cli`) and the pytest plugin, so both plan and
apply the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .apply.executor import ApplyOptions, ApplyResult, apply_plan
from .backends import Backend
from .desired.model import DesiredState, Environment
from .desired.own_tables import own_tables
from .desired.stack import Stack, resolve
from .errors import RefusedError
from .observed.live import observe, read_tables
from .observed.state import ObservedState, ObservedTable
from .planning.changes import Change, DeleteTable, Refused
from .planning.diff import diff, table_changes
from .planning.plan import Plan
from .planning.saved import SavedPlan

DESTROYED = "destroy: a table the contracts name"


def make_plan(backend: Backend, desired: DesiredState, env: Environment) -> Plan:
    return planned(backend, desired, env).plan


@dataclass(frozen=True)
class Planned:
    """A plan with what it was made from: the stack, and the environment as read (what a saved plan digests)."""

    plan: Plan
    stack: Stack
    observed: ObservedState

    def saved(self) -> SavedPlan:
        return SavedPlan.of(self.plan, self.stack, self.observed)


def planned(backend: Backend, desired: DesiredState, env: Environment) -> Planned:
    stack, observed = resolve(desired, env), observe(backend, env)
    changes = own_table_changes(backend, env) + diff(stack, observed, backend.kind)
    return Planned(Plan(env, backend.name, changes), stack, observed)


def own_table_changes(backend: Backend, env: Environment) -> list[Change]:
    """What the tool's own tables need in `env` (the verdict store where it records verdicts), read by name: they
    are no table of the stack (`provision.desired.own_tables`), planned and applied as any table is."""
    wanted = own_tables(env)
    if not wanted:
        return []
    seen = read_tables(backend, wanted)
    return [change for name, spec in sorted(wanted.items())
            for change in table_changes(name, spec, seen.get(name), backend.kind)]


def provision(backend: Backend, desired: DesiredState, env: Environment, *, allow_destroy: bool = False,
              allow_lower_protection: bool = False, options: ApplyOptions | None = None,
              show: Callable[[str], None] = print, confirm: Callable[[Plan], None] | None = None,
              approved: SavedPlan | None = None) -> ApplyResult:
    """Plan, show the plan, refuse what is unsafe, ask `confirm` (which raises to stop), then apply.

    With `approved` (a saved plan), the plan made now must be exactly that one, or nothing is changed.
    Idempotent: a second run finds nothing pending and makes no mutating call.
    """
    made = planned(backend, desired, env)
    plan = made.plan
    if approved is not None:
        approved.check(plan, made.stack, made.observed)
    show(plan.render())
    plan.raise_if_unsafe(allow_destroy, allow_lower_protection)
    if plan.pending and confirm is not None:
        confirm(plan)
    return apply_plan(backend, plan, options)


def destroy_plan(backend: Backend, desired: DesiredState, env: Environment) -> Plan:
    """DeleteTable for each table the contracts name that exists in `env`, and nothing else.

    Other tables, whatever their names, are not read. A table with deletion protection is refused:
    turning it off is a decision, never a side effect of destroy.
    """
    if not env.destroy_allowed:
        raise RefusedError(f"destroy is for local and moto environments only; '{env.name}' does not allow it")
    stack = resolve(desired, env)
    tables = read_tables(backend, stack.tables)
    return Plan(env, backend.name, [_delete(table, env, backend) for _, table in sorted(tables.items())])


def _delete(table: ObservedTable, env: Environment, backend: Backend) -> Change:
    if not table.deletion_protection:
        return DeleteTable(target=table.name, because=DESTROYED)
    endpoint = f" --endpoint-url {backend.endpoint_url}" if backend.endpoint_url else ""
    return Refused(target=table.name, what="deletion protection is on, and destroy does not turn it off",
                   how=f"If the table is to go, turn the protection off first: set deletion_protection: false for it "
                       f"in the contracts and run `dynamo-contracts apply --env {env.name}`, or run `aws dynamodb "
                       f"update-table --table-name {table.name} --no-deletion-protection-enabled{endpoint}`; then "
                       "run destroy again")


def destroy(backend: Backend, desired: DesiredState, env: Environment, *, options: ApplyOptions | None = None,
            show: Callable[[str], None] = print) -> ApplyResult:
    """Show the destroy plan, refuse it if a table is protected, then delete (waiting until each is gone)."""
    plan = destroy_plan(backend, desired, env)
    show(plan.render())
    plan.raise_if_unsafe(allow_destroy=True)
    return apply_plan(backend, plan, options)
