# The brief found no AWS Backup vault or plan. Without @noskip these scenarios would SKIP on such a plan.
Feature: The tables are backed up

  @noskip
  Scenario: the backup vault exists
    Given I have aws_backup_vault defined
    When its name is "bbws-dynamodb-sit"
    Then it must contain name

  @noskip
  Scenario: the daily backup plan exists and writes to the vault
    Given I have aws_backup_plan defined
    When its name is "bbws-dynamodb-daily-sit"
    Then it must contain rule
    And its target_vault_name must be "bbws-dynamodb-sit"

  # Passes when at least one selection references the tables: it cannot say every table is covered.
  @noskip
  Scenario: the tables are in a backup selection
    Given I have aws_dynamodb_table defined
    Then it must have "aws_backup_selection" referenced
