"""Real Terraform as the oracle of what a folder of .tf files builds: `terraform plan`, `show -json`, `apply`.

The machine image ships Terraform and the AWS provider in a local filesystem mirror; with no network,
`terraform init -plugin-dir=MIRROR` installs the provider from there. The mirror is found through
`DYNAMO_CONTRACTS_TF_MIRROR` (the folder holding `registry.terraform.io/`; `.ci/run` sets it), else in
Terraform's own implied mirror folders. Without the binary or the mirror the tests that need them skip,
saying so.

`plan(folder)` copies the folder to a scratch one, adds a provider override that needs no AWS (dummy keys,
every `skip_*` check, no profile nor account check; the region, where the root sets none, from
`AWS_REGION`), a local backend where the root names another, and runs `init` (`-get=false` where
`.terraform/modules/modules.json` is there: registry modules are vendored as `terraform init` leaves them;
local ones are linked by init itself), `plan -refresh=false` and `show -json`. Data sources that call AWS
(`aws_caller_identity`) need a server to answer: give `endpoint`, a moto server's URL, and every service
is sent there. Plans are cached by the digest of the folder, the variable files, the override and the
Terraform version (~/.cache/dynamo-contracts/terraform-plans), so a second run costs nothing.

`apply(folder, endpoint=...)` builds the folder on a moto server, all of it but `aws_backup_selection`
(moto has none: the provider would wait minutes for one), and returns the plan Terraform makes after it, in
which what only the apply could tell (the table ARNs a selection names) is known (`replan=False` where nothing is
left out: a plan and a show less). Applies are not cached: the server's state is what is read back.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support import spawn

MIRROR_VARIABLE = "DYNAMO_CONTRACTS_TF_MIRROR"
PROVIDER = Path("registry.terraform.io") / "hashicorp" / "aws"
IMPLIED_MIRRORS = (Path.home() / ".terraform.d" / "plugins", Path.home() / ".local" / "share" / "terraform" / "plugins",
                   Path("/usr/local/share/terraform/plugins"), Path("/usr/share/terraform/plugins"))
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "dynamo-contracts" / "terraform-plans"
TIMEOUT_SECONDS = 600  # init and plan, on a loaded machine: the provider alone takes seconds to start
REGION = "eu-west-1"  # where a root sets no region: contracts/environments.yaml's sit is there too
MOTO_ACCOUNT = "123456789012"  # the account moto's STS answers with
NOT_APPLIED = ("aws_backup_selection",)  # moto has no backup selections: the provider waits minutes for one
SERVICES = ("dynamodb", "backup", "cloudwatch", "sts", "kms", "iam", "s3", "sns", "sqs", "lambda", "logs", "ssm",
            "appautoscaling", "events")
OVERRIDE_NAME = "zz_oracle_override.tf"
PROVIDER_NAME = "zz_oracle_provider.tf"  # where the root declares no default provider block (an override needs one)
BACKEND_NAME = "zz_oracle_backend_override.tf"
NOT_COPIED = ("providers", ".terraform.lock.hcl", "plan.json", "terraform.tfstate*")
PROVIDER_BLOCK = re.compile(r'^provider\s+"?aws"?\s*\{', re.MULTILINE)
ALIAS = re.compile(r'^\s*"?alias"?\s*[=:]\s*"([A-Za-z0-9_-]+)"', re.MULTILINE)  # .tf, or .tf.json
BACKEND = re.compile(r'^\s*backend\s+"?[a-z0-9_]+"?\s*\{', re.MULTILINE)
# GOGC: Terraform and the AWS provider (a 700 MB Go program, its schema built at each start) collect garbage a
# quarter as often: each command costs about 0.8 x the CPU (measured: plan 3.0 s against 3.7 s), for some 60 MB more.
ENVIRONMENT = {"TF_IN_AUTOMATION": "1", "TF_INPUT": "0", "CHECKPOINT_DISABLE": "1", "AWS_EC2_METADATA_DISABLED": "true",
               "AWS_REGION": REGION, "AWS_DEFAULT_REGION": REGION, "GOGC": "400"}


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


# The files the oracle adds ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Providers:
    """The root's `provider "aws"` blocks (None: the default one) and whether it names a backend."""

    aliases: tuple[str | None, ...]
    backend: bool

    @classmethod
    def of(cls, folder: Path) -> Providers:
        aliases: list[str | None] = []
        backend = False
        for path in sorted(folder.glob("*.tf")):
            text = path.read_text(encoding="utf-8")
            for match in PROVIDER_BLOCK.finditer(text):
                found = ALIAS.search(_body(text, match.end() - 1))
                aliases.append(found.group(1) if found else None)
            backend = backend or bool(BACKEND.search(text))
        for path in sorted(folder.glob("*.tf.json")):  # "provider": {"aws": [{...}, ...]} or {"aws": {...}}
            document = json.loads(path.read_text(encoding="utf-8"))
            blocks = document.get("provider", {}).get("aws", [])
            aliases.extend(b.get("alias") for b in (blocks if isinstance(blocks, list) else [blocks]))
            backend = backend or "backend" in document.get("terraform", {})
        return cls(tuple(dict.fromkeys(aliases)), backend)


