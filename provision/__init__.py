"""The provisioner: desired state -> observed state -> plan -> apply, on DynamoDB Local, moto or AWS, and the
Terraform, IAM and cost of the contracts (`dynamo-contracts COMMAND`, `python -m provision` in a checkout).
"""
