"""`python -m provision cost --env ENV`: the environment's monthly cost estimate beside its budget.

Exit status: 0 within the budget (or no budget declared), 2 over it (as `plan` exits 2 when changes
are pending), 1 on any error, bad contracts included. Nothing is called on AWS unless `--prices live`
is given: then the prices are read from the AWS Price List API, with the data file as the fallback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..desired.fields import did_you_mean
from ..desired.load import load_contracts
from ..desired.model import DesiredState, Environment
from ..desired.stack import resolve
from ..errors import ToolError
from .estimate import Estimate, estimate
from .prices import PRICE_LIST_API_REGION, Prices, file_prices, live_prices

EXIT_WITHIN, EXIT_ERROR, EXIT_OVER = 0, 1, 2


def add_parser(commands: Any, parents: Sequence[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Add `cost` to the subcommands of `python -m provision` (`commands`: its `add_subparsers()`)."""
    sub: argparse.ArgumentParser = commands.add_parser(
        "cost", parents=list(parents), help="estimate the environment's monthly cost from AWS's list prices, "
                                            "beside its budget (exit 0: within it, 2: over it)")
    sub.add_argument("--env", required=True, help="an environment from the contracts")
    sub.add_argument("--format", choices=("text", "json"), default="text")
    sub.add_argument("--prices", choices=("file", "live"), default="file",
                     help="file: the price list kept in provision/cost/price_lists (default); live: read them now "
                          "from the AWS Price List API (pricing:GetProducts, with the environment's credentials), "
                          "falling back to the file for any price it does not give")
    return sub


def run(args: argparse.Namespace) -> int:
    """Print the estimate of `args.env`; 0 within budget, 2 over, 1 on error (said on stderr)."""
    try:
        result = environment_estimate(Path(getattr(args, "contracts", "contracts")), args.env, args.prices)
    except ToolError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_ERROR
    print(json.dumps(result.data(), indent=2) if args.format == "json" else result.render())
    return EXIT_OVER if result.within_budget is False else EXIT_WITHIN


def environment_estimate(contracts: Path, name: str, source: str = "file") -> Estimate:
    desired = load_contracts(contracts)
    env = _environment(desired, name)
    return estimate(resolve(desired, env), env.usage, prices_for(env, source))


def prices_for(env: Environment, source: str) -> Prices:
    """The data file's prices of the environment's region; with `source == "live"`, the Price List API's."""
    fallback = file_prices(env.region)
    if source != "live":
        return fallback
    try:
        client = _pricing_client(env)
    except ToolError as error:
        return Prices(fallback.region, f"{fallback.origin}; the AWS Price List API was not used: {error}",
                      fallback.entries)
    return live_prices(client, env.region, fallback)


def _pricing_client(env: Environment) -> Any:
    """A `pricing` client with the environment's credentials (its profile or role on AWS, the default elsewhere)."""
    import boto3

    from ..backends.aws import aws_backend
    from ..backends.backend import client_config

    session = aws_backend(env).session if env.is_aws else boto3.Session()
    return session.client("pricing", region_name=PRICE_LIST_API_REGION, config=client_config())


def _environment(desired: DesiredState, name: str) -> Environment:
    if name not in desired.environments:
        raise ToolError(f"no environment '{name}' in the contracts{did_you_mean(name, desired.environments)} "
                        f"(there are: {', '.join(desired.environments)})")
    return desired.environments[name]


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m provision.cost [cost] --env ENV`: the command on its own, as `python -m provision cost` runs it."""
    parser = argparse.ArgumentParser(prog="python -m provision.cost", description=__doc__)
    parser.add_argument("--contracts", default="contracts", metavar="DIR")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--contracts", default=argparse.SUPPRESS, metavar="DIR")
    add_parser(parser.add_subparsers(dest="command", required=True), [common])
    arguments = list(sys.argv[1:] if argv is None else argv)
    return run(parser.parse_args(arguments if "cost" in arguments else ["cost", *arguments]))
