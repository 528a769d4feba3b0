"""Break one piece of the stack: exactly the consumers that depend on it fail, and say what broke.

The real features/ run against an environment broken in one place: on moto by editing a copy of
contracts/ (the environment is provisioned from the broken desired state), on a real DynamoDB
Local by breaking the live tables after provisioning them (then `--no-provision`). Who depends
on what comes from docs/access-patterns.md's dependency table. The `platform` folder's contract
is the desired state itself: on moto, where the desired state is what was edited, it holds (a
consumer that needs what was removed says the platform team must add it back, and where), unless
the edit breaks the naming convention; on DynamoDB Local, where the live tables drifted from the
desired state, platform fails too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

pytest.register_assert_rewrite("tests.support.contract_project")
from tests.project.live_breakage import LiveTables, provision_in_process  # noqa: E402
from tests.support.contract_project import (  # noqa: E402
    REAL_CONSUMERS,
    REPO_ROOT,
    ContractProject,
    ContractRun,
    message_matches,
    subprocess_runner,
)
from tests.support.local_tables import running_dynamodb_local  # noqa: E402

pytest_plugins = ["pytester", "tests.support.contract_project"]

PLATFORM = "platform"
DOC_CONSUMERS = {"tenant management": "tenant_management", "product_lambda": "product_lambda",
                 "campaigns_lambda": "campaigns_lambda", "order_lambda": "order_lambda"}


def dependents_from_docs() -> dict[str, set[str]]:
    """docs/access-patterns.md, "Which consumer depends on what": table or GSI -> consumers."""
    text = (REPO_ROOT / "docs" / "access-patterns.md").read_text()
    section = text.split("## Which consumer depends on what", 1)[1]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in rows[0].strip("|").split("|")]
    found: dict[str, set[str]] = {}
    for row in rows[2:]:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        users = {DOC_CONSUMERS[header[i]] for i, cell in enumerate(cells) if i and cell.startswith("yes")}
        for name in re.findall(r"`([^`]+)`", cells[0]):
            found.setdefault(name, set()).update(users)
    return found


DEPENDENTS = dependents_from_docs()


def failing(*resources: str, platform: bool) -> frozenset[str]:
    """The consumers that must fail when these tables or GSIs break (platform for removals and renames)."""
    consumers = set().union(*(DEPENDENTS[r] for r in resources))
    return frozenset(consumers | ({PLATFORM} if platform else set()))


def test_the_dependency_table_is_what_the_brief_says() -> None:
    assert {
        "tenants": {"tenant_management"}, "TenantsByDomain": {"tenant_management"},
        "users": {"tenant_management"}, "UsersByEmail": {"tenant_management"},
        "products": {"product_lambda"}, "ProductsByCategory": {"product_lambda"},
        "ProductsByStatus": {"product_lambda"},
        "campaigns": {"campaigns_lambda", "product_lambda"}, "CampaignsByStatus": {"campaigns_lambda"},
        "CampaignsByProduct": {"campaigns_lambda", "product_lambda"},
        "orders": {"order_lambda"}, "OrdersByDate": {"order_lambda"}, "OrdersByUser": {"order_lambda"},
    } == DEPENDENTS


@dataclass(frozen=True)
class Breakage:
    name: str
    blocked: frozenset[str]
    messages: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # consumer -> fnmatch patterns


def check_breakage(run: ContractRun, breakage: Breakage) -> None:
    """Exactly `breakage.blocked` fail, every consumer is in the summary, and each says what broke."""
    summary = run.summary()
    assert set(summary) == set(REAL_CONSUMERS), run.output
    assert run.failed_consumers() == breakage.blocked, (
        f"{breakage.name}: failed {sorted(run.failed_consumers())}, expected {sorted(breakage.blocked)}\n{run.output}")
    assert run.blocked() == breakage.blocked, summary
    for consumer in set(REAL_CONSUMERS) - breakage.blocked:
        assert summary[consumer][0] in ("ready", "UNVERIFIED"), summary
    for consumer, patterns in breakage.messages.items():
        messages = run.failure_messages(consumer)
        assert not message_matches(messages, patterns), (
            f"{consumer} does not say {message_matches(messages, patterns)}:\n{messages}")


def real_project(path: Path) -> ContractProject:
    project = ContractProject(path, subprocess_runner(path))
    project.copy_real_features()
    return project


# --- on moto: a broken desired state --------------------------------------------------------------


def remove_gsi(table: str, index: str) -> Callable[[ContractProject], None]:
    def edit(project: ContractProject) -> None:
        project.edit_yaml(f"tables/{table}.yaml", lambda d: d["tables"][table]["global_indexes"].pop(index))

    return edit


def rename_gsi(table: str, old: str, new: str) -> Callable[[ContractProject], None]:
    def rename(data: dict[str, Any]) -> None:
        indexes = data["tables"][table]["global_indexes"]
        indexes[new] = indexes.pop(old)

    def edit(project: ContractProject) -> None:
        project.edit_yaml(f"tables/{table}.yaml", rename)
        project.edit_yaml("stack.yaml", lambda d: d.pop("conventions"))  # the loader would refuse the old name

    return edit


def set_projection(table: str, index: str, projection: str) -> Callable[[ContractProject], None]:
    def edit(project: ContractProject) -> None:
        project.edit_yaml(f"tables/{table}.yaml",
                          lambda d: d["tables"][table]["global_indexes"][index].update(projection=projection))

    return edit


def pitr_off(table: str) -> Callable[[ContractProject], None]:
    def edit(project: ContractProject) -> None:
        project.edit_yaml(f"tables/{table}.yaml", lambda d: d["tables"][table].update(point_in_time_recovery=False))

    return edit


def drop_table(table: str) -> Callable[[ContractProject], None]:
    return lambda project: project.remove_table(table)


MOTO_BREAKAGES: list[tuple[Callable[[ContractProject], None], Breakage]] = [
    (remove_gsi("orders", "OrdersByUser"), Breakage(
        "remove OrdersByUser", failing("OrdersByUser", platform=False), {
            "order_lambda": (
                "FAIL GSI OrdersByUser of table orders: expected GSI OrdersByUser, ACTIVE, found no GSI OrdersByUser "
                "on orders-moto (GSIs here: OrdersByDate). queries on GSI OrdersByUser of table orders would fail. "
                "the desired state defines no GSI OrdersByUser on table orders: the platform team must add it to "
                "contracts/tables/orders.yaml",
                "FAIL attributes orderTotal, status in GSI OrdersByUser of table orders: expected all of them "
                "projected, found no GSI OrdersByUser on orders-moto*"),
        })),
    (rename_gsi("campaigns", "CampaignsByStatus", "CampaignActiveIndex"), Breakage(
        "rename CampaignsByStatus", failing("CampaignsByStatus", platform=True), {
            "campaigns_lambda": (
                "FAIL GSI CampaignsByStatus of table campaigns: expected GSI CampaignsByStatus, ACTIVE, found no GSI "
                "CampaignsByStatus on campaigns-moto (GSIs here: CampaignActiveIndex, CampaignsByProduct)*",
                "FAIL partition key of GSI CampaignsByStatus of table campaigns: expected status (S), found no GSI*"),
            PLATFORM: ("FAIL index names in moto: *not following: CampaignActiveIndex on campaigns",),
        })),
    (set_projection("users", "UsersByEmail", "KEYS_ONLY"), Breakage(
        "UsersByEmail projects KEYS_ONLY", failing("UsersByEmail", platform=False), {
            "tenant_management": (
                "FAIL attributes displayName, role, status in GSI UsersByEmail of table users: expected all of them "
                "projected, found KEYS_ONLY*; missing displayName, role, status. items read through UsersByEmail "
                "would lack displayName, role, status",
                "FAIL attributes read from the query on GSI UsersByEmail of table users: email = bob@shop.example: "
                "expected every item carrying tenantId, userId, displayName, role, status, found missing displayName, "
                "role, status. the index does not project what the consumer reads"),
        })),
    (pitr_off("products"), Breakage(
        "PITR off on products", failing("products", platform=False), {
            "product_lambda": ("FAIL point-in-time recovery of table products: expected enabled, found disabled",),
        })),
    (drop_table("users"), Breakage(
        "drop users", failing("users", platform=False), {
            "tenant_management": (
                "FAIL table users: expected users-moto, ACTIVE, found no table users-moto in moto (moto) (tables here: "
                "campaigns, orders, products, tenants). the table users does not exist in moto. the desired state "
                "defines no table users: the platform team must add it (contracts/tables/users.yaml)",
                "FAIL GSI UsersByEmail of table users: expected GSI UsersByEmail, ACTIVE, found no table users-moto*",
                "FAIL items in table users: expected the table, found no table users-moto*"),
        })),
]


@pytest.mark.slow  # the whole contract suite in a subprocess
def test_the_real_contracts_block_nobody_on_moto(tmp_path: Path) -> None:
    run = real_project(tmp_path).run("--env=moto")
    check_breakage(run, Breakage("nothing broken", frozenset()))
    assert run.result.ret == pytest.ExitCode.OK


@pytest.mark.slow  # the whole contract suite in a subprocess
@pytest.mark.parametrize(("edit", "breakage"), MOTO_BREAKAGES, ids=[b.name for _, b in MOTO_BREAKAGES])
def test_a_broken_contract_fails_exactly_its_consumers_on_moto(
        tmp_path: Path, edit: Callable[[ContractProject], None], breakage: Breakage) -> None:
    project = real_project(tmp_path)
    edit(project)
    run = project.run("--env=moto")
    check_breakage(run, breakage)
    assert run.result.ret == pytest.ExitCode.TESTS_FAILED


# --- on DynamoDB Local: a broken live environment -------------------------------------------------



LOCAL_BREAKAGES: dict[str, tuple[Callable[[LiveTables], None], Breakage]] = {
    "delete OrdersByUser": (lambda t: t.delete_gsi("orders", "OrdersByUser"), Breakage(
        "delete OrdersByUser", failing("OrdersByUser", platform=True), {
            "order_lambda": ("FAIL GSI OrdersByUser of table orders: expected GSI OrdersByUser, ACTIVE, found no GSI "
                             "OrdersByUser on orders-local-* (GSIs here: OrdersByDate)*",),
            PLATFORM: ("FAIL GSIs of table orders: *missing OrdersByUser",
                       "FAIL GSI of orders-local-*: *the plan says '+ add GSI OrdersByUser to table orders-local-*"),
        })),
    "delete CampaignsByProduct": (lambda t: t.delete_gsi("campaigns", "CampaignsByProduct"), Breakage(
        "delete CampaignsByProduct", failing("CampaignsByProduct", platform=True), {
            "product_lambda": ("FAIL GSI CampaignsByProduct of table campaigns: expected GSI CampaignsByProduct, "
                               "ACTIVE, found no GSI CampaignsByProduct on campaigns-local-* (GSIs here: "
                               "CampaignsByStatus)*",),
            "campaigns_lambda": ("FAIL GSI CampaignsByProduct of table campaigns: *found no GSI CampaignsByProduct*",),
            PLATFORM: ("FAIL GSIs of table campaigns: *missing CampaignsByProduct",),
        })),
    "rename CampaignsByStatus": (lambda t: t.rename_gsi("campaigns", "CampaignsByStatus", "CampaignActiveIndex"),
                                 Breakage("rename CampaignsByStatus", failing("CampaignsByStatus", platform=True), {
        "campaigns_lambda": ("FAIL GSI CampaignsByStatus of table campaigns: expected GSI CampaignsByStatus, ACTIVE, "
                             "found no GSI CampaignsByStatus on campaigns-local-* (GSIs here: CampaignActiveIndex, "
                             "CampaignsByProduct). queries on GSI CampaignsByStatus of table campaigns would fail; "
                             "CampaignActiveIndex looks like the same index under another name",),
        PLATFORM: ("FAIL index names in local: *not following: CampaignActiveIndex on campaigns",),
    })),
    "delete users": (lambda t: t.delete_table("users"), Breakage(
        "delete users", failing("users", platform=True), {
            "tenant_management": ("FAIL table users: expected users-local-*, ACTIVE, found no table users-local-* in "
                                  "local (dynamodb-local) (tables here: campaigns, orders, products, tenants)*",),
            PLATFORM: ("FAIL tables of local: *missing users",
                       "FAIL table users-local-*: *the plan says '+ create table users-local-*"),
        })),
    "TTL off on campaigns": (lambda t: t.ttl_off("campaigns", "expiresAt"), Breakage(
        "TTL off on campaigns", frozenset({"campaigns_lambda", PLATFORM}), {
            "campaigns_lambda": ("FAIL TTL of table campaigns: expected TTL on expiresAt, found TTL off",),
            PLATFORM: ("FAIL TTL of campaigns-local-*: *the plan says '~ turn TTL on for table campaigns-local-*, "
                       "attribute expiresAt'*",),
        })),
}


@pytest.fixture(scope="module")
def breakage_local() -> Iterator[str]:
    """A DynamoDB Local of this module's own: breaking a GSI (UpdateTable's Delete) can hang DynamoDB Local's
    asynchronous index worker (live_breakage.LiveTables.delete_gsi then makes the table again), and a hung
    worker stays hung for every later GSI change in that JVM: the session's shared one must not be it."""
    with running_dynamodb_local() as endpoint:
        yield endpoint


