"""`dynamo-contracts COMMAND` (issue 22, item 4): one console command beside the `python -m` forms, each command
the program it names with the same options and exit codes, and a misspelled command a clear error."""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

from dynamo_contracts.provision import cli
from dynamo_contracts.steps import console
from tests.support.paths import ROOT


def test_the_installed_command_is_the_console() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts == {"dynamo-contracts": "dynamo_contracts.steps.console:main"}


def test_every_provision_command_and_only_those_go_to_python_m_provision() -> None:
    parser = cli._parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert set(console.PROVISION) == set(commands.choices)


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert console.main(["--help"]) == 0
    said = capsys.readouterr().out
    for command in (*console.PROVISION, *console.STEPS):
        assert command in said
    assert console.main([]) == console.EXIT_USAGE


def test_a_misspelled_command_says_which_was_meant_and_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert console.main(["can-i-deploi", "--to", "sit"]) == 1
    assert "no command 'can-i-deploi'; did you mean 'can-i-deploy'?" in capsys.readouterr().err
    assert console.main(["frobnicate"]) == 1
    assert "choose one of: validate, plan" in capsys.readouterr().err


def test_a_command_is_its_program_options_and_exit_codes_included(capsys: pytest.CaptureFixture[str],
                                                                   tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert console.main(["validate"]) == 0
    assert "contracts are valid: 5 tables" in capsys.readouterr().out
    assert console.main(["--contracts", str(ROOT / "tests" / "brief" / "contracts"), "validate"]) == 0
    assert "contracts are valid: 3 tables" in capsys.readouterr().out
    assert console.main(["report", str(tmp_path / "results.json")]) == 2  # python -m steps.report's "cannot read"
    assert "results.json" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stopped:
        console.main(["record-deployment", "--help"])
    assert stopped.value.code == 0
    assert "python -m steps.can_i_deploy record-deployment" in capsys.readouterr().out


def test_a_report_imports_no_aws_client(spawn: ModuleType) -> None:
    """Only the program a command names is imported: a fresh interpreter, so nothing is cached."""
    probe = "print(sorted({'boto3', 'botocore', 'moto'} & set(sys.modules)))"
    done = spawn.run([sys.executable, "-c", "import sys; from steps import console; console._program('report'); "
                      f"console._program('scaffold'); {probe}"], cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    done = spawn.run([sys.executable, "-c", "import sys; from steps import console; console._program('plan'); "
                      "print(sorted({'botocore'} & set(sys.modules)))"], cwd=ROOT)
    assert done.stdout.strip() == "['botocore']"  # the probe sees an import when there is one
