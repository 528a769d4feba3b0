"""The consumer-contract step library: plain checks over the observed state, and thin pytest-bdd steps."""
