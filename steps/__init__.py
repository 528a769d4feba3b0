"""The consumer-contract step library: plain checks over the observed state, and thin pytest-bdd steps.

pytest rewrites the asserts of every module of a distribution that registers a pytest plugin (our
`pytest11` entry point): this package and `provision`, about a hundred modules that hold no test
assert, parsed and rewritten on every run (a fifth of a second on 2 cores, most of a static run's
margin over pytest's own start). They are unmarked here (steps.compat.rewriting), before any other
of them is imported.
"""

from __future__ import annotations

from steps.compat.rewriting import not_rewritten

not_rewritten("steps", "provision")
