"""`python -m provision cost` (`provision.cost.command`): within the budget exits 0, over it 2 with JSON saying so,
no budget says how to add one, errors exit 1 with the reason; usage beyond what a table can do is refused."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from dynamo_contracts.provision.cost import command
from tests.provision.cost.cost_cases import ENVIRONMENT, PRICES, contracts, estimate_of, line_of
from tests.support.paths import ROOT

# --- the budget and the command -------------------------------------------------------------


@pytest.fixture
def made_up_prices(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command prices with `PRICES`, as the hand-computed case does, instead of the region's data file."""
    monkeypatch.setattr(command, "file_prices", lambda region: PRICES)


def run_cost(folder: Path, *options: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = command.main(["--contracts", str(folder), "cost", "--env", "test", *options])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.usefixtures("made_up_prices")
def test_within_budget_exits_0_and_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cost(contracts(tmp_path), capsys=capsys)
    assert code == 0
    assert "Total: $29.56 a month, within the budget of $30.00 ($0.44 to spare)" in out
    assert "orders-test (PAY_PER_REQUEST, STANDARD): $29.56" in out


@pytest.mark.usefixtures("made_up_prices")
def test_a_budget_below_the_estimate_exits_2_and_json_says_over(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    folder = contracts(tmp_path, environment=ENVIRONMENT.replace("monthly_usd: 30", "monthly_usd: 29.5"))
    code, out, _ = run_cost(folder, capsys=capsys)
    assert code == 2
    assert re.search(r"Total: \$29\.56 a month, OVER the budget of \$29\.50 by \$0\.06 \(.*environments\.yaml:6\)",
                     out), out
    code, out, _ = run_cost(folder, "--format", "json", capsys=capsys)
    data = json.loads(out)
    assert code == 2
    assert (data["total_usd"], data["budget"]["monthly_usd"], data["within_budget"]) == (29.56, 29.5, False)
    assert data["by_dimension"]["backup_warm_storage"] == 14.0
    assert data["tables"][0]["lines"][0] == {
        "dimension": "read_request_units", "item": "table", "quantity": 4.0, "per": "million read request units",
        "unit_usd": 0.25, "usd": 1.0, "basis": "4,000,000 reads x 1 RRU (2 KB, strong)"}


@pytest.mark.usefixtures("made_up_prices")
def test_no_budget_exits_0_and_says_how_to_add_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = contracts(tmp_path, environment=ENVIRONMENT.replace("    budget: {monthly_usd: 30}\n", ""))
    code, out, _ = run_cost(folder, capsys=capsys)
    assert (code, "has no budget (add 'budget: {monthly_usd: N}')" in out) == (0, True)
    assert estimate_of(folder).within_budget is None


def test_errors_exit_1_with_the_reason(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = contracts(tmp_path)
    assert command.main(["--contracts", str(folder), "--env", "tset"]) == 1
    assert "no environment 'tset' in the contracts; did you mean 'test'?" in capsys.readouterr().err
    broken = contracts(tmp_path / "b", environment=ENVIRONMENT.replace("storage_gb: 10", "storage_gb: -10"))
    code, _, err = run_cost(broken, capsys=capsys)
    assert code == 1
    assert "environments.yaml:8: 'storage_gb'" in err
    elsewhere = contracts(tmp_path / "c", environment=ENVIRONMENT.replace("us-east-1", "ap-south-1"))
    code, _, err = run_cost(elsewhere, capsys=capsys)
    assert code == 1
    assert "no price list for region 'ap-south-1' (there are: eu-west-1, us-east-1)" in err


@pytest.mark.usefixtures("made_up_prices")
def test_usage_beyond_what_one_table_can_do_is_refused_at_its_line_not_priced(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = contracts(tmp_path, environment=ENVIRONMENT.replace("reads_per_month: 4_000_000",
                                                                 "reads_per_month: 1.0e+40"))
    code, out, err = run_cost(folder, capsys=capsys)
    assert code == 1
    assert "$" not in out
    assert f"environments.yaml:{line_of(folder / 'environments.yaml', '1.0e+40')}: usage defaults of " in err
    assert "more than one table can serve" in err


def test_the_real_sit_estimate_runs_from_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    code = command.main(["--contracts", str(ROOT / "contracts"), "cost", "--env", "sit", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert data["budget"]["monthly_usd"] == 50
    assert data["prices"]["origin"].startswith("data file provision/cost/price_lists/eu-west-1.json (as published "
                                               "on the AWS pricing pages, checked ")
