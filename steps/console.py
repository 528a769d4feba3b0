"""`dynamo-contracts COMMAND ...`: the one console command, beside the `python -m` forms it runs.

    dynamo-contracts validate|plan|apply|destroy|cost|iam|terraform|import|schema|local  (python -m provision)
    dynamo-contracts report RESULTS | --env ENV,...                            (python -m steps.report)
    dynamo-contracts scaffold CONSUMER                                         (python -m steps.scaffold)
    dynamo-contracts can-i-deploy --consumer C --to ENV                        (python -m steps.can_i_deploy)
    dynamo-contracts record-deployment --consumer C --to ENV  (python -m steps.can_i_deploy record-deployment)

Each command is the `python -m` program named beside it, with the same options and exit codes; only the
program it runs is imported (a `report` loads no AWS client). The contracts themselves run with `pytest`.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Sequence

PROG = "dynamo-contracts"
PROVISION_MODULE = "dynamo_contracts.provision.cli"  # python -m provision
PROVISION = ("validate", "plan", "apply", "destroy", "cost", "iam", "terraform", "import", "schema", "local")
# command -> (module with main(argv), the words put before the rest of the command line)
STEPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "report": ("dynamo_contracts.steps.report.__main__", ()),
    "scaffold": ("dynamo_contracts.steps.scaffold", ()),
    "can-i-deploy": ("dynamo_contracts.steps.can_i_deploy.__main__", ()),
    "record-deployment": ("dynamo_contracts.steps.can_i_deploy.__main__", ("record-deployment",)),
}
EXIT_USAGE = 1  # as `python -m provision` exits for bad usage (2 is its "changes pending")


def _program(command: str) -> tuple[Callable[[Sequence[str]], int], tuple[str, ...]]:
    """The program's main and the words it is given before the rest; only that program's modules are imported."""
    module, before = (PROVISION_MODULE, (command,)) if command in PROVISION else STEPS[command]
    main: Callable[[Sequence[str]], int] = importlib.import_module(module).main
    return main, before


def usage() -> str:
    return (__doc__ or "").split("\n\n")[1] if __doc__ else ""


def main(argv: Sequence[str] | None = None) -> int:
    given = list(sys.argv[1:] if argv is None else argv)
    if not given or given[0] in ("-h", "--help", "help"):
        print(f"usage: {PROG} COMMAND [OPTIONS]\n\n{usage()}\n\n`{PROG} COMMAND --help` for a command's options.")
        return 0 if given else EXIT_USAGE
    command, rest = given[0], given[1:]
    if command.startswith("-"):  # provision's options before its command: dynamo-contracts --contracts DIR plan
        provision: Callable[[Sequence[str]], int] = importlib.import_module(PROVISION_MODULE).main
        return provision(given)
    if command not in PROVISION and command not in STEPS:
        from dynamo_contracts.provision.desired.fields import (
            did_you_mean,  # the one hint the whole tool gives for a misspelling
        )

        hint = did_you_mean(command, [*PROVISION, *STEPS]) or f"; choose one of: {', '.join([*PROVISION, *STEPS])}"
        print(f"{PROG}: error: no command '{command}'{hint}", file=sys.stderr)
        return EXIT_USAGE
    program, before = _program(command)
    return program([*before, *rest])


if __name__ == "__main__":
    sys.exit(main())