def _body(text: str, brace: int) -> str:
    """The text of the block opened at `brace`."""
    depth = 0
    for position in range(brace, len(text)):
        depth += {"{": 1, "}": -1}.get(text[position], 0)
        if depth == 0:
            return text[brace + 1:position]
    return text[brace + 1:]


def _settings(alias: str | None, endpoint: str | None, applying: bool) -> str:
    lines = [f'  alias = "{alias}"'] if alias else []
    lines += ['  access_key = "oracle"', '  secret_key = "oracle"', "  profile = null", "  allowed_account_ids = null",
              "  forbidden_account_ids = null", "  skip_metadata_api_check = true", "  skip_region_validation = true"]
    if not applying:  # an apply asks moto's STS who it is, as against AWS; a plan asks nobody
        lines += ["  skip_credentials_validation = true", "  skip_requesting_account_id = true"]
    if endpoint is not None:
        lines.append("  endpoints {\n" + "".join(f'    {s} = "{endpoint}"\n' for s in SERVICES) + "  }")
    return 'provider "aws" {\n' + "\n".join(lines) + "\n}\n"


def oracle_files(folder: Path, endpoint: str | None = None, applying: bool = False) -> dict[str, str]:
    """The files added to a copy of `folder`: a provider override per AWS provider block, a local backend."""
    providers = Providers.of(folder)
    files = {}
    if providers.aliases:
        files[OVERRIDE_NAME] = "\n".join(_settings(a, endpoint, applying) for a in providers.aliases)
    if None not in providers.aliases:
        files[PROVIDER_NAME] = _settings(None, endpoint, applying)
    if providers.backend:
        files[BACKEND_NAME] = 'terraform {\n  backend "local" {}\n}\n'
    return files


# Running Terraform -----------------------------------------------------------------------------------------------


def _version() -> str:
    with tempfile.TemporaryDirectory(prefix="tf-oracle-") as scratch:
        done = spawn.run(["terraform", "version", "-json"], capture_output=True, text=True, timeout=60,
                         check=True, env=_environment(Path(scratch)))
    return str(json.loads(done.stdout)["terraform_version"])


def digest(folder: Path, var_files: Sequence[Path] = (), extra: str = "") -> str:
    """What a plan of `folder` depends on: its files (not a committed plan.json), the variable files, `extra`."""
    hashed = hashlib.sha256(extra.encode())
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
        relative = path.relative_to(folder).as_posix()
        if ".terraform/providers" in relative or relative in ("plan.json", ".terraform.lock.hcl"):
            continue
        hashed.update(relative.encode() + b"\0" + path.read_bytes() + b"\0")
    for path in var_files:
        hashed.update(b"var-file\0" + Path(path).read_bytes())
    return hashed.hexdigest()[:32]


def environment(home: Path) -> dict[str, str]:
    """The environment Terraform runs in here: no user configuration, no AWS credentials of the machine."""
    return _environment(home)


def _environment(home: Path) -> dict[str, str]:
    config = home / "terraformrc"
    config.write_text("")  # no user configuration, no network mirror: only -plugin-dir
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TF_"))}
    return {**keep, **ENVIRONMENT, "TF_CLI_CONFIG_FILE": str(config), "HOME": str(home)}


def _run(arguments: list[str], folder: Path, env: dict[str, str]) -> str:
    done = spawn.run(["terraform", *arguments], cwd=folder, env=env, capture_output=True, text=True,
                     timeout=TIMEOUT_SECONDS)
    if done.returncode != 0:
        raise AssertionError(f"terraform {' '.join(arguments)} failed in {folder}:\n{done.stdout}\n{done.stderr}")
    return done.stdout


