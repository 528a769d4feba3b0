"""Reading the stack to import through the sources `--against` uses (`provision.observed.sources`), so modules,
variables and plans are followed exactly as there.

A source reads for an environment; the import has no contracts yet, so it reads for a bare one of the name given:
no region (a table's ARN then carries its provider's region, or none) and an account that is no account, so an
ARN the source makes up is never taken for the stack's account.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..backends import Backend
from ..desired.model import BackendKind, DesiredState, Environment
from ..errors import ToolError
from ..observed.origin import SourceKind, kind_of
from ..observed.sources import SourceContext, SourceError, open_source
from ..observed.state import ObservedState

KINDS = ("terraform", "plan")
NO_ACCOUNT = "no-account"


def _no_backend() -> Backend:
    raise ToolError("the import reads files only")


def read(spec: str, env: str, var_files: Sequence[Path]) -> ObservedState:
    """The observed state of `spec` (`terraform:DIR` or `plan:FILE`) for environment `env`."""
    kind, _, argument = spec.partition(":")
    if kind not in KINDS or not argument:
        raise ToolError(f"--from {spec}: import reads terraform:DIR (a folder of .tf files) or plan:FILE (the JSON "
                        "of `terraform show -json`), e.g. --from terraform:infra/envs/sit")
    if kind_of(spec) is SourceKind.PLAN and var_files:
        raise ToolError("--tf-var-file is for --from terraform:DIR; a plan holds its variables' values already")
    context = SourceContext(DesiredState((), (), (), {}), _no_backend, tuple(var_files))
    try:
        source = open_source(spec, context)
        return source.observe(Environment(env, BackendKind.AWS, region="", account_id=NO_ACCOUNT))
    except SourceError as error:
        raise ToolError(str(error).replace("--against ", "--from ", 1)) from None
