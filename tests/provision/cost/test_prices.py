"""AWS's prices (`provision.cost.prices`): the Price List API read page by page behind botocore's Stubber, and the
price file where a call fails."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from dynamo_contracts.provision.cost.prices import file_prices, live_prices
from dynamo_contracts.provision.desired.model import TableClass
from tests.provision.cost.cost_cases import D

# --- the AWS Price List API, behind botocore's Stubber --------------------------------------


def product(usage_type: str, *tiers: tuple[str, str]) -> str:
    """One PriceList entry as GetProducts gives it: a JSON text, its on-demand price in (beginRange, USD) tiers."""
    dimensions = {f"SKU.TERM.{n}": {"beginRange": begin, "endRange": "Inf", "unit": "x", "pricePerUnit": {"USD": usd}}
                  for n, (begin, usd) in enumerate(tiers)}
    return json.dumps({"product": {"attributes": {"usagetype": usage_type, "regionCode": "eu-west-1"}},
                       "terms": {"OnDemand": {"SKU.TERM": {"priceDimensions": dimensions}}}})


def request(service: str, token: str | None = None) -> dict[str, Any]:
    params: dict[str, Any] = {"ServiceCode": service, "FormatVersion": "aws_v1", "MaxResults": 100,
                              "Filters": [{"Type": "TERM_MATCH", "Field": "regionCode", "Value": "eu-west-1"}]}
    return params if token is None else {**params, "NextToken": token}


@pytest.fixture
def pricing() -> Any:
    return boto3.client("pricing", region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")


def test_live_prices_are_read_page_by_page_and_the_rest_come_from_the_file(pricing: Any) -> None:
    fallback = file_prices("eu-west-1")
    with Stubber(pricing) as stub:
        stub.add_response("get_products", {"PriceList": [product("EU-WarmStorage-ByteHrs-DynamoDB", ("0", "0.5"))],
                                           "FormatVersion": "aws_v1"}, request("AWSBackup"))
        stub.add_response("get_products", {"PriceList": [product("EU-ReadRequestUnits", ("0", "0.0000003"))],
                                           "NextToken": "page-2"}, request("AmazonDynamoDB"))
        stub.add_response("get_products", {"PriceList": [
            product("EU-TimedStorage-ByteHrs", ("0", "0"), ("25", "0.3")),  # the free tier, then the price
            product("EU-IA-TimedStorage-ByteHrs", ("0", "0.12"))]}, request("AmazonDynamoDB", "page-2"))
        prices = live_prices(pricing, "eu-west-1", fallback)
        stub.assert_no_pending_responses()
    assert prices.of(D.READ_REQUEST_UNITS).usd == pytest.approx(0.3)  # per request unit x a million
    assert prices.of(D.STORAGE).usd == 0.3
    assert prices.of(D.STORAGE, TableClass.STANDARD_INFREQUENT_ACCESS).usd == 0.12
    assert prices.of(D.BACKUP_WARM_STORAGE).usd == 0.5
    assert prices.of(D.PITR_STORAGE) == fallback.of(D.PITR_STORAGE)
    assert prices.origin.startswith("AWS Price List API (pricing:GetProducts, read ")
    assert "from the data file provision/cost/price_lists/eu-west-1.json" in prices.origin
    not_found = prices.origin.partition("eu-west-1.json")[2]
    assert "pitr_storage" in not_found
    assert "read_request_units/STANDARD_INFREQUENT_ACCESS" in not_found
    assert "read_request_units/STANDARD," not in not_found
    assert "backup_warm_storage" not in not_found


def test_live_prices_fall_back_to_the_file_when_the_call_fails(pricing: Any) -> None:
    fallback = file_prices("eu-west-1")
    with Stubber(pricing) as stub:
        stub.add_client_error("get_products", "AccessDeniedException", "not authorized to perform pricing:GetProducts")
        prices = live_prices(pricing, "eu-west-1", fallback)
    assert prices.entries == fallback.entries
    assert prices.origin.startswith(fallback.origin)
    assert "the AWS Price List API was not used" in prices.origin
    assert "AccessDeniedException" in prices.origin
