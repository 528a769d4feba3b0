"""The HCL reader against an oracle that is not ours: the plan real Terraform made of the same files.

For every root of tests/support/terraform_roots.py that Terraform plans (the corpus of real-world Terraform, the HCL
reader's fixtures, the brief's Terraform, the project's stack as Terraform), the HCL reader's observed state
(`hcl.read_folder` + `observe`) is compared field by field with the plan reader's on the committed plan
(tests/support/oracle_compare.py): where the plan knows a value the HCL reader gives the same value, or says it
cannot know (counted, listed, and it must name the file and line that hide it); where the plan does not know
it, the HCL reader states a value only of a kind `terraform apply` proves (PROVEN_BY_APPLY, checked on moto by
test_apply_oracle.py, beside this file). The known disagreements are in GAPS, each with its reason: an entry that no
longer happens fails, so removing it is how a fix is proven. The slow test re-runs Terraform on every root and
checks the committed plan still says the same.
"""

from __future__ import annotations

import dataclasses
import json
import re
from contextlib import ExitStack
from pathlib import Path

import pytest

from dynamo_contracts.provision.desired.model import DesiredState, EncryptionType, Environment
from dynamo_contracts.provision.observed.state import (
    ObservedEncryption,
    ObservedState,
    PartialKeys,
    UnreadKey,
    Unverifiable,
)
from dynamo_contracts.provision.observed.terraform.hcl import read_folder
from dynamo_contracts.provision.observed.terraform.plan_config import PlanConfig
from dynamo_contracts.provision.observed.terraform.plan_json import read_plan
from dynamo_contracts.provision.observed.terraform.records import TerraformError
from dynamo_contracts.provision.observed.terraform.to_observed import observe
from tests.support.oracle_compare import CLAIM, UNVERIFIABLE, WRONG, Finding, compare
from tests.support.terraform_oracle import moto_server, needs_terraform, plan
from tests.support.terraform_roots import ROOTS, Root, planned

REFUSED = "refused"  # the where of a gap: the reader refuses the whole root
PLAN_READER = "plan reader: "  # the where of a gap in what the plan reader makes of the plan itself
NOT_RESOURCES = "the module writes not_resources = try(each.value.not_resources, []): a plan has no each.value, so " \
                "the plan reader cannot follow it (AWS provider 5.100.0 marks it known after apply); the HCL reader " \
                "evaluates it to [], a claim no apply proves: moto has no backup selections to apply"

# Every known disagreement, by (root, finding's where or REFUSED): why. Removing an entry proves its fix.
GAPS: dict[tuple[str, str], str] = {
    ("corpus/lg-selection-by-tags", "plan selection_by_tags_plan.selections[selection_by_tags].not_resources"):
        NOT_RESOURCES,
    ("corpus/lg-selection-by-conditions",
     "plan selection_by_conditions_plan.selections[selection_by_conditions].not_resources"): NOT_RESOURCES,
    ("corpus/lg-multiple-plans", "plan daily-backup-plan.selections[prod_databases]"):
        NOT_RESOURCES + "; the plan's plan_id is aws_backup_plan.ab_plans[each.value.plan_key].id, which no plan "
                        "reader can resolve",
    ("corpus/lg-multiple-plans", "plan monthly-backup-plan.selections[critical_databases]"): "as daily-backup-plan's",
    ("corpus/lg-multiple-plans", "plan weekly-backup-plan.selections[all_databases]"): "as daily-backup-plan's",
}

# The values the HCL reader states where a plan says "known after apply", by (field, value): the applied fixture
# where test_apply_oracle.py (beside this file) proves it. Each is the provider's default for a block the configuration
# leaves out: Terraform marks the computed block unknown, AWS reports the default.
PROVEN_BY_APPLY: dict[tuple[str, str], str] = {
    ("table.ttl_attribute", "None"): "hcl/modules_local",
    ("table.point_in_time_recovery", "False"): "hcl/backups",
    ("table.encryption", "ObservedEncryption(kms_key_arn=None, key_manager=None)"): "hcl/backups",
}
NAMES = re.compile(r"\[[^]]*\]")
WHERE = re.compile(r"\S+\.tf(\.json)?:\d+")  # an unverifiable value names the file and line that hide it


