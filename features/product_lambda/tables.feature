@product_lambda
Feature: product_lambda needs the products table, its GSIs, and the campaigns' discounts
  product_lambda browses categories (ProductsByCategory), refreshes active products
  (ProductsByStatus) and shows the discounts running on a product (CampaignsByProduct on
  the campaigns table). See docs/access-patterns.md P1-P4.

  Scenario: The products table is keyed by tenant and product
    Then the table "products" must exist
    And the table "products" must have the partition key "tenantId" of type S
    And the table "products" must have the sort key "productId" of type S
    And the table "products" must have billing mode PAY_PER_REQUEST

  Scenario: ProductsByCategory serves category browsing
    Then the table "products" must have the GSI "ProductsByCategory"
    And the GSI "ProductsByCategory" of table "products" must have the partition key "categoryId" of type S
    And the GSI "ProductsByCategory" of table "products" must have the sort key "productName" of type S
    And the GSI "ProductsByCategory" of table "products" must project the attributes:
      | attribute |
      | price     |
      | status    |

  Scenario: ProductsByStatus lists active products by update time
    Then the table "products" must have the GSI "ProductsByStatus"
    And the GSI "ProductsByStatus" of table "products" must have the partition key "status" of type S
    And the GSI "ProductsByStatus" of table "products" must have the sort key "updatedAt" of type S
    And the GSI "ProductsByStatus" of table "products" must project KEYS_ONLY

  Scenario: CampaignsByProduct gives the discounts on a product
    Then the table "campaigns" must have the GSI "CampaignsByProduct"
    And the GSI "CampaignsByProduct" of table "campaigns" must have the partition key "productId" of type S
    And the GSI "CampaignsByProduct" of table "campaigns" must project the attributes:
      | attribute       |
      | campaignName    |
      | discountPercent |

  Scenario: Products can be recovered
    Then the table "products" must have point-in-time recovery
    And the table "products" must be covered by a backup plan keeping backups at least 14 days in vault "bbws-dynamodb"

  Scenario: Someone is told when products throttles or fails
    Then the table "products" must have a read_throttles alarm
    And the table "products" must have a write_throttles alarm
    And the table "products" must have a system_errors alarm
    And no alarm of the table "products" must be in ALARM state
