"""`python -m provision` as people run it: a subprocess, its exit status, what it prints.

Exit status: 0 done (for `plan`: nothing pending), 2 `plan` found changes pending, 1 any error.
Tests that talk to DynamoDB Local use the session's (`dynamodb_local`) with a copy of the
contracts whose `local` environment names its tables uniquely.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import sys
import time
import uuid
from pathlib import Path

import pytest

from dynamo_contracts.provision.backends import local_session, open_backend
from dynamo_contracts.provision.backends.dynamodb_local_launch import free_port
from dynamo_contracts.provision.desired.load import load_contracts
from dynamo_contracts.provision.observed.live import tables_named_like
from dynamo_contracts.provision.workflow import provision
from tests.support import spawn
from tests.support.fake_dynamodb import fake_dynamodb, throttled_for_good
from tests.support.paths import ROOT

CONTRACTS = ROOT / "contracts"
ENVIRONMENTS = ("local", "moto", "dev", "sit", "prod")
NO_AWS_CREDENTIALS = {"AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
                      "AWS_EC2_METADATA_DISABLED": "true"}


def run(*args: str, cwd: Path, contracts: Path = CONTRACTS, timeout: float = 120) -> spawn.CompletedProcess[str]:
    """`python -m provision --contracts CONTRACTS ARGS...` in `cwd`, with no AWS setting of the caller's."""
    return run_as_typed("--contracts", str(contracts), *args, cwd=cwd, timeout=timeout)


