"""The environment a contract run checks: its observed state, and the contracts' names for it."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePath

from ...provision.desired.model import BackendKind, Environment, KeySchema, TableSpec
from ...provision.desired.naming import conforming_name, follows_convention
from ...provision.desired.stack import OWNERSHIP_TAG_KEY, OWNERSHIP_TAG_VALUE, Stack
from ...provision.observed.state import ObservedState, ObservedTable, Unverifiable
from ..results.environment import EnvironmentSummary
from ..results.expected import Requirements
from ..results.findings import Finding, Kind

# Claims whose gap is not the Terraform's own to close: the check names who acts (IAM, the budget), or none is run.
NOT_TERRAFORMS = frozenset({Kind.PERMISSION, Kind.ACCESS_PATTERN, Kind.COST, Kind.DRIFT})
# The setting of a table a kind of claim is about (`ObservedTable.given_at`).
SETTING_OF_KIND = {Kind.KEY: "keys", Kind.LSI: "keys", Kind.GSI: "gsis", Kind.GSI_SET: "gsis", Kind.PROJECTION: "gsis",
                   Kind.BILLING: "billing", Kind.STREAM: "stream", Kind.ENCRYPTION: "encryption", Kind.PITR: "pitr",
                   Kind.TTL: "ttl", Kind.DELETION_PROTECTION: "deletion_protection", Kind.TABLE_CLASS: "table_class",
                   Kind.TAGS: "tags", Kind.REPLICA: "replicas"}


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
        return self.observed.origin.capabilities

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
                    or isinstance(tags.get(OWNERSHIP_TAG_KEY), Unverifiable)
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
                  f"state, which `dynamo-contracts validate` enforces")
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
        return self.observed.origin.kind.static

    @property
    def terraform(self) -> bool:
        """Whether this is what Terraform will build (a folder of .tf files, or a plan), not an environment."""
        return self.observed.origin.kind.terraform

    def to_build(self, what: str, table: str | None = None) -> str:
        """Who must act when the desired state defines `what` but this source lacks it: for Terraform, its owners,
        where; "" for an environment (provisioning it from the desired state closes the gap)."""
        if not self.terraform:
            return ""
        seen = self.table(table) if table else None
        where = (seen.defined_at if seen is not None and seen.defined_at
                 else f"the Terraform in {self.observed.origin.where}")
        defined = self._defined_in(table)
        return f"the owners of the Terraform: add {what} to {where}, as {defined} defines it"

    def to_change(self, table: str | None, desired_at: str, setting: str | None = None) -> str:
        """Who must act on a difference between this source and the desired state; "" for an environment. Where the
        value of `setting` is given elsewhere than where the table is written (a module's argument), there."""
        if not self.terraform:
            return ""
        seen = self.table(table) if table else None
        where = self._written(seen, setting)
        return (f"the owners of the Terraform: change {where} to what the desired state defines ({desired_at}), "
                "or the platform team: change the desired state")

    def to_remove(self, physical: str, index: str | None = None) -> str:
        """Who must act on a table (or GSI) Terraform defines and the desired state does not."""
        seen = self.observed.tables.get(physical)
        where = self._written(seen, "gsis" if index else None)
        what = f"GSI {index} of table {physical}" if index else f"table {physical}"
        return (f"the owners of the Terraform: remove {what} from {where} (or give it the name of one the desired "
                f"state defines), or the platform team: add it to {self.desired_folder}")

    def _written(self, seen: ObservedTable | None, setting: str | None = None) -> str:
        """Where a table's `setting` is given (a module's argument), else where it is written, else the folder."""
        anywhere = f"the Terraform in {self.observed.origin.where}"
        if seen is None:
            return anywhere
        written = seen.defined_at or anywhere
        given = seen.given_at.get(setting) if setting else None
        return f"{given}, which {written} reads" if given else written

    @property
    def desired_folder(self) -> str:
        """The desired state's folder, as a user names it: "contracts/"."""
        folder = self._table_folder()
        return f"{folder.parent if folder.name == 'tables' else folder}/"

    def acting(self, finding: Finding) -> Finding:
        """A claim Terraform fails with who must act and where, when the check did not say: its owners, at the line
        where the value is given (a module's argument), else where the table (or plan) is written."""
        if not self.terraform or not finding.failed or finding.action or finding.kind in NOT_TERRAFORMS:
            return finding
        return dataclasses.replace(finding, action=f"the owners of the Terraform: change {self._fixed_at(finding)}: "
                                                   f"{finding.subject} must be {finding.expected}")

    def _fixed_at(self, finding: Finding) -> str:
        seen = self.table(finding.table) if finding.table else None
        anywhere = f"the Terraform in {self.observed.origin.where}"
        if finding.kind is Kind.TABLE_SET and finding.expected_names:  # the tables too many, and the folder
            extra = [t for n, t in sorted(self.logical_tables().items()) if n not in finding.expected_names]
            missing = set(finding.expected_names) - set(self.logical_tables())
            return "; ".join([*(self._written(t) for t in extra), *([anywhere] if missing else [])]) or anywhere
        if seen is None:
            return anywhere
        if finding.kind in (Kind.BACKUP_COVERAGE, Kind.BACKUP_PLAN):
            plans = self.observed.backups.plans
            wheres = [] if isinstance(plans, Unverifiable) else [p.defined_at for p in plans.values() if p.defined_at]
            return (f"{', '.join(wheres) or anywhere} (the backup plans and their selections) or "
                    f"{self._written(seen, 'tags')} (its tags)")
        setting = SETTING_OF_KIND.get(finding.kind)
        if finding.kind is Kind.KEY and " of GSI " in finding.subject:
            setting = "gsis"
        return self._written(seen, setting)

    def indexes_at(self, tables: list[str]) -> str:
        """Where the indexes of these logical tables are given, for a Terraform source."""
        found = self.logical_tables()
        return "; ".join(dict.fromkeys(self._written(found.get(t), "gsis") for t in tables))

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


def summarize(target: Target, wanted: Requirements | None = None) -> EnvironmentSummary:
    """What the environment holds, in plain data for the report: the stack's tables by logical name; and of what
    `wanted` requires and is not there, what something the source could not read may define (unknown, not missing)."""
    tables = target.logical_tables()
    plans, vaults = target.observed.backups.plans, target.observed.backups.vaults
    unseen = _unseen(target, wanted or Requirements())
    return EnvironmentSummary(
        target.environment.name, target.backend, sorted(tables),
        {name: sorted(t.global_indexes) for name, t in sorted(tables.items())},
        None if isinstance(plans, Unverifiable) else sorted(plans),
        None if isinstance(vaults, Unverifiable) else sorted(vaults),
        [f"{name} {'status not reported' if isinstance(t.status, Unverifiable) else t.status}"
         for name, t in sorted(tables.items()) if t.status != "ACTIVE"],
        [f"{name}.{i.name} {i.status}" for name, t in sorted(tables.items())
         for i in sorted(t.global_indexes.values(), key=lambda i: i.name) if i.status != "ACTIVE"],
        list(target.observed.notes), *unseen)


def _unseen(target: Target, wanted: Requirements) -> tuple[dict[str, list[str]], dict[str, list[str]],
                                                           dict[str, list[str]], list[str]]:
    """The required tables, GSIs and vaults not here that something not read could define (each with what could),
    and what could define backup plans not here."""
    observed, tables = target.observed, target.logical_tables()

    def could(kind: str, name: str | None = None) -> list[str]:
        return [u.short for u in observed.hiding(kind, name)]

    unknown_tables = {t: found for t in sorted(wanted.tables - set(tables)) if (found := could("table",
                                                                                             target.physical(t)))}
    unknown_gsis: dict[str, list[str]] = {}
    for table, index in sorted(wanted.gsis):
        seen = tables.get(table)
        if seen is None or index in seen.global_indexes:
            found = unknown_tables.get(table, []) if seen is None else []
        else:
            found = [*([seen.defined_at or f"table {seen.name}"] if seen.other_indexes else []),
                     *could("gsi", seen.name)]
        if found:
            unknown_gsis[f"{table}.{index}"] = found
    vaults, plans = observed.backups.vaults, observed.backups.plans
    unknown_vaults = {} if isinstance(vaults, Unverifiable) else {
        name: found for name in sorted({target.vault(v) for v in wanted.vaults} - set(vaults))
        if (found := could("vault", name))}
    unknown_plans = [] if isinstance(plans, Unverifiable) else list(dict.fromkeys(
        u for name in sorted(set(target.stack.plans) - set(plans)) for u in could("plan", name)))
    return unknown_tables, unknown_gsis, unknown_vaults, unknown_plans
