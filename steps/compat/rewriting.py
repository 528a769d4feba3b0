"""pytest's assertion rewriter, told to leave the plugin's own packages alone.

pytest rewrites the asserts of every module of a distribution that registers a pytest plugin (our
`pytest11` entry point): `steps` and `provision`, about a hundred modules that hold no test assert, parsed
and rewritten on every run. pytest offers no public switch for this (PYTEST_DONT_REWRITE still parses each
module), so the packages are taken out of the set of names its import hook marks for rewriting
(`AssertionRewritingHook._must_rewrite`, on `sys.meta_path`). Imported by `steps/__init__.py` before any
other module of the plugin, so this imports nothing of pytest. If a release renames the set, nothing
happens: the modules are rewritten as before, slower but correct (tests/steps/compat/test_compat.py says so first).
"""

from __future__ import annotations

import sys

MARKED_FOR_REWRITE = "_must_rewrite"  # the attribute of pytest's AssertionRewritingHook (assertion/rewrite.py)


def not_rewritten(*packages: str) -> list[object]:
    """Unmark `packages` in every import hook that marks names for rewriting; the hooks changed."""
    changed: list[object] = []
    for finder in sys.meta_path:
        marked = getattr(finder, MARKED_FOR_REWRITE, None)
        if isinstance(marked, set):
            marked.difference_update(packages)
            changed.append(finder)
    return changed
