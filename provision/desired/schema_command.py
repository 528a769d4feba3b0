"""`python -m provision schema [--out FILE] [--check]`: the JSON Schema of the contracts/ format, for editors.

Prints the schema (`provision.desired.json_schema`), or writes it to FILE; with `--check`, writes nothing and exits
1 when FILE differs from what this version of the tool makes (CI keeps `schema/contracts.schema.json` current so).
"""

from __future__ import annotations

import argparse
import difflib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import ToolError
from .json_schema import COMMITTED, render

EXIT_OK, EXIT_DIFFERS = 0, 1


def add_parser(commands: Any, parents: Sequence[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Add `schema` to the subcommands of `python -m provision`."""
    sub: argparse.ArgumentParser = commands.add_parser(
        "schema", parents=list(parents),
        help=f"print the JSON Schema of the contracts format, or write it (--out {COMMITTED}); --check compares")
    sub.add_argument("--out", type=Path, default=None, metavar="FILE", help="the file to write (or check)")
    sub.add_argument("--check", action="store_true",
                     help="write nothing: exit 1, showing the difference, when FILE is not what this version makes")
    return sub


def run(args: argparse.Namespace) -> int:
    made = render()
    if args.out is None:
        if args.check:
            raise ToolError(f"--check compares a file: give it with --out (--out {COMMITTED})")
        sys.stdout.write(made)
        return EXIT_OK
    out: Path = args.out
    if args.check:
        try:
            held = out.read_text(encoding="utf-8")
        except OSError as error:
            raise ToolError(f"{out}: cannot be read ({error.strerror or error}); write it with "
                            f"`dynamo-contracts schema --out {out}`") from None
        if held == made:
            print(f"{out} is the schema of the contracts format")
            return EXIT_OK
        sys.stdout.writelines(difflib.unified_diff(held.splitlines(True), made.splitlines(True), str(out), "made"))
        print(f"{out} differs from the schema this version makes: run `dynamo-contracts schema --out {out}`",
              file=sys.stderr)
        return EXIT_DIFFERS
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(made, encoding="utf-8")
    except OSError as error:
        raise ToolError(f"{out}: cannot be written ({error.strerror or error})") from None
    print(f"wrote {out}")
    return EXIT_OK
