"""Terraform plan and state JSON as an observed state: `read_plan` then `observe`, on hand-written fixtures.

The fixtures under tests/terraform/plans/ are real plans where Terraform 1.11 can make them (same_local_name,
duplicate_name: written by tests/terraform/corpus/make_plans.py from the folders of those names), and written
by hand in the format Terraform documents (internals/json-format) where it cannot: one per older format
version (0.1, 1.0 state, 1.1), child_module_1.2 (its aws_dynamodb_global_secondary_index is a resource of the
AWS provider 6.x, and a deletion needs a prior state), and the broken ones.
Each test asserts what the checks will see: tables, indexes, settings, backups, and for what cannot be
known, the Unverifiable or Unresolved with its reason; for input no reader can use, the error message.
The converter's own rules, on `Configuration`s in the HCL reader's shape, are in test_to_observed.py; input no
reader can use, in test_plan_json_errors.py.
"""

from __future__ import annotations

from dynamo_contracts.provision.desired.model import (
    AttributeType,
    Billing,
    BillingMode,
    Capacity,
    EncryptionType,
    Environment,
    KeyAttribute,
    KeySchema,
    Projection,
    ProjectionType,
    StreamView,
    TableClass,
)
from dynamo_contracts.provision.observed.origin import Origin, SourceKind
from dynamo_contracts.provision.observed.state import ObservedEncryption, ObservedSelection, TagCondition, Unverifiable
from dynamo_contracts.provision.observed.terraform.plan_json import read_plan
from dynamo_contracts.provision.observed.terraform.records import Configuration, Reference, Resource
from dynamo_contracts.provision.observed.terraform.to_observed import observe
from tests.provision.observed.terraform.plan_cases import ACCOUNT, PLANS, arn, observed, plans, unknown, vaults
from tests.support.paths import TERRAFORM

# A 1.2 plan with a child module ---------------------------------------------------------------------------------

CHILD = PLANS / "child_module_1.2.json"


def test_a_plan_holds_the_managed_resources_it_will_leave_keyed_by_full_address() -> None:
    config = read_plan(CHILD)
    assert (config.source, config.origin, config.notes) == ("plan", str(CHILD), ())
    assert [r.address for r in config.resources] == [
        "aws_dynamodb_table.orders",
        "module.catalogue.aws_dynamodb_global_secondary_index.by_category",
        "module.catalogue.aws_dynamodb_table.campaigns",
        "module.catalogue.aws_dynamodb_table.products",
        'module.catalogue.aws_dynamodb_table.tenants["eu"]',
    ]  # no data source; aws_dynamodb_table.legacy is deleted by the plan
    assert config.resources[-1].where == f'{CHILD}: module.catalogue.aws_dynamodb_table.tenants["eu"]'


def test_a_known_table_is_read_whole(sit: Environment) -> None:
    state = observed(CHILD.name, sit)
    assert (state.source, state.environment) == ("plan", "sit")
    assert set(state.tables) == {"orders-sit", "campaigns-sit", "products-sit"}
    assert state.origin == Origin(SourceKind.PLAN, where=str(CHILD))
    orders = state.tables["orders-sit"]
    assert (orders.status, orders.arn) == ("ACTIVE", arn("orders-sit"))
    assert orders.defined_at == f"{CHILD}: aws_dynamodb_table.orders"
    assert orders.keys == KeySchema(KeyAttribute("pk", AttributeType.S), KeyAttribute("sk", AttributeType.S))
    gsi = orders.global_indexes["OrdersByUser"]
    assert gsi.keys == KeySchema(KeyAttribute("userId", AttributeType.S), KeyAttribute("createdAt", AttributeType.N))
    assert (gsi.projection, gsi.capacity) == (Projection(ProjectionType.INCLUDE, frozenset({"status", "total"})), None)
    lsi = orders.local_indexes["ByCreated"]
    assert (lsi.sort_key, lsi.projection.type) == (KeyAttribute("createdAt", AttributeType.N), ProjectionType.KEYS_ONLY)
    assert orders.billing == Billing(BillingMode.PAY_PER_REQUEST)
    assert orders.stream is StreamView.NEW_AND_OLD_IMAGES
    assert isinstance(orders.encryption, ObservedEncryption)
    assert orders.encryption.type is EncryptionType.CUSTOMER_MANAGED
    assert orders.encryption.kms_key_arn == f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/0f5a3c4e-9b1d-4c2a-8e7f-1a2b3c4d5e6f"
    assert (orders.point_in_time_recovery, orders.ttl_attribute) == (True, "expiresAt")
    assert orders.deletion_protection is True
    assert orders.table_class is TableClass.STANDARD  # "" in the plan: the provider's default
    assert orders.tags == {"team": "orders", "env": "sit"}  # tags_all: default_tags included
    assert orders.other_indexes is None


