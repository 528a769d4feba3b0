"""Criterion 7 in one place: may each consumer's Lambda role make every call its access patterns make?

`calls` works out the calls a scenario's sentences make (from the sentence and operation catalogues); `checks`
turns the IAM answers into findings (plain code, no pytest: import-linter holds it so); `wiring` asks them for
each collected scenario of a run (the evaluator on DynamoDB Local and moto, IAM's simulator on AWS). The role's
generated least-privilege policy is `python -m steps.iam_consumer`; the roles themselves are declared in
contracts/ (provision.desired.lambda_roles) and judged by provision.iam.
"""
