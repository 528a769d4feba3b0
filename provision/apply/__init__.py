"""Carrying a plan out on a backend: the executor (parallel across tables, waiting where AWS is eventual), the
requests it sends, retries, and the check that the credentials belong to the environment's account.
"""