def test_what_an_older_plan_marks_unknown_is_unverifiable_never_off(sit: Environment) -> None:
    products = observed(CHILD.name, sit).tables["products-sit"]
    address = "module.catalogue.aws_dynamodb_table.products"
    assert products.point_in_time_recovery == unknown(CHILD, address, "point_in_time_recovery")
    assert products.encryption == unknown(CHILD, address, "server_side_encryption")
    assert products.stream is None  # the view is unknown, but stream_enabled is not set: no stream, whatever the view
    assert products.billing == Billing(BillingMode.PROVISIONED, Capacity(5, 5))
    assert products.table_class is TableClass.STANDARD_INFREQUENT_ACCESS
    assert (products.deletion_protection, products.ttl_attribute, products.tags) == (True, None, {})


def test_a_separate_index_resource_joins_the_table_its_unknown_table_name_refers_to(sit: Environment) -> None:
    config = read_plan(CHILD)
    index = next(r for r in config.resources if r.type == "aws_dynamodb_global_secondary_index")
    assert index.values["table_name"] == Reference("module.catalogue.aws_dynamodb_table.products", "id")
    gsi = observe(config, sit).tables["products-sit"].global_indexes["ByCategory"]
    assert gsi.keys == KeySchema(KeyAttribute("category", AttributeType.S), KeyAttribute("price", AttributeType.N))
    assert (gsi.projection, gsi.capacity) == (Projection(ProjectionType.KEYS_ONLY), Capacity(2, 2))


def test_an_unknown_index_list_leaves_other_indexes_unverifiable(sit: Environment) -> None:
    campaigns = observed(CHILD.name, sit).tables["campaigns-sit"]
    address = "module.catalogue.aws_dynamodb_table.campaigns"
    assert campaigns.global_indexes == {}
    assert campaigns.other_indexes == unknown(CHILD, address, "global_secondary_index")
    assert campaigns.tags == unknown(CHILD, address, "tags_all")
    assert (campaigns.stream, campaigns.ttl_attribute, campaigns.point_in_time_recovery) == (None, None, False)


def test_a_table_of_unknown_name_is_unresolved_not_missing(sit: Environment) -> None:
    state = observed(CHILD.name, sit)
    address = 'module.catalogue.aws_dynamodb_table.tenants["eu"]'
    [tenants] = state.unresolved
    assert (tenants.construct, tenants.where, tenants.types) == (address, f"{CHILD}: {address}", ("table",))
    assert tenants.reason.startswith("name is not known (known only after apply); ")
    hidden = state.hidden("table")
    assert hidden is not None
    assert address in hidden.reason
    assert state.hidden("vault") is None


# A 0.1 plan (Terraform 0.12) ------------------------------------------------------------------------------------


def test_a_terraform_0_12_plan_is_read_with_the_provider_defaults(sit: Environment) -> None:
    path = PLANS / "legacy_0.1.json"
    users = observed(path.name, sit).tables["users-sit"]
    assert users.billing == Billing(BillingMode.PROVISIONED, Capacity(10, 5))  # no billing_mode: PROVISIONED
    assert users.global_indexes["UsersByEmail"].capacity == Capacity(2, 1)
    assert users.point_in_time_recovery == unknown(path, "aws_dynamodb_table.users", "point_in_time_recovery")
    assert users.encryption == unknown(path, "aws_dynamodb_table.users", "server_side_encryption")
    assert users.stream is None  # stream_enabled not set: off (the computed view does not matter then)
    assert users.tags == {"team": "identity"}  # no tags_all in that provider: tags


# A state --------------------------------------------------------------------------------------------------------

STATE = PLANS / "state_1.0.json"


def test_a_state_says_it_is_a_state_and_knows_everything(sit: Environment) -> None:
    config = read_plan(STATE)
    assert config.notes == (f"{STATE} is a Terraform state: what is deployed now, not what a plan will build",)
    state = observe(config, sit)
    orders = state.tables["orders-sit"]  # in a child module, with count
    assert (orders.keys.sort, orders.stream, orders.ttl_attribute) == (None, None, None)
    assert orders.deletion_protection is True
    assert state.unresolved == ()
    vault = vaults(state)["main-sit"]
    assert vault.kms_key_arn == f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/9e8d7c6b-5a4f-4e3d-2c1b-0a9f8e7d6c5b"