@pytest.fixture(scope="module")
def broken_local(tmp_path_factory: pytest.TempPathFactory, breakage_local: str) -> Callable[[str], ContractRun]:
    """The run of the real features on a provisioned DynamoDB Local broken one way (once per way)."""
    dynamodb_local_endpoint = breakage_local
    runs: dict[str, ContractRun] = {}

    def run(name: str) -> ContractRun:
        if name not in runs:
            path = tmp_path_factory.mktemp("broken-local")
            project = real_project(path)
            project.isolate_local()
            provision_in_process(project, dynamodb_local_endpoint)
            live = LiveTables(dynamodb_local_endpoint, project)
            LOCAL_BREAKAGES[name][0](live)
            runs[name] = live.run_as_it_is()
        return runs[name]

    return run


@pytest.mark.slow
def test_a_provisioned_dynamodb_local_blocks_nobody(tmp_path: Path, dynamodb_local_endpoint: str) -> None:
    project = real_project(tmp_path)
    project.isolate_local()
    first = project.run("--endpoint-url", dynamodb_local_endpoint)
    check_breakage(first, Breakage("provisioned by the plugin", frozenset()))
    check_breakage(project.run("--endpoint-url", dynamodb_local_endpoint, "--no-provision"),
                   Breakage("checked as it is", frozenset()))


