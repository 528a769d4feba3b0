"""A stand-in for the network that fails the test using it: where the DynamoDB Local package is cached, `fetch`
must not download it again. Shared by the DynamoDB Local tests of this folder."""

from __future__ import annotations

from typing import Any


def no_network(*_args: Any, **_kwargs: Any) -> None:
    raise AssertionError("fetch went to the network although the package is cached")
