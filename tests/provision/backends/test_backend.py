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
