"""The IAM policy evaluator started before its batch (simulate.Prestarted, started when the contract run's session
is set up): it must answer as a run of node of its own does, serve one batch only, and end when it is not used."""

from __future__ import annotations

import pytest

from dynamo_contracts.provision.cache import DERIVED_VARIABLE
from dynamo_contracts.provision.iam import simulate
from tests.steps.permissions.roles import query_not_delete, requests


@pytest.mark.slow
def test_node_started_before_the_batch_answers_it_as_a_run_of_its_own_does_then_serves_no_other(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The contract run starts node at configure time (simulate.Prestarted); it must not change an answer."""
    monkeypatch.setenv(DERIVED_VARIABLE, "0")  # node answers each batch, none from the cache (test_verdict_cache.py)
    simulate.install()
    documents = query_not_delete()
    asked = requests(documents, "dynamodb:Query", "dynamodb:DeleteItem", "dynamodb:PutItem")
    started = simulate.Prestarted.start()
    assert started is not None
    verdicts = simulate.simulate(asked, prestarted=started)
    assert [v.result for v in verdicts] == ["Allowed", "ExplicitlyDenied", "ImplicitlyDenied"]
    assert verdicts == simulate.simulate(asked)
    assert started.run("{}") is None  # one batch each: a later one runs node of its own
    unused = simulate.Prestarted.start()
    assert unused is not None
    assert unused._process is not None
    process = unused._process
    unused.stop()
    assert process.poll() is not None
    assert unused.run("{}") is None
