"""`python -m steps.can_i_deploy`: a consumer team's pipeline asks whether its contract holds where it deploys.

    python -m steps.can_i_deploy --consumer order_lambda --to sit [--version DIGEST]
    python -m steps.can_i_deploy record-deployment --consumer order_lambda --to sit [--version DIGEST]

The first answers from the verdicts runs recorded (`pytest --env=sit --record-verdicts`, or `record_verdicts: true`
in the environment) in the environment's verdict store: yes when the newest verdict of that version of the
contract is ready, with when it was last verified, else no with why. The version is the digest of
`features/<consumer>/` (default: the checkout's). The second notes that version as the one live there.
Exit 0: yes (or recorded); 1: no; 2: a mistake (an unknown consumer or environment, a store that is not there or
cannot be read), said on stderr.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError

from dynamo_contracts.provision.apply.safety import check_account
from dynamo_contracts.provision.backends import open_backend
from dynamo_contracts.provision.desired.load import load_contracts
from dynamo_contracts.provision.errors import ContractError, ToolError
from dynamo_contracts.steps.deployments.answer import answer
from dynamo_contracts.steps.deployments.records import DeploymentRecord
from dynamo_contracts.steps.deployments.store import StoreMissing, VerdictStore
from dynamo_contracts.steps.deployments.version import contract_version, git_commit

RECORD_DEPLOYMENT = "record-deployment"


def _parser(record: bool) -> argparse.ArgumentParser:
    prog = "python -m steps.can_i_deploy" + (f" {RECORD_DEPLOYMENT}" if record else "")
    parser = argparse.ArgumentParser(prog=prog, description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--consumer", required=True, help="the consumer: its folder under features/")
    parser.add_argument("--to", dest="env", required=True, metavar="ENV", help="the environment, from contracts/")
    parser.add_argument("--version", default=None, metavar="DIGEST",
                        help="the contract's version (sha256:...; default: the digest of features/<consumer>/ here)")
    parser.add_argument("--contracts", type=Path, default=Path("contracts"), metavar="DIR")
    parser.add_argument("--features", type=Path, default=Path("features"), metavar="DIR")
    parser.add_argument("--endpoint-url", default=None, metavar="URL", help="a running DynamoDB Local (local)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    given = list(sys.argv[1:] if argv is None else argv)
    record = bool(given) and given[0] == RECORD_DEPLOYMENT
    args = _parser(record).parse_args(given[1:] if record else given)
    try:
        desired = load_contracts(args.contracts)
        if args.env not in desired.environments:
            raise ToolError(f"--to {args.env}: no such environment in {args.contracts}; choose one of: "
                            f"{', '.join(desired.environments)}")
        env = desired.environments[args.env]
        if not (args.features / args.consumer).is_dir():
            raise ToolError(f"--consumer {args.consumer}: no such consumer (no folder {args.features / args.consumer})")
        version = args.version or contract_version(args.features, args.consumer)
        with open_backend(env, args.endpoint_url, start_local=False) as backend:
            store = VerdictStore(backend.client("dynamodb"), env.name)
            if record:
                if env.is_aws:
                    check_account(backend, env)  # a write to AWS: the credentials must be the environment's account
                moment = datetime.now(UTC).replace(microsecond=0).isoformat()
                store.put(DeploymentRecord(env.name, args.consumer, version, moment, git_commit(Path.cwd()) or ""))
                print(f"recorded: {args.consumer} version {version[:19]} is live in {env.name} ({moment})")
                return 0
            history = store.history(args.consumer)
    except (ContractError, ToolError, StoreMissing, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (BotoCoreError, ClientError) as error:
        print(f"error: the verdict store of '{args.env}' cannot be read ({error})", file=sys.stderr)
        return 2
    if not history.verdicts:
        print(f"error: no verdict of {args.consumer} is recorded in {args.env}: run the contracts there with "
              "--record-verdicts first", file=sys.stderr)
        return 2
    result = answer(history, args.consumer, args.env, version)
    print(result.text)
    return 0 if result.yes else 1


if __name__ == "__main__":
    sys.exit(main())
