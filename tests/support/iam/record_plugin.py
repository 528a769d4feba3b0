"""A pytest plugin for an inner contract run: record every AWS call of its backends into $IAM_RECORD (JSON).

`pytest features/NAME --env=moto -p tests.support.iam.record_plugin`: each `Backend`'s session gets the recorder before
its first client or resource is made; the calls are written when the run ends. With $IAM_RECORD_AFTER_PROVISIONING
set, the calls the suite makes to provision moto are left out: what is left is what a run of an AWS environment
that is not provisioned (`pytest --env=sit`) calls.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from dynamo_contracts.provision.backends.backend import Backend
from tests.support.iam.recorder import Recorder

MOTO_ACCOUNT = "123456789012"
_recorders: list[Recorder] = []
_attached: set[int] = set()
_provisioning: list[bool] = [False]


def _attach(backend: Backend) -> None:
    if id(backend.session) not in _attached:
        _attached.add(id(backend.session))
        recorder = Recorder(backend.session.region_name or "us-east-1", MOTO_ACCOUNT, paused=lambda: _provisioning[0])
        recorder.attach(backend.session)
        _recorders.append(recorder)


def _recording(method: Any) -> Any:
    def wrapper(self: Backend, *args: Any, **kwargs: Any) -> Any:
        _attach(self)
        return method(self, *args, **kwargs)
    return wrapper


def _unrecorded(provision: Any) -> Any:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _provisioning[0] = True
        try:
            return provision(*args, **kwargs)
        finally:
            _provisioning[0] = False
    return wrapper


def pytest_configure(config: pytest.Config) -> None:
    Backend.client = _recording(Backend.client)  # type: ignore[method-assign]
    Backend.resource = _recording(Backend.resource)  # type: ignore[method-assign]
    if os.environ.get("IAM_RECORD_AFTER_PROVISIONING"):
        from dynamo_contracts.provision import workflow  # the session imports `provision` from it when it provisions

        workflow.provision = _unrecorded(workflow.provision)  # type: ignore[method-assign]


def pytest_unconfigure(config: pytest.Config) -> None:
    merged = Recorder("", "", calls=[c for r in _recorders for c in r.calls])
    merged.save(Path(os.environ["IAM_RECORD"]))
