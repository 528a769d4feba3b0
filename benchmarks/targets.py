"""The targets of the benchmark (issues 12, 18 and 22), each a ratio of two figures measured in the same run."""

from __future__ import annotations

from typing import Any


def _median(results: dict[str, Any], name: str) -> float | None:
    found = results["time_to_verdict"].get(name)
    return None if found is None else float(found["median"])


def _phase(results: dict[str, Any], name: str, phase: str) -> float:
    return float(results["time_to_verdict"].get(name, {}).get("phases", {}).get(phase, 0.0))


def _target(what: str, value: float | None, bound: float | None) -> dict[str, Any] | None:
    if value is None or bound is None:
        return None
    return {"what": what, "value": round(value, 3), "bound": round(bound, 3), "met": value <= bound}


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    local, moto = _median(results, "every contract on DynamoDB Local"), _median(results, "every contract on moto")
    start = _median(results, "floor: DynamoDB Local start until it answers")
    floor = _median(results, "floor: import boto3, moto, pytest_bdd")
    peer = _median(results, "peer: terraform-compliance, same checks, same plan")
    plan = _median(results, "every contract --against=plan:FILE")
    terraform = _median(results, "every contract --against=terraform:DIR (the brief's)")
    cold = _median(results, "every contract --against=terraform:DIR, nothing cached")
    schema = _median(results, "every contract --against=schema")
    version = _median(results, "floor: pytest --version")
    found = [
        _target("every contract on DynamoDB Local <= 1.3 x (DynamoDB Local start + provisioning + checks on moto)",
                local, None if start is None else 1.3 * (
                    start + _phase(results, "every contract on DynamoDB Local", "provisioning")
                    + _phase(results, "every contract on moto", "checks"))),
        _target("every contract on moto <= 3 x the import floor", moto, None if floor is None else 3 * floor),
        _target("a static source (plan) < terraform-compliance on the same checks", plan, peer),
        _target("--against=terraform: (the brief's) <= 1.18 x terraform-compliance (issue 18)", terraform,
                None if peer is None else 1.18 * peer),
        _target("the static path (terraform:) <= 0.5 x terraform-compliance (issue 22)", terraform,
                None if peer is None else 0.5 * peer),
        _target("the static path, nothing cached (a first run) <= 0.5 x terraform-compliance (issue 22)", cold,
                None if peer is None else 0.5 * peer),
        _target("--against=schema <= 1.5 x (pytest --version + its checks) (issue 22)", schema,
                None if version is None else 1.5 * (version + _phase(results, "every contract --against=schema",
                                                                     "checks"))),
    ]
    scale = results.get("scale")
    if scale and moto:
        found.append(_target("2,000 scenarios <= 2 x 34 scenarios (on moto)", scale["contract_run"]["median"],
                             2 * moto))
    latency = results.get("latency")
    if latency:
        found.append(_target("one GSI on each of 5 tables <= 1.2 x one GSI on 1 table",
                             latency["one GSI on each of 5 tables"], 1.2 * latency["one GSI on 1 table"]))
    return [t for t in found if t is not None]
