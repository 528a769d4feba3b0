"""JUnit XML of a contract run: each scenario's testcase at its feature file and line.

pytest puts a testcase at the Python function that ran it, and its default family (xunit2) writes no `file`
or `line` at all; a scenario is a feature's, so its testcase gets `file` (relative to pytest's rootdir) and
`line` (1-based, as the feature and every other output of the plugin say it) from the scenario property the
plugin records (`contract_scenario`, JSON like every property it records). Other testcases are left as they
are. The file is rewritten whole or not at all.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from ..results.files import write_whole

DECLARATION = '<?xml version="1.0" encoding="utf-8"?>'


def locate_scenarios(path: Path, scenario_property: str) -> bool:
    """Give each scenario's testcase its feature `file` and `line`; False when the file is not JUnit XML we wrote."""
    try:
        tree = ET.parse(path)
    except (OSError, ET.ParseError):
        return False
    changed = False
    for case in tree.getroot().iter("testcase"):
        where = _scenario(case, scenario_property)
        if where is not None:
            case.set("file", where[0])
            case.set("line", str(where[1]))
            changed = True
    if changed:
        write_whole({path: DECLARATION + ET.tostring(tree.getroot(), encoding="unicode")})
    return True


def _scenario(case: ET.Element, name: str) -> tuple[str, int] | None:
    for prop in case.iter("property"):
        if prop.get("name") != name:
            continue
        try:
            data = json.loads(prop.get("value") or "")
        except json.JSONDecodeError:
            return None
        if isinstance(data, dict) and isinstance(data.get("file"), str) and isinstance(data.get("line"), int):
            return data["file"], data["line"]
    return None
