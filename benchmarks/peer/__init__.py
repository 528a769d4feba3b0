"""The peer tool for the benchmark: terraform-compliance on a plan of the project's own desired state.

`make_terraform.py` writes `terraform/main.tf` from contracts/ (sit), of which real Terraform makes `plan.json`
(tests/terraform/corpus/make_plans.py), `features/` holds the same table-level checks
as the consumer contracts in terraform-compliance's grammar, and `run.py` runs it in a virtualenv of
its own (`peer_command()` is what the benchmark times).
"""
