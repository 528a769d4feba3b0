@platform
Feature: the platform team's promise: exactly the stack the promotion plan names
  The readiness review found 3 tables and 7 GSIs under other names where the promotion plan
  expected 5 tables and 8 GSIs, and no backup vault. These are the plan's numbers and names.

  Scenario: Exactly the five tables
    Then the environment must have exactly these tables:
      | table     |
      | tenants   |
      | users     |
      | products  |
      | campaigns |
      | orders    |
    And the environment must have exactly 5 tables

  Scenario: Exactly the eight GSIs, one naming convention
    Then the table "tenants" must have exactly these GSIs:
      | index           |
      | TenantsByDomain |
    And the table "users" must have exactly these GSIs:
      | index        |
      | UsersByEmail |
    And the table "products" must have exactly these GSIs:
      | index              |
      | ProductsByCategory |
      | ProductsByStatus   |
    And the table "campaigns" must have exactly these GSIs:
      | index              |
      | CampaignsByStatus  |
      | CampaignsByProduct |
    And the table "orders" must have exactly these GSIs:
      | index        |
      | OrdersByDate |
      | OrdersByUser |
    And the environment must have exactly 8 GSIs
    And every index name must follow the convention "<Table>By<Attribute>"

  Scenario: One backup vault holds the daily backups
    Then the backup vault "bbws-dynamodb" must exist
