"""Collecting `features/<consumer>/*.feature` as pytest items: no Python file in a consumer's folder.

pytest-bdd's own way is a `test_*.py` per folder calling `scenarios(".")`; a folder without it is
silently not collected, and one whose features are gone raises `NoScenariosFound`. Here the
plugin collects every `.feature` under `features/` itself: each file becomes a module-like
collector whose items are pytest-bdd scenarios named as written ("OrdersByUser serves a user's
order history", outlines with their example as `[...]`), reported at the feature's own line.
Python test files under `features/` are not collected (the old boilerplate would run every
scenario twice).
"""

from __future__ import annotations

import os
import types
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from pytest_bdd import scenario

from ..compat import bdd
from ..compat.bdd import ScenarioTemplate
from ..gherkin.parse import FEATURES

SUFFIX = ".feature"


def features_folder(config: pytest.Config) -> Path:
    return (config.rootpath / FEATURES).resolve()


def is_under_features(path: Path, config: pytest.Config) -> bool:
    folder = features_folder(config)
    return folder in path.resolve().parents


def item_name(template: ScenarioTemplate) -> str:
    """The scenario's name as written ('::' would split a node id, so it becomes ':')."""
    name = " ".join(template.name.split()) or f"scenario at line {template.line_number}"
    return name.replace("::", ":")


def _no_body() -> None:
    """A scenario's own body: every step is in the feature."""


class ScenarioItem(pytest.Function):
    """A scenario, located at its line in the feature (not in pytest-bdd's wrapper code)."""

    def reportinfo(self) -> tuple[os.PathLike[str] | str, int | None, str]:
        template = bdd.template_of(self.obj)
        if template is None:
            return super().reportinfo()
        return Path(template.feature.filename), template.line_number - 1, self.name


class FeatureFile(pytest.Module):
    """One .feature file: a module holding one pytest-bdd scenario function per scenario, by its name."""

    def _getobj(self) -> types.ModuleType:
        relative = self.path.resolve().relative_to(self.config.rootpath.resolve())
        module = types.ModuleType(".".join(relative.with_suffix("").parts) + "_feature")
        module.__file__ = str(self.path)
        feature = bdd.load_feature(self.path)  # parsed already: pytest-bdd's cache
        for template in feature.scenarios.values():
            wrapper = scenario(str(self.path), template.name, features_base_dir=str(self.path.parent))(_no_body)
            wrapper.__module__ = module.__name__
            setattr(module, item_name(template), wrapper)
        return module

    def istestfunction(self, obj: object, name: str) -> bool:
        return callable(obj) and bdd.template_of(obj) is not None

    def istestclass(self, obj: object, name: str) -> bool:
        return False

    def collect(self) -> Iterable[pytest.Item | pytest.Collector]:
        for node in super().collect():
            if type(node) is pytest.Function:
                node.__class__ = ScenarioItem  # the same item, reporting the feature's line
            yield node


def collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix != SUFFIX or not is_under_features(file_path, parent.config):
        return None
    return FeatureFile.from_parent(parent, path=file_path)


def ignore(collection_path: Path, config: pytest.Config) -> bool | None:
    """Python test files under features/ are not collected: the plugin collects the features themselves."""
    if collection_path.suffix == ".py" and collection_path.name != "conftest.py" and is_under_features(
            collection_path, config):
        return True
    return None


def template_of(item: Any) -> ScenarioTemplate | None:
    """The scenario of an item (or of a Metafunc, while it is parametrised); None for any other test."""
    return bdd.template_of(getattr(item, "obj", None) or getattr(item, "function", None))
