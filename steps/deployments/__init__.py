"""Verdicts and deployments recorded per consumer and environment, for `python -m steps.can_i_deploy`."""