def kind_of(finding: Finding) -> tuple[str, str]:
    """A claim's kind: its field without the names (`table orders-sit.ttl_attribute` -> `table.ttl_attribute`; a
    name may hold dots itself: `table wing-counter-cloud.Counter-c866f225.encryption` -> `table.encryption`)."""
    thing, _, field = NAMES.sub("", finding.where).rpartition(".")
    return thing.split(" ")[0] + "." + field, finding.reader


def hcl_state(root: Root, env: Environment) -> ObservedState:
    return observe(read_folder(root.folder, root.var_paths), env)


def plan_state(root: Root, env: Environment, plan_file: Path | None = None) -> ObservedState:
    return observe(read_plan(plan_file or root.plan_file), env)


def findings_of(root: Root, env: Environment) -> list[Finding]:
    """How the HCL reader differs from the committed plan of `root`; a refusal by either is one finding."""
    try:
        return compare(hcl_state(root, env), plan_state(root, env))
    except TerraformError as error:
        return [Finding(WRONG, REFUSED, str(error), "planned by Terraform")]


def unexpected(root: Root, findings: list[Finding]) -> list[str]:
    """The findings the rule does not allow that GAPS does not list, and the GAPS entries that no longer happen."""
    listed = {where for name, where in GAPS if name == root.name and not where.startswith(PLAN_READER)}
    bad = [str(f) for f in findings if f.where not in listed and (
        f.kind == WRONG or (f.kind == CLAIM and kind_of(f) not in PROVEN_BY_APPLY and not root.applied)
        or (f.kind == UNVERIFIABLE and not WHERE.search(f.reader)))]
    happening = {f.where for f in findings if f.kind != UNVERIFIABLE}
    return bad + [f"fixed: remove GAPS[{root.name!r}, {where!r}]" for where in sorted(listed - happening)]


@pytest.fixture(scope="module")
def sit(desired: DesiredState) -> Environment:
    return desired.environments["sit"]


def test_every_planned_root_has_its_plan_and_every_other_says_why() -> None:
    assert {r.name for r in ROOTS} >= {"corpus/tam-basic", "corpus/tam-autoscaling", "corpus/tam-global-tables",
                                       "hcl/modules_local", "brief"}
    for root in ROOTS:
        assert root.plan_file.is_file() != bool(root.refused), root.name
        assert all(path.is_file() for path in root.var_paths), root.name
    assert {name for name, _ in GAPS} <= {r.name for r in planned()}
    assert set(PROVEN_BY_APPLY.values()) <= {r.name for r in ROOTS if r.applied}


@pytest.mark.parametrize("root", planned(), ids=str)
def test_the_hcl_reader_says_what_terraforms_plan_says_or_that_it_cannot_know(root: Root, sit: Environment) -> None:
    findings = findings_of(root, sit)
    assert unexpected(root, findings) == [], f"{root.name}: {len(findings)} findings"


def test_the_oracle_counts_what_the_hcl_reader_leaves_unverifiable(sit: Environment) -> None:
    """The unknown values are counted and listed, never a pass: storoku's Environment tag (terraform.workspace,
    which the plan knows as "default"), that one tag, and the unknowns fixture's keys of a GSI among them."""
    unverifiable = {(root.name, f.where) for root in planned() for f in findings_of(root, sit)
                    if f.kind == UNVERIFIABLE}
    assert ("corpus/storoku-tables", "table prod-indexer-metadata.tags[Environment]") in unverifiable  # that tag
    assert ("hcl/unknowns", "table orders-sit: global_indexes[OrdersByCustomer].keys") in unverifiable
    assert all(name.startswith(("corpus/", "hcl/", "plans/", "brief", "peer")) for name, _ in unverifiable)


