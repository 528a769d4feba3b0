"""A user's project that has its own `steps` package, as BDD projects often do (`steps/__init__.py`,
`steps/helpers.py`), beside contracts/ and features/: the installed plugin must leave that name to them.

Installed as top-level `steps`, the plugin's package used to be imported first and the project's
`import steps.helpers` failed (`ModuleNotFoundError: No module named 'steps.helpers'`). The project's
conftest.py imports the helper as pytest loads it, and a test of its own checks that `import steps`
is the project's package. Used by tests/steps/test_installed_plugin.py (this venv's editable install) and
tests/project/test_install_extras.py (a wheel in a new venv).
"""

from __future__ import annotations

from pathlib import Path

HELPERS = '''"""The project's own step helpers."""


def basket() -> list[str]:
    return []
'''
CONFTEST = '''from pathlib import Path

import steps.helpers  # as pytest loads this file: the project's package, not the plugin's


def pytest_report_header():
    return f"own steps: {Path(steps.helpers.__file__).resolve()}"
'''
OWN_TEST = '''from pathlib import Path

import steps
from steps.helpers import basket


def test_steps_is_this_projects_package():
    assert Path(steps.__file__).resolve() == (Path(__file__).parent / "steps" / "__init__.py").resolve()
    assert basket() == []
'''


def add_own_steps(project: Path) -> None:
    """Write the project's own `steps` package, a conftest.py importing it and a test of it into `project`."""
    (project / "steps").mkdir()
    (project / "steps" / "__init__.py").write_text('"""The project\'s own steps."""\n', encoding="utf-8")
    (project / "steps" / "helpers.py").write_text(HELPERS, encoding="utf-8")
    (project / "conftest.py").write_text(CONFTEST, encoding="utf-8")
    (project / "test_own_steps.py").write_text(OWN_TEST, encoding="utf-8")


def check_own_steps_run(project: Path, stdout: str) -> None:
    """The output of `pytest -rA` in `project` shows its conftest imported its helper and its own test passed."""
    assert f"own steps: {(project / 'steps' / 'helpers.py').resolve()}" in stdout, stdout[-3000:]
    assert "PASSED test_own_steps.py::test_steps_is_this_projects_package" in stdout, stdout[-3000:]
