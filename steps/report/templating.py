"""The Jinja2 environment the readiness report renders through: templates in steps/report/templates/.

Markdown templates (`.md.j2`) escape a table cell's `|` with the `cell` filter; HTML templates (`.html.j2`) are
autoescaped. Undefined names fail the render: a template cannot print an empty section by a typo.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # Jinja2 is imported where a report is rendered: a run without --readiness-report never needs it
    from jinja2 import Environment


def cell(text: object) -> str:
    """A Markdown table cell: a `|` escaped, a line break a space."""
    return str(text).replace("|", "\\|").replace("\n", " ")


@cache
def environment() -> Environment:
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(loader=PackageLoader("dynamo_contracts.steps.report", "templates"), undefined=StrictUndefined,
                      autoescape=lambda name: bool(name and name.endswith(".html.j2")),
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False)
    env.filters["cell"] = cell
    return env


def render_template(name: str, context: dict[str, Any]) -> str:
    return environment().get_template(name).render(**context)
