@order_lambda
Feature: order_lambda's queries return what it reads
  The queries of docs/access-patterns.md O1-O3, run on the backend itself.

  Background:
    Given the table "orders" holds the items:
      | tenantId | orderId | orderDate  | userId | orderTotal:N | status    |
      | t1       | o1      | 2026-01-05 | u1     | 25           | PLACED    |
      | t1       | o2      | 2026-01-20 | u2     | 40.5         | SHIPPED   |
      | t1       | o3      | 2026-02-02 | u1     | 12           | PLACED    |
      | t2       | o4      | 2026-01-10 | u3     | 99           | CANCELLED |

  Scenario: O1 a tenant's orders in a date range, newest first
    When querying the GSI "OrdersByDate" of table "orders" where "tenantId = t1 and orderDate between 2026-01-01 and 2026-01-31", in reverse order, limited to 10 items
    Then the query must return exactly, in order:
      | orderId | orderDate  | orderTotal |
      | o2      | 2026-01-20 | 40.5       |
      | o1      | 2026-01-05 | 25         |

  Scenario: O2 a user's order history, newest first, with totals and status
    When querying the GSI "OrdersByUser" of table "orders" where "userId = u1", in reverse order
    Then the query must return exactly, in order:
      | orderId | orderDate  |
      | o3      | 2026-02-02 |
      | o1      | 2026-01-05 |
    And every returned item must carry the attributes:
      | attribute  |
      | orderTotal |
      | status     |

  Scenario: O3 one order by its key
    When querying the table "orders" where "tenantId = t1 and orderId = o2"
    Then the query must return exactly, in order:
      | orderId | status  |
      | o2      | SHIPPED |
