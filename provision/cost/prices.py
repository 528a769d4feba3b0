"""AWS list prices for the cost estimate: from the data file of a region, or live from the AWS Price List API.

The data files (`price_lists/<region>.json`) hold each price with what it is per, the AWS pricing
page it was read from, and the month it was read ("as published on the AWS pricing pages, checked
YYYY-MM"). `live_prices` reads the same prices through `pricing:GetProducts`; any price the API
does not give (or every price, when the call fails) is the data file's, and `Prices.origin` says so.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from importlib import resources
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from ..desired.model import TableClass
from ..errors import ToolError

PRICE_LISTS = "price_lists"
PRICE_LIST_API_REGION = "us-east-1"  # the Price List API answers in us-east-1, eu-central-1 and ap-south-1


class Dimension(StrEnum):
    """A price dimension: what AWS bills for, as the data files name it."""

    READ_REQUEST_UNITS = "read_request_units"
    WRITE_REQUEST_UNITS = "write_request_units"
    READ_CAPACITY_UNIT_HOURS = "read_capacity_unit_hours"
    WRITE_CAPACITY_UNIT_HOURS = "write_capacity_unit_hours"
    STORAGE = "storage"
    PITR_STORAGE = "pitr_storage"
    STREAM_READ_REQUEST_UNITS = "stream_read_request_units"
    BACKUP_WARM_STORAGE = "backup_warm_storage"
    BACKUP_COLD_STORAGE = "backup_cold_storage"

    @property
    def by_table_class(self) -> bool:
        """Whether the table class (STANDARD or STANDARD_INFREQUENT_ACCESS) changes this price."""
        return self in _BY_TABLE_CLASS


_BY_TABLE_CLASS = frozenset({Dimension.READ_REQUEST_UNITS, Dimension.WRITE_REQUEST_UNITS,
                             Dimension.READ_CAPACITY_UNIT_HOURS, Dimension.WRITE_CAPACITY_UNIT_HOURS,
                             Dimension.STORAGE})
PriceKey = tuple[Dimension, TableClass | None]  # the class is None for prices the table class does not change


@dataclass(frozen=True)
class Price:
    """One list price: `usd` for each `per` (a million request units, an RCU-hour, a GB-month)."""

    usd: float
    per: str
    source: str  # the AWS pricing page (or API) it was read from


@dataclass(frozen=True)
class Prices:
    """Every price the estimate needs, for one region, and where they came from."""

    region: str
    origin: str  # e.g. "data file ...eu-west-1.json (as published on the AWS pricing pages, checked 2025-01)"
    entries: Mapping[PriceKey, Price] = field(default_factory=dict)

    def of(self, dimension: Dimension, table_class: TableClass = TableClass.STANDARD) -> Price:
        return self.entries[_key(dimension, table_class)]

    def data(self) -> dict[str, Any]:
        return {"region": self.region, "origin": self.origin,
                "prices": {_label(key): {"usd": price.usd, "per": price.per, "source": price.source}
                           for key, price in self.entries.items()}}


def _key(dimension: Dimension, table_class: TableClass | None) -> PriceKey:
    return (dimension, table_class if dimension.by_table_class else None)


def _label(key: PriceKey) -> str:
    dimension, table_class = key
    return dimension.value if table_class is None else f"{dimension.value}/{table_class.value}"


def every_key() -> Iterator[PriceKey]:
    for dimension in Dimension:
        for table_class in (TableClass if dimension.by_table_class else (None,)):
            yield (dimension, table_class)


# --- the data files ------------------------------------------------------------------------


def price_regions() -> list[str]:
    """The regions with a data file."""
    folder = resources.files(__package__ or "dynamo_contracts.provision.cost").joinpath(PRICE_LISTS)
    return sorted(item.name.removesuffix(".json") for item in folder.iterdir() if item.name.endswith(".json"))


def file_prices(region: str) -> Prices:
    """The prices of `region` from its data file; a `ToolError` naming the regions there are if it has none."""
    name = f"{PRICE_LISTS}/{region}.json"
    resource = resources.files(__package__ or "dynamo_contracts.provision.cost").joinpath(name)
    if not resource.is_file():
        raise ToolError(f"no price list for region '{region}' (there are: {', '.join(price_regions())}); add "
                        f"provision/cost/{name} from the AWS pricing pages, or read the prices live with "
                        "--prices live")
    document = json.loads(resource.read_text(encoding="utf-8"))
    return parse_price_list(document, f"data file provision/cost/{name} ({document['as_published']})")


def parse_price_list(document: Mapping[str, Any], origin: str) -> Prices:
    """A data file's prices; every dimension must be there (with both table classes where the class matters)."""
    entries: dict[PriceKey, Price] = {}
    for dimension in Dimension:
        written = document["prices"][dimension.value]
        for table_class in (TableClass if dimension.by_table_class else (None,)):
            usd = written["usd"][table_class.value] if table_class is not None else written["usd"]
            entries[(dimension, table_class)] = Price(float(usd), written["per"], written["source"])
    return Prices(document["region"], origin, entries)


