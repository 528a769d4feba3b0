@product_lambda
Feature: product_lambda's queries return what it reads
  The queries of docs/access-patterns.md P1-P4, run on the backend itself.

  Scenario: P1 browse a category by product name prefix
    Given the table "products" holds the items:
      | tenantId | productId | categoryId | productName      | price:N | status   | updatedAt  |
      | t1       | p1        | books      | The Hobbit       | 12.5    | ACTIVE   | 2026-01-03 |
      | t1       | p2        | books      | The Silmarillion | 15      | ACTIVE   | 2026-01-04 |
      | t1       | p3        | books      | Beowulf          | 9       | ACTIVE   | 2026-01-05 |
      | t1       | p4        | games      | The Chess Set    | 30      | ARCHIVED | 2026-01-06 |
    When querying the GSI "ProductsByCategory" of table "products" where "categoryId = books and begins_with(productName, 'The ')"
    Then the query must return exactly, in order:
      | productId | productName      | price |
      | p1        | The Hobbit       | 12.5  |
      | p2        | The Silmarillion | 15    |
    And every returned item must carry the attributes:
      | attribute   |
      | productId   |
      | productName |
      | price       |
      | status      |

  Scenario: P2 active products changed since a time, keys only
    Given the table "products" holds the items:
      | tenantId | productId | status   | updatedAt  |
      | t1       | p1        | ACTIVE   | 2026-01-03 |
      | t1       | p2        | ACTIVE   | 2026-03-01 |
      | t2       | p7        | ACTIVE   | 2026-02-15 |
      | t1       | p3        | ARCHIVED | 2026-03-02 |
    When querying the GSI "ProductsByStatus" of table "products" where "status = ACTIVE and updatedAt >= 2026-02-01"
    Then the query must return exactly, in order:
      | tenantId | productId |
      | t2       | p7        |
      | t1       | p2        |

  Scenario: P4 discounts running on a product
    Given the table "campaigns" holds the items:
      | tenantId | campaignId | productId | endDate    | campaignName | discountPercent:N | status |
      | t1       | c1         | p1        | 2026-01-31 | January sale | 10                | ACTIVE |
      | t1       | c2         | p1        | 2026-06-30 | Summer sale  | 20                | ACTIVE |
      | t1       | c3         | p2        | 2026-06-30 | Other        | 5                 | ACTIVE |
    When querying the GSI "CampaignsByProduct" of table "campaigns" where "productId = p1 and endDate > 2026-03-01"
    Then the query must return exactly, in order:
      | campaignId | discountPercent |
      | c2         | 20              |
    And every returned item must carry the attributes:
      | attribute       |
      | campaignName    |
      | discountPercent |
