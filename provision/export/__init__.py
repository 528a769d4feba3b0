"""Terraform written from `contracts/`: one module for the stack, one root per environment (`python -m provision
terraform`), and `--check`, which fails while a committed export differs from what contracts/ makes."""
