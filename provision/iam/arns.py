"""The exact ARNs of one environment's stack: its tables and their indexes, its backup vaults and plans,
the role AWS Backup uses, the tool's own tables there (the verdict store, where it records verdicts), and the
patterns IAM forces where a name or id is not known beforehand."""

from __future__ import annotations

from dataclasses import dataclass

from ..desired.model import DEFAULT_BACKUP_ROLE, Environment
from ..desired.own_tables import own_tables
from ..desired.stack import Stack
from ..errors import ToolError


@dataclass(frozen=True)
class Arns:
    """ARNs in one account and region (partition aws)."""

    region: str
    account: str

    @property
    def dynamodb(self) -> str:
        return f"arn:aws:dynamodb:{self.region}:{self.account}"

    def table(self, physical: str) -> str:
        return f"{self.dynamodb}:table/{physical}"

    def index(self, physical: str, index: str) -> str:
        return f"{self.table(physical)}/index/{index}"

    def vault(self, physical: str) -> str:
        return f"arn:aws:backup:{self.region}:{self.account}:backup-vault:{physical}"

    def plan(self, plan_id: str) -> str:
        return f"arn:aws:backup:{self.region}:{self.account}:backup-plan:{plan_id}"

    @property
    def any_plan(self) -> str:
        """A backup plan's ARN holds the id AWS gives it at creation, never its name: every plan of the account."""
        return self.plan("*")

    @property
    def any_key(self) -> str:
        """A table's KMS key: the AWS managed key's id differs per account and is not in the contracts."""
        return f"arn:aws:kms:{self.region}:{self.account}:key/*"

    def default_backup_role(self) -> str:
        return f"arn:aws:iam::{self.account}:{DEFAULT_BACKUP_ROLE}"


@dataclass(frozen=True)
class StackArns:
    """The ARNs of one environment's stack as the contracts define it."""

    arns: Arns
    tables: tuple[str, ...]  # physical names, sorted
    indexes: tuple[tuple[str, str], ...]  # (physical table, index): GSIs and LSIs
    vaults: tuple[str, ...]
    tables_pattern: str  # the environment's name pattern with * for the table: what observe lists and reads
    backup_role: str
    protected: bool
    alarms: tuple[str, ...] = ()  # the alarms' names
    lambda_roles: tuple[str, ...] = ()  # the consumers' Lambda roles (lambda_roles; {consumer} as *), sorted
    own_tables: tuple[str, ...] = ()  # the tool's own tables the environment has (the verdict store), sorted

    @property
    def any_alarm(self) -> str:
        return f"arn:aws:cloudwatch:{self.arns.region}:{self.arns.account}:alarm:*"

    @property
    def alarm_arns(self) -> list[str]:
        return [f"arn:aws:cloudwatch:{self.arns.region}:{self.arns.account}:alarm:{a}" for a in self.alarms]

    @property
    def table_arns(self) -> list[str]:
        return [self.arns.table(t) for t in self.tables]

    @property
    def own_table_arns(self) -> list[str]:
        return [self.arns.table(t) for t in self.own_tables]

    @property
    def tables_like_pattern(self) -> str:
        return self.arns.table(self.tables_pattern)

    @property
    def vault_arns(self) -> list[str]:
        return [self.arns.vault(v) for v in self.vaults]


def of_stack(stack: Stack, *, account: str | None = None) -> StackArns:
    """The stack's ARNs; refused for an environment with no account_id (local and moto have none) unless
    `account` says which account to name (the contracts suite evaluates policies there with moto's)."""
    env = stack.environment
    arns = Arns(env.region, account or _account(env))
    indexes = sorted((physical, name) for physical, spec in stack.tables.items()
                     for name in [*(g.name for g in spec.global_indexes), *(lsi.name for lsi in spec.local_indexes)])
    return StackArns(arns, tuple(sorted(stack.tables)), tuple(indexes), tuple(sorted(stack.vaults)),
                     env.table_name_pattern.format(table="*", env=env.name),
                     env.backup_role_arn or arns.default_backup_role(), env.protected,
                     alarms=tuple(sorted(stack.alarms)),
                     lambda_roles=tuple(env.lambda_roles.role_arn_patterns(env.name, arns.account)),
                     own_tables=tuple(sorted(own_tables(env))))


def _account(env: Environment) -> str:
    if env.account_id:
        return env.account_id
    raise ToolError(f"environment '{env.name}' has no account_id, so its ARNs cannot be known ({env.backend.value} "
                    "environments need no IAM): give an AWS environment of the contracts (one with backend: aws "
                    "and account_id), e.g. --env sit")
