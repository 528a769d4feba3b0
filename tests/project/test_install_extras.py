"""An install that fits its use (issue 22, item 4): `pip install dynamo-contracts` with no extra checks a plan
and the contracts without moto, docker or testcontainers installed; a run on moto then says which extra to add.
A new virtualenv, the project installed from this checkout at the versions CI pins (constraints/dev.txt)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.support.own_steps import add_own_steps, check_own_steps_run
from tests.support.paths import ROOT


@pytest.fixture(scope="module")
def bare(tmp_path_factory: pytest.TempPathFactory, spawn: ModuleType) -> Path:
    """The python of a new virtualenv holding the project and its base dependencies only."""
    venv = tmp_path_factory.mktemp("bare") / "venv"
    spawn.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    # --no-compile: bytecode for botocore's thousand modules is most of the install's CPU, and Python writes what a
    # run imports anyway; what is installed is the same
    done = spawn.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile",
                      str(ROOT), "-c", str(ROOT / "constraints" / "dev.txt")], timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return python


def test_the_base_install_has_neither_moto_nor_docker(bare: Path, spawn: ModuleType) -> None:
    done = spawn.run([str(bare), "-m", "pip", "list", "--format=freeze", "--disable-pip-version-check"])
    installed = {line.split("==")[0].lower() for line in done.stdout.splitlines()}
    assert {"dynamo-contracts", "boto3", "python-hcl2", "pytest-bdd"} <= installed
    assert not {"moto", "docker", "testcontainers"} & installed


def test_the_base_install_checks_a_plan_and_names_the_extra_a_moto_run_needs(bare: Path, tmp_path: Path,
                                                                             spawn: ModuleType) -> None:
    project = tmp_path / "project"
    project.mkdir()
    for folder in ("contracts", "features"):
        shutil.copytree(ROOT / folder, project / folder)
    plan = ROOT / "benchmarks" / "peer" / "plan.json"  # the sit root of infra/, planned by Terraform
    done = spawn.run([str(bare), "-m", "pytest", "-q", "-p", "no:cacheprovider", "--env=sit",
                      f"--against=plan:{plan}"], cwd=project)
    assert done.returncode == 0, done.stdout[-3000:]
    assert " passed" in done.stdout
    done = spawn.run([str(bare), "-m", "pytest", "-q", "-p", "no:cacheprovider", "--env=moto"], cwd=project)
    assert done.returncode != 0
    assert "needs moto, which this install lacks: pip install 'dynamo-contracts[moto]'" in done.stdout
    done = spawn.run([str(bare.parent / "dynamo-contracts"), "validate"], cwd=project)
    assert done.returncode == 0, done.stderr
    assert "contracts are valid" in done.stdout


def test_the_wheel_installs_one_package_and_leaves_a_projects_own_steps_package_alone(bare: Path, tmp_path: Path,
                                                                                        spawn: ModuleType) -> None:
    """The wheel holds dynamo_contracts (steps/ and provision/ under it) and no top-level `steps` or `provision`;
    a project with its own `steps` package runs its tests and the contracts with the installed `pytest`."""
    found = ("import importlib.util as u; print(u.find_spec('steps'), u.find_spec('provision'), "
             "u.find_spec('dynamo_contracts.steps.plugin').origin, "
             "u.find_spec('dynamo_contracts.provision.cli').origin)")
    done = spawn.run([str(bare), "-c", found], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    steps, provision, plugin, cli = done.stdout.split()
    assert (steps, provision) == ("None", "None")
    assert Path(plugin).parts[-4:] == ("site-packages", "dynamo_contracts", "steps", "plugin.py")
    assert Path(cli).parts[-4:] == ("site-packages", "dynamo_contracts", "provision", "cli.py")
    installed = Path(plugin).parent.parent
    for folder in ("steps", "provision"):  # every module and data file of the folders, as the checkout has them
        shipped = {p.relative_to(ROOT) for p in (ROOT / folder).rglob("*")
                   if p.suffix in (".py", ".json", ".cjs", ".j2") and "node_modules" not in p.parts}
        assert shipped, folder
        assert {p for p in shipped if not (installed / p).is_file()} == set()
    project = tmp_path / "project"
    project.mkdir()
    for folder in ("contracts", "features"):
        shutil.copytree(ROOT / folder, project / folder)
    add_own_steps(project)
    plan = ROOT / "benchmarks" / "peer" / "plan.json"
    done = spawn.run([str(bare.parent / "pytest"), "-rA", "-p", "no:cacheprovider", "--env=sit",
                      f"--against=plan:{plan}"], cwd=project)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    check_own_steps_run(project, done.stdout)
    assert "PASSED features/" in done.stdout


def test_a_missing_backend_package_names_its_extra_and_a_missing_inner_module_stays_an_error(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from dynamo_contracts.provision.backends.extras import require
    from dynamo_contracts.provision.errors import ToolError

    monkeypatch.setitem(sys.modules, "moto", None)  # as if not installed: importing it raises ModuleNotFoundError
    with pytest.raises(ToolError, match=r"backend moto needs moto, .*pip install 'dynamo-contracts\[moto\]'"):
        require("moto", "moto", "backend moto")
    with pytest.raises(ModuleNotFoundError):
        require("dynamo_contracts.provision.no_such_module", "moto", "nothing")
    assert require("json", "none", "json").dumps([]) == "[]"
