"""The plugin as installed: its pytest11 entry point loads it into every pytest of this environment.

`pip install -e .` registered it in this venv, so each run below is a plain `python -m pytest` in a folder
of its own, with no conftest.py, no configuration file and nothing on PYTHONPATH: as in another team's
project. Inert where it has nothing to do; active where a contracts folder is or one of its options is
given; and a contracts project run from inside its features/ folder is set up from the project's folder.
"""

from __future__ import annotations

import os
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from tests.support import spawn
from tests.support.contract_project import CONTRACTS
from tests.support.own_steps import add_own_steps, check_own_steps_run

pytestmark = pytest.mark.slow  # pytest in a subprocess

ORDERS = """Feature: the orders table
  Scenario: orders is there
    Then the table "orders" must exist
"""
SHOP_FEATURE = """Feature: a shop of another team, with its own pytest-bdd steps
  Scenario: a basket starts empty
    Given an empty basket
    Then the basket holds 0 items
"""
SHOP_STEPS = '''from pytest_bdd import given, parsers, scenarios, then

scenarios("shop.feature")


@given("an empty basket", target_fixture="basket")
def basket():
    return []


@then(parsers.parse("the basket holds {count:d} items"))
def holds(basket, count):
    assert len(basket) == count
'''


def pytest_in(folder: Path, *args: str, program: tuple[str, ...] = (sys.executable, "-m", "pytest")
              ) -> spawn.CompletedProcess[str]:
    """`python -m pytest ARGS` in `folder` (or `program`, such as this venv's `pytest` command)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTEST_ADDOPTS", "PYTEST_PLUGINS")}
    return spawn.run([*program, "-p", "no:cacheprovider", "-p", "no:randomly", *args],
                     cwd=folder, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_the_plugin_is_registered_as_an_entry_point_of_this_environment() -> None:
    plugins = {ep.value for ep in entry_points(group="pytest11")}
    assert "dynamo_contracts.steps.plugin" in plugins  # else the tests below prove nothing


def test_in_a_folder_without_contracts_the_plugin_is_inert_and_its_options_still_speak(tmp_path: Path) -> None:
    (tmp_path / "test_x.py").write_text("def test_x():\n    assert True\n")
    (tmp_path / "features").mkdir()  # another project's pytest-bdd features, under the same folder name
    (tmp_path / "features" / "shop.feature").write_text(SHOP_FEATURE)
    (tmp_path / "features" / "test_shop.py").write_text(SHOP_STEPS)
    plain = pytest_in(tmp_path)
    assert plain.returncode == 0, plain.stdout[-3000:] + plain.stderr[-3000:]
    assert "dynamo-contracts" in plain.stdout  # loaded ("plugins: dynamo-contracts-..."), and doing nothing
    assert "2 passed" in plain.stdout
    assert "contracts" not in plain.stdout.replace("dynamo-contracts", "") + plain.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    asked = pytest_in(elsewhere, "--env=moto")
    assert asked.returncode == pytest.ExitCode.USAGE_ERROR
    assert "there is no contracts folder here; create it or point to it with --contracts DIR" in asked.stderr
    assert "Traceback" not in asked.stdout + asked.stderr


@pytest.fixture
def contracts_project(tmp_path: Path) -> Path:
    """contracts/ and one consumer's feature, and nothing else: no conftest.py, no configuration file."""
    import shutil

    shutil.copytree(CONTRACTS, tmp_path / "contracts")
    (tmp_path / "features" / "order_lambda").mkdir(parents=True)
    (tmp_path / "features" / "order_lambda" / "contract.feature").write_text(ORDERS)
    return tmp_path


def test_a_contracts_project_runs_from_its_folder_and_from_inside_features(contracts_project: Path) -> None:
    for folder in (contracts_project, contracts_project / "features", contracts_project / "features" / "order_lambda"):
        done = pytest_in(folder, "--against=schema", "-rA")
        assert done.returncode == 0, f"{folder}\n" + done.stdout[-3000:] + done.stderr[-3000:]
        assert f"rootdir: {contracts_project}" in done.stdout
        assert "PASSED " in done.stdout  # the line names the feature from where pytest runs
        assert "contract.feature::orders is there" in done.stdout
        assert "contract checks on local, schema" in done.stdout


def test_a_configuration_file_inside_features_is_refused_saying_where_to_run(contracts_project: Path) -> None:
    features = contracts_project / "features"
    (features / "pytest.ini").write_text("[pytest]\n")
    done = pytest_in(features, "--against=schema")
    assert done.returncode == pytest.ExitCode.USAGE_ERROR, done.stdout[-3000:] + done.stderr[-3000:]
    assert (f"pytest took {features} for the project's root (the configuration file pytest.ini is there), but the "
            f"project is {contracts_project}, which holds contracts/ and features/: run pytest from "
            f"{contracts_project}, or give --rootdir={contracts_project}") in done.stderr


def test_a_projects_own_steps_package_is_its_own_beside_the_plugin(contracts_project: Path) -> None:
    """The plugin is imported as dynamo_contracts.steps: the project's `steps` package, which its conftest.py and
    a test import, is the project's, through `pytest` (the venv's script puts no project folder first on sys.path)
    and `python -m pytest` (which does) alike, and the contracts are checked all the same."""
    add_own_steps(contracts_project)
    for program in ((str(Path(sys.executable).parent / "pytest"),), (sys.executable, "-m", "pytest")):
        done = pytest_in(contracts_project, "--against=schema", "-rA", program=program)
        assert done.returncode == 0, f"{program}\n" + done.stdout[-3000:] + done.stderr[-3000:]
        check_own_steps_run(contracts_project, done.stdout)
        assert "PASSED features/order_lambda/contract.feature::orders is there" in done.stdout
