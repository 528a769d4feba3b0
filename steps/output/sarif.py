"""SARIF 2.1.0 of a contract run (`--sarif FILE`), for code scanning and any SARIF viewer.

One rule per check kind (a finding's `Kind`: table, gsi, key, projection, pitr, backup_coverage, ...), plus
`scenario` for a scenario that failed with no failed claim, and `waiver` for a waiver past its date. One result
per problem (`steps.output.problems`): level error for a gap, warning for what blocks nothing, note for what
could not be verified here; located where its fix goes, relative to the repository's root (`%SRCROOT%`), with
the feature lines that need it as related locations and the consumers it blocks in its message and properties.
The file is written whole or not at all (`steps.results.files.write_whole`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..results.files import write_whole
from ..results.findings import Kind
from .places import Place
from .problems import SCENARIO_RULE, WAIVER_RULE, Level, Problem

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
VERSION = "2.1.0"
ROOT = "%SRCROOT%"
TOOL = "dynamo-contracts"
FINGERPRINT = "dynamoContracts/v1"

RULES: dict[str, str] = {  # every check kind, in words: what its claims are about
    Kind.TABLE: "A table a consumer needs exists and is ACTIVE",
    Kind.KEY: "A table or index has the partition and sort keys, and key types, its consumers need",
    Kind.GSI: "A global secondary index a consumer needs exists and is ACTIVE",
    Kind.LSI: "A local secondary index a consumer needs exists",
    Kind.PROJECTION: "An index projects the attributes its consumers read",
    Kind.BILLING: "A table is billed as its consumers and the desired state say",
    Kind.STREAM: "A table's stream is on, with the view its consumers need",
    Kind.ENCRYPTION: "A table is encrypted at rest with the key it should be",
    Kind.PITR: "Point-in-time recovery is on for a table",
    Kind.TTL: "Time to live is on for a table, on the attribute its consumers set",
    Kind.DELETION_PROTECTION: "Deletion protection is on for a table where it must be",
    Kind.TABLE_CLASS: "A table has the table class it should have",
    Kind.TAGS: "A table carries the tags it should",
    Kind.BACKUP_VAULT: "The backup vault the tables are backed up to exists",
    Kind.BACKUP_PLAN: "A backup plan exists, with its schedule and retention",
    Kind.BACKUP_COVERAGE: "A backup plan covers a table",
    Kind.TABLE_SET: "The environment holds exactly the tables of the desired state",
    Kind.GSI_SET: "A table holds exactly the GSIs of the desired state",
    Kind.NAMING: "Index names follow the contracts' naming convention",
    Kind.ACCESS_PATTERN: "A consumer's access pattern returns what it needs",
    Kind.ALARM: "A table has the CloudWatch alarms it should, notifying who they should",
    Kind.REPLICA: "A global table has a replica in each region it should",
    Kind.COST: "The stack's estimated monthly cost is within the environment's budget",
    Kind.PERMISSION: "A consumer's Lambda role may make every call of its access patterns",
    Kind.DRIFT: "The environment matches the desired state (a change the plan would make)",
    SCENARIO_RULE: "A contract scenario runs to its verdict (no step raises, its cleanup succeeds)",
    WAIVER_RULE: "A waiver in contracts/ is in force (not past its expiry date)",
}
LEVELS = {Level.ERROR: "error", Level.WARNING: "warning", Level.NOTE: "note"}


def _rule_name(rule: str) -> str:
    return "".join(part.capitalize() for part in rule.split("_"))


def rules() -> list[dict[str, Any]]:
    return [{"id": str(rule), "name": _rule_name(str(rule)), "shortDescription": {"text": text},
             "fullDescription": {"text": f"{text}: a claim of a consumer's contract (features/<consumer>/)."},
             "help": {"text": f"{text}. The result's message says who must do what, and where; its related "
                              "locations are the feature lines that state the claim."},
             "defaultConfiguration": {"level": "error"}, "properties": {"tags": ["dynamodb", "contract"]}}
            for rule, text in RULES.items()]


def _location(place: Place, message: str = "") -> dict[str, Any]:
    found: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": place.file, "uriBaseId": ROOT},
                                                  "region": {"startLine": place.line}}}
    if message:
        found["message"] = {"text": message}
    return found


def _result(problem: Problem, index: dict[str, int]) -> dict[str, Any]:
    result: dict[str, Any] = {"ruleId": problem.rule, "ruleIndex": index[problem.rule], "level": LEVELS[problem.level],
                              "message": {"text": f"{problem.title}\n{problem.message}"}}
    if problem.place is not None:
        result["locations"] = [_location(problem.place)]
    related = [p for p in dict.fromkeys(problem.related) if p != problem.place][:20]
    if related:
        result["relatedLocations"] = [{"id": number, **_location(p, "a claim that needs it")}
                                      for number, p in enumerate(related, 1)]
    if problem.identity:
        result["partialFingerprints"] = {FINGERPRINT: problem.identity}
    result["properties"] = {"consumers": list(problem.consumers), "blocking": problem.level is Level.ERROR,
                            "claims": problem.count, **({"source": problem.source} if problem.source else {})}
    return result


def document(found: Sequence[Problem], *, environment: str, verdict: str, sources: Sequence[str], root: Path,
             version: str = "") -> dict[str, Any]:
    """The SARIF log of one run: its problems that have a place (code scanning needs one for each result)."""
    listed = rules()
    index = {rule["id"]: number for number, rule in enumerate(listed)}
    driver: dict[str, Any] = {"name": TOOL, "rules": listed}
    if version:
        driver["version"] = version
    return {"$schema": SCHEMA, "version": VERSION, "runs": [{
        "tool": {"driver": driver},
        "automationDetails": {"id": f"{TOOL}/{environment}/{'+'.join(sources)}/"},
        "originalUriBaseIds": {ROOT: {"uri": root.resolve().as_uri() + "/"}},
        "invocations": [{"executionSuccessful": True}],
        "results": [_result(p, index) for p in found if p.place is not None],
        "properties": {"environment": environment, "verdict": verdict, "sources": list(sources)},
    }]}


def write(path: Path, log: dict[str, Any]) -> None:
    """Write the log whole, or leave what was there (a failed write raises)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_whole({path: json.dumps(log, indent=2, ensure_ascii=False) + "\n"})