def test_the_comparison_finds_a_planted_wrong_value_an_unknown_one_and_a_missing_index(sit: Environment) -> None:
    """The oracle can fail: a changed value is wrong, an Unverifiable one counted, a dropped GSI wrong."""
    root = next(r for r in ROOTS if r.name == "hcl/modules_local")
    truth = plan_state(root, sit)
    orders = truth.tables["orders-sit"]
    planted = dataclasses.replace(truth, tables={**truth.tables, "orders-sit": dataclasses.replace(
        orders, billing=Unverifiable("terraform", "main.tf:3: hidden"), tags={**orders.tags, "Owner": "nobody"},
        global_indexes={})})
    assert [(f.kind, f.where) for f in compare(planted, truth)] == [
        (UNVERIFIABLE, "table orders-sit.billing"), (WRONG, "table orders-sit.tags"),
        (WRONG, "table orders-sit: global_indexes[OrdersByUser]")]
    assert compare(truth, truth) == []


def test_an_unknown_entry_tag_or_field_is_compared_alone_never_voiding_its_list(sit: Environment) -> None:
    """Selections' ARNs, replicas, tags, alarms and keys read in part: what one side does not know is that one entry
    or field (unverifiable, or the other side's claim); the known ones are still compared, and can be wrong."""
    by_name = {root.name: root for root in ROOTS}
    truth, replicated = plan_state(by_name["hcl/unknowns"], sit), plan_state(by_name["hcl/replicas"], sit)
    hidden = Unverifiable("terraform", "main.tf:9: hidden")
    arn = "arn:aws:dynamodb:eu-west-1:222222222222:table/"
    plan = truth.backups.plans["bbws-dynamodb-daily-sit"]  # type: ignore[index]
    selections = {s.name: s for s in plan.selections}  # type: ignore[union-attr]
    known = dataclasses.replace(selections["orders-and-shared"], resources=(f"{arn}orders-sit", f"{arn}shared-sit"))
    planted = dataclasses.replace(plan, selections=(
        dataclasses.replace(known, resources=(f"{arn}orders-sit", hidden)),
        dataclasses.replace(selections["audit"], resources=(f"{arn}audit0-sit", f"{arn}nothing")),
        selections["events"]))
    with_plan = dataclasses.replace(truth, backups=dataclasses.replace(truth.backups, plans={plan.name: planted}))
    plain = dataclasses.replace(plan, selections=(known, selections["audit"], selections["events"]))
    oracle = dataclasses.replace(truth, backups=dataclasses.replace(truth.backups, plans={plan.name: plain}))
    where = f"plan {plan.name}.selections"
    assert [(f.kind, f.where) for f in compare(with_plan, oracle)] == [
        (CLAIM, f"{where}[audit].resources"), (CLAIM, f"{where}[audit].resources[{arn}audit0-sit]"),
        (CLAIM, f"{where}[audit].resources[{arn}nothing]"),
        (UNVERIFIABLE, f"{where}[orders-and-shared].resources[{arn}shared-sit]")]
    assert [(f.kind, f.where) for f in compare(oracle, with_plan)] == [  # the other way round
        (CLAIM, f"{where}[orders-and-shared].resources"),
        (CLAIM, f"{where}[orders-and-shared].resources[{arn}shared-sit]"),
        (UNVERIFIABLE, f"{where}[audit].resources[{arn}audit0-sit]"),
        (UNVERIFIABLE, f"{where}[audit].resources[{arn}nothing]")]
    wrong = dataclasses.replace(planted, selections=(dataclasses.replace(known, resources=(f"{arn}orders-sit",)),
                                                     selections["audit"], selections["events"]))
    with_wrong = dataclasses.replace(truth, backups=dataclasses.replace(truth.backups, plans={plan.name: wrong}))
    assert [(f.kind, f.where) for f in compare(with_wrong, oracle)] == [  # all known: one list, wrong
        (WRONG, f"{where}[orders-and-shared].resources")]

    orders = replicated.tables["orders-sit"]
    east, central = orders.replicas  # type: ignore[misc]
    replicas = (dataclasses.replace(east, kms_key_arn=hidden), dataclasses.replace(central, propagate_tags=False))
    tags = {"Team": hidden, "Project": "bbws", "Extra": "x"}
    keys = PartialKeys(UnreadKey("tenantId", hidden), orders.keys.sort)
    changed = dataclasses.replace(orders, replicas=replicas, tags=tags, keys=keys)
    truth_tables = dataclasses.replace(orders, tags={"Team": "payments", "Project": "bbws"})
    assert [(f.kind, f.where) for f in compare(dataclasses.replace(replicated, tables={"orders-sit": changed}),
                                               dataclasses.replace(replicated, tables={"orders-sit": truth_tables}))] \
        == [(UNVERIFIABLE, "table orders-sit.keys.partition.type"), (UNVERIFIABLE, "table orders-sit.tags[Team]"),
            (WRONG, "table orders-sit.replicas[eu-central-1].propagate_tags"), (WRONG, "table orders-sit.tags[Extra]")]

    alarms = dict(truth.alarms)  # type: ignore[arg-type]
    throttles = alarms["orders-sit-read-throttles"]
    alarms[throttles.name] = dataclasses.replace(throttles, threshold=5.0, actions=(hidden,), state="ALARM")
    assert [(f.kind, f.where) for f in compare(dataclasses.replace(truth, alarms=alarms), truth)] == [
        (WRONG, "alarm orders-sit-read-throttles.threshold")]  # its topic unknown on both sides: nothing to say


