# The consumers' table-level contracts (features/*/tables.feature) in terraform-compliance 1.16.0's
# grammar, against benchmarks/peer/plan.json (sit). Every scenario is @noskip: without it a missing
# table, index or vault makes the scenario SKIP and the run still exits 0.
Feature: The tables the Lambda services need in sit, with their keys

  # "When its KEY is VALUE" filters on the table's own attribute (and fails under @noskip when
  # nothing is left); "Then its KEY must be VALUE" searches the whole resource, GSIs included, and
  # replaces what later steps see, so each scenario ends on one such step.
  @noskip
  Scenario Outline: the table <table> exists with its keys
    Given I have aws_dynamodb_table defined
    When its name is "<table>"
    And its hash_key is "<partition_key>"
    And its range_key is "<sort_key>"
    Then its billing_mode must be "PAY_PER_REQUEST"

    Examples:
      | table         | partition_key | sort_key   |
      | campaigns-sit | tenantId      | campaignId |
      | orders-sit    | tenantId      | orderId    |
      | products-sit  | tenantId      | productId  |
      | tenants-sit   | tenantId      | None       |
      | users-sit     | tenantId      | userId     |
