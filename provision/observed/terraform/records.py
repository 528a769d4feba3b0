"""What a Terraform reader hands on: resources in the shape of a plan's values, and what it could not read.

Both readers produce these: `plan_json` from `terraform show -json` (Terraform resolved everything
it could), `hcl` from the `.tf` files themselves (python-hcl2, resolving what is known without
Terraform). `to_observed` turns them into an `ObservedState`; nothing after it sees Terraform.

The shape is the plan's: a resource's `values` map each argument to its value and each nested
block to a list of objects (`global_secondary_index: [{name: ..., hash_key: ...}]`), exactly as
`planned_values` writes them. Where a value is not known (after apply, or to the HCL reader) it
is an `Unknown` with the reason, never a guess; an attribute of another resource that only
exists after apply (`aws_dynamodb_table.orders.arn`) is a `Reference` the converter resolves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..state import Unresolved

__all__ = ["Configuration", "Reference", "Resource", "TerraformError", "Unknown", "Unresolved", "other_providers"]


class TerraformError(ValueError):
    """Input a Terraform reader cannot read at all: the file (and line), what is wrong, what to give instead."""


@dataclass(frozen=True)
class Unknown:
    """A value this source cannot know: "known only after apply", or the HCL construct that hides it."""

    reason: str
    # the strings it may be, as a regular expression, where a template knows part of it ("${terraform.workspace}-
    # orders": ".*\-orders"); None: any value
    pattern: str | None = field(default=None, compare=False)

    def __str__(self) -> str:
        return self.reason


@dataclass(frozen=True)
class Reference:
    """An attribute of another resource in the same configuration: `aws_dynamodb_table.orders.arn`."""

    address: str  # the resource's address: aws_dynamodb_table.orders, module.db.aws_dynamodb_table.x["k"]
    attribute: str  # arn, name, id

    def __str__(self) -> str:
        return f"{self.address}.{self.attribute}"


@dataclass(frozen=True)
class Resource:
    """One managed resource: its address, type and values (plan-shaped), and where it is written."""

    address: str
    type: str  # aws_dynamodb_table, aws_dynamodb_global_secondary_index, aws_backup_vault, ...
    values: Mapping[str, Any]
    where: str  # "infra/sit/dynamodb.tf:12" (HCL), or "plan.json: module.db.aws_dynamodb_table.orders"
    region: str | Unknown | None = None  # its provider configuration's region (None: not set, the environment's)
    called_at: tuple[str, ...] = ()  # the module calls it is made through, from the root: ("main.tf:12", ...)
    name_pattern: str | None = None  # where its name is not known: the names it may have ("payments-*"), if known
    given_at: Mapping[str, str] = field(default_factory=dict)  # in a module: the arguments and blocks whose value
    # the call gives, with where ({"global_secondary_index": "main.tf:78 (argument gsis of module.users)"})


@dataclass(frozen=True)
class Configuration:
    """Everything one reader read: the resources it could follow, and what it could not."""

    source: str  # "terraform" (HCL) or "plan"
    origin: str  # the folder or file read, as given
    resources: tuple[Resource, ...]
    unresolved: tuple[Unresolved, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)  # what a reader wants said (a state, not a plan)

    def of_type(self, kind: str) -> list[Resource]:
        return [r for r in self.resources if r.type == kind]


def other_providers(resources: Sequence[tuple[str, str]]) -> str | None:
    """Resources (type, address) of other providers only, none of AWS: which, for the error saying so (it is
    another configuration, and would make every table of the stack a phantom gap); else None."""
    if not resources or any(kind.startswith("aws_") for kind, _ in resources):
        return None
    providers = sorted({kind.split("_", 1)[0] for kind, _ in resources})
    addresses = [address for _, address in resources]
    shown = ", ".join(addresses[:3]) + (f" and {len(addresses) - 3} more" if len(addresses) > 3 else "")
    return f"holds no AWS resource, only {' and '.join(providers)} ones ({shown})"
