@order_lambda
Feature: order_lambda needs the orders table, its two GSIs and their backups
  order_lambda stores each order under its tenant and reads orders by date range
  (OrdersByDate) and by user (OrdersByUser). See docs/access-patterns.md O1-O3.

  Scenario: The orders table is keyed by tenant and order
    Then the table "orders" must exist
    And the table "orders" must have the partition key "tenantId" of type S
    And the table "orders" must have the sort key "orderId" of type S
    And the table "orders" must have billing mode PAY_PER_REQUEST
    And the table "orders" must have a stream of view type NEW_AND_OLD_IMAGES

  Scenario: OrdersByDate serves a tenant's orders by date
    Then the table "orders" must have the GSI "OrdersByDate"
    And the GSI "OrdersByDate" of table "orders" must have the partition key "tenantId" of type S
    And the GSI "OrdersByDate" of table "orders" must have the sort key "orderDate" of type S
    And the GSI "OrdersByDate" of table "orders" must project ALL

  Scenario: OrdersByUser serves a user's order history
    Then the table "orders" must have the GSI "OrdersByUser"
    And the GSI "OrdersByUser" of table "orders" must have the partition key "userId" of type S
    And the GSI "OrdersByUser" of table "orders" must have the sort key "orderDate" of type S
    And the GSI "OrdersByUser" of table "orders" must project the attributes:
      | attribute  |
      | orderTotal |
      | status     |

  Scenario: Orders can be recovered
    Then the table "orders" must have point-in-time recovery
    And the table "orders" must be covered by a backup plan keeping backups at least 14 days in vault "bbws-dynamodb"

  Scenario: Orders are encrypted with the AWS managed key
    Then the table "orders" must be encrypted with AWS_MANAGED

  Scenario: Someone is told when orders throttles or fails
    Then the table "orders" must have a read_throttles alarm
    And the table "orders" must have a write_throttles alarm
    And the table "orders" must have a system_errors alarm
    And no alarm of the table "orders" must be in ALARM state
