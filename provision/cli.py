"""`python -m provision`: validate, plan, apply, destroy, and a lasting DynamoDB Local for hand work; the Terraform
of the contracts (`terraform`) and the contracts of a Terraform stack (`import`).

Exit status: 0 done (for `plan`: nothing pending), 2 `plan` found changes pending,
1 any error, bad input included. Errors the user can fix are one message, no traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from botocore.exceptions import BotoCoreError, ClientError

from .apply.executor import ApplyOptions
from .backends import Backend, open_backend
from .cost import command as cost_command
from .desired import schema_command
from .desired.load import load_contracts
from .desired.model import DesiredState, Environment
from .desired.waivers import TODAY_VARIABLE, load_waivers, today_of
from .desired.waivers import expired as waiver_problems
from .errors import ContractError, RefusedError, ToolError
from .export import command as export_command
from .iam import command as iam_command
from .importing import command as import_command
from .planning.plan import DESTROY_OPTION, LOWER_PROTECTION_OPTION, Plan
from .planning.saved import SavedPlan
from .workflow import destroy, planned, provision

EXIT_OK, EXIT_ERROR, EXIT_PENDING = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on bad usage; here 2 means "changes pending", so bad input exits 1."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message}\n")


def _common(default: object) -> _Parser:
    """The options every command takes, given before the command or after it.

    The subcommands' copy defaults to SUPPRESS: absent after the command, it leaves the value given
    before it (or the default) alone, instead of overwriting it with its own default.
    """
    common = _Parser(add_help=False)
    common.add_argument("--contracts", default=default, metavar="DIR",
                        help="the folder of desired-state YAML (default: contracts)")
    return common


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m provision", description=__doc__, parents=[_common("contracts")],
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = _common(argparse.SUPPRESS)

    validate = commands.add_parser("validate", parents=[common],
                                   help="check the contracts and their waivers, and exit (no backend is touched)")
    validate.add_argument("--today", default=None, metavar="YYYY-MM-DD",
                          help=f"the date waivers expire against (default: ${TODAY_VARIABLE}, else today, UTC)")
    iam_command.add_parser(commands, [common])
    cost_command.add_parser(commands, [common])
    export_command.add_parser(commands, [common])
    import_command.add_parser(commands, [common])
    schema_command.add_parser(commands, [common])

    def with_env(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, parents=[common], help=help_text)
        sub.add_argument("--env", required=True, help="an environment from the contracts")
        sub.add_argument("--endpoint-url", help="a running DynamoDB Local to use (local environments), or moto's "
                                                "server (moto environments)")
        return sub

    plan = with_env("plan", "show what apply would change (exit 0: nothing, 2: changes pending)")
    plan.add_argument("--format", choices=("text", "json"), default="text")
    plan.add_argument("--out", type=Path, metavar="FILE",
                      help="also save the plan, with digests of what it was made from, for `apply --plan FILE`")
    apply = with_env("apply", "show the plan, then make it so")
    apply.add_argument(DESTROY_OPTION, dest="destroy", action="store_true",
                       help="allow deleting tables and GSIs that are not in the contracts (DESTROYS DATA; "
                            "refused in protected environments such as prod)")
    apply.add_argument(LOWER_PROTECTION_OPTION, dest="lower_protection", action="store_true",
                       help="allow turning deletion protection and point-in-time recovery off where the contracts "
                            "no longer ask for them (REMOVES SAFEGUARDS AGAINST DATA LOSS; refused in "
                            "protected environments such as prod)")
    apply.add_argument("--auto-approve", action="store_true",
                       help="on AWS environments, apply without asking (for CI, after the plan was reviewed)")
    apply.add_argument("--timeout", type=_seconds, default=1800.0, help="seconds the whole apply may take")
    apply.add_argument("--plan", type=Path, metavar="FILE", dest="saved_plan",
                       help="apply exactly this saved plan (`plan --out FILE`): refused, changing nothing, when the "
                            "plan made now differs (the environment or the contracts changed since it was approved)")
    gone = with_env("destroy", "delete the tables the contracts name, in a local or moto environment (nothing else)")
    gone.add_argument("--timeout", type=_seconds, default=1800.0, help="seconds the whole destroy may take")

    local = commands.add_parser("local", parents=[common],
                                help="a lasting DynamoDB Local for hand work (data in .dynamodb-local/)")
    local.add_argument("action", choices=("up", "down", "status", "fetch"),
                       help="up/down/status: a lasting instance on --port; fetch: download DynamoDB Local (and "
                            "the IAM policy evaluator) only")
    local.add_argument("--port", type=int, default=8000)
    return parser


def _seconds(text: str) -> float:
    """A --timeout: a number of seconds above zero (argparse reports a ValueError as bad input)."""
    try:
        seconds = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds: write e.g. --timeout 600") from None
    if not seconds > 0:  # also refuses nan
        raise argparse.ArgumentTypeError(f"{text} seconds leaves no time: give a number above 0, e.g. --timeout 600")
    return seconds


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except ToolError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except (ClientError, BotoCoreError) as error:
        print(f"error: AWS said: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("interrupted: what was done stays done; run the same command again to finish", file=sys.stderr)
        return 130


def _run(args: argparse.Namespace) -> int:
    if args.command == "local":
        return _local(args.action, args.port)
    if args.command == "iam":
        return iam_command.run(args)
    if args.command == "cost":
        return cost_command.run(args)
    if args.command == "terraform":
        return export_command.run(args)
    if args.command == "import":
        return import_command.run(args)
    if args.command == "schema":
        return schema_command.run(args)
    desired = load_contracts(Path(args.contracts))
    if args.command == "validate":
        return _validate(desired, args)
    env = _environment(desired, args.env)
    if args.endpoint_url and env.is_aws:
        raise ToolError(f"--endpoint-url is for DynamoDB Local and moto environments (moto's server); "
                        f"'{env.name}' is {env.backend.value}")
    saved = getattr(args, "saved_plan", None)
    approved = SavedPlan.load(saved) if saved is not None else None  # a bad file stops before any call
    with open_backend(env, args.endpoint_url, start_local=False) as backend:
        if args.command == "plan":
            made = planned(backend, desired, env)
            plan = made.plan
            print(json.dumps(plan.data(), indent=2) if args.format == "json" else plan.render())
            if args.out is not None:
                made.saved().save(args.out)
                print(f"Saved to {args.out}: apply exactly this plan with "
                      f"`dynamo-contracts apply --env {env.name} --plan {args.out}`", file=sys.stderr)
            if plan.refused:
                return EXIT_ERROR
            return EXIT_PENDING if plan.pending else EXIT_OK
        if args.command == "apply":
            options = ApplyOptions(timeout=args.timeout)
            confirm = None if (args.auto_approve or not env.is_aws) else _confirm
            result = provision(backend, desired, env, allow_destroy=args.destroy,
                               allow_lower_protection=args.lower_protection, options=options, confirm=confirm,
                               approved=approved)
            print(f"Applied {len(result.done)} change(s) to '{env.name}'." if result.done else "Nothing to do.")
            return EXIT_OK
        return _destroy(backend, desired, env, args.timeout)


def _validate(desired: DesiredState, args: argparse.Namespace) -> int:
    """The contracts, then their waivers: malformed, naming nothing that exists, or expired, each at its line.
    (The consumers and scenarios a waiver names are in features/, which the contracts suite checks.)"""
    try:
        today = today_of(args.today)
    except ValueError as error:
        raise ToolError(str(error)) from None
    waivers = load_waivers(Path(args.contracts), desired)
    expired = waiver_problems(waivers, today)
    if expired:
        raise ContractError(expired)
    gsis = sum(len(t.global_indexes) for t in desired.tables)
    print(f"contracts are valid: {len(desired.tables)} tables, {gsis} GSIs, {len(desired.plans)} backup "
          f"plans, environments {', '.join(desired.environments)}"
          + (f"; {len(waivers)} waiver(s) in force on {today}" if waivers else ""))
    return EXIT_OK


def _environment(desired: DesiredState, name: str) -> Environment:
    if name not in desired.environments:
        raise ToolError(f"no environment '{name}' in the contracts; choose one of: "
                        f"{', '.join(desired.environments)}")
    return desired.environments[name]


def _confirm(plan: Plan) -> None:
    env = plan.environment
    if not sys.stdin.isatty():
        raise RefusedError(f"'{env.name}' is an AWS environment: review the plan above, then run again with "
                           "--auto-approve (or run in a terminal to confirm by hand). Nothing was changed.")
    answer = input(f"Apply {len(plan.pending)} change(s) to '{env.name}' (account {env.account_id})? "
                   f"Type the environment name to confirm: ")
    if answer.strip() != env.name:
        raise RefusedError("not confirmed; nothing was changed")


def _destroy(backend: Backend, desired: DesiredState, env: Environment, timeout: float) -> int:
    result = destroy(backend, desired, env, options=ApplyOptions(timeout=timeout))
    print(f"Destroyed {len(result.done)} table(s) in '{env.name}'." if result.done
          else f"'{env.name}' holds none of the tables the contracts name.")
    return EXIT_OK


def _local(action: str, port: int) -> int:
    from .backends import local_service

    root = Path.cwd()
    if action == "fetch":
        from .backends import dynamodb_local_archive
        from .backends.dynamodb_local import fetch
        from .iam import simulate

        home = fetch(progress=print)
        print(f"DynamoDB Local is ready in {home}")
        archive = dynamodb_local_archive.make(home, progress=print)
        if archive is not None:
            print(f"its classes are archived for a quicker start in {archive.archive.parent}")
        try:
            print(f"the IAM policy evaluator is ready in {simulate.install(progress=print)}")
        except simulate.SimulatorMissing as error:  # the Lambda roles' claims say so, unverifiable, when they run
            print(f"the IAM policy evaluator is not installed: {error}")
        return EXIT_OK
    if action == "up":
        status = local_service.up(root, port, progress=print)
        print(f"{status.describe()}\n`dynamo-contracts apply --env local` will use it; "
              "stop it with `dynamo-contracts local down`")
    elif action == "down":
        print("DynamoDB Local stopped" if local_service.down(root) else "no DynamoDB Local was running")
    else:
        found = local_service.status(root)
        print(found.describe() if found else "not running (start one with `dynamo-contracts local up`)")
        return EXIT_OK if found is not None and found.running else EXIT_ERROR
    return EXIT_OK
