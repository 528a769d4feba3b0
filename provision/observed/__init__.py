"""The observed state: what an environment holds, as typed values, whoever read it (a backend, contracts/,
Terraform or its plan), with what a source cannot tell kept as Unverifiable; and the sources that read it.
"""
