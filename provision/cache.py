"""Where the tool keeps what it can make again between runs: $DYNAMO_CONTRACTS_CACHE, else the XDG cache.

DynamoDB Local's package, the IAM policy evaluator and the parsed HCL files (`observed.terraform.hcl_cache`) are
kept there, each in a folder of its own. Deleting the folder is always safe: the next run makes what it needs.
"""

from __future__ import annotations

import os
from pathlib import Path

VARIABLE = "DYNAMO_CONTRACTS_CACHE"


def cache_dir() -> Path:
    """$DYNAMO_CONTRACTS_CACHE, else $XDG_CACHE_HOME/dynamo-contracts, else ~/.cache/dynamo-contracts."""
    explicit = os.environ.get(VARIABLE)
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "dynamo-contracts"
