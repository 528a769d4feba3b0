@campaigns_lambda
Feature: campaigns_lambda's queries return what it reads
  The queries of docs/access-patterns.md C1-C3, run on the backend itself.

  Background:
    Given the table "campaigns" holds the items:
      | tenantId | campaignId | status    | startDate  | endDate    | productId | campaignName | discountPercent:N |
      | t1       | c1         | SCHEDULED | 2026-03-01 | 2026-03-31 | p1        | Spring       | 15                |
      | t2       | c2         | SCHEDULED | 2026-02-15 | 2026-04-30 | p9        | Launch       | 25                |
      | t1       | c3         | SCHEDULED | 2026-05-01 | 2026-05-31 | p1        | May          | 5                 |
      | t1       | c4         | ACTIVE    | 2026-01-01 | 2026-12-31 | p2        | All year     | 10                |

  Scenario: C1 scheduled campaigns due to start
    When querying the GSI "CampaignsByStatus" of table "campaigns" where "status = SCHEDULED and startDate <= 2026-03-10"
    Then the query must return exactly, in order:
      | campaignId | tenantId | startDate  | campaignName |
      | c2         | t2       | 2026-02-15 | Launch       |
      | c1         | t1       | 2026-03-01 | Spring       |

  Scenario: C2 a tenant's campaigns
    When querying the table "campaigns" where "tenantId = t1"
    Then the query must return exactly, in order:
      | campaignId | status    |
      | c1         | SCHEDULED |
      | c3         | SCHEDULED |
      | c4         | ACTIVE    |

  Scenario: C3 a product's campaigns that end after a date
    When querying the GSI "CampaignsByProduct" of table "campaigns" where "productId = p1 and endDate > 2026-04-01"
    Then the query must return exactly, in order:
      | campaignId | campaignName | discountPercent |
      | c3         | May          | 5               |
