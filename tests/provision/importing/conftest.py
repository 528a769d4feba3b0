"""Fixtures of the import tests: every test runs in the project's folder, as a user runs the command."""

from __future__ import annotations

import pytest

from tests.support.paths import ROOT


@pytest.fixture(autouse=True)
def in_the_project(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
