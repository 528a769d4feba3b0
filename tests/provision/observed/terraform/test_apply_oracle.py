"""The apply oracle: what `terraform apply` builds on moto's server, read back live, against the HCL reader.

For the roots of tests/support/terraform_roots.py marked `applied` (the lead's modules_local, the brief's Terraform,
the backups fixture, the unknowns fixture: splat selections, tags beside one of unknown value), real Terraform
applies the folder to a moto server (every provider endpoint pointed at it; aws_backup_selection left out, as
moto has none) and the project's live reader (provision.observed.live, on a backend pointing at that server)
reads the account back. That state must equal the HCL reader's, field by field (tests/support/oracle_compare.py), with
what moto cannot report unverifiable there. The plan Terraform makes after the apply knows what only the apply
could tell (the ARNs a selection names): the HCL reader's selections must equal the plan reader's on it. Every
value the HCL reader states where the committed plan says "known after apply" is proven here, one by one, and
so are the kinds of test_oracle.py's PROVEN_BY_APPLY (beside this file). One apply takes about 30 to 40 s: few
roots, marked slow.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from dynamo_contracts.provision.backends import Backend, client_config, local_session
from dynamo_contracts.provision.desired.model import BackendKind, DesiredState, EncryptionType, Environment
from dynamo_contracts.provision.observed import live
from dynamo_contracts.provision.observed.state import (
    ObservedBackups,
    ObservedEncryption,
    ObservedState,
    ObservedTable,
    Unverifiable,
)
from dynamo_contracts.provision.observed.terraform.plan_json import read_plan
from dynamo_contracts.provision.observed.terraform.to_observed import observe
from tests.provision.observed.terraform.test_oracle import PROVEN_BY_APPLY, findings_of, hcl_state, kind_of
from tests.support.oracle_compare import CLAIM, SAME, UNVERIFIABLE, WRONG, Finding, tally
from tests.support.origins import ON_MOTO
from tests.support.terraform_oracle import MOTO_ACCOUNT, apply, moto_server, needs_terraform, not_applied
from tests.support.terraform_roots import ROOTS, Root

APPLIED = tuple(root for root in ROOTS if root.applied)
ENTRY = re.compile(r"\[[^][]*\]$")  # the last [...] of a where: an entry of a list


@dataclass
class ServerBackend(Backend):
    """moto's server: every service's client on its endpoint (a Backend sends only DynamoDB's to `endpoint_url`)."""

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self.session.client(  # type: ignore[call-overload]
                service, endpoint_url=self.endpoint_url, config=client_config())
        return self._clients[service]


@pytest.fixture
def server() -> Iterator[str]:
    needs_terraform()
    with moto_server() as url:
        yield url


@pytest.fixture(scope="module")
def on_moto(desired: DesiredState) -> Environment:
    """sit, in the account moto's STS answers with: the ARNs both sides make then agree."""
    return dataclasses.replace(desired.environments["sit"], account_id=MOTO_ACCOUNT)


def read_live(url: str, env: Environment, regions: set[str]) -> ObservedState:
    """Every table, vault, plan and alarm of moto's account in `regions`, as the live reader reads them."""
    tables: dict[str, ObservedTable] = {}
    vaults: dict[str, Any] = {}
    plans: dict[str, Any] = {}
    for region in sorted(regions | {env.region}):
        backend = ServerBackend(BackendKind.MOTO, local_session(region), endpoint_url=url, description="moto server")
        state = live.observe(backend, dataclasses.replace(env, region=region), live.list_tables(backend))
        tables.update(state.tables)
        for into, found in ((vaults, state.backups.vaults), (plans, state.backups.plans)):
            assert isinstance(found, dict), found  # moto reports vaults and plans
            into.update(found)
    return ObservedState(ON_MOTO, env.name, tables, ObservedBackups(vaults, plans))


@dataclass(frozen=True)
class AppliedEncryption:
    """Encryption as an apply can prove it: by type (the AWS managed key's ARN is AWS's to make, and moto makes
    one of its own it cannot say who manages); a customer key keeps its ARN."""

    type: EncryptionType | Unverifiable
    customer_key: str | None


def _encryption_as_applied(state: ObservedState) -> ObservedState:
    def applied(encryption: Any) -> Any:
        if not isinstance(encryption, ObservedEncryption):
            return encryption
        customer = encryption.type is EncryptionType.CUSTOMER_MANAGED
        return AppliedEncryption(encryption.type, encryption.kms_key_arn if customer else None)
    tables = {name: dataclasses.replace(t, encryption=applied(t.encryption)) for name, t in state.tables.items()}
    return dataclasses.replace(state, tables=tables)


def proven(claim: Finding, compared: list[Finding]) -> bool:
    """Whether the value a claim is about was compared (at it, under it, or as an entry of a list compared whole)
    and nothing the reader states differs there: a part of it the reader says it cannot know (a tag of unknown
    value beside known tags) is no part of the claim, so an unverifiable finding there does not count."""
    def about(f: Finding) -> bool:
        return f.where == claim.where or f.where.startswith((claim.where + ".", claim.where + "["))
    list_of, _ = ENTRY.subn("", claim.where)  # `...resources[arn...]` is an entry of `...resources`
    whole = any(f.kind == SAME and f.where == list_of for f in compared) if list_of != claim.where else False
    return (whole or any(about(f) for f in compared)) and \
        not any(about(f) and f.kind not in (SAME, UNVERIFIABLE) for f in compared)


@pytest.mark.slow
@pytest.mark.parametrize("root", APPLIED, ids=str)
def test_what_terraform_applies_is_what_the_hcl_reader_reads(root: Root, server: str, on_moto: Environment,
                                                             tmp_path: Path) -> None:
    planned = json.loads(root.plan_file.read_text(encoding="utf-8"))
    left_out = not_applied(planned)  # the selections: only a plan after the apply knows the ARNs they name
    replan = apply(root.folder, root.var_paths, endpoint=server, planned=planned, within=root.within,
                   replan=bool(left_out))
    hcl = hcl_state(root, on_moto)
    regions = {t.arn.split(":")[3] for t in hcl.tables.values()}
    applied = tally(_encryption_as_applied(hcl), _encryption_as_applied(read_live(server, on_moto, regions)))
    assert [str(f) for f in applied if f.kind == WRONG] == []
    assert [str(f) for f in applied if f.kind == CLAIM and not f.oracle.startswith("unverifiable on moto")] == []
    replanned: list[Finding] = []
    if replan is not None:
        after = tmp_path / "after-apply.json"
        after.write_text(json.dumps(replan))
        replanned = [f for f in tally(hcl, observe(read_plan(after), on_moto)) if ".selections" in f.where]
        assert replanned, f"{root.name}: the plan after the apply compared none of {left_out}"
    assert [str(f) for f in replanned if f.kind in (WRONG, CLAIM)] == []

    claims = [f for f in findings_of(root, on_moto) if f.kind == CLAIM]  # in moto's account: the ARNs are its
    unproven = [str(c) for c in claims if not proven(c, replanned if ".selections" in c.where else applied)]
    assert unproven == [], "the HCL reader states what neither the plan nor the apply says"
    for kind, where in PROVEN_BY_APPLY.items():
        if where == root.name:
            assert any(kind_of(c) == kind for c in claims), f"{root.name} no longer shows {kind}: prove it elsewhere"


def test_the_applied_roots_cover_every_kind_the_plan_oracle_leaves_to_the_apply() -> None:
    assert {root.name for root in APPLIED} >= {"hcl/modules_local", "brief"}
    assert set(PROVEN_BY_APPLY.values()) <= {root.name for root in APPLIED}


def test_a_claim_is_proven_only_where_the_apply_compared_it_and_found_it_so() -> None:
    """Not by silence (a claim the applied state never compared, an ARN of another account), nor against a wrong
    value under it; a part the reader says it cannot know is no part of the claim."""
    tags = Finding(CLAIM, "table t.tags", "{'A': 'x', 'B': unknown}", "unverifiable on plan: after apply")
    entry = Finding(CLAIM, "plan p.selections[s].resources[arn:1]", "present", "unverifiable on plan: after apply")
    assert not proven(tags, [])
    assert not proven(entry, [Finding(SAME, "plan p.selections[s].resources[arn:2]", "", "")])
    assert proven(tags, [Finding(SAME, "table t.tags[A]", "", ""), Finding(UNVERIFIABLE, "table t.tags[B]", "", "")])
    assert not proven(tags, [Finding(SAME, "table t.tags[A]", "", ""), Finding(WRONG, "table t.tags[C]", "", "")])
    assert proven(entry, [Finding(SAME, "plan p.selections[s].resources", "", "")])  # the list, compared whole
