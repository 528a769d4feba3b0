"""A small contracts folder to price, made-up round prices and the estimate of it; shared by the cost tests in this
folder."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dynamo_contracts.provision.cost.estimate import Estimate, estimate
from dynamo_contracts.provision.cost.prices import UNITS, Dimension, Prices, parse_price_list
from dynamo_contracts.provision.desired.load import load_contracts
from dynamo_contracts.provision.desired.stack import resolve

D = Dimension

# Made-up round prices, one per dimension (per million request units, per unit-hour, per GB-month).
PRICE_TABLE: Mapping[str, Any] = {
    "read_request_units": {"STANDARD": 0.25, "STANDARD_INFREQUENT_ACCESS": 0.31},
    "write_request_units": {"STANDARD": 1.25, "STANDARD_INFREQUENT_ACCESS": 1.56},
    "read_capacity_unit_hours": {"STANDARD": 0.00013, "STANDARD_INFREQUENT_ACCESS": 0.00016},
    "write_capacity_unit_hours": {"STANDARD": 0.00065, "STANDARD_INFREQUENT_ACCESS": 0.00081},
    "storage": {"STANDARD": 0.25, "STANDARD_INFREQUENT_ACCESS": 0.10},
    "pitr_storage": 0.20,
    "stream_read_request_units": 0.20,
    "backup_warm_storage": 0.10,
    "backup_cold_storage": 0.03,
}
PRICES = parse_price_list({"region": "us-east-1", "prices": {
    name: {"usd": usd, "per": UNITS[Dimension(name)], "source": "https://example.test/made-up"}
    for name, usd in PRICE_TABLE.items()}}, "made-up test prices")

TABLE = """\
tables:
  orders:
    partition_key: {name: tenantId, type: S}
    sort_key: {name: orderId, type: S}
    billing_mode: BILLING
    stream: NEW_IMAGE
    point_in_time_recovery: true
    global_indexes:
      OrdersByDate:
        partition_key: {name: tenantId, type: S}
        sort_key: {name: orderDate, type: S}
        projection: ALL
      OrdersByUser:
        partition_key: {name: userId, type: S}
        projection: {type: INCLUDE, attributes: [orderTotal]}
"""
PROVISIONED_CAPACITY = {  # the table 10 RCU and 5 WCU, its GSIs 2 and 1, and 1 and 1
    "    billing_mode: PROVISIONED\n": "    billing_mode: PROVISIONED\n    capacity: {read: 10, write: 5}\n",
    "        projection: ALL\n": "        projection: ALL\n        capacity: {read: 2, write: 1}\n",
    "attributes: [orderTotal]}\n": "attributes: [orderTotal]}\n        capacity: {read: 1, write: 1}\n",
}
BACKUP = """\
backup:
  vaults:
    main: {}
  plans:
    daily:
      vault: main
      schedule: cron(0 3 * * ? *)
      retention_days: RETENTION
      covers: all
"""
ENVIRONMENT = """\
environments:
  test:
    backend: aws
    region: us-east-1
    account_id: "123456789012"
    budget: {monthly_usd: 30}
    usage:
      defaults: {reads_per_month: 4_000_000, writes_per_month: 1_000_000, storage_gb: 10, item_size_kb: 2,
                 stream_reads_per_month: 5_000_000}
"""


def contracts(tmp_path: Path, billing: str = "PAY_PER_REQUEST", retention: str = "14", environment: str = ENVIRONMENT,
              extra: Mapping[str, str] | None = None) -> Path:
    """A contracts folder of one table (two GSIs), one daily backup plan, and one environment `test`."""
    folder = tmp_path / "contracts"
    folder.mkdir(parents=True, exist_ok=True)
    table = TABLE.replace("BILLING", billing)
    if billing == "PROVISIONED":
        for old, new in PROVISIONED_CAPACITY.items():
            table = table.replace(old, new)
    (folder / "tables.yaml").write_text(table, encoding="utf-8")
    (folder / "backup.yaml").write_text(BACKUP.replace("RETENTION", retention), encoding="utf-8")
    (folder / "environments.yaml").write_text(environment, encoding="utf-8")
    for name, text in (extra or {}).items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def estimate_of(folder: Path, env: str = "test", prices: Prices = PRICES) -> Estimate:
    desired = load_contracts(folder)
    environment = desired.environments[env]
    return estimate(resolve(desired, environment), environment.usage, prices)


def dimensions(result: Estimate) -> dict[Dimension, float]:
    return result.by_dimension()


def line_of(path: Path, marker: str) -> int:
    text = path.read_text(encoding="utf-8")
    assert text.count(marker) == 1, f"{marker!r} must occur once in {path}"
    return text.count("\n", 0, text.index(marker)) + 1
