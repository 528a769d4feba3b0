"""The environment a contract run checks: its observed state, and the contracts' names for it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePath

from provision.desired.model import BackendKind, Environment, KeySchema, TableSpec
from provision.desired.naming import conforming_name, follows_convention
from provision.desired.stack import OWNERSHIP_TAG_KEY, OWNERSHIP_TAG_VALUE, Stack
from provision.observed.schema import SOURCE as SCHEMA_SOURCE
from provision.observed.state import ObservedState, ObservedTable, Unverifiable
from steps.results.environment import EnvironmentSummary

TERRAFORM_SOURCES = frozenset({"terraform", "plan"})


@dataclass(frozen=True)
class Target:
    """What the checks look at. Consumers name tables logically (`orders`); this maps them."""

    environment: Environment
    observed: ObservedState
    stack: Stack
    stated_keys: Mapping[tuple[str, str], KeySchema] = field(default_factory=dict)  # (table, GSI): keys the
    # consumers' features state for it, when the desired state does not define it

    @property
    def backend(self) -> str:
        return self.observed.source

    @property
    def capabilities(self) -> BackendKind:
        """Whose limits apply to what can be told: the backend read, or for a static source (the schema,
        which holds everything it defines) none."""
        return BackendKind(self.observed.source) if self.observed.source in set(BackendKind) else BackendKind.AWS

    def physical(self, table: str) -> str:
        return self.environment.table_name(table)

    def table(self, table: str) -> ObservedTable | None:
        return self.observed.tables.get(self.physical(table))

    def vault(self, vault: str) -> str:
        return self.environment.backup_name(vault)

    def logical_tables(self) -> dict[str, ObservedTable]:
        """The stack's tables by logical name: named like ours AND either in the contracts or tagged
        ManagedBy=dynamo-contracts, so another team's `payments-sit` in a shared account is not counted.
        Where tags cannot be read (DynamoDB Local) a table named like ours is counted. In Terraform every table
        is the stack's: one named like no logical table is counted under its physical name (unexpected)."""
        found = {}
        for name, table in self.observed.tables.items():
            logical = self.environment.logical_table_name(name)
            if self.terraform:
                found[logical or name] = table
                continue
            if logical is None:
                continue
            tags = table.tags
            ours = (name in self.stack.tables or isinstance(tags, Unverifiable)
                    or tags.get(OWNERSHIP_TAG_KEY) == OWNERSHIP_TAG_VALUE)
            if ours:
                found[logical] = table
        return found

    def undefined(self, table: str, index_kind: str | None = None, index: str | None = None) -> str:
        """Who must act when a consumer needs a table (or index) the desired state does not define; "" if it does."""
        spec = self.stack.spec(table)
        if spec is None:
            return (f"the desired state defines no table {table}: the platform team must add it "
                    f"({self._table_folder() / f'{table}.yaml'})")
        if index_kind is None or index is None:
            return ""
        names = [i.name for i in (spec.global_indexes if index_kind == "GSI" else spec.local_indexes)]
        if index in names:
            return ""
        file = spec.source.file if spec.source else f"the definition of table {table}"
        conforming = self._conforming(spec, index_kind, index)
        if conforming is None:
            return (f"the desired state defines no {index_kind} {index} on table {table}: the platform team must add "
                    f"it to {file}")
        breaks = (f"the name {index} breaks the index naming convention '{self.stack.index_naming}' of the desired "
                  f"state, which `python -m provision validate` enforces")
        if conforming in names:
            return (f"the desired state defines no {index_kind} {index} on table {table}, but has {conforming} "
                    f"({file}): {breaks}; ask for {conforming} in the feature")
        return (f"the desired state defines no {index_kind} {index} on table {table}: the platform team must add it "
                f"to {file} as {conforming} ({breaks}), and the consumer renames it to {conforming} in its feature")

    def _conforming(self, spec: TableSpec, index_kind: str, index: str) -> str | None:
        """A name for a requested index that follows the convention, when its own name does not: from the keys the
        features state for it, else from its words. None when it follows the convention (or there is none)."""
        template = self.stack.index_naming
        if not template or follows_convention(index, template, spec.name):
            return None
        stated = self.stated_keys.get((spec.name, index)) if index_kind == "GSI" else None
        keys = [k.name for k in stated.attributes] if stated else []
        taken = [i.name for i in spec.global_indexes] + [i.name for i in spec.local_indexes]
        same_keys = [i.name for i in spec.global_indexes if stated is not None and i.keys == stated]
        if same_keys:  # the desired state has it already, under a conforming name
            return same_keys[0]
        return conforming_name(template, spec.name, index, keys, spec.keys.partition.name, taken)

    @property
    def static(self) -> bool:
        """Whether this is a file's account of the environment (the schema, Terraform), not the environment."""
        return self.terraform or self.observed.source == SCHEMA_SOURCE

    @property
    def terraform(self) -> bool:
        """Whether this is what Terraform will build (a folder of .tf files, or a plan), not an environment."""
        return self.observed.source in TERRAFORM_SOURCES

    def to_build(self, what: str, table: str | None = None) -> str:
        """Who must act when the desired state defines `what` but this source lacks it: for Terraform, its owners,
        where; "" for an environment (provisioning it from the desired state closes the gap)."""
        if not self.terraform:
            return ""
        seen = self.table(table) if table else None
        where = seen.defined_at if seen is not None and seen.defined_at else f"the Terraform in {self.observed.origin}"
        defined = self._defined_in(table)
        return f"the owners of the Terraform: add {what} to {where}, as {defined} defines it"

    def to_change(self, table: str | None, desired_at: str) -> str:
        """Who must act on a difference between this source and the desired state; "" for an environment."""
        if not self.terraform:
            return ""
        seen = self.table(table) if table else None
        where = seen.defined_at if seen is not None and seen.defined_at else f"the Terraform in {self.observed.origin}"
        return (f"the owners of the Terraform: change {where} to what the desired state defines ({desired_at}), "
                "or the platform team: change the desired state")

    def _defined_in(self, table: str | None) -> str:
        spec = self.stack.spec(table) if table else None
        if spec is not None and spec.source is not None:
            return spec.source.file
        return "the desired state" if table else self._backup_file()

    def undefined_vault(self, vault: str) -> str:
        """Who must act when a consumer needs a backup vault the desired state does not define; "" if it does."""
        if self.vault(vault) in self.stack.vaults:
            return ""
        return (f"the desired state defines no backup vault {vault}: the platform team must add it "
                f"({self._backup_file()}, under backup: vaults:)")

    def _table_folder(self) -> PurePath:
        """Where the desired state's table files are (`contracts/tables`), to say where a new one goes."""
        folders = sorted({PurePath(s.source.file).parent for s in self.stack.tables.values() if s.source})
        return folders[0] if folders else PurePath("contracts", "tables")

    def _backup_file(self) -> str:
        files = sorted({p.source.file for p in self.stack.plans.values() if p.source})
        if files:
            return files[0]
        folder = self._table_folder()
        return str((folder.parent if folder.name == "tables" else folder) / "backup.yaml")

    def where(self) -> str:
        return f"{self.environment.name} ({self.backend})"

    def closest_index(self, table: str, index: str) -> str | None:
        """The index present that most likely is the one asked for under another name: one with exactly the
        keys (partition and sort, names and types) the desired state gives `index`, or else the keys the
        consumers' features state for it. Never a guess from the name or the partition key alone: an index
        with other keys is not the same index."""
        seen = self.table(table)
        if seen is None:
            return None
        spec = self.stack.spec(table)
        defined = spec.global_index(index) if spec is not None else None
        wanted = defined.keys if defined is not None else self.stated_keys.get((table, index))
        if wanted is None:
            return None
        same_keys = sorted(n for n, found in seen.global_indexes.items() if n != index and found.keys == wanted)
        return same_keys[0] if same_keys else None


def summarize(target: Target) -> EnvironmentSummary:
    """What the environment holds, in plain data for the report: the stack's tables by logical name."""
    tables = target.logical_tables()
    plans, vaults = target.observed.backups.plans, target.observed.backups.vaults
    return EnvironmentSummary(
        target.environment.name, target.backend, sorted(tables),
        {name: sorted(t.global_indexes) for name, t in sorted(tables.items())},
        None if isinstance(plans, Unverifiable) else sorted(plans),
        None if isinstance(vaults, Unverifiable) else sorted(vaults),
        [f"{name} {t.status}" for name, t in sorted(tables.items()) if t.status != "ACTIVE"],
        [f"{name}.{i.name} {i.status}" for name, t in sorted(tables.items())
         for i in sorted(t.global_indexes.values(), key=lambda i: i.name) if i.status != "ACTIVE"])
