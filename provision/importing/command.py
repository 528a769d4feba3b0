"""`python -m provision import --from terraform:DIR|plan:FILE --env ENV [--out DIR]`: contracts/ from a stack.

Exit 0: written (what is unknown is listed on stderr, with its count, and written as placeholders); 1: an error,
and nothing written.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..desired.load import load_contracts
from ..desired.yamlsrc import display_path
from ..errors import ContractError, ToolError
from . import folder, reading
from .stack import Imported, Options, build, header

EXIT_OK, EXIT_ERROR = 0, 1


def add_parser(commands: Any, parents: Sequence[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Add `import` to the subcommands of `python -m provision`."""
    sub: argparse.ArgumentParser = commands.add_parser(
        "import", parents=list(parents),
        help="write contracts/ from an existing stack's Terraform (or its plan): what it cannot know is a "
             "commented placeholder")
    sub.add_argument("--from", dest="source", required=True, metavar="terraform:DIR|plan:FILE",
                     help="the stack to read, as --against reads it")
    sub.add_argument("--env", required=True, help="the environment the stack is (sit): its names map to logical ones")
    sub.add_argument("--out", type=Path, default=Path("contracts"), metavar="DIR",
                     help="the contracts folder to write (default: contracts); refused when it holds anything but "
                          "this same import")
    sub.add_argument("--tf-var-file", action="append", type=Path, default=[], metavar="FILE", dest="var_files",
                     help="a Terraform variable file, as terraform -var-file (repeat it; terraform:DIR only)")
    sub.add_argument("--name-pattern", metavar="PATTERN",
                     help='how table names are made, e.g. "{table}-{env}" (default: inferred from the names)')
    sub.add_argument("--backup-name-pattern", metavar="PATTERN",
                     help='how vault and plan names are made, e.g. "{name}-{env}" (default: inferred)')
    sub.add_argument("--region", help="the environment's region, where the Terraform does not say it")
    sub.add_argument("--account-id", help="the environment's AWS account, where the Terraform names none")
    sub.add_argument(folder.OVERWRITE_OPTION, dest="overwrite", action="store_true",
                     help="replace --out even if it holds other contracts (THEY ARE DELETED)")
    return sub


def checker(imported: Imported, spec: str, out: Path, problems: list[str]) -> Callable[[Path], None]:
    """What checks the staged folder: the project's own loader; it must take the import when nothing is unknown."""

    def check(staging: Path) -> None:
        try:
            load_contracts(staging)
        except ContractError as error:
            shown = display_path(staging)
            said = [str(p).replace(shown, str(out).rstrip("/"), 1) for p in error.problems]
            if not imported.placeholders:
                raise ToolError(f"the contracts made from --from {spec} do not load, so nothing was "
                                "written:\n" + "\n".join(f"  {p}" for p in said)) from None
            problems.extend(said)

    return check


def run(args: argparse.Namespace) -> int:
    options = Options(args.source, args.env, args.name_pattern, args.backup_name_pattern, args.region,
                      args.account_id)
    try:
        folder.check_out(args.out, header(args.source, args.env), args.overwrite)
        state = reading.read(args.source, args.env, args.var_files)
        imported = build(state, options)
        problems: list[str] = []
        folder.write(args.out, imported.files, checker(imported, args.source, args.out, problems))
    except ToolError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as error:
        print(f"error: --out {args.out}: {error.strerror or error}; nothing was written", file=sys.stderr)
        return EXIT_ERROR
    print(f"wrote {args.out}: {imported.summary}")
    if imported.others:
        print(f"left out: {imported.others} CloudWatch alarm(s) on no table of this stack", file=sys.stderr)
    if imported.placeholders:
        print(f"{len(imported.placeholders)} thing(s) unknown here, written as commented placeholders to fill in "
              f"(nothing was guessed):", file=sys.stderr)
        for line in imported.placeholders:
            print(f"  {line}", file=sys.stderr)
    if problems:
        print(f"until they are filled, `dynamo-contracts validate --contracts {args.out}` says:", file=sys.stderr)
        for line in problems:
            print(f"  {line}", file=sys.stderr)
    else:
        print(f"`dynamo-contracts validate --contracts {args.out}` passes", file=sys.stderr)
    return EXIT_OK
