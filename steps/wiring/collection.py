"""Collection: which consumer a scenario belongs to, and feature steps no sentence matches.

A consumer is a folder under features/ (features/order_lambda/...). Its scenarios get the
marker of its name, so `pytest -m order_lambda` runs that team alone.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ..compat import bdd
from ..gherkin.parse import FEATURES
from ..sentences import catalogue
from . import results as properties
from .feature_items import template_of


def consumers(rootpath: Path) -> list[str]:
    folder = rootpath / FEATURES
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and any(p.rglob("*.feature")))


def _arg_path(config: pytest.Config, arg: str) -> Path:
    return (config.invocation_params.dir / arg.split("::", 1)[0]).resolve()


def runs_contracts(config: pytest.Config) -> bool:
    """Whether this run collects consumer contracts (so a backend is worth starting early)."""
    features = (config.rootpath / FEATURES).resolve()
    for arg in config.args:
        path = _arg_path(config, arg)
        if path == features or features in path.parents or path in features.parents:
            return True
    return False


_CONSUMER = pytest.StashKey["str | None"]()
_FOLDERS = pytest.StashKey[dict[tuple[Path, Path], "str | None"]]()  # (feature file, features/) -> consumer
_PLACES = pytest.StashKey[dict[tuple[str, Path], str]]()  # (feature file, rootdir) -> as people see it


def consumer_of(item: pytest.Item) -> str | None:
    """The consumer folder under features/ the item's feature file is in (worked out once per item, asked four
    times a scenario, and once per feature file: the scenarios of a file share its two path resolutions)."""
    if _CONSUMER not in item.stash:
        folders = item.config.stash.setdefault(_FOLDERS, {})
        key = (item.path, item.config.rootpath / FEATURES)
        if key not in folders:
            try:
                relative = item.path.resolve().relative_to(key[1].resolve())
            except ValueError:
                folders[key] = None
            else:
                folders[key] = relative.parts[0] if len(relative.parts) > 1 else None
        item.stash[_CONSUMER] = folders[key]
    return item.stash[_CONSUMER]


SOURCE_PARAM = "contract_source"  # the fixture a run of several sources parametrises each scenario with


def source_of(item: pytest.Item) -> str | None:
    """The source label a scenario runs against, when the run has several; None when it has one."""
    callspec = getattr(item, "callspec", None)
    return callspec.params.get(SOURCE_PARAM) if callspec else None


def scenario_name(item: pytest.Item) -> str:
    """The scenario as written (an outline with its example): the item's name without the source's id."""
    label = source_of(item)
    if label is None:
        return item.name
    callspec = item.callspec  # type: ignore[attr-defined]
    example = callspec.id.removesuffix(label).removesuffix("-") if callspec.id.endswith(label) else callspec.id
    return item.originalname + (f"[{example}]" if example else "")  # type: ignore[attr-defined]


def mark_consumer(item: pytest.Item) -> None:
    consumer = consumer_of(item)
    if consumer is not None:
        item.add_marker(consumer)
        item.add_marker(pytest.mark.consumer(consumer))
        item.user_properties.append((properties.CONSUMER, consumer))
        label = source_of(item)
        if label is not None:
            item.user_properties.append((properties.SOURCE, label))
        where = scenario_location(item)
        if where is not None:
            properties.record(item, properties.SCENARIO, {"name": scenario_name(item), "file": where[0],
                                                          "line": where[1]})


LOCATION = pytest.StashKey[tuple[str, int] | None]()


def scenario_location(item: pytest.Item) -> tuple[str, int] | None:
    """The feature file and line of a scenario item, as people should see it (worked out once per item)."""
    if LOCATION not in item.stash:
        item.stash[LOCATION] = _location(item)
    return item.stash[LOCATION]


def _location(item: pytest.Item) -> tuple[str, int] | None:
    template = template_of(item)
    if template is None:
        return None
    places = item.config.stash.setdefault(_PLACES, {})
    key = (template.feature.filename, item.config.rootpath)
    if key not in places:  # once per feature file
        try:
            places[key] = str(Path(key[0]).resolve().relative_to(key[1].resolve()))
        except ValueError:
            places[key] = str(Path(key[0]))
    return places[key], template.line_number


QUERYING_MODULES = frozenset({"dynamo_contracts.steps.sentences.access"})  # sentences that write items and run queries


def needs_backend(item: pytest.Item) -> bool:
    """Whether a scenario writes items or runs queries: only an environment itself can answer it."""
    template = template_of(item)
    if template is None:
        return False
    found = [catalogue.find(step.type, step.name) for step in template.render(bdd.example_of(item)).steps]
    return any(sentence is not None and sentence.module in QUERYING_MODULES for sentence in found)


def unmatched_steps(items: list[pytest.Item], rootpath: Path) -> list[str]:
    """`file:line: step` for each feature step no sentence of the catalogue matches, with the closest ones."""
    problems: dict[str, str] = {}
    for item in items:
        template = template_of(item)
        if template is None:
            continue
        for step in template.render(bdd.example_of(item)).steps:
            if catalogue.find(step.type, step.name) is not None:
                continue
            try:
                where = Path(template.feature.filename).resolve().relative_to(rootpath.resolve())
            except ValueError:
                where = Path(template.feature.filename)
            near = catalogue.closest(step.name)
            hint = ("; closest sentences:\n      " + "\n      ".join(near)) if near else "; see docs/steps.md"
            problems[f"{where}:{step.line_number}"] = f"  {where}:{step.line_number}: no sentence matches " \
                                                      f"'{step.keyword} {step.name}'{hint}"
    return [problems[key] for key in sorted(problems)]
