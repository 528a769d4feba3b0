"""Waivers in the run: `--today`, reading `waivers:` from contracts/, checking the consumers and scenarios they name
against the features, and marking each failed claim, or claim the input left unknown, a waiver in force accepts
(`steps.results.waivers`; a waived unknown does not fail the gate: `steps.results.unknowns.accepted`).

A malformed waiver (no owner, reason or expiry; a name nothing defines) stops the run before anything runs, at its
file:line. An expired one does not stop it: what it covered blocks again, and the summary says so at its line.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable

import pytest

from ...provision.desired.model import DesiredState
from ...provision.desired.waivers import TODAY_VARIABLE, Waiver, load_waivers, today_of
from ...provision.errors import ContractError, Problem
from ..gherkin.parse import ParsedFeatures
from ..results import waivers as matching
from ..results.findings import Finding

WAIVERS = pytest.StashKey[list[Waiver]]()
TODAY = pytest.StashKey[datetime.date]()


def add_options(parser: pytest.Parser) -> None:
    parser.getgroup("contracts").addoption(
        "--today", dest="contracts_today", default=None, metavar="YYYY-MM-DD",
        help=f"the date waivers expire against (default: ${TODAY_VARIABLE}, else today's date, UTC)")


def _today(config: pytest.Config) -> datetime.date:
    try:
        return today_of(config.getoption("contracts_today", None))
    except ValueError as error:
        raise pytest.UsageError(str(error)) from None


def configure(config: pytest.Config, folder: str, desired: DesiredState, parsed: ParsedFeatures) -> None:
    """Read the waivers and check what they name; a mistake is a usage error at its line."""
    today = _today(config)
    try:
        found = load_waivers(folder, desired)
    except ContractError as error:
        raise pytest.UsageError(str(error)) from None
    consumers = set(parsed.consumers)
    problems = []
    for waiver in found:
        if waiver.consumer is not None and waiver.consumer not in consumers:
            problems.append(Problem(waiver.file, waiver.line, f"consumer '{waiver.consumer}' does not exist (features/ "
                                    f"holds: {', '.join(sorted(consumers))})"))
        names = {s.name for s in parsed.scenarios if waiver.consumer in (None, s.consumer)}
        if waiver.scenario is not None and waiver.scenario not in names:
            problems.append(Problem(waiver.file, waiver.line, f"scenario '{waiver.scenario}' does not exist"
                                    f"{' for ' + waiver.consumer if waiver.consumer else ''}: name it as written "
                                    "in its feature"))
    if problems:
        raise pytest.UsageError(str(ContractError(problems)))
    config.stash[WAIVERS], config.stash[TODAY] = found, today


def accepting(config: pytest.Config, consumer: str, scenario: str, environment: str,
              advisory: bool = False) -> Callable[[Finding], Finding]:
    """What marks a scenario's claims: a failure a waiver in force covers, and (`advisory`) every claim advisory."""
    found: list[Waiver] = config.stash.get(WAIVERS, [])
    waived = matching.waive(found, consumer, scenario, environment, config.stash.get(TODAY, datetime.date.today()))
    if not advisory:
        return waived
    return lambda finding: dataclasses.replace(waived(finding), advisory=True)


def expired(config: pytest.Config) -> list[str]:
    found: list[Waiver] = config.stash.get(WAIVERS, [])
    return matching.expired(found, config.stash.get(TODAY, datetime.date.today()))
