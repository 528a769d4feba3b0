"""Least-privilege IAM policies for the roles the tool plays, generated from the operation catalogue.

`provision.operations` names every AWS call, its IAM action and what it touches; `arns` gives an
environment's exact ARNs; `policy` turns the two into one policy document per role (reader, provisioner,
or a consumer's access patterns); `command` is `python -m provision iam`.
"""
