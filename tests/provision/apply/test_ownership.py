"""The ownership tag: every table the provisioner makes carries ManagedBy=dynamo-contracts, whatever the contracts say.

A table the contracts do not name is deleted only when it carries that tag (`tests/provision/planning/test_diff.py`),
so the tag must be on every table we create, and the contracts cannot give it another value.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from dynamo_contracts.provision.apply import requests
from dynamo_contracts.provision.desired.load import load_contracts
from dynamo_contracts.provision.desired.model import DesiredState
from dynamo_contracts.provision.desired.stack import OWNERSHIP_TAG_KEY, OWNERSHIP_TAG_VALUE, resolve
from dynamo_contracts.provision.errors import ContractError
from tests.support.paths import ROOT

OWNERSHIP_LINE = "    ManagedBy: dynamo-contracts\n"


def contracts_with(tmp_path: Path, ownership_line: str) -> Path:
    """A copy of the real contracts whose defaults' ManagedBy line is replaced."""
    copy = tmp_path / "contracts"
    shutil.copytree(ROOT / "contracts", copy)
    stack = copy / "stack.yaml"
    text = stack.read_text()
    assert text.count(OWNERSHIP_LINE) == 1, "the defaults' tags changed shape: update this test"
    stack.write_text(text.replace(OWNERSHIP_LINE, ownership_line))
    return copy


def test_resolve_tags_every_table_even_when_the_contracts_give_no_tags(desired: DesiredState) -> None:
    untagged = dataclasses.replace(desired, tables=tuple(dataclasses.replace(t, tags={}) for t in desired.tables))
    for env in desired.environments.values():
        for name, spec in resolve(untagged, env).tables.items():
            assert dict(spec.tags) == {OWNERSHIP_TAG_KEY: OWNERSHIP_TAG_VALUE}, name
            request = requests.create_table(name, spec)
            assert {"Key": OWNERSHIP_TAG_KEY, "Value": OWNERSHIP_TAG_VALUE} in request["Tags"], name


def test_contracts_that_omit_the_ownership_tag_still_load_and_get_it(tmp_path: Path) -> None:
    desired = load_contracts(contracts_with(tmp_path, ""))
    assert all(OWNERSHIP_TAG_KEY not in t.tags for t in desired.tables)
    stack = resolve(desired, desired.environments["sit"])
    assert {spec.tags[OWNERSHIP_TAG_KEY] for spec in stack.tables.values()} == {OWNERSHIP_TAG_VALUE}


def test_contracts_cannot_give_the_ownership_tag_another_value(tmp_path: Path) -> None:
    with pytest.raises(ContractError) as error:
        load_contracts(contracts_with(tmp_path, "    ManagedBy: terraform\n"))
    text = str(error.value)
    assert "stack.yaml:" in text
    assert "ManagedBy is 'terraform'" in text
    assert "remove ManagedBy here or set it to dynamo-contracts" in text


def test_an_environment_override_cannot_give_the_ownership_tag_another_value(tmp_path: Path) -> None:
    copy = contracts_with(tmp_path, OWNERSHIP_LINE)
    environments = copy / "environments.yaml"
    sit = "      deletion_protection: true\n  prod:\n"
    text = environments.read_text()
    assert text.count(sit) == 1, "the sit environment changed shape: update this test"
    environments.write_text(text.replace(sit, "      deletion_protection: true\n      tags: {ManagedBy: terraform}\n"
                                              "  prod:\n"))
    with pytest.raises(ContractError) as error:
        load_contracts(copy)
    assert "environments.yaml:" in str(error.value)
    assert "ManagedBy is 'terraform'" in str(error.value)
