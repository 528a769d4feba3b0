"""Where the repository's folders are, named once, so a test finds them at any depth under tests/.

The tests mirror the packages (tests/provision/..., tests/steps/...), so `Path(__file__).parent` means a
different folder in each: a test names the repository's root, the contracts or its fixtures from here.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # tests/support/paths.py -> the repository
TESTS = ROOT / "tests"
CONTRACTS = ROOT / "contracts"  # the project's own desired state
BRIEF = TESTS / "brief"  # the brief's case: its contracts, Terraform, plan and the golden reports
TERRAFORM = TESTS / "terraform"  # Terraform fixtures: hcl/ (folders), plans/ (plan JSON), corpus/ (real-world)
