"""The catalogue's cases for steps/sentences/alarms.py, alarms and cost: the CloudWatch alarms of a table and the monthly estimate: each a scenario
and what it must give on moto and on DynamoDB Local (test_sentences.py runs them)."""

# ruff: noqa: E501  (Gherkin steps and the messages they produce are kept one line each, as consumers read them)

from __future__ import annotations

from tests.steps.sentences.cases import LOCAL_NO_ALARMS, NO_TABLE, Case, case, fails, passes, skips

CASES: tuple[Case, ...] = (
    case("alarm", "alarm must passes", 'Then the table "orders" must have a write_throttles alarm', passes(),
         skips(LOCAL_NO_ALARMS)),
    case("alarm", "alarm must not passes", 'Then the table "orders" must not have a consumed_read_capacity alarm',
         passes(), skips(LOCAL_NO_ALARMS)),
    case("alarm", "alarm must fails", 'Then the table "orders" must have a consumed_read_capacity alarm',
         fails("FAIL consumed_read_capacity alarm of table orders: expected alarm on ConsumedReadCapacityUnits of "
               "orders-moto, found no alarm on ConsumedReadCapacityUnits*the platform team must add it*"),
         skips(LOCAL_NO_ALARMS)),
    case("alarm", "alarm must not fails", 'Then the table "orders" must not have a read_throttles alarm',
         fails("FAIL read_throttles alarm of table orders: expected no alarm on ReadThrottleEvents of orders-moto, "
               "found orders-moto-read-throttles*"), skips(LOCAL_NO_ALARMS)),
    case("alarm", "alarm of a missing table fails", 'Then the table "invoices" must have a read_throttles alarm',
         fails(f"FAIL read_throttles alarm of table invoices: *{NO_TABLE}*")),
    case("alarm state", "alarm state unverifiable", 'Then no alarm of the table "orders" must be in ALARM state',
         skips("unverifiable on moto: moto holds alarms but never evaluates them*"), skips(LOCAL_NO_ALARMS)),
    case("cost", "cost without a budget unverifiable", "Then the monthly cost estimate of the environment must be "
         "within its budget", skips("unverifiable on {backend}: environment '{env}' declares no budget*")),
    case("alarm state", "alarm state of a missing table fails", 'Then no alarm of the table "invoices" must be in ALARM '
         "state", fails(f"FAIL alarm states of table invoices: *{NO_TABLE}*")),
    case("replica", "replica unverifiable", 'Then the table "orders" must be replicated to the region "us-east-1"',
         skips("unverifiable on moto: moto has no global tables*"),
         skips("unverifiable on dynamodb-local: DynamoDB Local has no global tables*")),
    case("replica", "replica must not unverifiable",
         'Then the table "orders" must not be replicated to the region "us-east-1"',
         skips("unverifiable on moto: moto has no global tables*"),
         skips("unverifiable on dynamodb-local: DynamoDB Local has no global tables*")),
    case("replica", "replica of a missing table fails",
         'Then the table "invoices" must be replicated to the region "us-east-1"',
         fails(f"FAIL replica of table invoices in us-east-1: *{NO_TABLE}*")),
)
