@tenant_management
Feature: tenant management's queries return what it reads
  The queries of docs/access-patterns.md T1-T4, run on the backend itself.

  Scenario: T1 resolve the tenant of a request from its domain
    Given the table "tenants" holds the items:
      | tenantId | domain          | name        | plan  |
      | t1       | shop.example    | Shop One    | gold  |
      | t2       | store.example   | Store Two   | basic |
    When querying the GSI "TenantsByDomain" of table "tenants" where "domain = store.example"
    Then the query must return exactly, in order:
      | tenantId | name      | plan  |
      | t2       | Store Two | basic |

  Scenario: T3 sign a user in by e-mail
    Given the table "users" holds the items:
      | tenantId | userId | email             | displayName | role  | status | passwordHash |
      | t1       | u1     | ann@shop.example  | Ann         | admin | ACTIVE | x1           |
      | t1       | u2     | bob@shop.example  | Bob         | staff | ACTIVE | x2           |
    When querying the GSI "UsersByEmail" of table "users" where "email = bob@shop.example"
    Then the query must return exactly, in order:
      | tenantId | userId | displayName | role  |
      | t1       | u2     | Bob         | staff |
    And every returned item must carry the attributes:
      | attribute   |
      | tenantId    |
      | userId      |
      | displayName |
      | role        |
      | status      |

  Scenario: T4 list a tenant's users
    Given the table "users" holds the items:
      | tenantId | userId | email            |
      | t1       | u1     | ann@shop.example |
      | t1       | u2     | bob@shop.example |
      | t2       | u9     | eve@other.example |
    When querying the table "users" where "tenantId = t1"
    Then the query must return exactly, in order:
      | userId |
      | u1     |
      | u2     |
