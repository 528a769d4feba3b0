"""A backend: where an environment lives (a boto3 session and a DynamoDB endpoint) and its clients."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from ..desired.model import BackendKind
from .retries import RetryBound, bound_retries

if TYPE_CHECKING:  # boto3 and botocore's client modules take a tenth of a second to import: static runs need neither
    import boto3
    from botocore.config import Config

LOCAL_CREDENTIALS = {"aws_access_key_id": "local", "aws_secret_access_key": "local"}


@cache
def client_config() -> Config:
    """Every client's settings, made on first use (botocore.config imports botocore's HTTP stack).

    botocore retries throttling, limits and server errors itself (standard mode: 5 retries, backoff up to 20 s),
    within the deadline of the apply running (`Backend.retry_bound`); provision.apply.retry handles the rest.
    One connection per table an apply changes at once (provision.apply.executor.TABLE_OPERATIONS).
    """
    from botocore.config import Config

    return Config(retries={"mode": "standard", "max_attempts": 5}, connect_timeout=5, read_timeout=60,
                  max_pool_connections=50)


@dataclass
class Backend:
    """Where an environment lives and how to talk to it."""

    kind: BackendKind
    session: boto3.Session
    endpoint_url: str | None = None  # DynamoDB's endpoint (moto's server: every service's); None: the session's
    description: str = ""
    retry_bound: RetryBound = field(default_factory=RetryBound, repr=False)  # an apply sets its deadline here
    _clients: dict[str, Any] = field(default_factory=dict, repr=False)
    _resources: threading.local = field(default_factory=threading.local, repr=False, compare=False)

    @property
    def name(self) -> str:
        return self.kind.value

    @property
    def in_process(self) -> bool:
        """Whether calls are served in this process (moto): threads then only contend for the GIL, so calls are
        made one after another; against a server (DynamoDB Local, moto's, AWS) they wait on the network, in
        parallel."""
        return self.kind is BackendKind.MOTO and self.endpoint_url is None

    def client(self, service: str) -> Any:
        """One client per service, shared by the threads of an apply (boto3 clients are thread safe).

        botocore's own retries on it end at the deadline of the apply running, if any (`retry_bound`).
        """
        if service not in self._clients:
            every_service = self.kind is BackendKind.MOTO  # moto's server serves every service at one address
            endpoint = self.endpoint_url if service == "dynamodb" or every_service else None
            client = self.session.client(service, endpoint_url=endpoint, config=client_config())  # type: ignore[call-overload]
            bound_retries(client, self.retry_bound)
            self._clients[service] = client
        return self._clients[service]

    def resource(self) -> Any:
        """The DynamoDB resource (items written and queried), one per thread: boto3 resources are not thread safe.

        Made once: each `session.resource()` lists every service botocore knows (thousands of folder reads) and
        builds the resource's classes again, a tenth of a second of a contract run on moto for 36 of them."""
        made = getattr(self._resources, "dynamodb", None)
        if made is None:
            made = self._resources.dynamodb = self.session.resource("dynamodb", endpoint_url=self.endpoint_url,
                                                                     config=client_config())
        return made


def local_session(region: str) -> boto3.Session:
    """A session with dummy credentials, so nothing local ever picks up real AWS credentials.

    Each session is its own (its event hooks, its clients), but they share one botocore data loader (`_loader`):
    a new session would otherwise parse botocore's JSON models again (DynamoDB's, the endpoints, boto3's resource
    model), some 50 ms for its first client or resource. A run on DynamoDB Local made three sessions after the JVM
    answered (the wait's probe, the endpoint's check, the backend), each paying that, where now the wait's probe
    has loaded them while the JVM was starting."""
    import boto3
    import botocore.session

    core = botocore.session.Session()
    loader = _loader()
    core.register_component("data_loader", loader)
    session = boto3.Session(botocore_session=core, region_name=region,
                            aws_access_key_id=LOCAL_CREDENTIALS["aws_access_key_id"],
                            aws_secret_access_key=LOCAL_CREDENTIALS["aws_secret_access_key"])
    with _loader_lock:  # boto3 appends its data folder to the loader's search paths with each session: keep one
        loader.search_paths[:] = list(dict.fromkeys(loader.search_paths))
    return session


_loader_lock = threading.Lock()


@cache
def _loader() -> Any:
    """The botocore data loader of every local session: what it has read it keeps (botocore's own cache)."""
    from botocore.loaders import create_loader

    return create_loader(os.environ.get("AWS_DATA_PATH"))  # as botocore's own session makes it
