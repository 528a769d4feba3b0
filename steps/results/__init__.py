"""A run's plain results: findings, scenarios, what the environment held and what the consumers require, saved
as results.json with a digest; no pytest, so the report and CI output can be rebuilt from them alone.
"""