@contextmanager
def _prepared(folder: Path, endpoint: str | None, applying: bool, within: Path | None = None
              ) -> Iterator[tuple[Path, dict[str, str]]]:
    """A scratch copy of `folder` (of `within`, a folder above it, where the root calls modules outside itself:
    `../../modules/x`) with the oracle's files, initialised."""
    base = Path(within) if within is not None else folder
    with tempfile.TemporaryDirectory(prefix="tf-oracle-") as scratch:
        copy = Path(scratch) / base.name
        shutil.copytree(base, copy, ignore=shutil.ignore_patterns(*NOT_COPIED))
        work = copy / folder.resolve().relative_to(base.resolve())
        for name, text in oracle_files(folder, endpoint, applying).items():
            (work / name).write_text(text)
        env = _environment(Path(scratch))
        vendored = ["-get=false"] if (work / ".terraform" / "modules" / "modules.json").is_file() else []
        _run(["init", f"-plugin-dir={mirror()}", "-no-color", *vendored], work, env)
        yield work, env


def _var_arguments(var_files: Sequence[Path]) -> list[str]:
    return [f"-var-file={Path(p).resolve()}" for p in var_files]


def plan(folder: Path, var_files: Sequence[Path] = (), endpoint: str | None = None,
         within: Path | None = None) -> dict[str, Any]:
    """The JSON of the plan Terraform makes for `folder` (with `var_files`), on an empty state.

    `endpoint`: a moto server's URL, for the data sources that call AWS (its port is not part of the cache key).
    `within`: a folder above `folder` to copy with it (the root calls modules outside itself).
    """
    needs_terraform()
    folder = Path(folder)
    base = Path(within) if within is not None else folder
    shown_files = oracle_files(folder, "MOTO" if endpoint else None)
    where = folder.resolve().relative_to(base.resolve()).as_posix()
    key = digest(base, var_files, _version() + json.dumps(shown_files, sort_keys=True) + REGION + where)
    cached = CACHE / f"{key}.json"
    if cached.is_file():
        return dict(json.loads(cached.read_text()))
    with _prepared(folder, endpoint, applying=False, within=within) as (work, env):
        _run(["plan", "-refresh=false", "-lock=false", "-no-color", "-out=oracle.tfplan", *_var_arguments(var_files)],
             work, env)
        document = json.loads(_run(["show", "-json", "oracle.tfplan"], work, env))
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = cached.with_suffix(f".{os.getpid()}.partial")
    partial.write_text(json.dumps(document))
    partial.replace(cached)
    return dict(document)


def not_applied(planned: Mapping[str, Any]) -> list[str]:
    """The addresses of `planned` an apply on moto leaves out (NOT_APPLIED)."""
    return [c["address"] for c in planned.get("resource_changes", [])
            if c.get("mode") == "managed" and c.get("type") in NOT_APPLIED]


def apply(folder: Path, var_files: Sequence[Path] = (), *, endpoint: str, planned: Mapping[str, Any],
          within: Path | None = None, replan: bool = True) -> dict[str, Any] | None:
    """Build `folder` on the moto server at `endpoint`: every resource of `planned` (its plan) but `NOT_APPLIED`.
    Returns the plan Terraform then makes of what is left, in which what only the apply could tell (the ARNs a
    selection names, its plan's id) is known; with `replan=False`, nothing (a plan and a show less: 6 s of CPU)."""
    needs_terraform()
    given = _var_arguments(var_files)
    targets = [f"-target={c['address']}" for c in planned.get("resource_changes", [])
               if c.get("mode") == "managed" and c.get("type") not in NOT_APPLIED]
    with _prepared(Path(folder), endpoint, applying=True, within=within) as (work, env):
        _run(["apply", "-auto-approve", "-lock=false", "-no-color", "-parallelism=4", *targets, *given], work, env)
        if not replan:
            return None
        _run(["plan", "-refresh=false", "-lock=false", "-no-color", "-out=after.tfplan", *given], work, env)
        return dict(json.loads(_run(["show", "-json", "after.tfplan"], work, env)))


@contextmanager
def moto_server() -> Iterator[str]:
    """A moto server on a free local port, its account empty: its URL."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # a line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        url = f"http://{host}:{port}"
        # moto's state lives in this process, shared with any earlier server or mock: start from an empty account
        urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST"), timeout=30).close()
        yield url
    finally:
        server.stop()
