# Settings every table gets (contracts/stack.yaml defaults). "Given I have X defined" takes every
# table in the plan: these hold for the tables that are there, whichever those are.
Feature: Every table is recoverable, streamed and encrypted

  @noskip
  Scenario: point-in-time recovery is enabled on every table
    Given I have aws_dynamodb_table defined
    Then it must contain point_in_time_recovery
    And its enabled must be true

  @noskip
  Scenario: every table streams new and old images
    Given I have aws_dynamodb_table defined
    When its stream_enabled is true
    Then its stream_view_type must be "NEW_AND_OLD_IMAGES"

  @noskip
  Scenario: every table is encrypted at rest
    Given I have aws_dynamodb_table defined
    Then it must contain server_side_encryption
    And its enabled must be true
