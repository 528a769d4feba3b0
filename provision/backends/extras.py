"""The backends an install may lack: moto and the container client come with extras, not with every install.

`pip install dynamo-contracts` checks contracts/, Terraform and plans, and runs on AWS; `[moto]` adds moto,
`[local]` the container client of DynamoDB Local (its jar needs only Java). A backend whose package is missing
is a clear error naming the extra to install, never an ImportError's traceback.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from ..errors import ToolError


def require(module: str, extra: str, what: str) -> ModuleType:
    """`module` imported, or a ToolError saying which extra brings it (`what`: what needs it, in words)."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as error:
        package = module.split(".")[0]
        if error.name != package:
            raise  # the package is there but lacks a module: not a missing extra
        raise ToolError(f"{what} needs {package}, which this install lacks: "
                        f"pip install 'dynamo-contracts[{extra}]'") from None