def test_the_modules_examples_and_the_local_modules_come_out_as_the_plan_says(sit: Environment) -> None:
    """Done when: terraform-aws-modules/dynamodb-table's examples and a root calling a local module per table
    give every table, key, GSI and setting the plan gives. One principled exception: what the configuration puts in
    `lifecycle.ignore_changes` (the autoscaling example's capacity) Terraform sets at creation but does not keep,
    so the reader says it cannot tell (naming the lifecycle block) rather than the creation value."""
    by_name = {root.name: root for root in ROOTS}
    for name in ("corpus/tam-basic", "corpus/tam-autoscaling", "corpus/tam-global-tables", "hcl/modules_local"):
        root = by_name[name]
        hcl, terraform = hcl_state(root, sit), plan_state(root, sit)
        assert set(hcl.tables) == set(terraform.tables) != set(), name
        differ = [f for f in compare(hcl, terraform) if f.kind != CLAIM]
        ignored = [f for f in differ if f.kind == UNVERIFIABLE and "lifecycle.ignore_changes" in f.reader]
        assert [f for f in differ if f not in ignored] == [], name
        assert bool(ignored) == (name == "corpus/tam-autoscaling"), name
        for table in hcl.tables.values():
            unseen = table.other_indexes
            assert unseen is None or "lifecycle.ignore_changes" in unseen.reason, (name, table.name)


def test_a_plan_terraform_0_12_wrote_reads_as_terraform_1_11s_plan_of_the_same_files(sit: Environment) -> None:
    """terraform-compliance's fixture keeps the plan Terraform 0.12.20 made (format 0.1): a real old format."""
    root = next(r for r in ROOTS if r.name == "corpus/tc-dynamodb-kms")
    old = root.folder / "plan.out.json"
    assert json.loads(old.read_text(encoding="utf-8"))["format_version"] == "0.1"
    assert compare(plan_state(root, sit, old), plan_state(root, sit)) == []
    assert set(plan_state(root, sit, old).tables) == {"test-table"}


