"""dynamo-contracts, under one importable name that a user's project cannot clash with.

The code lives in the repository's top-level folders, `steps/` (the pytest plugin, step library and report) and
`provision/` (the provisioner); `dynamo_contracts/steps` and `dynamo_contracts/provision` are links to them, so
they are imported as `dynamo_contracts.steps` and `dynamo_contracts.provision`, and a wheel holds them under this
package. A user's own `steps` package (common in BDD projects) stays theirs: nothing of ours is named `steps`.
"""
