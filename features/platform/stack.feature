@platform
Feature: the platform team's promise: exactly the stack contracts/ defines, and nothing drifted
  The readiness review found 3 tables and 7 GSIs under other names where the promotion plan
  expected 5 tables and 8 GSIs, and no backup vault. contracts/ is now the one list of tables,
  GSIs and backups: these scenarios derive every name from it, so adding an index is one edit
  in one file (contracts/tables/<table>.yaml), and any setting that drifts from it fails here.

  Scenario: Exactly the tables and GSIs of the desired state, one naming convention
    Then the environment must have exactly the tables of the desired state
    And every table must have exactly the GSIs of the desired state
    And every index name must follow the convention "<Table>By<Attribute>"

  Scenario: Nothing has drifted from the desired state: settings, tags, backup vault and plans
    Then the environment must match the desired state

  Scenario: The stack costs what was budgeted
    Then the monthly cost estimate of the environment must be within its budget