def test_a_state_selection_joins_its_plan_by_the_literal_plan_id(sit: Environment) -> None:
    plan = plans(observe(read_plan(STATE), sit))["daily-sit"]
    [rule] = plan.rules
    assert (rule.name, rule.vault, rule.schedule) == ("daily", "main-sit", "cron(0 3 * * ? *)")
    assert (rule.retention_days, rule.cold_storage_after_days) == (35, None)  # the state's 0: not set
    assert plan.selections == (ObservedSelection(
        "daily-sit-tables", "aws_backup_selection.tables",
        (arn("archive-*"), arn("orders-sit")), (),
        any_tags=(TagCondition("backup", "daily"),),
        all_tags=(TagCondition("env", "sit", "StringEquals"), TagCondition("tier", "scratch*", "StringNotLike")),
        iam_role_arn=f"arn:aws:iam::{ACCOUNT}:role/backup-sit"),)


# Unknown backup arguments followed through the configuration ----------------------------------------------------

BACKUP = PLANS / "backup_refs_1.1.json"


def test_unknown_selection_arguments_become_references_from_the_configuration() -> None:
    values = {r.address: r.values for r in read_plan(BACKUP).resources}
    tables = values["aws_backup_selection.tables"]
    assert tables["plan_id"] == Reference("aws_backup_plan.daily", "id")
    assert tables["resources"] == [arn("archive-*"), Reference("aws_dynamodb_table.orders", "arn")]
    extra = values["module.extra.aws_backup_selection.this"]  # var.* followed to the module call's arguments
    assert extra["resources"] == [Reference("aws_dynamodb_table.users", "arn")]
    assert values["aws_backup_plan.daily"]["rule"][0]["target_vault_name"] == Reference("aws_backup_vault.main", "id")


def test_selections_resolved_through_references_name_the_tables_arns(sit: Environment) -> None:
    daily = plans(observed(BACKUP.name, sit))["daily-sit"]
    assert daily.plan_id == "aws_backup_plan.daily"
    assert [r.vault for r in daily.rules] == ["main-sit"]
    assert (daily.rules[0].retention_days, daily.rules[0].cold_storage_after_days) == (365, 30)
    assert not isinstance(daily.selections, Unverifiable)
    assert {s.name: s.resources for s in daily.selections} == {
        "daily-sit-tables": (arn("archive-*"), arn("orders-sit")),  # the wildcard stays as written
        "daily-sit-extra": (arn("users-sit"),),
    }
    assert daily.selections[0].iam_role_arn == ""  # the role is created by the same plan


def test_selections_referring_to_what_cannot_be_followed_are_unverifiable(sit: Environment) -> None:
    weekly = plans(observed(BACKUP.name, sit))["weekly-sit"]
    assert not isinstance(weekly.selections, Unverifiable)  # the selection is there; what it names is not known
    [selection] = weekly.selections
    assert selection.resources == (unknown(
        BACKUP, "aws_backup_selection.weekly", "resources",
        "known only after apply: it refers to data.aws_dynamodb_table.shared.arn, which this reader does not "
        "follow to a resource"),)


def test_a_selection_whose_plan_cannot_be_told_is_unresolved(sit: Environment) -> None:
    state = observed(BACKUP.name, sit)
    [by_local] = state.unresolved
    assert (by_local.construct, by_local.types) == ("aws_backup_selection.by_local", ("plan",))
    assert by_local.reason.startswith("plan_id is not known (known only after apply: it refers to local.plan_id")
    assert state.hidden("plan") is not None
    assert state.hidden("table") is None


# Two tables sharing a local name ------------------------------------------------------------------------------


def test_tables_sharing_a_local_name_in_two_modules_are_two_tables(sit: Environment) -> None:
    state = observed("same_local_name_1.2.json", sit)
    assert set(state.tables) == {"orders-sit", "orders-archive-sit"}
    assert state.tables["orders-archive-sit"].table_class is TableClass.STANDARD_INFREQUENT_ACCESS


def test_two_resources_of_one_physical_name_in_one_region_are_one_table_what_they_disagree_on_unknown(
        sit: Environment) -> None:
    """Terraform plans both (resources are keyed by address); AWS refuses the second at apply, and which one is
    created is a race: a setting they give alike is known, one they give differently is not; it is said."""
    path = PLANS / "duplicate_name_1.2.json"
    state = observed(path.name, sit)
    orders = state.tables["orders-sit"]
    assert orders.defined_at == f"{path}: module.archive.aws_dynamodb_table.orders"  # the first, in the plan's order
    assert orders.billing == Billing(BillingMode.PAY_PER_REQUEST)  # alike in both
    (note,) = state.notes
    assert note == (f"{path}: module.live.aws_dynamodb_table.orders and {path}: module.archive.aws_dynamodb_table."
                    "orders both define table 'orders-sit' in one account and region: AWS creates one and refuses "
                    "the other at apply, and which one Terraform creates first is not known; the owners of the "
                    "Terraform: give each its own name, or remove one")
    assert orders.point_in_time_recovery == orders.table_class == Unverifiable("plan", note)  # they differ
    (other,) = state.unresolved  # the one the state cannot hold: it may be that table, and no other
    assert (other.construct, other.reason, other.types) == ("module.live.aws_dynamodb_table.orders", note,
                                                            ("table",))
    assert state.hidden("table", "orders-sit") is not None
    assert state.hidden("table", "orders-archive-sit") is None


