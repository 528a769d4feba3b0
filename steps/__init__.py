"""The consumer-contract step library: plain checks over the observed state, and thin pytest-bdd steps.

pytest rewrites the asserts of every module of a distribution that registers a pytest plugin (our
`pytest11` entry point): `dynamo_contracts`, this package and `provision`, about a hundred modules that
hold no test assert, parsed and rewritten on every run (a fifth of a second on 2 cores, most of a static
run's margin over pytest's own start). They are unmarked here (steps.compat.rewriting), before any other
of them is imported. pytest offers no public switch for this (PYTEST_DONT_REWRITE still parses each module);
where its hook looks otherwise, nothing happens and the modules are rewritten as before. pytest-bdd's are
unmarked too (17 modules, one assert, which carries its own message): the plugin imports them next, and where
bytecode is not written (PYTHONDONTWRITEBYTECODE, as CI containers often set) pytest rewrites them on every run,
about 0.03 s. Where pytest-bdd's own entry point loads first, they are rewritten as before.

The objects made so far (pytest's and pytest-bdd's modules, mostly) live as long as the process:
`gc.freeze()` takes them out of the cycle collector's sight, which otherwise walks them again in
every full collection of the run (the plugin freezes the collected items too, steps.plugin). A
static run spent about 0.15 s of its 1.4 s in the collector, 0.05 s after. Frozen objects are still
freed when nothing refers to them; only a cycle among them would be kept, until the process ends.
"""

from __future__ import annotations

import gc

from .compat.rewriting import not_rewritten

not_rewritten("dynamo_contracts", "pytest_bdd")
gc.freeze()
