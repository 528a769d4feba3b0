"""`python -m steps.can_i_deploy`: may this version of a consumer's contract be deployed to an environment?"""
