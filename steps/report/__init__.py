"""The readiness report: a model built from a run's plain results (build.py), in the brief's shape, rendered as
Markdown, HTML and the step summary from templates/; `python -m steps.report` rebuilds it from results.json.
"""
