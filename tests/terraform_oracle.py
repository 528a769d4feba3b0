"""Real Terraform as the oracle of what a folder of .tf files builds: `terraform plan`, then `show -json`.

The machine image ships Terraform and the AWS provider in a local filesystem mirror; with no network,
`terraform init -plugin-dir=MIRROR` installs the provider from there. The mirror is found through
`DYNAMO_CONTRACTS_TF_MIRROR` (the folder holding `registry.terraform.io/`; `.ci/run` sets it), else in
Terraform's own implied mirror folders. Without the binary or the mirror the tests that need them skip,
saying so.

`plan(folder)` copies the folder, adds a provider override that needs no AWS (dummy keys, every
`skip_*` check, a region), runs init (modules are read as vendored: `-get=false`; local ones are
linked by init itself) and `plan -refresh=false`, and returns the plan's JSON. Plans are cached by the
digest of the folder, the variable files and the Terraform version, so a second run costs nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

MIRROR_VARIABLE = "DYNAMO_CONTRACTS_TF_MIRROR"
PROVIDER = Path("registry.terraform.io") / "hashicorp" / "aws"
IMPLIED_MIRRORS = (Path.home() / ".terraform.d" / "plugins", Path.home() / ".local" / "share" / "terraform" / "plugins",
                   Path("/usr/local/share/terraform/plugins"), Path("/usr/share/terraform/plugins"))
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "dynamo-contracts" / "terraform-plans"
TIMEOUT_SECONDS = 600  # init and plan, on a loaded machine: the provider alone takes seconds to start
OVERRIDE_NAME = "zz_oracle_override.tf"
OVERRIDE = """provider "aws" {{{alias}
  access_key                  = "oracle"
  secret_key                  = "oracle"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}}
"""
ALIAS = re.compile(r'^\s*"?alias"?\s*[=:]\s*"([A-Za-z0-9_-]+)"', re.MULTILINE)  # .tf, or .tf.json
ENVIRONMENT = {"TF_IN_AUTOMATION": "1", "TF_INPUT": "0", "CHECKPOINT_DISABLE": "1", "AWS_EC2_METADATA_DISABLED": "true"}


def mirror() -> Path | None:
    """The local provider mirror (the folder holding registry.terraform.io/), or None."""
    given = os.environ.get(MIRROR_VARIABLE)
    candidates = [Path(given)] if given else list(IMPLIED_MIRRORS)
    return next((c for c in candidates if (c / PROVIDER).is_dir()), None)


def unavailable() -> str | None:
    """Why real Terraform cannot run here, or None."""
    if shutil.which("terraform") is None:
        return "no terraform binary on PATH"
    if mirror() is None:
        return f"no AWS provider mirror (set {MIRROR_VARIABLE} to the folder holding registry.terraform.io/)"
    return None


def needs_terraform() -> None:
    """Skip the calling test, with the reason, where real Terraform cannot run."""
    reason = unavailable()
    if reason is not None:
        pytest.skip(f"real Terraform is not available: {reason}")


def _version() -> str:
    done = subprocess.run(["terraform", "version", "-json"], capture_output=True, text=True, timeout=60, check=True,
                          env=_environment(Path(tempfile.gettempdir())))
    return str(json.loads(done.stdout)["terraform_version"])


def _digest(folder: Path, var_files: Sequence[Path], extra: str) -> str:
    hashed = hashlib.sha256(extra.encode())
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and ".terraform/providers" not in p.as_posix()):
        hashed.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for path in var_files:
        hashed.update(b"var-file\0" + Path(path).read_bytes())
    return hashed.hexdigest()[:32]


def _environment(home: Path) -> dict[str, str]:
    config = home / "terraformrc"
    config.write_text("")  # no user configuration, no network mirror: only -plugin-dir
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TF_"))}
    return {**keep, **ENVIRONMENT, "TF_CLI_CONFIG_FILE": str(config), "HOME": str(home)}


def _run(arguments: list[str], folder: Path, env: dict[str, str]) -> None:
    done = subprocess.run(["terraform", *arguments], cwd=folder, env=env, capture_output=True, text=True,
                          timeout=TIMEOUT_SECONDS)
    if done.returncode != 0:
        raise AssertionError(f"terraform {' '.join(arguments)} failed in {folder}:\n{done.stdout}\n{done.stderr}")


def override_for(folder: Path) -> str:
    """The override that lets every AWS provider configuration of the root plan with no AWS: one per alias."""
    files = [*folder.glob("*.tf"), *folder.glob("*.tf.json")]
    aliases = sorted({a for p in files for a in ALIAS.findall(p.read_text().replace("{", "\n").replace(",", "\n"))})
    return "\n".join(OVERRIDE.format(alias=f'\n  alias = "{a}"' if a else "") for a in ["", *aliases])


def plan(folder: Path, var_files: Sequence[Path] = ()) -> dict[str, Any]:
    """The JSON of the plan Terraform makes for `folder` (with `var_files`), on an empty state."""
    needs_terraform()
    folder = Path(folder)
    override = override_for(folder)
    key = _digest(folder, var_files, _version() + override)
    cached = CACHE / f"{key}.json"
    if cached.is_file():
        return dict(json.loads(cached.read_text()))
    with tempfile.TemporaryDirectory(prefix="tf-oracle-") as scratch:
        work = Path(scratch) / folder.name
        shutil.copytree(folder, work, ignore=shutil.ignore_patterns("providers", ".terraform.lock.hcl"))
        (work / OVERRIDE_NAME).write_text(override)
        env = _environment(Path(scratch))
        given = [f"-var-file={Path(p).resolve()}" for p in var_files]
        _run(["init", "-backend=false", f"-plugin-dir={mirror()}", "-no-color"], work, env)
        _run(["plan", "-refresh=false", "-lock=false", "-no-color", "-out=oracle.tfplan", *given], work, env)
        shown = subprocess.run(["terraform", "show", "-json", "oracle.tfplan"], cwd=work, env=env, capture_output=True,
                               text=True, timeout=TIMEOUT_SECONDS, check=True)
    document = json.loads(shown.stdout)
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = cached.with_suffix(".partial")
    partial.write_text(json.dumps(document))
    partial.replace(cached)
    return dict(document)