@pytest.mark.slow
@pytest.mark.parametrize("name", list(LOCAL_BREAKAGES))
def test_breaking_dynamodb_local_fails_exactly_its_consumers(broken_local: Callable[[str], ContractRun],
                                                             name: str) -> None:
    check_breakage(broken_local(name), LOCAL_BREAKAGES[name][1])


# --- a missing index's hint -----------------------------------------------------------------------


def _hints(messages: str) -> set[str]:
    return set(re.findall(r"; (\w+) looks like the same index under another name", messages))


@pytest.mark.slow  # the whole contract suite in a subprocess
def test_a_removed_gsi_is_not_called_another_index_on_moto(tmp_path: Path) -> None:
    """OrdersByUser (userId, orderDate) removed: OrdersByDate (tenantId, orderDate) is not it under another name."""
    project = real_project(tmp_path)
    remove_gsi("orders", "OrdersByUser")(project)
    run = project.run("--env=moto", "-m", "order_lambda")
    messages = run.failure_messages("order_lambda")
    assert "found no GSI OrdersByUser" in messages
    assert _hints(messages) == set(), messages


@pytest.mark.slow
@pytest.mark.parametrize(("name", "index", "other"), [("delete OrdersByUser", "OrdersByUser", "OrdersByDate"),
                                                     ("delete CampaignsByProduct", "CampaignsByProduct",
                                                      "CampaignsByStatus")])
def test_a_deleted_gsi_is_not_called_another_index_with_other_keys(
        broken_local: Callable[[str], ContractRun], name: str, index: str, other: str) -> None:
    """The contracts give the deleted index's keys; an index with other keys is not it under another name."""
    run = broken_local(name)
    messages = "\n".join(run.failure_messages(c) for c in sorted(DEPENDENTS[index]))
    assert f"found no GSI {index}" in messages
    assert other not in _hints(messages), messages


@pytest.mark.slow
def test_a_renamed_gsi_is_named_as_the_index_meant(broken_local: Callable[[str], ContractRun]) -> None:
    messages = broken_local("rename CampaignsByStatus").failure_messages("campaigns_lambda")
    assert _hints(messages) == {"CampaignActiveIndex"}, messages