def test_the_plan_reader_states_no_value_the_plan_marks_unknown(sit: Environment) -> None:
    """A vault key written as a reference is known after apply: the plan reader saying "no customer key" is wrong
    (one the configuration leaves null is the AWS Backup default key: no customer key is right)."""
    wrong, listed = [], {where for _, where in GAPS if where.startswith(PLAN_READER)}
    for root in planned():
        document = json.loads(root.plan_file.read_text(encoding="utf-8"))
        config = PlanConfig.of(document.get("configuration"), document.get("variables"))
        try:
            vaults = plan_state(root, sit).backups.vaults
        except TerraformError:
            continue
        for change in document.get("resource_changes", []):
            after_unknown = change.get("change", {}).get("after_unknown") or {}
            if change["type"] != "aws_backup_vault" or after_unknown.get("kms_key_arn") is not True \
                    or config.known_when_planned(change["address"], "kms_key_arn"):
                continue
            name = change["change"]["after"]["name"]
            if isinstance(vaults, dict) and vaults[name].kms_key_arn is None:
                wrong.append(f"{PLAN_READER}vault {name}.kms_key_arn")
    assert sorted(set(wrong) - listed) == []
    assert sorted(listed - set(wrong)) == [], "fixed: remove these from GAPS"


def test_the_plan_reader_reads_from_the_configuration_what_the_provider_computes_from_it(sit: Environment) -> None:
    """What a real plan marks "known after apply" although its configuration tells: a key created in the stack is a
    customer's (ARN unknown), a key left out is AWS's, tags_all on a provider without default_tags is tags, and a
    list naming a table and a local is that table's ARN and one unknown entry (a splat names no attribute)."""
    by_name = {root.name: root for root in ROOTS}
    unknowns = plan_state(by_name["hcl/unknowns"], sit)
    encryption = unknowns.tables["orders-sit"].encryption
    assert isinstance(encryption, ObservedEncryption)
    assert encryption.type is EncryptionType.CUSTOMER_MANAGED
    assert "aws_kms_key.tables.arn" in str(encryption.kms_key_arn)
    vaults, plans = unknowns.backups.vaults, unknowns.backups.plans
    assert isinstance(vaults, dict)
    assert isinstance(vaults["bbws-dynamodb-sit"].kms_key_arn, Unverifiable)
    assert isinstance(plans, dict)
    selections = {s.name: s.resources for s in plans["bbws-dynamodb-daily-sit"].selections}  # type: ignore[union-attr]
    orders, shared = selections["orders-and-shared"]
    assert orders == sit.table_arn("orders-sit")
    assert "local.shared_table" in str(shared)
    assert [type(entry) for entry in selections["audit"]] == [Unverifiable]
    assert "aws_dynamodb_table.audit" in str(selections["audit"][0])
    local = plan_state(by_name["hcl/modules_local"], sit).tables
    assert local["orders-dr"].tags == {}
    assert local["orders-sit"].tags["Backup"] == "daily"
    vaults = plan_state(by_name["corpus/cds-backup"], sit).backups.vaults
    assert isinstance(vaults, dict)
    assert [v.kms_key_arn for v in vaults.values()] == [None]


@pytest.mark.slow
@pytest.mark.parametrize("root", planned(), ids=str)
def test_the_committed_plan_is_the_plan_terraform_makes_today(root: Root, sit: Environment, tmp_path: Path) -> None:
    """Real Terraform re-plans the root (cached by content digest): its plan says what the committed one says."""
    needs_terraform()
    with ExitStack() as stack:
        endpoint = stack.enter_context(moto_server()) if root.moto else None
        fresh = tmp_path / "plan.json"
        fresh.write_text(json.dumps(plan(root.folder, root.var_paths, endpoint, within=root.within)))
    try:
        differ = [str(f) for f in compare(plan_state(root, sit, fresh), plan_state(root, sit))]
    except TerraformError as error:  # the plan reader refuses both alike
        differ = [] if (root.name, REFUSED) in GAPS else [str(error)]
    assert differ == [], "run python tests/terraform/corpus/make_plans.py and commit the plans"
