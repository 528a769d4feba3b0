"""Terraform as a source of observed state: what a folder of `.tf` files, or a plan, will build."""
