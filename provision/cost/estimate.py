"""The monthly cost estimate of an environment: each table's quantities priced, totalled, beside the budget.

`estimate(stack, usage, prices)` is the one entry point (the command and the readiness report call
it); `Estimate.data()` is its JSON, `Estimate.render()` its text. What is counted is in `usage`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..desired.model import BackupPlan, BillingMode, Budget, TableClass, TableSpec, Usage
from ..desired.stack import Stack
from .prices import Dimension, Prices
from .usage import Quantity, table_quantities

CENT = 0.01


@dataclass(frozen=True)
class Line:
    """One priced quantity: a dimension of one part of a table."""

    dimension: Dimension
    item: str
    quantity: float
    per: str
    unit_usd: float
    basis: str

    @property
    def usd(self) -> float:
        return self.quantity * self.unit_usd

    def data(self) -> dict[str, Any]:
        return {"dimension": self.dimension.value, "item": self.item, "quantity": round(self.quantity, 6),
                "per": self.per, "unit_usd": self.unit_usd, "usd": round(self.usd, 4), "basis": self.basis}


@dataclass(frozen=True)
class TableCost:
    """One table's month: its lines, by dimension and in total."""

    table: str  # the physical name
    logical: str
    billing: BillingMode
    table_class: TableClass
    lines: tuple[Line, ...]

    @property
    def usd(self) -> float:
        return sum(line.usd for line in self.lines)

    def by_dimension(self) -> dict[Dimension, float]:
        return _by_dimension(self.lines)

    def data(self) -> dict[str, Any]:
        return {"table": self.table, "logical": self.logical, "billing": self.billing.value,
                "table_class": self.table_class.value, "usd": _cents(self.usd),
                "by_dimension": {d.value: _cents(usd) for d, usd in self.by_dimension().items()},
                "lines": [line.data() for line in self.lines]}


@dataclass(frozen=True)
class Estimate:
    """An environment's estimated month, and whether it is within its budget (None: it has no budget)."""

    environment: str
    region: str
    prices: Prices
    tables: tuple[TableCost, ...]
    budget: Budget | None
    notes: tuple[str, ...] = ()

    @property
    def usd(self) -> float:
        return sum(table.usd for table in self.tables)

    @property
    def total_usd(self) -> float:
        """The total to the cent, as compared with the budget."""
        return _cents(self.usd)

    def by_dimension(self) -> dict[Dimension, float]:
        return _by_dimension(line for table in self.tables for line in table.lines)

    @property
    def within_budget(self) -> bool | None:
        return None if self.budget is None else self.total_usd <= self.budget.monthly_usd + CENT / 2

    def data(self) -> dict[str, Any]:
        budget = None if self.budget is None else {"monthly_usd": self.budget.monthly_usd,
                                                   "stated_at": str(self.budget.source or "")}
        return {"environment": self.environment, "region": self.region, "currency": "USD",
                "prices": {"origin": self.prices.origin}, "total_usd": self.total_usd, "budget": budget,
                "within_budget": self.within_budget,
                "by_dimension": {d.value: _cents(usd) for d, usd in self.by_dimension().items()},
                "tables": [table.data() for table in self.tables], "notes": list(self.notes)}

    def verdict(self) -> str:
        """One sentence: the total beside the budget."""
        total = f"${self.total_usd:,.2f} a month"
        if self.budget is None:
            return f"{total}; environment '{self.environment}' has no budget (add 'budget: {{monthly_usd: N}}')"
        limit = self.budget.monthly_usd
        if self.within_budget:
            return f"{total}, within the budget of ${limit:,.2f} (${limit - self.total_usd:,.2f} to spare)"
        return f"{total}, OVER the budget of ${limit:,.2f} by ${self.total_usd - limit:,.2f} ({self.budget.source})"

    def render(self) -> str:
        rows = [f"Monthly cost estimate of '{self.environment}' ({self.region}), in USD",
                f"Prices: {self.prices.origin}", ""]
        for table in self.tables:
            rows.append(f"{table.table} ({table.billing.value}, {table.table_class.value}): ${table.usd:,.2f}")
            rows.extend(f"  {line.dimension.value:<26} {line.item:<36} ${line.usd:>9,.4f}  {line.quantity:,.6g} "
                        f"{line.per} at ${line.unit_usd:g}: {line.basis}" for line in table.lines if line.quantity)
        rows += ["", "By dimension:"]
        rows += [f"  {dimension.value:<63} ${usd:>9,.2f}" for dimension, usd in self.by_dimension().items()]
        rows += ["", *(f"Note: {note}" for note in self.notes), f"Total: {self.verdict()}"]
        return "\n".join(rows)


def estimate(stack: Stack, usage: Usage, prices: Prices) -> Estimate:
    """The month of `stack` (one environment's resolved desired state) with `usage`, at `prices`."""
    plans = list(stack.plans.values())
    tables = tuple(_table_cost(physical, spec, usage, plans, prices) for physical, spec in sorted(stack.tables.items()))
    env = stack.environment
    return Estimate(env.name, env.region, prices, tables, env.budget, _notes(stack, usage))


def _table_cost(physical: str, spec: TableSpec, usage: Usage, plans: Sequence[BackupPlan],
                prices: Prices) -> TableCost:
    lines = tuple(_priced(quantity, spec.table_class, prices)
                  for quantity in table_quantities(physical, spec, usage.of(spec.name), plans))
    return TableCost(physical, spec.name, spec.billing.mode, spec.table_class, lines)


def _priced(quantity: Quantity, table_class: TableClass, prices: Prices) -> Line:
    price = prices.of(quantity.dimension, table_class)
    return Line(quantity.dimension, quantity.item, quantity.amount, price.per, price.usd, quantity.basis)


def _notes(stack: Stack, usage: Usage) -> tuple[str, ...]:
    notes = []
    where = stack.environment.source
    if not usage.declared:
        notes.append(f"environment '{stack.environment.name}' declares no usage: every table is counted at no "
                     f"reads, writes or storage (add 'usage:' to it{f' at {where}' if where else ''})")
    for spec in stack.tables.values():
        if spec.stream is None and usage.of(spec.name).stream_reads_per_month:
            notes.append(f"table '{spec.name}' has no stream: its stream_reads_per_month are not counted")
    notes.append("the free tier (25 GB of storage, 25 RCU and 25 WCU, 2.5 million stream reads a month per "
                 "account and region), taxes, data transfer and restores are not counted")
    return tuple(notes)


def _by_dimension(lines: Iterable[Line]) -> dict[Dimension, float]:
    found: dict[Dimension, float] = {}
    for line in lines:
        found[line.dimension] = found.get(line.dimension, 0.0) + line.usd
    return {dimension: found[dimension] for dimension in Dimension if dimension in found}


def _cents(usd: float) -> float:
    return round(usd + 1e-9, 2)
