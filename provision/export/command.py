"""`python -m provision terraform --out DIR [--env ENV ...] [--check]`: the Terraform of contracts/.

Writes (or with `--check`, compares) the stack module and one root per environment; see
`provision.export.layout`. Exit 0: written, or (`--check`) nothing differs; 1: `--check` found a difference,
or an error. The Lambda roles' policies are generated from the consumers' access patterns by the contracts
suite (`steps`), which the provisioner does not import: it offers them through the entry point
`dynamo_contracts.consumer_policies`, registered by the installed package.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping, Sequence
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from ..desired.load import load_contracts
from ..desired.model import BackendKind, DesiredState, Environment
from ..desired.stack import Stack, resolve
from ..desired.yamlsrc import display_path
from ..errors import ToolError
from . import layout

EXIT_OK, EXIT_DIFFERS = 0, 1
POLICIES_ENTRY_POINT = "dynamo_contracts.consumer_policies"
PolicySource = Callable[[Path, Stack], Mapping[str, Mapping[str, Any]]]


def add_parser(commands: Any, parents: Sequence[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Add `terraform` to the subcommands of `python -m provision`."""
    sub: argparse.ArgumentParser = commands.add_parser(
        "terraform", parents=list(parents),
        help="write the Terraform of the contracts: a module for the stack and a root per environment "
             "(--check: exit 1 when DIR differs)")
    sub.add_argument("--out", type=Path, required=True, metavar="DIR", help="the folder to write (or check)")
    sub.add_argument("--env", action="append", metavar="ENV",
                     help="an environment to write a root for (repeat it; default: every AWS environment)")
    sub.add_argument("--check", action="store_true",
                     help="write nothing: exit 1, showing the difference, when DIR is not what contracts/ makes")
    sub.add_argument("--rootdir", type=Path, default=Path("."),
                     help="the folder holding features/, for the consumers' generated policies (default: .)")
    return sub


def environments(desired: DesiredState, names: Sequence[str] | None) -> list[Environment]:
    """The environments named, or every AWS one; DynamoDB Local cannot be a Terraform target."""
    if not names:
        found = [env for env in desired.environments.values() if env.is_aws]
        if not found:
            raise ToolError("the contracts define no AWS environment: name one with --env")
        return found
    chosen = []
    for name in dict.fromkeys(names):
        if name not in desired.environments:
            raise ToolError(f"--env {name}: no such environment in the contracts; choose one of: "
                            f"{', '.join(desired.environments)}")
        env = desired.environments[name]
        if env.backend is BackendKind.DYNAMODB_LOCAL:
            raise ToolError(f"--env {name}: a DynamoDB Local environment cannot be built by Terraform (the AWS "
                            "provider's point-in-time recovery call fails there): use `dynamo-contracts apply`")
        chosen.append(env)
    return chosen


def _policy_source() -> PolicySource | None:
    found = list(entry_points(group=POLICIES_ENTRY_POINT))
    return found[0].load() if found else None


def policies(desired: DesiredState, envs: Sequence[Environment], rootdir: Path,
             source: PolicySource | None) -> dict[str, Mapping[str, Mapping[str, Any]]]:
    """The generated policy of each consumer whose role takes one, by environment."""
    found: dict[str, Mapping[str, Mapping[str, Any]]] = {}
    for env in envs:
        if source is None or not env.lambda_roles.declared:
            continue
        found[env.name] = source(rootdir, resolve(desired, env))
    return found


def run(args: argparse.Namespace) -> int:
    contracts = Path(getattr(args, "contracts", "contracts"))
    try:
        desired = load_contracts(contracts)
        envs = environments(desired, args.env)
        source = _policy_source()
        if source is None:
            print("note: the consumers' generated policies are not written: install the package "
                  "(pip install -e .) so its contracts suite offers them", file=sys.stderr)
        shown = display_path(contracts).rstrip("/") + "/"
        files = layout.export(desired, envs, shown, policies(desired, envs, args.rootdir, source))
        if args.check:
            differences = layout.check(args.out, files, envs)
            for difference in differences:
                print(difference)
            if differences:
                print(f"{args.out} is not what contracts/ makes ({len(differences)} file(s)): run "
                      f"`dynamo-contracts terraform --out {args.out}` and commit the result", file=sys.stderr)
                return EXIT_DIFFERS
            print(f"{args.out} is what contracts/ makes ({len(files)} files)")
            return EXIT_OK
        changed = layout.write(args.out, files, envs)
        print(f"wrote {args.out}: {len(changed)} file(s) changed of {len(files)} "
              f"(roots: {', '.join(str(args.out / layout.ENVS_DIR / e.name) for e in envs)})")
        return EXIT_OK
    except ToolError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_DIFFERS
    except OSError as error:
        print(f"error: {args.out}: {error.strerror or error}", file=sys.stderr)
        return EXIT_DIFFERS
