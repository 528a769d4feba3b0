"""Every Terraform root the oracle tests know: the corpus, the HCL reader's fixtures, the brief's Terraform.

Each root is planned by real Terraform (tests/terraform/corpus/make_plans.py, and only by it) into a
`plan.json` beside its files; the dummy values of the variables it needs are in a committed tfvars file
beside it, passed to Terraform and to the HCL reader alike. A root Terraform cannot plan here says why
(`refused`); a root planned against a moto server (`moto`) has data sources that call AWS.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tests.support.paths import TESTS

CORPUS = TESTS / "terraform" / "corpus"
FIXTURES = TESTS / "terraform" / "hcl"
PLANS = TESTS / "terraform" / "plans"
BRIEF = TESTS / "brief"
PEER = TESTS.parent / "benchmarks" / "peer"
INFRA = TESTS.parent / "infra"  # the Terraform `python -m provision terraform` writes from contracts/
PLAN_NAME = "plan.json"


@dataclass(frozen=True)
class Root:
    """One root module the oracle plans."""

    name: str  # as the tests' ids show it: corpus/tam-basic, hcl/modules_local, brief
    folder: Path
    var_files: tuple[str, ...] = ()  # beside the root
    moto: bool = False  # planned against a moto server (data sources that call AWS)
    refused: str = ""  # why Terraform does not plan it here: no plan.json is committed
    applied: bool = False  # also built by `terraform apply` on moto, then read back live
    plan_path: Path | None = None  # where its plan is committed, if not beside it (a name other tests read)
    within: Path | None = None  # a folder above it that Terraform needs too (its modules are outside the root)

    @property
    def plan_file(self) -> Path:
        return self.plan_path or self.folder / PLAN_NAME

    @property
    def var_paths(self) -> tuple[Path, ...]:
        return tuple(self.folder / name for name in self.var_files)

    def __str__(self) -> str:
        return self.name


def _corpus(name: str, *var_files: str, moto: bool = False) -> Root:
    return Root(f"corpus/{name}", CORPUS / name, var_files, moto=moto)


def _fixture(name: str, *var_files: str, refused: str = "", moto: bool = False, applied: bool = False) -> Root:
    return Root(f"hcl/{name}", FIXTURES / name, var_files, moto=moto, refused=refused, applied=applied)


NO_GSI_RESOURCE = "aws_dynamodb_global_secondary_index is a resource of the AWS provider 6.x only"

ROOTS: tuple[Root, ...] = (
    _corpus("tam-basic"),
    _corpus("tam-autoscaling"),
    _corpus("tam-global-tables"),
    _corpus("cp-dynamodb-complete", "fixtures.us-east-2.tfvars"),
    _corpus("lg-selection-by-tags"),
    _corpus("lg-selection-by-conditions"),
    _corpus("lg-multiple-plans"),
    _corpus("ck-tables-encrypted"),
    _corpus("ck-autoscaling"),
    _corpus("tc-dynamodb-kms"),
    _corpus("cds-dynamodb"),
    _corpus("cds-backup"),
    _corpus("aft-ddb-backup", "oracle.tfvars", moto=True),
    _corpus("storoku-tables", "oracle.tfvars"),
    _corpus("wing-counter-json"),
    _fixture("backups", applied=True),
    _fixture("data_source", refused="data.aws_kms_key reads alias/dynamodb, a key of the account it runs in"),
    _fixture("dynamic_gsi"),
    _fixture("for_each_tables", refused="its tables declare no attribute for their keys and no capacity"),
    _fixture("gsi_resource", refused=NO_GSI_RESOURCE),
    _fixture("locals"),
    _fixture("module_call", refused="its registry module is not installed (the fixture of a call not followed)"),
    _fixture("modules_local", applied=True),
    _fixture("same_name", refused='its tables have no capacity: "read_capacity must be at least 1 when billing_mode '
                                  'is PROVISIONED"'),
    _fixture("template_name"),
    _fixture("unknowns", applied=True),
    _fixture("replicas"),
    Root("plans/same_local_name", PLANS / "same_local_name", plan_path=PLANS / "same_local_name_1.2.json"),
    Root("plans/duplicate_name", PLANS / "duplicate_name", plan_path=PLANS / "duplicate_name_1.2.json"),
    Root("brief", BRIEF / "terraform", ("sit.tfvars",), applied=True, plan_path=BRIEF / "plan.json"),
    Root("peer", INFRA / "envs" / "sit", plan_path=PEER / "plan.json", within=INFRA),
)


def planned() -> tuple[Root, ...]:
    """The roots Terraform plans here: each has its plan committed."""
    return tuple(root for root in ROOTS if not root.refused)
