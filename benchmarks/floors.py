"""Floors measured inside a process of their own: `python -m benchmarks.floors dynamodb-local` prints the
seconds from launching DynamoDB Local (as the contract runs launch it) until it answers a call."""

from __future__ import annotations

import sys
import time


def dynamodb_local_start() -> float:
    from dynamo_contracts.provision.backends.dynamodb_local import fetch
    from dynamo_contracts.provision.backends.dynamodb_local_launch import JarProcess

    home = fetch()
    started = time.perf_counter()
    instance = JarProcess.start(home)
    try:
        instance.wait_ready()
        return time.perf_counter() - started
    finally:
        instance.stop()


if __name__ == "__main__":
    if sys.argv[1:] != ["dynamodb-local"]:
        raise SystemExit("usage: python -m benchmarks.floors dynamodb-local")
    print(f"{dynamodb_local_start():.4f}")
