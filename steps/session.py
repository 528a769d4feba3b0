"""One contract run's environment: start the backend early, provision it, read it once.

The plugin calls these in order: `start()` at configure time (so DynamoDB Local's JVM starts
while tests are collected), `backend()` before the first scenario, `target()` for the checks,
`close()` at the end.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from contextlib import ExitStack

from provision.apply import ApplyOptions
from provision.backends import Backend, open_backend
from provision.backends.dynamodb_local import ENDPOINT_VARIABLE, launch
from provision.backends.dynamodb_local_launch import LocalInstance
from provision.errors import RefusedError
from provision.model import BackendKind, DesiredState, Environment
from provision.plan import Plan
from provision.read import observe
from provision.stack import resolve
from provision.workflow import provision
from steps.options import ContractOptions
from steps.target import Target


class ContractSession:
    def __init__(self, options: ContractOptions, desired: DesiredState, say: Callable[[str], None]) -> None:
        self.options = options
        self.desired = desired
        self.environment: Environment = desired.environments[options.env]
        self.say = say
        self._launched: LocalInstance | None = None
        self._exit = ExitStack()
        self._backend: Backend | None = None
        self._target: Target | None = None

    def start(self) -> None:
        """Start a throwaway DynamoDB Local now, without waiting, unless an endpoint is given."""
        env = self.environment
        given = self.options.endpoint_url or os.environ.get(ENDPOINT_VARIABLE) or env.endpoint_url
        if env.backend is BackendKind.DYNAMODB_LOCAL and not given and self._launched is None:
            self._launched = launch()

    def backend(self) -> Backend:
        if self._backend is None:
            endpoint = self.options.endpoint_url
            if self._launched is not None:
                self._launched.wait_ready()
                endpoint = self._launched.endpoint_url
            self._backend = self._exit.enter_context(open_backend(self.environment, endpoint, start_local=True))
            self._provision(self._backend)
        return self._backend

    def _provision(self, backend: Backend) -> None:
        env, options = self.environment, self.options
        if env.is_aws and not options.provision:
            return  # dev, sit, prod are read as they are unless --provision
        if not env.is_aws and options.no_provision:
            return
        quiet = not env.is_aws
        show = (lambda _text: None) if quiet else self.say
        confirm = self._confirm if env.protected else None
        result = provision(backend, self.desired, env, show=show, confirm=confirm,
                           options=ApplyOptions(progress=(lambda _line: None) if quiet else self.say))
        if quiet:
            self.say(f"contracts: provisioned {env.name} on {backend.name} ({len(result.done)} changes)")

    def _confirm(self, plan: Plan) -> None:
        if not self.options.confirm_prod:
            raise RefusedError(f"'{plan.environment.name}' is protected: review the plan above, then add "
                               "--confirm-prod to apply it. Nothing was changed.")

    def has_target(self) -> bool:
        return self._target is not None

    def target(self) -> Target:
        """The environment as read once for the whole run: calls grow with tables, not scenarios."""
        if self._target is None:
            backend = self.backend()
            observed = observe(backend, self.environment)
            self._target = Target(self.environment, observed, resolve(self.desired, self.environment))
        return self._target

    def close(self) -> None:
        self._exit.close()
        if self._launched is not None:
            with contextlib.suppress(Exception):
                self._launched.stop()
            self._launched = None
