@tenant_management
Feature: tenant management needs the tenants and users tables and their GSIs
  Tenant management resolves a request's tenant from its domain (TenantsByDomain) and signs
  users in by e-mail (UsersByEmail). See docs/access-patterns.md T1-T4.

  Scenario: The tenants table is keyed by tenant
    Then the table "tenants" must exist
    And the table "tenants" must have the partition key "tenantId" of type S
    And the table "tenants" must have billing mode PAY_PER_REQUEST
    And the table "tenants" must have a stream of view type NEW_AND_OLD_IMAGES

  Scenario: TenantsByDomain resolves a tenant from its domain
    Then the table "tenants" must have the GSI "TenantsByDomain"
    And the GSI "TenantsByDomain" of table "tenants" must have the partition key "domain" of type S
    And the GSI "TenantsByDomain" of table "tenants" must project ALL

  Scenario: The users table is keyed by tenant and user
    Then the table "users" must exist
    And the table "users" must have the partition key "tenantId" of type S
    And the table "users" must have the sort key "userId" of type S
    And the table "users" must have billing mode PAY_PER_REQUEST

  Scenario: UsersByEmail finds a user signing in
    Then the table "users" must have the GSI "UsersByEmail"
    And the GSI "UsersByEmail" of table "users" must have the partition key "email" of type S
    And the GSI "UsersByEmail" of table "users" must project the attributes:
      | attribute   |
      | displayName |
      | role        |
      | status      |

  Scenario: Tenants and users can be recovered
    Then the table "tenants" must have point-in-time recovery
    And the table "users" must have point-in-time recovery
    And the table "tenants" must be covered by a backup plan keeping backups at least 14 days in vault "bbws-dynamodb"
    And the table "users" must be covered by a backup plan keeping backups at least 14 days in vault "bbws-dynamodb"

  Scenario: Someone is told when tenants throttles or fails
    Then the table "tenants" must have a read_throttles alarm
    And the table "tenants" must have a write_throttles alarm
    And the table "tenants" must have a system_errors alarm
    And no alarm of the table "tenants" must be in ALARM state
