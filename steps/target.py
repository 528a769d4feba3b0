"""The environment a contract run checks: its observed state, and the contracts' names for it."""

from __future__ import annotations

from dataclasses import dataclass

from provision.model import Environment
from provision.stack import OWNERSHIP_TAG_KEY, OWNERSHIP_TAG_VALUE, Stack
from provision.state import ObservedState, ObservedTable, Unverifiable


@dataclass(frozen=True)
class Target:
    """What the checks look at. Consumers name tables logically (`orders`); this maps them."""

    environment: Environment
    observed: ObservedState
    stack: Stack

    @property
    def backend(self) -> str:
        return self.observed.source

    def physical(self, table: str) -> str:
        return self.environment.table_name(table)

    def table(self, table: str) -> ObservedTable | None:
        return self.observed.tables.get(self.physical(table))

    def vault(self, vault: str) -> str:
        return self.environment.backup_name(vault)

    def logical_tables(self) -> dict[str, ObservedTable]:
        """The stack's tables by logical name: named like ours AND either in the contracts or tagged
        ManagedBy=dynamo-contracts, so another team's `payments-sit` in a shared account is not counted.
        Where tags cannot be read (DynamoDB Local) a table named like ours is counted."""
        found = {}
        for name, table in self.observed.tables.items():
            logical = self.environment.logical_table_name(name)
            if logical is None:
                continue
            tags = table.tags
            ours = (name in self.stack.tables or isinstance(tags, Unverifiable)
                    or tags.get(OWNERSHIP_TAG_KEY) == OWNERSHIP_TAG_VALUE)
            if ours:
                found[logical] = table
        return found

    def where(self) -> str:
        return f"{self.environment.name} ({self.backend})"

    def closest_index(self, table: str, index: str) -> str | None:
        """The index present that most likely is the one asked for under another name.

        One with the keys the contracts give `index`; or, when the contracts do not know it, one whose
        partition key is the attribute the name is about (`<Table>By<Attribute>`: CampaignsByStatus ->
        status). Never a guess from the name alone: an index with other keys is not the same index.
        """
        seen = self.table(table)
        if seen is None:
            return None
        names = sorted(n for n in seen.global_indexes if n != index)
        spec = self.stack.spec(table)
        wanted = spec.global_index(index) if spec is not None else None
        if wanted is not None:
            same_keys = [n for n in names if seen.global_indexes[n].keys == wanted.keys]
            if same_keys:
                return same_keys[0]
            return None  # the contracts know its keys and no index here has them
        _, by, attribute = index.partition("By")
        if by and attribute:
            keyed = [n for n in names if seen.global_indexes[n].keys.partition.name.lower().startswith(
                attribute.lower())]
            if keyed:
                return keyed[0]
        return None
