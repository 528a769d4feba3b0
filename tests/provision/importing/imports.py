"""What the import tests share: the brief's Terraform as a user names it, running the command in process, and
comparing an imported desired state with the one it came from."""

from __future__ import annotations

from pathlib import Path

import pytest

from dynamo_contracts.provision import cli

BRIEF = Path("tests") / "brief" / "terraform"  # as a user gives it, from the project's folder
ALARMS_UNREAD = "alarms: unknown here"


def run_import(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(["import", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err
