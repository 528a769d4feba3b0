"""Print the table of docs/terraform-corpus.md: what each root gives, by reader, against Terraform's plan.

    python tests/terraform/corpus/table.py

Per root of tests/support/terraform_roots.py that Terraform plans: what its plan holds (tables, GSIs, LSIs, vaults,
backup plans, selections), then the values the HCL reader gives as the plan does (same), says it cannot know
(unverifiable), states where the plan says "known after apply" (claim) or gives otherwise (wrong), as
tests/support/oracle_compare.py counts them against the plan reader's reading of the committed plan; a reader
refusing the root is "refused". The plan reader's own column: the values of its reading it knows.
"""

from __future__ import annotations

import dataclasses
import sys
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[3]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from dynamo_contracts.provision.desired.load import load_contracts  # noqa: E402
from dynamo_contracts.provision.observed.state import ObservedState, Unverifiable  # noqa: E402
from dynamo_contracts.provision.observed.terraform.hcl import read_folder  # noqa: E402
from dynamo_contracts.provision.observed.terraform.plan_json import read_plan  # noqa: E402
from dynamo_contracts.provision.observed.terraform.records import TerraformError  # noqa: E402
from dynamo_contracts.provision.observed.terraform.to_observed import observe  # noqa: E402
from tests.support.oracle_compare import CLAIM, SAME, UNVERIFIABLE, WRONG, tally  # noqa: E402
from tests.support.terraform_roots import Root, planned  # noqa: E402

CONSTRUCTS = {  # what each root exercises, as read in its files
    "corpus/tam-basic": "registry module (count, dynamic GSI/TTL/PITR blocks over inputs)",
    "corpus/tam-autoscaling": "registry module, provisioned capacity, autoscaled GSIs (ignore_changes)",
    "corpus/tam-global-tables": "registry module, replicas, stream, customer key by reference",
    "corpus/cp-dynamodb-complete": "nested registry modules (label, autoscaler), for over maps, LSIs, var file",
    "corpus/lg-selection-by-tags": "backup module: for_each selections, dynamic rules and selection_tag",
    "corpus/lg-selection-by-conditions": "backup module: dynamic condition blocks",
    "corpus/lg-multiple-plans": "backup module: for_each plans, flattened selections",
    "corpus/ck-tables-encrypted": "4 tables of one name (checkov fixture)",
    "corpus/ck-autoscaling": "5 tables of one name, appautoscaling (checkov fixture)",
    "corpus/tc-dynamodb-kms": "customer key by reference (terraform-compliance fixture)",
    "corpus/cds-dynamodb": "Terragrunt root (generated provider, .auto.tfvars.json), a bool tag",
    "corpus/cds-backup": "Terragrunt root: vault, plan, selection by an input ARN",
    "corpus/aft-ddb-backup": "4 tables, vault key by reference, dynamic lifecycle, selection by references",
    "corpus/storoku-tables": "for_each over a local module, provider default_tags with terraform.workspace",
    "corpus/wing-counter-json": "a root in .tf.json only",
    "hcl/backups": "table, vault, plan, selection by reference",
    "hcl/dynamic_gsi": "dynamic GSI over a variable",
    "hcl/locals": "locals and functions in names",
    "hcl/modules_local": "a local module per table (for_each), outputs to a backup module, aliased provider",
    "hcl/template_name": "names from templates and a tfvars file",
    "hcl/unknowns": "key by reference, a tag and a list entry unknown, splat selections, alarms, dynamic lifecycle",
    "hcl/replicas": "a global table: two replica blocks",
    "plans/same_local_name": "two modules, one resource name",
    "plans/duplicate_name": "two modules, one physical name",
    "brief": "the brief's Terraform: dynamic GSIs over a local, merged tags",
    "peer": "the project's contracts as Terraform",
}
TABLE_FIELDS = ("billing", "stream", "encryption", "point_in_time_recovery", "ttl_attribute", "deletion_protection",
                "table_class", "tags")


def holds(state: ObservedState) -> str:
    tables = state.tables.values()
    plans = state.backups.plans.values() if isinstance(state.backups.plans, dict) else ()
    selections = sum(len(p.selections) for p in plans if not isinstance(p.selections, Unverifiable))
    vaults = state.backups.vaults if isinstance(state.backups.vaults, dict) else {}
    counts = (len(state.tables), sum(len(t.global_indexes) for t in tables), sum(len(t.local_indexes) for t in tables),
              len(vaults), len(plans), selections)
    return "/".join(str(n) for n in counts)


def known(state: ObservedState) -> int:
    """The table settings the reader knows (of TABLE_FIELDS, per table)."""
    return sum(not isinstance(getattr(t, f), Unverifiable) for t in state.tables.values() for f in TABLE_FIELDS)


def row(root: Root, env: Any) -> tuple[str, Counter[str]]:
    terraform = observe(read_plan(root.plan_file), env)
    try:
        hcl = observe(read_folder(root.folder, root.var_paths), env)
        counts = Counter(f.kind for f in tally(hcl, terraform))
        reader = f"{counts[SAME]} / {counts[UNVERIFIABLE]} / {counts[CLAIM]} / {counts[WRONG]}"
        settings = f"{known(hcl)} of {len(TABLE_FIELDS) * len(hcl.tables)}"
    except TerraformError:
        counts, reader, settings = Counter(), "refused", "-"
    line = (f"| {root.name} | {CONSTRUCTS.get(root.name, '')} | {holds(terraform)} | {reader} | {settings} | "
            f"{known(terraform)} of {len(TABLE_FIELDS) * len(terraform.tables)} |")
    return line, counts


def main() -> int:
    env = dataclasses.replace(load_contracts(REPO / "contracts").environments["sit"])
    print("| root | constructs | plan holds: tables/GSIs/LSIs/vaults/plans/selections | HCL reader: same / "
          "unverifiable / claim / wrong | table settings known: HCL reader | plan reader |")
    print("|---|---|---|---|---|---|")
    total: Counter[str] = Counter()
    refused = 0
    for root in planned():
        try:
            line, counts = row(root, env)
        except TerraformError:
            line, counts = f"| {root.name} | {CONSTRUCTS.get(root.name, '')} | refused by the plan reader | | | |", \
                Counter()
        refused += "refused" in line
        total += counts
        print(line)
    print(f"| all {len(planned())} | | | {total[SAME]} / {total[UNVERIFIABLE]} / {total[CLAIM]} / {total[WRONG]} "
          f"({refused} refused) | | |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
