"""What the plugin's tests share: the backend an environment runs on, and the items a table of DynamoDB Local
holds."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

pytest.register_assert_rewrite("tests.support.contract_project")



def backend_of(env: str) -> str:
    return "moto" if env == "moto" else "dynamodb-local"


def local_client(endpoint: str) -> Any:
    return boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="local",
                        aws_secret_access_key="local")


# --- the summary --------------------------------------------------------------------------------------

SUMMARY_FEATURES = {
    "alpha": """
Feature: alpha reads orders
  Scenario: orders exist
    Then the table "orders" must exist
    And the table "orders" must have the GSI "OrdersByDate"

  Scenario: orders class
    Then the table "orders" must have table class STANDARD
    And the table "orders" must have billing mode PAY_PER_REQUEST
""",
    "beta": """
Feature: beta reads a table nobody made
  Scenario: invoices exist
    Then the table "invoices" must exist
    And the table "orders" must exist
""",
    "gamma": """
Feature: gamma reads tenants
  Scenario: tenants exist
    Then the table "tenants" must exist
""",
}
