"""Write the plan real Terraform makes of every root the oracle tests know (tests/support/terraform_roots.py).

    python tests/terraform/corpus/make_plans.py [NAME ...]       # all roots, or those named (corpus/tam-basic, peer)
    python tests/terraform/corpus/make_plans.py --refused        # also check Terraform still refuses the others

Each plan is `terraform plan -refresh=false` then `terraform show -json`, offline, with the provider override
of tests/support/terraform_oracle.py (dummy keys, every skip_* check, AWS_REGION eu-west-1 where a root sets no region),
the root's committed variable files, and a moto server for the roots whose data sources call AWS. It is
written minified where the root's `plan_file` says (a plan.json beside it, or the name other tests read).
Needs terraform on PATH and the AWS provider mirror (DYNAMO_CONTRACTS_TF_MIRROR, as .ci/run finds it). Plans
are cached by content digest: a run on unchanged roots costs seconds. This is the only writer of those files.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from contextlib import ExitStack
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.support import terraform_oracle  # noqa: E402
from tests.support.terraform_roots import ROOTS, Root  # noqa: E402


def write_plan(root: Root, endpoint: str | None) -> float:
    """Plan `root` and write its plan file; the seconds it took (0 when cached)."""
    started = time.perf_counter()
    document = terraform_oracle.plan(root.folder, root.var_paths, endpoint if root.moto else None,
                                     within=root.within)
    root.plan_file.write_text(json.dumps(document, separators=(",", ":")) + "\n", encoding="utf-8")
    return time.perf_counter() - started


def still_refused(root: Root) -> str:
    """What Terraform says of a root it refuses (an AssertionError's last lines), or that it plans it now."""
    try:
        terraform_oracle.plan(root.folder, root.var_paths, within=root.within)
    except AssertionError as error:
        errors = [line for line in str(error).splitlines() if line.startswith(("Error", "│ Error"))]
        return "; ".join(errors[:2]) or str(error)[-200:]
    return "PLANNED NOW: remove `refused` from tests/support/terraform_roots.py and commit its plan"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="roots to plan (default: all)")
    parser.add_argument("--refused", action="store_true", help="also check Terraform refuses the refused roots")
    args = parser.parse_args(argv)
    reason = terraform_oracle.unavailable()
    if reason is not None:
        print(f"cannot run Terraform: {reason}", file=sys.stderr)
        return 2
    unknown = set(args.names) - {root.name for root in ROOTS}
    if unknown:
        print(f"no such root: {', '.join(sorted(unknown))} (see tests/support/terraform_roots.py)", file=sys.stderr)
        return 2
    chosen = [root for root in ROOTS if not args.names or root.name in args.names]
    failed: list[str] = []
    with ExitStack() as stack:
        endpoint = stack.enter_context(terraform_oracle.moto_server()) if any(r.moto for r in chosen) else None
        for root in chosen:
            if root.refused:
                print(f"{root.name}: not planned ({root.refused})" +
                      (f": {still_refused(root)}" if args.refused else ""))
                continue
            try:
                seconds = write_plan(root, endpoint)
            except AssertionError as error:  # Terraform refused it: say so, and plan the others
                failed.append(root.name)
                print(f"{root.name}: FAILED\n{error}", file=sys.stderr)
                continue
            print(f"{root.name}: wrote {root.plan_file.relative_to(REPO)} ({seconds:.1f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
