"""The JSON Schema of the contracts/ format (issue 22, item 4): made from the loader's key lists, committed as
schema/contracts.schema.json and named by every contracts file, so an editor completes and underlines as the
loader would; the shipped contracts pass it, and a mistake the loader refuses is refused by the schema too."""

from __future__ import annotations

import datetime
import json
import re
import shutil
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import jsonschema
import pytest
import yaml

from dynamo_contracts.provision.desired import json_schema
from dynamo_contracts.provision.desired.load import load_contracts
from dynamo_contracts.provision.errors import ContractError
from tests.support.paths import ROOT

SCHEMA = ROOT / json_schema.COMMITTED
SHIPPED = sorted([*(ROOT / "contracts").rglob("*.yaml"), *(ROOT / "tests" / "brief" / "contracts").rglob("*.yaml")])
MODELINE = "# yaml-language-server: $schema="


def _plain(value: Any) -> Any:
    """A YAML document as JSON has it: dates as text (an editor's YAML reader gives them so)."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value.isoformat() if isinstance(value, datetime.date) else value


def errors_of(path: Path) -> list[str]:
    document = _plain(yaml.safe_load(path.read_text(encoding="utf-8")))
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")),
                                                format_checker=jsonschema.FormatChecker())
    return sorted(f"{error.json_path}: {error.message}" for error in validator.iter_errors(document))


def test_the_committed_schema_is_the_one_the_loader_makes_and_a_valid_draft_2020_12_schema() -> None:
    assert SCHEMA.read_text(encoding="utf-8") == json_schema.render(), (
        "run `python -m provision schema --out schema/contracts.schema.json`")
    jsonschema.Draft202012Validator.check_schema(json_schema.build())


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_shipped_contracts_file_passes_the_schema_and_names_it(path: Path) -> None:
    assert errors_of(path) == []
    first = path.read_text(encoding="utf-8").splitlines()[0]
    if path.is_relative_to(ROOT / "contracts"):
        assert first.startswith(MODELINE), f"{path}: its first line names no schema"
        assert (path.parent / first.removeprefix(MODELINE)).resolve() == SCHEMA


def test_the_readmes_example_of_every_key_passes_the_schema(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## The contracts format"):readme.index("## The readiness report")]
    examples = re.findall(r"```yaml\n(.*?)```", section, re.S)
    assert examples, "README's contracts format shows no YAML"
    for number, example in enumerate(examples):
        written = tmp_path / f"example-{number}.yaml"
        written.write_text(example, encoding="utf-8")
        assert errors_of(written) == []


@pytest.mark.parametrize(("change", "said"), [
    (("partition_key:", "partition_kye:"), "'partition_kye' was unexpected"),
    (("projection: ALL", "projection: EVERYTHING"), "'EVERYTHING' is not valid"),
    (("type: S}", "type: STRING}"), "'STRING' is not one of ['S', 'N', 'B']"),
])
def test_a_mistake_the_loader_refuses_the_schema_refuses_too(tmp_path: Path, change: tuple[str, str],
                                                               said: str) -> None:
    contracts = tmp_path / "contracts"
    shutil.copytree(ROOT / "contracts", contracts)
    orders = contracts / "tables" / "orders.yaml"
    orders.write_text(orders.read_text(encoding="utf-8").replace(*change, 1), encoding="utf-8")
    with pytest.raises(ContractError):
        load_contracts(contracts)
    assert any(said in error for error in errors_of(orders)), errors_of(orders)


def test_the_editor_forms_of_off_and_of_a_date_and_an_amount_pass(tmp_path: Path) -> None:
    """What a YAML 1.2 reader makes of `off`, `1_000_000` and a date (text) is what the loader reads as false,
    a number and a date."""
    given = tmp_path / "waivers.yaml"
    given.write_text("waivers:\n  - {table: orders, approved_by: Tech Lead, reason: Phase 2, expires: '2026-03-31'}\n"
                     "defaults:\n  alarms: {read_throttles: 'off'}\n  stream: 'off'\n"
                     "environments:\n  sit:\n    backend: aws\n    budget: {monthly_usd: '1_000'}\n", encoding="utf-8")
    assert errors_of(given) == []
    given.write_text("waivers:\n  - {table: orders, approved_by: Tech Lead, reason: Phase 2, expires: soon}\n",
                     encoding="utf-8")
    assert errors_of(given) == ["$.waivers[0].expires: 'soon' is not a 'date'"]


def test_a_key_the_loader_takes_that_the_schema_does_not_describe_stops_the_schema_being_made() -> None:
    with pytest.raises(json_schema.SchemaDrift, match=r"missing \['sort_key'\]"):
        json_schema._object(("partition_key", "sort_key"), {"partition_key": {}}, "a table")


def test_check_jsonschema_and_the_provision_command_agree(tmp_path: Path, spawn: ModuleType) -> None:
    files = [str(p) for p in SHIPPED]
    done = spawn.run(["check-jsonschema", "--schemafile", str(SCHEMA), *files], cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    broken = tmp_path / "orders.yaml"
    broken.write_text((ROOT / "contracts" / "tables" / "orders.yaml").read_text(encoding="utf-8")
                      .replace("sort_key:", "sort_kee:", 1), encoding="utf-8")
    done = spawn.run(["check-jsonschema", "--schemafile", str(SCHEMA), str(broken)], cwd=ROOT)
    assert done.returncode == 1, done.stdout
    assert "'sort_kee' was unexpected" in done.stdout
    stale = tmp_path / "schema.json"
    stale.write_text("{}\n", encoding="utf-8")
    done = spawn.run([sys.executable, "-m", "provision", "schema", "--out", str(stale), "--check"], cwd=ROOT)
    assert done.returncode == 1, done.stderr
    assert "dynamo-contracts schema --out" in done.stderr
    done = spawn.run([sys.executable, "-m", "provision", "schema", "--out", str(stale)], cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert stale.read_text(encoding="utf-8") == SCHEMA.read_text(encoding="utf-8")
