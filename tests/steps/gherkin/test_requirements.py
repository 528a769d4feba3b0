"""What the contracts require, read from every feature (steps.gherkin.requirements), and feature files that
cannot be read, named by file and line (steps.gherkin.parse)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dynamo_contracts.provision.desired.load import load_contracts
from dynamo_contracts.steps.gherkin.parse import parse_all
from dynamo_contracts.steps.gherkin.requirements import Requirements, of_features, of_step
from dynamo_contracts.steps.sentences import catalogue
from tests.support.paths import ROOT

catalogue.load_all()


def test_the_real_contracts_require_the_stack_of_the_promotion_plan() -> None:
    found = of_features(ROOT)
    assert found.tables == {"campaigns", "orders", "products", "tenants", "users"}
    assert found.gsis == {("tenants", "TenantsByDomain"), ("users", "UsersByEmail"), ("products", "ProductsByCategory"),
                          ("products", "ProductsByStatus"), ("campaigns", "CampaignsByStatus"),
                          ("campaigns", "CampaignsByProduct"), ("orders", "OrdersByDate"), ("orders", "OrdersByUser")}
    assert found.vaults == {"bbws-dynamodb"}
    assert found.plans == {("bbws-dynamodb", 14)}
    assert found.scenarios == {"campaigns_lambda": 8, "order_lambda": 9, "platform": 3, "product_lambda": 9,
                               "tenant_management": 9}


def test_the_platform_requires_exactly_what_the_desired_state_defines(tmp_path: Path) -> None:
    """platform's sentences name nothing: what they require comes from contracts/, so adding an index to one
    file of contracts/ is the whole change (issue 7.2)."""
    contracts = tmp_path / "contracts"
    shutil.copytree(ROOT / "contracts", contracts)
    orders = contracts / "tables" / "orders.yaml"
    orders.write_text(orders.read_text().replace(
        "      OrdersByUser:", "      OrdersByStatus:\n        partition_key: {name: status, type: S}\n"
        "        projection: KEYS_ONLY\n      OrdersByUser:"))
    platform = of_features(ROOT, load_contracts(contracts))
    assert ("orders", "OrdersByStatus") in platform.gsis
    assert ("orders", "OrdersByStatus") not in of_features(ROOT, load_contracts(ROOT / "contracts")).gsis


def req(tables: set[str] | None = None, gsis: set[tuple[str, str]] | None = None, vaults: set[str] | None = None,
        plans: set[tuple[str, int]] | None = None) -> Requirements:
    return Requirements(frozenset(tables or ()), frozenset(gsis or ()), frozenset(vaults or ()),
                        frozenset(plans or ()))


@pytest.mark.parametrize(("keyword", "text", "datatable", "expected"), [
    ("then", 'the table "orders" must exist', None, req({"orders"})),
    ("then", 'the table "orders" must not exist', None, req()),
    ("then", 'the table "orders" must not have point-in-time recovery', None, req({"orders"})),
    ("then", 'the table "orders" must have the GSI "OrdersByDate"', None,
     req({"orders"}, {("orders", "OrdersByDate")})),
    ("then", 'the table "orders" must not have the GSI "OrdersByStatus"', None, req({"orders"})),
    ("then", 'the table "ledger" must have the LSI "LedgerByAmount"', None, req({"ledger"})),
    ("then", 'the GSI "OrdersByUser" of table "orders" must not have the sort key "total" of type N', None,
     req({"orders"}, {("orders", "OrdersByUser")})),
    ("then", 'the backup vault "bbws" must exist', None, req(vaults={"bbws"})),
    ("then", 'the backup vault "bbws" must not exist', None, req()),
    ("then", 'the table "orders" must be covered by a backup plan keeping backups at least 14 days in vault "bbws"',
     None, req({"orders"}, vaults={"bbws"}, plans={("bbws", 14)})),
    ("then", 'the table "orders" must not be covered by a backup plan keeping backups at least 14 days in vault '
             '"bbws"', None, req({"orders"})),
    ("then", "the environment must have exactly these tables:", [["table"], ["orders"], ["users"]],
     req({"orders", "users"})),
    ("then", "the environment must not have exactly these tables:", [["table"], ["orders"]], req()),
    ("then", 'the table "orders" must have exactly these GSIs:', [["index"], ["OrdersByDate"], ["OrdersByUser"]],
     req({"orders"}, {("orders", "OrdersByDate"), ("orders", "OrdersByUser")})),
    ("then", "the environment must have exactly 5 tables", None, req()),
    ("given", 'the table "orders" holds the items:', [["tenantId"], ["t1"]], req({"orders"})),
    ("when", 'querying the GSI "OrdersByUser" of table "orders" where "userId = u1"', None,
     req({"orders"}, {("orders", "OrdersByUser")})),
    ("when", 'querying the table "orders" where "tenantId = t1"', None, req({"orders"})),
    ("then", 'the tabel "orders" must exist', None, req()),
])
def test_each_sentence_requires_what_would_fail_without_it(keyword: str, text: str,
                                                           datatable: list[list[str]] | None,
                                                           expected: Requirements) -> None:
    assert of_step(keyword, text, datatable) == expected


def write(root: Path, consumer: str, text: str, name: str = "contract.feature") -> Path:
    folder = root / "features" / consumer
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


def test_an_outline_counts_one_scenario_per_example_and_fills_in_its_names(tmp_path: Path) -> None:
    write(tmp_path, "alpha", """Feature: outline
  Scenario Outline: the <table> table
    Then the table "<table>" must exist

    Examples:
      | table  |
      | orders |
      | users  |