def run_as_typed(*args: str, cwd: Path, timeout: float = 120) -> spawn.CompletedProcess[str]:
    """`python -m provision ARGS...` in `cwd`, exactly as given, with no AWS setting of the caller's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(NO_AWS_CREDENTIALS)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    return spawn.run([sys.executable, "-m", "provision", *args], cwd=cwd,
                     env=env, capture_output=True, text=True, timeout=timeout, check=False)


def assert_clean_error(result: spawn.CompletedProcess[str], *fragments: str) -> None:
    """Exit 1, one `error:` message naming each fragment, and no traceback."""
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr + result.stdout
    assert re.search(r"^error: ", result.stderr, re.MULTILINE), result.stderr
    for fragment in fragments:
        assert fragment in result.stderr


@pytest.fixture
def contracts(tmp_path: Path) -> Path:
    """A copy of the contracts whose `local` environment makes table names no other test uses."""
    copy = tmp_path / "contracts"
    shutil.copytree(CONTRACTS, copy)
    environments = copy / "environments.yaml"
    text = environments.read_text()
    marker = "    backend: dynamodb-local\n"
    assert text.count(marker) == 1, "the local environment changed shape: update this fixture"
    suffix = f"cli{uuid.uuid4().hex[:8]}"
    environments.write_text(text.replace(marker, f'{marker}    table_name_pattern: "{{table}}-{suffix}"\n'))
    return copy


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """An empty working directory: no lasting DynamoDB Local is found from it."""
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


def local_tables(contracts: Path, endpoint_url: str) -> list[str]:
    env = load_contracts(contracts).environments["local"]
    with open_backend(env, endpoint_url, start_local=False) as backend:
        return tables_named_like(backend, env)


# --- no backend -----------------------------------------------------------------------------------


@pytest.mark.usefixtures("spawn")
def test_validate_counts_the_tables_and_gsis(workdir: Path) -> None:
    result = run("validate", cwd=workdir)
    assert result.returncode == 0, result.stderr
    assert "contracts are valid: 5 tables, 8 GSIs" in result.stdout
    assert ", ".join(ENVIRONMENTS) in result.stdout


@pytest.mark.usefixtures("spawn")
def test_an_unknown_environment_is_an_error_listing_the_environments(workdir: Path) -> None:
    result = run("plan", "--env", "nope", cwd=workdir)
    assert_clean_error(result, "'nope'", ", ".join(ENVIRONMENTS))


@pytest.mark.usefixtures("spawn")
def test_a_typo_in_the_contracts_is_one_error_at_its_file_and_line(contracts: Path, workdir: Path) -> None:
    orders = contracts / "tables" / "orders.yaml"
    lines = orders.read_text().splitlines(keepends=True)
    line = next(n for n, text in enumerate(lines, start=1) if text.startswith("    sort_key:"))
    lines[line - 1] = lines[line - 1].replace("sort_key", "sort_kye")
    orders.write_text("".join(lines))
    for command in (["validate"], ["plan", "--env", "local"]):
        result = run(*command, cwd=workdir, contracts=contracts)
        assert_clean_error(result, f"orders.yaml:{line}", "sort_kye", "sort_key")
        assert result.stdout == ""


@pytest.mark.usefixtures("spawn")
def test_apply_to_aws_without_credentials_is_a_clean_error(workdir: Path) -> None:
    result = run("apply", "--env", "sit", "--auto-approve", cwd=workdir)
    assert_clean_error(result, "credentials")


@pytest.mark.usefixtures("spawn")
def test_destroy_is_refused_outside_local_and_moto(workdir: Path) -> None:
    result = run("destroy", "--env", "sit", cwd=workdir)
    assert_clean_error(result, "destroy", "'sit'")


@pytest.mark.usefixtures("spawn")
def test_local_status_with_nothing_running_says_so(workdir: Path) -> None:
    result = run("local", "status", cwd=workdir)
    assert result.returncode == 1
    assert "not running" in result.stdout
    assert "Traceback" not in result.stderr


@pytest.mark.usefixtures("spawn")
def test_plan_without_an_endpoint_or_a_running_local_is_a_clean_error(contracts: Path, workdir: Path) -> None:
    result = run("plan", "--env", "local", cwd=workdir, contracts=contracts)
    assert_clean_error(result, "local up", "--endpoint-url")


@pytest.mark.parametrize("args", [
    pytest.param(["plan"], id="plan without --env"),
    pytest.param(["plan", "--env", "local", "--format", "yaml"], id="an unknown --format"),
    pytest.param(["apply", "--env", "local", "--timeout", "soon"], id="a --timeout that is no number"),
    pytest.param(["apply", "--env", "local", "--timeout", "0"], id="a --timeout of 0"),
    pytest.param(["apply", "--env", "local", "--timeout", "-5"], id="a negative --timeout"),
    pytest.param(["destroy", "--env", "local", "--timeout", "0"], id="a destroy --timeout of 0"),
])
@pytest.mark.usefixtures("spawn")
def test_bad_command_line_input_exits_1_not_the_pending_status_2(args: list[str], workdir: Path) -> None:
    """The documented contract: 2 means only "plan found changes pending", bad input included in 1.

    A CI step running `plan` treats 2 as "changes to review"; a mistyped command must not look like that.
    """
    result = run(*args, cwd=workdir)
    assert "error:" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.returncode == 1, f"exit {result.returncode}: {result.stderr}"


@pytest.mark.usefixtures("spawn")
def test_an_endpoint_where_nothing_answers_is_a_clean_error(contracts: Path, workdir: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = run("plan", "--env", "local", "--endpoint-url", url, cwd=workdir, contracts=contracts)
    assert_clean_error(result, f"no DynamoDB answers at {url}", "--endpoint-url")


@pytest.fixture
def other_contracts(tmp_path: Path) -> Path:
    """A copy of the contracts elsewhere, with one table less and an environment of its own."""
    copy = tmp_path / "elsewhere" / "desired"
    shutil.copytree(CONTRACTS, copy)
    (copy / "tables" / "users.yaml").unlink()
    with (copy / "environments.yaml").open("a") as environments:
        environments.write("  only-here:\n    backend: dynamodb-local\n")
    return copy


@pytest.mark.usefixtures("spawn")
@pytest.mark.parametrize("where", ["before the command", "after the command"])
def test_contracts_is_taken_before_or_after_the_command(where: str, other_contracts: Path, workdir: Path) -> None:
    """`apply --env local --contracts DIR` was refused: the option was known only before the command."""
    def typed(command: str, *args: str) -> list[str]:
        option = ["--contracts", str(other_contracts)]
        return [*option, command, *args] if where == "before the command" else [command, *args, *option]

    valid = run_as_typed(*typed("validate"), cwd=workdir)
    assert valid.returncode == 0, valid.stderr
    assert "contracts are valid: 4 tables, 7 GSIs" in valid.stdout
    assert "only-here" in valid.stdout
    url = f"http://127.0.0.1:{free_port()}"
    for command in ("plan", "apply", "destroy"):  # the environment only DIR has: DIR was read
        result = run_as_typed(*typed(command, "--env", "only-here", "--endpoint-url", url), cwd=workdir)
        assert_clean_error(result, f"no DynamoDB answers at {url}")


@pytest.mark.usefixtures("spawn")
def test_without_contracts_the_folder_named_contracts_here_is_read(other_contracts: Path) -> None:
    here = other_contracts.parent
    other_contracts.rename(here / "contracts")
    result = run_as_typed("validate", cwd=here)
    assert result.returncode == 0, result.stderr
    assert "contracts are valid: 4 tables" in result.stdout


@pytest.mark.usefixtures("spawn")
def test_apply_throttled_for_good_ends_at_its_timeout_with_a_clear_error(workdir: Path) -> None:
    """botocore's own retries (6 attempts, backoff up to 20 s) ran past --timeout: 5 s took 26 s.

    The endpoint asks for 2 s between attempts (`x-amz-retry-after`), so botocore's random backoff
    cannot happen to end the attempts early: unbounded, each CreateTable takes at least 10 s.
    """
    timeout = 5
    with fake_dynamodb(throttled_for_good(retry_after_ms=2000)) as (url, calls):
        started = time.monotonic()
        result = run("apply", "--env", "local", "--endpoint-url", url, "--timeout", str(timeout), cwd=workdir)
        took = time.monotonic() - started
    assert took < timeout + 5, f"apply --timeout {timeout} took {took:.1f} s"
    assert_clean_error(result, "ThrottlingException", "when the time ran out", f"the {timeout} s deadline",
                       "run apply again")
    assert "CreateTable" in calls


# --- on DynamoDB Local ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_plan_apply_plan_on_dynamodb_local(contracts: Path, workdir: Path, dynamodb_local: str) -> None:
    endpoint = ("--endpoint-url", dynamodb_local)
    before = run("plan", "--env", "local", *endpoint, cwd=workdir, contracts=contracts)
    assert before.returncode == 2, before.stderr
    assert before.stdout.count("+ create table") == 5
    assert "Plan: 6 to change" in before.stdout

    applied = run("apply", "--env", "local", *endpoint, cwd=workdir, contracts=contracts)
    assert applied.returncode == 0, applied.stderr
    assert "Applied 6 change(s) to 'local'." in applied.stdout
    assert len(local_tables(contracts, dynamodb_local)) == 5

    after = run("plan", "--env", "local", *endpoint, cwd=workdir, contracts=contracts)
    assert after.returncode == 0, after.stdout + after.stderr
    assert "Plan: 0 to change" in after.stdout
    assert "create table" not in after.stdout

    again = run("apply", "--env", "local", *endpoint, cwd=workdir, contracts=contracts)
    assert again.returncode == 0, again.stderr
    assert "Nothing to do." in again.stdout


@pytest.mark.slow
def test_plan_as_json(contracts: Path, workdir: Path, dynamodb_local: str) -> None:
    result = run("plan", "--env", "local", "--endpoint-url", dynamodb_local, "--format", "json",
                 cwd=workdir, contracts=contracts)
    assert result.returncode == 2, result.stderr
    plan = json.loads(result.stdout)
    assert plan["environment"] == "local"
    assert plan["backend"] == "dynamodb-local"
    assert plan["pending"] == 6
    assert plan["refused"] == 0
    creates = [c for c in plan["changes"] if c["kind"] == "CreateTable"]
    assert len(creates) == 5
    assert all("skipped" not in c for c in creates)


def create_foreign_table(endpoint_url: str, name: str) -> None:
    client = local_session("us-east-1").client("dynamodb", endpoint_url=endpoint_url)
    client.create_table(TableName=name, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                        BillingMode="PAY_PER_REQUEST")


@pytest.mark.slow
def test_a_foreign_table_named_like_ours_is_left_alone_by_plan_apply_and_destroy(
        contracts: Path, workdir: Path, dynamodb_local: str) -> None:
    """Another team's `payments-team-local` has a name of our pattern's shape; DynamoDB Local keeps no tags."""
    desired = load_contracts(contracts)
    env = desired.environments["local"]
    foreign = env.table_name("payments-team")
    endpoint = ("--endpoint-url", dynamodb_local)
    with open_backend(env, dynamodb_local, start_local=False) as backend:
        provision(backend, desired, env, show=lambda _text: None)
    create_foreign_table(dynamodb_local, foreign)
    ours = sorted(env.table_name(t.name) for t in desired.tables)

    plan = run("plan", "--env", "local", *endpoint, cwd=workdir, contracts=contracts)
    assert plan.returncode == 0, plan.stdout + plan.stderr
    assert (f"  = left alone: {foreign} — not in the contracts, and cannot tell on dynamodb-local whether it is "
            "tagged ManagedBy=dynamo-contracts") in plan.stdout
    summary = plan.stdout.splitlines()[-1]
    assert summary.startswith("Plan: 0 to change, ")
    assert summary.endswith(" skipped on dynamodb-local, 1 left alone.")
    applied = run("apply", "--env", "local", *endpoint, cwd=workdir, contracts=contracts)
    assert applied.returncode == 0, applied.stderr
    assert "Nothing to do." in applied.stdout

    result = run("destroy", "--env", "local", *endpoint, cwd=workdir, contracts=contracts)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Plan for environment 'local' on dynamodb-local:"
    assert [line for line in lines if "DELETE table" in line] == [
        f"  - DELETE table {name} (destroy: a table the contracts name): its data is lost" for name in ours]
    assert lines[-1] == "Destroyed 5 table(s) in 'local'."
    assert all(f"done: DELETE table {name}" in result.stderr for name in ours)
    assert local_tables(contracts, dynamodb_local) == [foreign]

    empty = run("destroy", "--env", "local", *endpoint, cwd=workdir, contracts=contracts)
    assert empty.returncode == 0, empty.stderr
    assert "holds none of the tables the contracts name" in empty.stdout
    assert local_tables(contracts, dynamodb_local) == [foreign]


@pytest.mark.slow
def test_local_up_serves_plan_without_an_endpoint_then_down_stops_it(contracts: Path, workdir: Path) -> None:
    port = str(free_port())
    state = workdir / ".dynamodb-local" / "state.json"
    try:
        up = run("local", "up", "--port", port, cwd=workdir, contracts=contracts)
        assert up.returncode == 0, up.stderr
        assert f"127.0.0.1:{port}" in up.stdout or f"localhost:{port}" in up.stdout

        status = run("local", "status", cwd=workdir, contracts=contracts)
        assert status.returncode == 0, status.stderr
        assert "running at " in status.stdout
        assert f":{port}" in status.stdout
        assert "not running" not in status.stdout

        plan = run("plan", "--env", "local", cwd=workdir, contracts=contracts)  # finds the lasting instance
        assert plan.returncode == 2, plan.stderr
        assert plan.stdout.count("+ create table") == 5
    finally:
        pid = json.loads(state.read_text())["pid"] if state.exists() else None
        down = run("local", "down", cwd=workdir, contracts=contracts)
        if pid is not None and _alive(pid):  # never leave a JVM behind, whatever `down` did
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    assert down.returncode == 0, down.stderr
    assert "DynamoDB Local stopped" in down.stdout
    assert pid is not None
    assert not _alive(pid)
    stopped = run("local", "status", cwd=workdir, contracts=contracts)
    assert stopped.returncode == 1
    assert "not running" in stopped.stdout


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().rpartition(")")[2].split()[:1] == ["Z"])
