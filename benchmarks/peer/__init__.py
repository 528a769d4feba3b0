"""The peer tool for the benchmark: terraform-compliance on a plan of the project's own desired state.

`plan.json` is the plan real Terraform makes (tests/terraform/corpus/make_plans.py peer) of infra/envs/sit, the
Terraform `python -m provision terraform` writes from contracts/; `features/` holds the same table-level checks
as the consumer contracts in terraform-compliance's grammar, and `run.py` runs it in a virtualenv of
its own (`peer_command()` is what the benchmark times).
"""
