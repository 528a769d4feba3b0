@campaigns_lambda
Feature: campaigns_lambda needs the campaigns table and its GSIs
  campaigns_lambda starts scheduled campaigns (CampaignsByStatus) and lists a product's
  campaigns (CampaignsByProduct); expired campaigns go away by TTL. See
  docs/access-patterns.md C1-C3.

  Scenario: The campaigns table is keyed by tenant and campaign
    Then the table "campaigns" must exist
    And the table "campaigns" must have the partition key "tenantId" of type S
    And the table "campaigns" must have the sort key "campaignId" of type S
    And the table "campaigns" must have billing mode PAY_PER_REQUEST
    And the table "campaigns" must have a stream of view type NEW_AND_OLD_IMAGES
    And the table "campaigns" must have TTL on the attribute "expiresAt"

  Scenario: CampaignsByStatus finds campaigns due to start
    Then the table "campaigns" must have the GSI "CampaignsByStatus"
    And the GSI "CampaignsByStatus" of table "campaigns" must have the partition key "status" of type S
    And the GSI "CampaignsByStatus" of table "campaigns" must have the sort key "startDate" of type S
    And the GSI "CampaignsByStatus" of table "campaigns" must project ALL

  Scenario: CampaignsByProduct lists a product's campaigns
    Then the table "campaigns" must have the GSI "CampaignsByProduct"
    And the GSI "CampaignsByProduct" of table "campaigns" must have the partition key "productId" of type S
    And the GSI "CampaignsByProduct" of table "campaigns" must have the sort key "endDate" of type S
    And the GSI "CampaignsByProduct" of table "campaigns" must project INCLUDE

  Scenario: Campaigns can be recovered
    Then the table "campaigns" must have point-in-time recovery
    And the table "campaigns" must be covered by a backup plan keeping backups at least 14 days in vault "bbws-dynamodb"

  Scenario: Someone is told when campaigns throttles or fails
    Then the table "campaigns" must have a read_throttles alarm
    And the table "campaigns" must have a write_throttles alarm
    And the table "campaigns" must have a system_errors alarm
    And no alarm of the table "campaigns" must be in ALARM state
