"""provision.backends.backend: one DynamoDB resource per backend and thread, made once (each new one lists every
service botocore knows and builds its classes again)."""

from __future__ import annotations

import threading

from dynamo_contracts.provision.backends.backend import Backend, local_session
from dynamo_contracts.provision.desired.model import BackendKind


def test_the_resource_is_made_once_per_thread() -> None:
    backend = Backend(BackendKind.DYNAMODB_LOCAL, local_session("eu-west-1"), endpoint_url="http://127.0.0.1:1")
    first = backend.resource()
    assert backend.resource() is first
    assert first.meta.client.meta.endpoint_url == "http://127.0.0.1:1"
    other: list[object] = []
    thread = threading.Thread(target=lambda: other.append(backend.resource()))
    thread.start()
    thread.join()
    assert other[0] is not first  # boto3 resources are not thread safe: another thread gets its own
    again = Backend(BackendKind.DYNAMODB_LOCAL, local_session("eu-west-1"), endpoint_url="http://127.0.0.1:1")
    assert again.resource() is not first


def test_local_sessions_share_what_botocore_read_but_nothing_else() -> None:
    """One data loader (botocore's models parsed once a process), each session's own hooks, regions and clients."""
    first, second = local_session("eu-west-1"), local_session("us-east-1")
    loader = first._session.get_component("data_loader")
    assert second._session.get_component("data_loader") is loader
    paths = list(loader.search_paths)
    local_session("eu-west-1")
    assert loader.search_paths == paths  # boto3's data folder not added once more per session
    assert len(set(paths)) == len(paths)
    made: list[str] = []
    first.events.register("creating-client-class.dynamodb", lambda **_: made.append("first's"))
    client = second.client("dynamodb", endpoint_url="http://127.0.0.1:1")
    assert client.meta.region_name == "us-east-1"
    assert made == []  # a hook on one session is not another's
    assert first.client("dynamodb", endpoint_url="http://127.0.0.1:1").meta.region_name == "eu-west-1"
    assert made == ["first's"]
    assert first.get_credentials().access_key == "local"