""")
    found = of_features(tmp_path)
    assert found.scenarios == {"alpha": 2}
    assert found.tables == {"orders", "users"}


@pytest.mark.parametrize(("text", "problem"), [
    ("Feature: x\n  Scenario: tags\n    Then the table \"orders\" must have the tags:\n      | key | value |\n"
     "      | Project | bbws | extra |\n",
     "features/alpha/contract.feature:5: this table row has another number of cells than the rows above it"),
    ("Feature: x\n  Scenari: orders\n    Then the table \"orders\" must exist\n",
     "features/alpha/contract.feature:2: 'Scenari: orders' is read as description text, not as a keyword: did you "
     "mean 'Scenario:'?"),
    ("Feature: x\n  Scenario: a\n    Then the table \"orders\" must exist\n  Scenari: b\n    Then x\n",
     "features/alpha/contract.feature:4: 'Scenari: b' is not valid here; expected the end of the file, a table row, "),
    ("Feture: x\n", "features/alpha/contract.feature:1: 'Feture: x' is not valid here; expected the end of the file, "
                    "# language:, a @tag, Feature:, a # comment, an empty line (did you mean 'Feature:'?)"),
    ("Feature: x\n  Then the table \"orders\" must exist\n",
     "features/alpha/contract.feature:2: 'Then the table \"orders\" must exist' is read as description text: a step "
     "must follow a Scenario: or Background: line"),
    ("Feature: nothing yet\n", "features/alpha/contract.feature:1: this feature has no scenario"),
])
def test_a_feature_that_cannot_be_read_is_named_by_file_and_line(tmp_path: Path, text: str, problem: str) -> None:
    write(tmp_path, "alpha", text)
    problems = parse_all(tmp_path).problems
    assert len(problems) == 1, problems
    assert problems[0].startswith(problem), problems[0]


def test_the_real_features_read_without_a_problem() -> None:
    parsed = parse_all(ROOT)
    assert parsed.problems == ()
    assert len(parsed.scenarios) == 38


def test_a_description_that_merely_has_a_colon_is_not_taken_for_a_misspelt_keyword(tmp_path: Path) -> None:
    write(tmp_path, "alpha", """Feature: orders
  Feature flags: none. Note: the orders team owns this table.
  Scenarios covered: O1 to O3.

  Scenario: the table
    Then the table "orders" must exist
""")
    assert parse_all(tmp_path).problems == ()