# --- the AWS Price List API ----------------------------------------------------------------

DYNAMODB, BACKUP = "AmazonDynamoDB", "AWSBackup"
# Each price as the Price List API names its usage type (without the region's prefix, "EU-" in eu-west-1),
# and how many of the API's units make the data file's (the API prices one request unit; the files a million).
LIVE_USAGE_TYPES: Mapping[PriceKey, tuple[str, tuple[str, ...], float]] = {
    (Dimension.READ_REQUEST_UNITS, TableClass.STANDARD): (DYNAMODB, ("ReadRequestUnits",), 1e6),
    (Dimension.READ_REQUEST_UNITS, TableClass.STANDARD_INFREQUENT_ACCESS): (DYNAMODB, ("IA-ReadRequestUnits",), 1e6),
    (Dimension.WRITE_REQUEST_UNITS, TableClass.STANDARD): (DYNAMODB, ("WriteRequestUnits",), 1e6),
    (Dimension.WRITE_REQUEST_UNITS, TableClass.STANDARD_INFREQUENT_ACCESS):
        (DYNAMODB, ("IA-WriteRequestUnits",), 1e6),
    (Dimension.READ_CAPACITY_UNIT_HOURS, TableClass.STANDARD): (DYNAMODB, ("ReadCapacityUnit-Hrs",), 1),
    (Dimension.READ_CAPACITY_UNIT_HOURS, TableClass.STANDARD_INFREQUENT_ACCESS):
        (DYNAMODB, ("IA-ReadCapacityUnit-Hrs",), 1),
    (Dimension.WRITE_CAPACITY_UNIT_HOURS, TableClass.STANDARD): (DYNAMODB, ("WriteCapacityUnit-Hrs",), 1),
    (Dimension.WRITE_CAPACITY_UNIT_HOURS, TableClass.STANDARD_INFREQUENT_ACCESS):
        (DYNAMODB, ("IA-WriteCapacityUnit-Hrs",), 1),
    (Dimension.STORAGE, TableClass.STANDARD): (DYNAMODB, ("TimedStorage-ByteHrs",), 1),
    (Dimension.STORAGE, TableClass.STANDARD_INFREQUENT_ACCESS): (DYNAMODB, ("IA-TimedStorage-ByteHrs",), 1),
    (Dimension.PITR_STORAGE, None): (DYNAMODB, ("TimedPITRStorage-ByteHrs",), 1),
    (Dimension.STREAM_READ_REQUEST_UNITS, None):
        (DYNAMODB, ("Streams-ReadRequestUnits", "StreamsReadRequestUnits", "Streams-Requests"), 1e6),
    (Dimension.BACKUP_WARM_STORAGE, None): (BACKUP, ("WarmStorage-ByteHrs-DynamoDB",), 1),
    (Dimension.BACKUP_COLD_STORAGE, None): (BACKUP, ("ColdStorage-ByteHrs-DynamoDB",), 1),
}
# The prefix of usage types in a region ("" and "USE1-" both occur in us-east-1); other regions: the data file.
REGION_PREFIXES: Mapping[str, tuple[str, ...]] = {"us-east-1": ("", "USE1-"), "eu-west-1": ("EU-",)}


