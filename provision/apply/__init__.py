"""Carrying a plan out on a backend: the executor (parallel across tables, one handler per change), the calls it
makes (retried, waiting where AWS is eventual), the requests it sends, retries, and the check that the
credentials belong to the environment's account.
"""
