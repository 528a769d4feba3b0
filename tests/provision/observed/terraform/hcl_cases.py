"""Reading the HCL cases: a folder of tests/terraform/hcl/ (or one a test writes) read into a configuration, a
resource by its address, the error a folder gives; shared by the HCL reader's tests in this folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from dynamo_contracts.provision.observed.terraform.hcl import read_folder
from dynamo_contracts.provision.observed.terraform.records import Configuration, Resource, TerraformError
from tests.support.paths import TERRAFORM

CASES = TERRAFORM / "hcl"
VAR_HINT = "give its value with --tf-var-file FILE"


def read(case: str, *var_files: str) -> Configuration:
    return read_folder(CASES / case, [CASES / case / f for f in var_files])


def resource(config: Configuration, address: str) -> Resource:
    found = {r.address: r for r in config.resources}
    assert address in found, f"{address} not in {sorted(found)}"
    return found[address]


def write(folder: Path, files: dict[str, str | bytes]) -> Path:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text)
    return folder


def error_of(folder: Path, var_files: tuple[Path, ...] = ()) -> str:
    with pytest.raises(TerraformError) as caught:
        read_folder(folder, var_files)
    return str(caught.value)
