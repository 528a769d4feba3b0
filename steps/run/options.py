"""The plugin's command-line options, read once into a frozen object.

Precedence is decided here and only here: a command-line value, else the ini value, else the
default (a CLI value is never mistaken for unset because it is falsy). `misuse` says which
options mean nothing for the environment chosen, so the plugin can refuse them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from ...provision.desired.model import Environment
from ...provision.observed.origin import SourceKind, kind_of
from ...provision.observed.sources import forms
from .early_local import DEFAULT_ENV  # (named there: the JVM's early start reads it before anything is imported)

__all__ = ["DEFAULT_ENV", "ContractOptions", "add_options", "misuse", "sources"]


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("contracts", "DynamoDB consumer contracts")
    group.addoption("--env", dest="contracts_env", default=None, metavar="NAME",
                    help="environment from contracts/ to check (default: local, a throwaway DynamoDB Local)")
    group.addoption("--contracts", dest="contracts_dir", default=None, metavar="DIR",
                    help="the desired-state folder (default: contracts/ beside the rootdir)")
    group.addoption("--endpoint-url", dest="contracts_endpoint", default=None, metavar="URL",
                    help="use this running DynamoDB Local instead of starting one (moto: this moto server)")
    group.addoption("--no-provision", dest="contracts_no_provision", action="store_true",
                    help="local/moto: check the environment as it is, without creating anything")
    group.addoption("--provision", dest="contracts_provision", action="store_true",
                    help="dev/sit/prod: show the plan and apply it before checking (prod also needs --confirm-prod)")
    group.addoption("--confirm-prod", dest="contracts_confirm_prod", action="store_true",
                    help="with --provision: allow changes to a protected environment such as prod")
    group.addoption("--read-only", dest="contracts_read_only", action="store_true",
                    help="write no items: access patterns are reported as not run, whatever writes_allowed says "
                         "(for a read-only role)")
    group.addoption("--against", dest="contracts_against", action="append", default=None,
                    metavar="SOURCE[,SOURCE...]",
                    help="where the observed state comes from: live (the environment's backend, the default), "
                         "schema (the desired state in contracts/, resolved for --env), terraform:DIR (a folder of "
                         ".tf files) or plan:FILE (the JSON of `terraform show -json PLANFILE`). Static sources start "
                         "no backend and run no access pattern. Several sources: every scenario runs against each "
                         "(ids end in [schema], [terraform], ...) and the report puts them side by side")
    group.addoption("--tf-var-file", dest="contracts_tf_var_files", action="append", default=None, metavar="FILE",
                    help="with --against terraform:DIR: a variables file, as `terraform plan -var-file` (repeatable; "
                         "later files win; terraform.tfvars and *.auto.tfvars of DIR are read first)")
    group.addoption("--allow-unknown", dest="contracts_allow_unknown", action="store_true",
                    help="accept claims the input leaves unknown (a Terraform variable with no value, a module not "
                         "followed, a value known only after apply): listed, but the run does not fail on them "
                         "(without it, such a run exits 6)")
    parser.addini("contracts_env", "default environment for the contracts", default=DEFAULT_ENV)


@dataclass(frozen=True)
class ContractOptions:
    env: str
    contracts: Path
    endpoint_url: str | None
    no_provision: bool
    provision: bool
    confirm_prod: bool
    read_only: bool = False
    against: tuple[str, ...] = (SourceKind.LIVE.value,)
    tf_var_files: tuple[Path, ...] = ()

    @property
    def live(self) -> bool:
        """Whether the environment itself is among the sources."""
        return SourceKind.LIVE in [kind_of(spec) for spec in self.against]

    @property
    def only_live(self) -> bool:
        """Whether the environment itself is the one source (no file's account beside it)."""
        return [kind_of(spec) for spec in self.against] == [SourceKind.LIVE]

    @classmethod
    def from_config(cls, config: pytest.Config) -> ContractOptions:
        env = config.getoption("contracts_env")
        folder = config.getoption("contracts_dir")
        return cls(
            env=env if env is not None else str(config.getini("contracts_env")),
            contracts=Path(folder) if folder is not None else config.rootpath / "contracts",
            endpoint_url=config.getoption("contracts_endpoint"),
            no_provision=bool(config.getoption("contracts_no_provision")),
            provision=bool(config.getoption("contracts_provision")),
            confirm_prod=bool(config.getoption("contracts_confirm_prod")),
            read_only=bool(config.getoption("contracts_read_only")),
            against=sources(config.getoption("contracts_against")),
            tf_var_files=tuple(Path(f) for f in config.getoption("contracts_tf_var_files") or ()),
        )


def sources(given: list[str] | None) -> tuple[str, ...]:
    """`--against a,b --against c` as (a, b, c); none given: live. An empty one (`--against=`, `--against=,`,
    `a,,b`) is a mistake, not live: refused."""
    if given is None:
        return (SourceKind.LIVE.value,)
    specs = tuple(part.strip() for value in given for part in value.split(","))
    if not specs or not all(specs):
        shown = " ".join(f"--against={value}" for value in given)
        what = "has an empty source between commas" if any(specs) else "names no source"
        raise pytest.UsageError(f"{shown}: {what}; give one or "
                                f"more of {forms()}, separated by commas (--against=schema,live); without --against "
                                "the run reads the environment itself (live)")
    return specs


def misuse(options: ContractOptions, env: Environment) -> list[str]:
    """Why each option given means nothing (or contradicts another) for `env`; empty when all is well."""
    where = f"'{env.name}' is {env.backend.value}"
    problems = []
    if options.endpoint_url and env.is_aws:
        problems.append(f"--endpoint-url is for DynamoDB Local and moto environments (moto's server); {where}")
    if options.no_provision and env.is_aws:
        problems.append(f"--no-provision is for local and moto environments; {where}, which is only ever read "
                        "as it is unless --provision is given")
    if options.provision and not env.is_aws:
        problems.append(f"--provision is for AWS environments (dev, sit, prod); {where}, which is provisioned on "
                        "every run (add --no-provision to check it as it is)")
    if options.confirm_prod and not options.provision:
        problems.append("--confirm-prod only confirms --provision on a protected environment; without --provision "
                        "nothing is changed")
    elif options.confirm_prod and env.is_aws and not env.protected:
        problems.append(f"--confirm-prod is for protected environments (prod); '{env.name}' is not protected")
    if not options.live:
        against = ",".join(options.against)
        for flag, given in (("--endpoint-url", options.endpoint_url), ("--provision", options.provision),
                            ("--no-provision", options.no_provision), ("--read-only", options.read_only)):
            if given:
                problems.append(f"{flag} is for a live environment; --against {against} reads no backend")
    if options.tf_var_files and not any(s.startswith("terraform:") for s in options.against):
        problems.append("--tf-var-file is for --against terraform:DIR (a plan has its variables resolved already)")
    if options.read_only and options.provision:
        problems.append("--read-only and --provision contradict each other: --provision changes the environment")
    return problems