def test_two_resources_of_one_name_in_two_regions_are_two_tables_and_the_environments_one_is_checked(
        sit: Environment) -> None:
    keys = {"name": "orders-sit", "hash_key": "id", "attribute": [{"name": "id", "type": "S"}]}
    west = Resource("aws_dynamodb_table.west", "aws_dynamodb_table", {**keys, "table_class": "STANDARD"}, "w.tf:1",
                    region="us-west-2")
    home = Resource("aws_dynamodb_table.home", "aws_dynamodb_table", {**keys, "billing_mode": "PAY_PER_REQUEST"},
                    "h.tf:1")
    state = observe(Configuration("terraform", "infra", (west, home)), sit)
    orders = state.tables["orders-sit"]
    assert (orders.defined_at, orders.arn) == ("h.tf:1 (aws_dynamodb_table.home)", arn("orders-sit"))
    assert orders.billing == Billing(BillingMode.PAY_PER_REQUEST)  # known: the other one is another table
    assert state.notes == ("h.tf:1 (aws_dynamodb_table.home) and w.tf:1 (aws_dynamodb_table.west) both define table "
                           "'orders-sit', in eu-west-1 and us-west-2: two tables; the one in eu-west-1 (the "
                           "environment's region) is checked here",)
    other_keys = Resource("aws_dynamodb_table.other", "aws_dynamodb_table",
                          {**keys, "hash_key": "pk", "attribute": [{"name": "pk", "type": "S"}]}, "o.tf:1")
    state = observe(Configuration("terraform", "infra", (home, other_keys)), sit)
    assert state.tables == {}  # which keys the table gets is a race: what it is, is not known
    (_other, table) = state.unresolved
    assert (table.construct, table.where, table.types) == ("table orders-sit", "o.tf:1", ("table",))
    assert table.reason.endswith("give each its own name, or remove one (their keys differ)")
    assert state.hidden("table", "users-sit") is None  # it is orders-sit, whichever is created


# Real plans (tests/terraform/corpus): what the configuration says of an argument the provider computes ----------

CORPUS = TERRAFORM / "corpus"


def test_a_selection_whose_not_resources_and_condition_are_written_empty_is_read_whole(sit: Environment) -> None:
    """AFT writes `condition {}` and `not_resources = []`; the provider still marks both unknown."""
    plan = plans(observe(read_plan(CORPUS / "aft-ddb-backup" / "plan.json"), sit))["aft-controltower-backup-plan"]
    assert not isinstance(plan.selections, Unverifiable)
    [selection] = plan.selections
    assert selection.resources == tuple(arn(t) for t in ("aft-request-metadata", "aft-request", "aft-request-audit",
                                                         "aft-controltower-events"))
    assert (selection.not_resources, selection.all_tags) == ((), ())


def test_a_key_given_as_a_module_input_left_null_is_the_aws_managed_key(sit: Environment) -> None:
    """cloudposse: kms_key_arn = var.server_side_encryption_kms_key_arn, whose default is null: the plan knows
    every input, so a key it still calls "known after apply" was not given."""
    state = observe(read_plan(CORPUS / "cp-dynamodb-complete" / "plan.json"), sit)
    for table in state.tables.values():
        assert isinstance(table.encryption, ObservedEncryption), table.name
        assert table.encryption.type is EncryptionType.AWS_MANAGED


def test_a_selection_over_a_whole_module_says_where_following_stopped(sit: Environment) -> None:
    """`[for t in module.tables : t.arn]` refers to module.tables only: which output it reads is not in the plan."""
    path = TERRAFORM / "hcl" / "modules_local" / "plan.json"
    selection, = plans(observe(read_plan(path), sit))["bbws-dynamodb-sit-daily"].selections  # type: ignore[misc]
    assert selection.resources == (unknown(path, "module.backup.aws_backup_selection.tables", "resources", (
        "known only after apply: it refers to var.table_arns (followed to module.tables, a whole module: the plan "
        "does not say which of its outputs is read), which this reader does not follow to a resource")),)
    assert selection.name == "bbws-dynamodb-sit-tables"  # the selection itself is known: only its ARNs are not
