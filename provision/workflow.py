"""The provisioner's steps in order: resolve the stack, read the environment, diff, plan, apply.

Shared by the command line (`provision.cli`) and the pytest plugin, so both plan and
apply the same way.
"""

from __future__ import annotations

from collections.abc import Callable

from provision.apply import ApplyOptions, ApplyResult, apply_plan
from provision.backends import Backend
from provision.diff import diff
from provision.model import DesiredState, Environment
from provision.plan import Plan
from provision.read import observe
from provision.stack import resolve


def make_plan(backend: Backend, desired: DesiredState, env: Environment) -> Plan:
    observed = observe(backend, env)
    return Plan(env, backend.name, diff(resolve(desired, env), observed, backend.kind))


def provision(backend: Backend, desired: DesiredState, env: Environment, *, allow_destroy: bool = False,
              options: ApplyOptions | None = None, show: Callable[[str], None] = print,
              confirm: Callable[[Plan], None] | None = None) -> ApplyResult:
    """Plan, show the plan, refuse what is unsafe, ask `confirm` (which raises to stop), then apply.

    Idempotent: a second run finds nothing pending and makes no mutating call.
    """
    plan = make_plan(backend, desired, env)
    show(plan.render())
    plan.raise_if_unsafe(allow_destroy)
    if plan.pending and confirm is not None:
        confirm(plan)
    return apply_plan(backend, plan, options)
