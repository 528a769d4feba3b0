"""The consumer-contract step library: plain checks over the observed state, and thin pytest-bdd steps.

pytest rewrites the asserts of every module of a distribution that registers a pytest plugin (our
`pytest11` entry point): this package and `provision`, about a hundred modules that hold no test
assert, parsed and rewritten on every run (a fifth of a second on 2 cores, most of a static run's
margin over pytest's own start). They are unmarked here, before any of them is imported. pytest
offers no public switch for this (PYTEST_DONT_REWRITE still parses each module); where its hook
looks otherwise, nothing happens and the modules are rewritten as before.
"""

from __future__ import annotations

import sys


def _not_rewritten(*packages: str) -> None:
    for finder in sys.meta_path:
        marked = getattr(finder, "_must_rewrite", None)
        if isinstance(marked, set):
            marked.difference_update(packages)


_not_rewritten("steps", "provision")
