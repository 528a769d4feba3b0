"""The monthly cost of an environment, estimated from AWS's published prices, beside its budget.

`prices` holds the list prices (data files per region, or AWS's Price List API), `usage` turns a
month of the desired state's expected usage into billable quantities, `estimate` prices them, and
`command` is `python -m provision cost --env ENV`.
"""

from __future__ import annotations

from .estimate import Estimate, Line, TableCost, estimate
from .prices import Dimension, Price, Prices, file_prices

__all__ = ["Dimension", "Estimate", "Line", "Price", "Prices", "TableCost", "estimate", "file_prices"]
