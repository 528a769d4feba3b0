"""The IAM role each consumer's Lambda runs as in an environment, and where that role's policies come from.

Declared under an environment's `lambda_roles:` (read by `provision.desired.load_lambda_roles`). The contracts
suite checks with them that each consumer may make the calls its access patterns make (the readiness report's
criterion 7): on AWS by asking IAM about the role itself, elsewhere by evaluating the declared policies.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .location import Location

ROLE_ARN = re.compile(r"arn:aws(?:-[a-z]+)*:iam::(\d{12}):role/[\w+=,.@/-]{1,512}")
PLACEHOLDERS = ("consumer", "env", "account")


class PolicySource(StrEnum):
    """Where a role's policies come from, when they are evaluated rather than asked of AWS."""

    GENERATED = "generated"  # the consumer policy `python -m steps.iam_consumer` makes from its access patterns
    FILES = "files"  # IAM policy documents kept in the repository


@dataclass(frozen=True)
class PolicyFile:
    """A policy document of the repository: its path (relative to the working directory when under it), its JSON."""

    path: str
    document: Mapping[str, Any] = field(compare=False)
    source: Location | None = field(default=None, compare=False)
    statement_lines: tuple[int, ...] = field(default=(), compare=False)  # where each element of Statement starts


@dataclass(frozen=True)
class LambdaRole:
    """One consumer's role here (`role_arn` with `{consumer}` filled in), and where its policies come from."""

    consumer: str
    role_arn: str
    policies: PolicySource
    files: tuple[PolicyFile, ...] = ()
    source: Location | None = field(default=None, compare=False)

    @property
    def account(self) -> str:
        found = ROLE_ARN.fullmatch(self.role_arn)
        return found.group(1) if found else ""

    @property
    def policies_from(self) -> str:
        """Where its policies come from, in words."""
        if self.policies is PolicySource.GENERATED:
            return "its generated consumer policy"
        return ", ".join(f.path for f in self.files)


@dataclass(frozen=True)
class RoleDeclaration:
    """A role as written: `role_arn` may hold {consumer}, {env} and {account}."""

    role_arn: str
    policies: PolicySource
    files: tuple[PolicyFile, ...] = ()
    source: Location | None = field(default=None, compare=False)


@dataclass(frozen=True)
class LambdaRoles:
    """An environment's consumer roles: `defaults` for every consumer, `consumers` for those named."""

    defaults: RoleDeclaration | None = None
    consumers: Mapping[str, RoleDeclaration] = field(default_factory=dict)
    source: Location | None = field(default=None, compare=False)  # the `lambda_roles:` line; None: not declared

    @property
    def declared(self) -> bool:
        return self.source is not None

    def of(self, consumer: str, env: str, account: str) -> LambdaRole | None:
        """The consumer's role, or None when neither it nor the defaults are declared."""
        declared = self.consumers.get(consumer, self.defaults)
        if declared is None:
            return None
        arn = declared.role_arn.format(consumer=consumer, env=env, account=account)
        return LambdaRole(consumer, arn, declared.policies, declared.files, declared.source)

    def role_arn_patterns(self, env: str, account: str) -> list[str]:
        """Every role ARN these declarations can name, `{consumer}` as `*` (for an IAM policy's Resource)."""
        declared = [d for d in (self.defaults, *self.consumers.values()) if d is not None]
        return sorted({d.role_arn.format(consumer="*", env=env, account=account) for d in declared})
