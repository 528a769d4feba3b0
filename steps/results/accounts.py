"""AWS account ids (12 digits, as in every ARN) in a run's results, masked for the files that travel.

A readiness report goes to a job summary, an artifact, a chat: it names the Lambda roles', the tables' and the
backup role's ARNs, and with them the accounts. Unless the run is given `--show-accounts`, each id is masked but for
its last four digits (`********2222`), everywhere in the results, so results.json and the report rebuilt from it
(`python -m steps.report`) say the same as the report the run wrote.
"""

from __future__ import annotations

import re
from typing import Any

from .run import RunResults

ACCOUNT_ID = re.compile(r"(?<![0-9])[0-9]{12}(?![0-9])")
SHOWN_DIGITS = 4


def mask(text: str) -> str:
    """`text` with each 12-digit account id masked but for its last four digits."""
    return ACCOUNT_ID.sub(lambda m: "*" * (12 - SHOWN_DIGITS) + m.group()[-SHOWN_DIGITS:], text)


def _masked(data: Any) -> Any:
    if isinstance(data, str):
        return mask(data)
    if isinstance(data, list):
        return [_masked(item) for item in data]
    if isinstance(data, dict):
        return {_masked(key): _masked(value) for key, value in data.items()}
    return data


def mask_accounts(run: RunResults) -> RunResults:
    """The same results with every account id masked (in every string: subjects, reasons, actions, names)."""
    return RunResults.from_data(_masked(run.data()))
