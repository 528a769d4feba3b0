"""The plugin's command-line options, read once into a frozen object.

Precedence is decided here and only here: a command-line value, else the ini value, else the
default (a CLI value is never mistaken for unset because it is falsy).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

DEFAULT_ENV = "local"


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("contracts", "DynamoDB consumer contracts")
    group.addoption("--env", dest="contracts_env", default=None, metavar="NAME",
                    help="environment from contracts/ to check (default: local, a throwaway DynamoDB Local)")
    group.addoption("--contracts", dest="contracts_dir", default=None, metavar="DIR",
                    help="the desired-state folder (default: contracts/ beside the rootdir)")
    group.addoption("--endpoint-url", dest="contracts_endpoint", default=None, metavar="URL",
                    help="use this running DynamoDB Local instead of starting one")
    group.addoption("--no-provision", dest="contracts_no_provision", action="store_true",
                    help="local/moto: check the environment as it is, without creating anything")
    group.addoption("--provision", dest="contracts_provision", action="store_true",
                    help="dev/sit/prod: show the plan and apply it before checking (prod also needs --confirm-prod)")
    group.addoption("--confirm-prod", dest="contracts_confirm_prod", action="store_true",
                    help="with --provision: allow changes to a protected environment such as prod")
    parser.addini("contracts_env", "default environment for the contracts", default=DEFAULT_ENV)


@dataclass(frozen=True)
class ContractOptions:
    env: str
    contracts: Path
    endpoint_url: str | None
    no_provision: bool
    provision: bool
    confirm_prod: bool

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
        )
