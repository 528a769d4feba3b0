"""One contract run's environment: start the backend early, provision it, read it once.

The plugin calls these in order: `start()` at configure time (which takes DynamoDB Local's JVM the plugin
started before its imports, steps.run.early_local, or starts it now; either way it goes on starting while
tests are collected), `backend()` before the first scenario, `target()` for the checks,
`close()` at the end. Provisioning holds a file lock per environment and endpoint, so pytest-xdist
workers sharing one DynamoDB Local (or one AWS account) provision it once: the next finds nothing
to do. Before an access pattern writes the first item to AWS, `check_account_for_writes()` asks
STS, once, whether the credentials belong to the environment's account.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

from ...provision.desired.model import BackendKind, DesiredState, Environment, KeySchema
from ...provision.desired.stack import resolve
from ...provision.errors import RefusedError, ToolError
from ...provision.iam import simulate
from ...provision.observed.sources import Source, SourceContext, open_sources
from ..checks.target import Target
from . import early_local
from .env_names import named_for_another
from .options import ContractOptions
from .phases import Phases

if TYPE_CHECKING:  # a live run's modules (botocore, the apply, the launchers) are imported where it needs them:
    # a run of static sources never does, and importing them cost it about a fifth of its time
    from botocore.exceptions import BotoCoreError, ClientError

    from ...provision.backends import Backend
    from ...provision.backends.dynamodb_local_launch import LocalInstance
    from ...provision.planning.plan import Plan


class ContractSession:
    def __init__(self, options: ContractOptions, desired: DesiredState, say: Callable[[str], None],
                 stated_keys: Mapping[tuple[str, str], KeySchema] | None = None) -> None:
        self.options = options
        self.stated_keys = dict(stated_keys or {})  # the GSI keys the features state (to name a renamed index)
        self.desired = desired
        self.environment: Environment = desired.environments[options.env]
        self.say = say
        self._launched: LocalInstance | None = None
        self._exit = ExitStack()
        self._backend: Backend | None = None  # set once provisioned (or read as it is)
        self._opened: Backend | None = None  # opened, provisioned or not (its endpoint, for the messages)
        self._unusable: Exception | None = None  # why provisioning failed: raised again on every later use
        self._targets: dict[str, Target] = {}
        self._account: str | None = None  # the caller's account, once checked for writes
        self.phases = Phases()  # where the time goes, for the benchmark
        self._launched_at = 0.0
        self._evaluator: simulate.Prestarted | None = None  # node, started early for the IAM claims
        self._evaluator_taken = False
        self.failure: str | None = None  # why the environment could not be read: nothing was checked
        self.provisioned: str | None = None  # what provisioning did, in words, once it is done
        self.sources: dict[str, Source] = open_sources(  # by label: live, schema, terraform, plan
            options.against, SourceContext(desired, self.backend, options.tf_var_files))

    @property
    def labels(self) -> list[str]:
        return list(self.sources)

    @property
    def default_label(self) -> str:
        return self.labels[0]

    def source(self, label: str | None = None) -> Source:
        return self.sources[label or self.default_label]

    def needs_throwaway_local(self) -> bool:
        env = self.environment
        if env.backend is not BackendKind.DYNAMODB_LOCAL or all(s.static for s in self.sources.values()):
            return False
        from ...provision.backends.dynamodb_local import ENDPOINT_VARIABLE

        return not (self.options.endpoint_url or os.environ.get(ENDPOINT_VARIABLE) or env.endpoint_url)

    def read_static(self) -> None:
        """Read every static source now (files only, in milliseconds): a Terraform folder that does not parse
        or a plan of another format stops the run before anything runs (SourceError), and so does Terraform whose
        tables are named for another environment than the one checked (steps.run.env_names)."""
        for label, source in self.sources.items():
            if source.static:
                target = self.target(label)
                wrong = target.terraform and named_for_another(
                    target.observed.tables, self.desired, self.environment, f"{source.name}:{source.origin}")
                if wrong:
                    raise ToolError(wrong)

    def start(self) -> None:
        """Start a throwaway DynamoDB Local now, without waiting, unless an endpoint is given; or take the one the
        plugin started before its imports (steps.run.early_local), which has been starting since.

        The first run downloads it (about 58 MB): that is said on stderr, with progress, as it happens."""
        if not self.needs_throwaway_local() or self._launched is not None:
            return
        early = early_local.take()
        if early is not None:
            from ...provision.backends.dynamodb_local_launch import JarProcess

            jvm, self._launched_at = early
            self._launched = JarProcess.taken_over(jvm)
            self.phases.add("backend head start (launched before configure)", time.perf_counter() - self._launched_at)
            return
        from ...provision.backends.dynamodb_local import launch

        self._launched_at = time.perf_counter()
        self._launched = launch(progress=say_now)

    def fetch_local(self) -> None:
        """Download DynamoDB Local now if this run will start one (the xdist controller does it once for all
        its workers, which would otherwise each download it)."""
        if self.needs_throwaway_local():
            from ...provision.backends.dynamodb_local import fetch

            fetch(progress=say_now)

    def prepare_evaluator(self, prestart: bool = True) -> None:
        """Install the IAM policy evaluator now, saying so on stderr, if this run evaluates the Lambda roles'
        declared policies (anywhere but live AWS) and it is not installed yet: the first run's `npm ci` is said as
        DynamoDB Local's download is. A failure is left to the claims, which report it as unverifiable.
        With `prestart`, node is started now too and loads the evaluator while the run collects (take_evaluator),
        unless the last batch asked from this folder is answered in the cache (then this one most likely is)."""
        env = self.environment
        evaluates = not env.is_aws or any(s.static for s in self.sources.values())
        if env.lambda_roles.declared and evaluates:
            with contextlib.suppress(simulate.SimulatorMissing):
                simulate.install(progress=say_now)
                if prestart and self._evaluator is None and not simulate.answered_before():
                    self._evaluator = simulate.Prestarted.start()

    def take_evaluator(self) -> simulate.Prestarted | None:
        """The evaluator started by prepare_evaluator, for the run's first batch (then None); ended at close."""
        found, self._evaluator_taken = (None if self._evaluator_taken else self._evaluator), True
        return found

    def backend(self) -> Backend:
        """The backend, started and provisioned once. A provisioning that failed or was refused fails every later
        call the same way: no scenario may check the environment as it is when it was to be provisioned first."""
        if self._unusable is not None:
            raise self._unusable
        if self._backend is None:
            from ...provision.backends import open_backend

            endpoint = self.options.endpoint_url
            if self._launched is not None:
                with self.phases.timing("waiting for the backend"):
                    self._launched.wait_ready()
                self.phases.add("backend start (overlapped)", time.perf_counter() - self._launched_at)
                endpoint = self._launched.endpoint_url
            backend = self._exit.enter_context(open_backend(self.environment, endpoint, start_local=True))
            self._opened = backend
            try:
                with self.phases.timing("provisioning"):
                    self._provision(backend)
            except Exception as error:
                self._unusable = error
                raise
            self._backend = backend
        return self._backend

    def _provision(self, backend: Backend) -> None:
        from ...provision.apply.executor import ApplyOptions
        from ...provision.workflow import provision

        env, options = self.environment, self.options
        if env.is_aws and not options.provision:
            return  # dev, sit, prod are read as they are unless --provision
        if not env.is_aws and options.no_provision:
            return
        quiet = not env.is_aws
        show = (lambda _text: None) if quiet else self.say
        confirm = self._confirm if env.protected else None
        with self._provision_lock(backend):
            result = provision(backend, self.desired, env, show=show, confirm=confirm,
                               options=ApplyOptions(progress=(lambda _line: None) if quiet else self.say))
        self.provisioned = f"provisioned {env.name} on {backend.name} ({len(result.done)} changes)"
        if quiet:
            self.say(f"contracts: {self.provisioned}")

    def _provision_lock(self, backend: Backend) -> AbstractContextManager[object]:
        """One provisioning at a time per environment and endpoint (moto in-process lives in this process alone)."""
        if backend.in_process:
            return contextlib.nullcontext()
        from filelock import FileLock, Timeout  # a tenth of a second to import: only a live run provisions

        lock = FileLock(lock_path(self.environment, backend.endpoint_url))
        try:
            return lock.acquire(timeout=0)  # released when the `with` block ends
        except Timeout:
            self.say(f"contracts: waiting while another run provisions {self.environment.name} ({lock.lock_file})")
            return lock.acquire()

    def _confirm(self, plan: Plan) -> None:
        if not self.options.confirm_prod:
            raise RefusedError(f"'{plan.environment.name}' is protected: review the plan above, then add "
                               "--confirm-prod to apply it. Nothing was changed.")

    def check_account_for_writes(self) -> None:
        """AWS only, asked once: the credentials belong to the environment's account, or AccountMismatchError."""
        if self.environment.is_aws and self._account is None:
            from ...provision.apply.safety import check_account

            self._account = check_account(self.backend(), self.environment)

    def unreadable(self, error: BotoCoreError | ClientError) -> str:
        """What to tell people when the environment cannot be read, and what to do about it."""
        env = self.environment
        if env.is_aws:
            how = (f"role {env.role_arn}" if env.role_arn else f"profile {env.profile}" if env.profile
                   else "the default credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID, SSO or an instance role)")
            where = f"AWS account {env.account_id}, region {env.region}, {how}"
            todo = (f"Give this run credentials of account {env.account_id} that may read DynamoDB, AWS Backup and "
                    f"STS in {env.region}" + (f" (e.g. `aws sso login --profile {env.profile}`)" if env.profile
                                               else " (e.g. set AWS_PROFILE)") + ", then run again.")
        else:
            endpoint = (self._opened.endpoint_url if self._opened else None) or self.options.endpoint_url
            where = f"{env.backend.value}" + (f" at {endpoint}" if endpoint else "")
            todo = ("Check that DynamoDB Local answers there (or leave out --endpoint-url to start one), then run "
                    "again." if env.backend is BackendKind.DYNAMODB_LOCAL else "Run again; report it if it persists.")
        return f"contracts: cannot read environment '{env.name}' ({where}): {error}. Nothing was checked. {todo}"

    def stopped_answering(self, error: Exception, doing: str) -> str:
        """What to tell people when the backend stops answering in the middle of the run."""
        env = self.environment
        endpoint = (self._opened.endpoint_url if self._opened else None) or self.options.endpoint_url
        where = f"{env.backend.value}" + (f" at {endpoint}" if endpoint else f" ({env.region})")
        return (f"contracts: {where} stopped answering while {doing} for environment '{env.name}' ({error}). The run "
                "stopped there: nothing more was checked and no readiness report was written. Check that it is "
                "running and reachable, then run again.")

    def has_target(self, label: str | None = None) -> bool:
        return (label or self.default_label) in self._targets

    def target(self, label: str | None = None) -> Target:
        """A source as read once for the whole run: calls grow with tables, not scenarios."""
        label = label or self.default_label
        if label not in self._targets:
            source = self.sources[label]
            if not source.static:
                self.backend()  # started and provisioned first: its own phases
            with self.phases.timing("reading"):
                observed = source.observe(self.environment)
            self._targets[label] = Target(self.environment, observed, resolve(self.desired, self.environment),
                                          self.stated_keys)
        return self._targets[label]

    def close(self) -> None:
        self._exit.close()
        if self._evaluator is not None:
            self._evaluator.stop()  # (nothing, once it has run its batch)
        if self._launched is not None:
            with contextlib.suppress(Exception):
                self._launched.stop()
            self._launched = None


def say_now(text: str) -> None:
    """A line on stderr at once: before and outside pytest's terminal (the download, at configure time)."""
    sys.stderr.write(f"contracts: {text}\n")
    sys.stderr.flush()


def lock_path(env: Environment, endpoint: str | None) -> Path:
    """The lock file shared by every run provisioning this environment at this endpoint (or AWS account)."""
    where = endpoint or f"{env.account_id}/{env.region}"
    key = hashlib.sha256(f"{env.name}|{where}".encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"dynamo-contracts-provision-{key}.lock"
