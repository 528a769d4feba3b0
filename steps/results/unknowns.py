"""The unknowns policy of the gate: which unverifiable claims block, and what the user should give.

A claim a source cannot tell because of what the source is (DynamoDB Local has no CloudWatch, a static source
knows no alarm's state) is a limit: accepted, and listed. A claim left unknown by the input (a Terraform variable
with no value, a module not followed, a data source, a value known only after apply) fails the gate with
`INPUT_UNKNOWN_EXIT` unless it is accepted: `accepted` is the one place that decides it: `--allow-unknown` accepts
every one, a waiver in force only those it covers (the claim then carries it: `steps.results.waivers`; an expired
waiver marks nothing). The category is the finding's typed `unknown`, never its words.
"""

from __future__ import annotations

from collections.abc import Iterable

from .findings import Finding

INPUT_UNKNOWN_EXIT = 6  # nothing wrong found, but the input left claims unknown (pytest's own codes are 0-5)


def accepted(finding: Finding, allow_unknown: bool) -> bool:
    """Whether this input unknown is accepted for the run: by `--allow-unknown`, or by the waiver that covers it."""
    return allow_unknown or bool(finding.waiver)


def blocking_unknowns(findings: Iterable[Finding], allow_unknown: bool) -> list[Finding]:
    """The claims left unknown by the input and not accepted: any one fails the gate."""
    return [f for f in findings if f.input_unknown and not accepted(f, allow_unknown)]


def what_to_give(findings: Iterable[Finding]) -> list[str]:
    """What would make these unknowns known, one line per cause found in them, most specific first."""
    reasons = " ".join(f.reason for f in findings)
    advice = []
    if "has no default and no value is given" in reasons or "has no value in the call" in reasons:
        advice.append("a value for each Terraform variable named: --tf-var-file=FILE (as `terraform plan "
                      "-var-file`), a terraform.tfvars in the folder, or TF_VAR_<name> in the environment")
    if "is not installed here" in reasons:
        advice.append("the modules: run `terraform init` in the Terraform folder, or check its plan")
    if "not evaluated here" in reasons or "known to Terraform only" in reasons or "iterates over" in reasons:
        advice.append("a plan, where Terraform evaluates what this reader does not: --against=plan:FILE (the JSON "
                      "of `terraform show -json PLANFILE`)")
    if "known only after apply" in reasons:
        advice.append("for values known only after apply: check the environment itself once applied "
                      "(--against=live)")
    advice.append("or accept what cannot be read: --allow-unknown (each one is listed in the report)")
    return advice
