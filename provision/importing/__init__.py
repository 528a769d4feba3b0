"""`python -m provision import`: contracts/ written from an existing stack (Terraform or its plan), read through the
same sources as `--against`; what they cannot tell is a commented placeholder, never a guess."""
