"""A DynamoDB endpoint on loopback that answers as a test scripts it: for what no real backend does on demand.

DynamoDB Local never throttles; AWS does, sometimes for good. `FakeDynamoDB` speaks just enough of
DynamoDB's JSON protocol (one POST per call, the operation in `X-Amz-Target`) for botocore to parse
its answers, so the provisioner can be run against it as a user runs it: `--endpoint-url`.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Answer = tuple[int, dict[str, Any], dict[str, str]]  # HTTP status, JSON body, extra headers
Script = Callable[[str, dict[str, Any]], Answer]  # (operation, request body) -> answer

THROTTLING = {"__type": "com.amazonaws.dynamodb.v20120810#ThrottlingException", "message": "Rate exceeded"}


def throttled_for_good(retry_after_ms: int | None = None) -> Script:
    """Lists no tables (so the endpoint is found and the plan is read) and throttles every other call.

    `retry_after_ms` adds the `x-amz-retry-after` header, which makes each of botocore's retries wait
    at least that long: its backoff is otherwise random, from almost nothing to 20 s.
    """
    headers = {} if retry_after_ms is None else {"x-amz-retry-after": str(retry_after_ms)}

    def answer(operation: str, _body: dict[str, Any]) -> Answer:
        if operation == "ListTables":
            return 200, {"TableNames": []}, {}
        return 400, THROTTLING, headers

    return answer


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        operation = str(self.headers.get("X-Amz-Target", "")).rpartition(".")[2]
        self.server.calls.append(operation)
        status, payload, headers = self.server.script(operation, body)
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: the test reports what matters


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, script: Script) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.script = script
        self.calls: list[str] = []  # list.append is atomic: safe from the handler threads


@contextmanager
def fake_dynamodb(script: Script) -> Iterator[tuple[str, list[str]]]:
    """A running fake endpoint: its URL, and the operations it was asked, in order."""
    server = _Server(script)
    thread = threading.Thread(target=server.serve_forever, name="fake-dynamodb", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", server.calls
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
