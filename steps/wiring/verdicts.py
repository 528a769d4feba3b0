"""`--record-verdicts`: record each consumer's verdict of this run in the environment's verdict store.

On by default where the environment says `record_verdicts: true` (contracts/environments.yaml), off elsewhere;
`--record-verdicts` turns it on for one run (on local or moto, which need a lasting backend given by --endpoint-url,
the run's provisioning then creates the store),
`--no-record-verdicts` off. Only a run of the environment itself (`--against live`, the default) records: what a
Terraform folder or the schema would give is no verdict of the environment. On AWS the caller's account is checked
(STS) before the first write. A recording asked for that cannot be made fails the run, saying why.
"""

from __future__ import annotations

import dataclasses
import os
from typing import TYPE_CHECKING

import pytest

from ...provision.desired.own_tables import VERDICTS_TABLE
from ...provision.errors import ToolError
from ...provision.observed.origin import SourceKind, kind_of
from .lines import own_line
from .reporting import run_results

if TYPE_CHECKING:  # the store and its records are imported where verdicts are recorded: most runs record none
    from ...provision.desired.model import DesiredState
    from ..run.session import ContractSession


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("contracts")
    group.addoption("--record-verdicts", dest="contracts_record_verdicts", action="store_true", default=None,
                    help="record each consumer's verdict, with its contract's version, in the environment's verdict "
                         f"store ({VERDICTS_TABLE}) for `python -m steps.can_i_deploy` (default: where the "
                         "environment sets record_verdicts: true)")
    group.addoption("--no-record-verdicts", dest="contracts_record_verdicts", action="store_false",
                    help="record no verdict, whatever the environment sets")


def with_option(config: pytest.Config, desired: DesiredState, env_name: str, live_only: bool) -> DesiredState:
    """The desired state with the run's environment recording verdicts as the options say (so provisioning on
    local or moto creates the store). Asking for it on a run that reads no environment is refused."""
    given = config.getoption("contracts_record_verdicts", None)
    if given is None or env_name not in desired.environments:
        return desired
    if given and not live_only:
        raise pytest.UsageError("--record-verdicts records what the environment itself gave: run it with "
                                "--against live alone (the default)")
    from ...provision.backends.dynamodb_local import ENDPOINT_VARIABLE

    env = dataclasses.replace(desired.environments[env_name], record_verdicts=bool(given))
    endpoint = config.getoption("contracts_endpoint", None) or os.environ.get(ENDPOINT_VARIABLE) or env.endpoint_url
    if given and not env.is_aws and not endpoint:
        raise pytest.UsageError(f"--record-verdicts on '{env.name}' ({env.backend.value}) needs a lasting backend: "
                                "a throwaway one, and the verdicts in it, end with the run; give --endpoint-url "
                                "(`dynamo-contracts local up` starts a DynamoDB Local that stays)")
    return dataclasses.replace(desired, environments={**desired.environments, env_name: env})


def finish(session: pytest.Session, contract_session: ContractSession) -> None:
    config = session.config
    env = contract_session.environment
    if hasattr(config, "workeroutput") or not env.record_verdicts or contract_session.failure:
        return
    if [kind_of(label) for label in contract_session.labels] != [SourceKind.LIVE] or config.option.collectonly:
        return
    from botocore.exceptions import BotoCoreError, ClientError

    from ..deployments.recording import verdict_records
    from ..deployments.store import StoreMissing, VerdictStore
    from ..report.build import build
    from ..report.model import Readiness

    reporter = config.pluginmanager.get_plugin("terminalreporter")
    readiness = build(run_results(session, contract_session))
    if not isinstance(readiness, Readiness):
        return
    records = verdict_records(readiness, config.rootpath)
    try:
        contract_session.check_account_for_writes()
        store = VerdictStore(contract_session.backend().client("dynamodb"), env.name)
        for record in records:
            store.put(record)
    except (StoreMissing, ToolError, BotoCoreError, ClientError) as error:
        if reporter is not None:
            own_line(reporter, f"verdicts: not recorded in {env.name}: {error}", red=True)
        if session.exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
        return
    if reporter is not None:
        own_line(reporter, f"verdicts: {len(records)} consumers' verdicts recorded in {VERDICTS_TABLE} of "
                           f"{env.name} ({', '.join(f'{r.consumer} {r.status}' for r in records)})")