def live_prices(client: Any, region: str, fallback: Prices, today: datetime.date | None = None) -> Prices:
    """The prices of `region` read now from the AWS Price List API (`pricing:GetProducts`, a `pricing` client).

    Never raises for AWS: when the call fails (no credentials, no `pricing:GetProducts` permission, no
    network) every price is `fallback`'s, and each price the API does not give is too; `origin` says which.
    """
    when = (today or datetime.date.today()).isoformat()
    try:
        found = _read_live(client, region)
    except (BotoCoreError, ClientError) as error:
        return Prices(region, f"{fallback.origin}; the AWS Price List API was not used: {error}", fallback.entries)
    missing = [key for key in every_key() if key not in found]
    origin = f"AWS Price List API (pricing:GetProducts, read {when})"
    if len(missing) == len(LIVE_USAGE_TYPES):
        origin = f"{fallback.origin}; the AWS Price List API gave none of the prices for {region}"
    elif missing:
        origin += f"; from the {fallback.origin}: {', '.join(_label(key) for key in missing)} (not found live)"
    return Prices(region, origin, {key: found.get(key) or fallback.entries[key] for key in every_key()})


def _read_live(client: Any, region: str) -> dict[PriceKey, Price]:
    prefixes = REGION_PREFIXES.get(region)
    if prefixes is None:
        return {}
    found: dict[PriceKey, Price] = {}
    for service in sorted({service for service, _, _ in LIVE_USAGE_TYPES.values()}):
        products = {_usage_type(product, prefixes): product for product in _products(client, service, region)}
        for key, (owner, names, scale) in LIVE_USAGE_TYPES.items():
            product = next((products[name] for name in names if owner == service and name in products), None)
            usd = None if product is None else _on_demand_usd(product)
            if usd is not None:
                found[key] = Price(usd * scale, UNITS[key[0]], f"AWS Price List API, {service} in {region}")
    return found


UNITS: Mapping[Dimension, str] = {
    Dimension.READ_REQUEST_UNITS: "million read request units",
    Dimension.WRITE_REQUEST_UNITS: "million write request units",
    Dimension.READ_CAPACITY_UNIT_HOURS: "RCU-hour",
    Dimension.WRITE_CAPACITY_UNIT_HOURS: "WCU-hour",
    Dimension.STORAGE: "GB-month",
    Dimension.PITR_STORAGE: "GB-month",
    Dimension.STREAM_READ_REQUEST_UNITS: "million stream read request units",
    Dimension.BACKUP_WARM_STORAGE: "GB-month",
    Dimension.BACKUP_COLD_STORAGE: "GB-month",
}


def _products(client: Any, service: str, region: str) -> Iterable[dict[str, Any]]:
    """Every product of `service` in `region`, page by page (each a JSON text in `PriceList`)."""
    request: dict[str, Any] = {"ServiceCode": service, "FormatVersion": "aws_v1", "MaxResults": 100,
                               "Filters": [{"Type": "TERM_MATCH", "Field": "regionCode", "Value": region}]}
    while True:
        page = client.get_products(**request)
        for text in page.get("PriceList", []):
            yield json.loads(text) if isinstance(text, str) else text
        token = page.get("NextToken")
        if not token:
            return
        request["NextToken"] = token


def _usage_type(product: Mapping[str, Any], prefixes: tuple[str, ...]) -> str:
    """The product's usage type without the region's prefix (`EU-ReadRequestUnits` -> `ReadRequestUnits`)."""
    usage_type = str(product.get("product", {}).get("attributes", {}).get("usagetype", ""))
    for prefix in sorted(prefixes, key=len, reverse=True):
        if prefix and usage_type.startswith(prefix):
            return usage_type[len(prefix):]
    return usage_type


def _on_demand_usd(product: Mapping[str, Any]) -> float | None:
    """The product's on-demand price per unit: of its highest tier (the first tier is often the free tier, $0)."""
    tiers: list[tuple[float, float]] = []
    for term in product.get("terms", {}).get("OnDemand", {}).values():
        for dimension in term.get("priceDimensions", {}).values():
            usd = dimension.get("pricePerUnit", {}).get("USD")
            if usd is not None:
                tiers.append((float(dimension.get("beginRange", 0) or 0), float(usd)))
    return max(tiers)[1] if tiers else None
