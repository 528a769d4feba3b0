"""The contracts plugin: `pytest` checks every consumer's contracts (features/) against an environment.

`pytest` alone starts a throwaway DynamoDB Local and provisions it from contracts/;
`pytest --env=sit` reads sit as it is. See README and steps/plugin.py.
"""

pytest_plugins = ["dynamo_contracts.steps.plugin"]
