"""Read and validate an environment's `lambda_roles:`, the role each consumer's Lambda runs as.

Part of the loader (`provision.desired.load`, through `load_env`). Under an environment:

    lambda_roles:
      defaults: {role_arn: "arn:aws:iam::{account}:role/{consumer}-{env}", policies: generated}
      consumers:
        order_lambda: {role_arn: "arn:aws:iam::222222222222:role/orders-api", policies: [../iam/orders-api.json]}

`role_arn` may use {consumer} (the folder under features/), {env} and {account} (the environment's account, or
moto's default). `policies` is `generated` (the consumer policy made from its access patterns, what the platform
team attaches) or a list of IAM policy documents (JSON), relative to the file naming them. On AWS the role's real
policies are asked of IAM instead; the declared ones are evaluated where there is no AWS. Whether each consumer
named here has features is checked by the contracts suite, which knows the features.
"""

from __future__ import annotations

import json
import json.scanner
from pathlib import Path
from typing import Any

from ..errors import Problem
from .fields import Fields, describe, did_you_mean
from .lambda_roles import (
    PLACEHOLDERS,
    ROLE_ARN,
    LambdaRoles,
    PolicyFile,
    PolicySource,
    RoleDeclaration,
)
from .model import Location
from .yamlsrc import SourceDict, SourceList, display_path

KEYS = ("defaults", "consumers")
ROLE_KEYS = ("role_arn", "policies")
ARN_EXAMPLE = '"arn:aws:iam::{account}:role/{consumer}-{env}"'
POLICIES_EXAMPLE = "generated (or a list of policy files, such as [../iam/order_lambda.json])"
MAX_POLICY_BYTES = 1 << 20
_SAMPLE = {"consumer": "order_lambda", "env": "sit", "account": "123456789012"}


def read_lambda_roles(environment: Fields) -> LambdaRoles:
    """The environment's `lambda_roles:`; an undeclared (empty) one when it has none or it was wrong (reported)."""
    data = environment.mapping("lambda_roles")
    if data is None:
        return LambdaRoles()
    fields = Fields(data, f"lambda_roles of {environment.what}", KEYS, environment.problems)
    if not fields.has("defaults") and not fields.has("consumers") and not fields.misspelled:
        fields.problem(None, f"{fields.what} declares no role: write 'defaults: {{role_arn: {ARN_EXAMPLE}, "
                             "policies: generated}' or name consumers under 'consumers:'")
    defaults_data = fields.mapping("defaults")
    defaults = None if defaults_data is None else _declaration(
        Fields(defaults_data, f"the default Lambda role of {environment.what}", ROLE_KEYS, environment.problems))
    consumers: dict[str, RoleDeclaration] = {}
    named = fields.mapping("consumers")
    for consumer, value in (named or {}).items():
        what = f"the Lambda role of consumer '{consumer}' in {environment.what}"
        if not isinstance(value, SourceDict):
            environment.problems.append(Problem(named.file, named.line_of(consumer),  # type: ignore[union-attr]
                                                f"{what} must be a mapping such as '{consumer}: {{role_arn: "
                                                f"{ARN_EXAMPLE}, policies: generated}}', not {describe(value)}"))
            continue
        declaration = _declaration(Fields(value, what, ROLE_KEYS, environment.problems))
        if declaration is not None:
            consumers[consumer] = declaration
    return LambdaRoles(defaults, consumers, Location(environment.file, environment.line("lambda_roles")))


def _declaration(fields: Fields) -> RoleDeclaration | None:
    arn = fields.string("role_arn", ARN_EXAMPLE, required=True)
    if arn is not None and not _valid_arn(fields, arn):
        arn = None
    policies = _policies(fields)
    if arn is None or policies is None:
        return None
    source, files = policies
    return RoleDeclaration(arn, source, files, Location(fields.file, fields.line()))


def _valid_arn(fields: Fields, arn: str) -> bool:
    try:
        sample = arn.format(**_SAMPLE)
    except (KeyError, IndexError, ValueError):
        fields.reject("role_arn", f"role_arn '{arn}' in {fields.what} uses a placeholder other than "
                                  f"{', '.join('{' + p + '}' for p in PLACEHOLDERS)}; write 'role_arn: {ARN_EXAMPLE}'")
        return False
    if not ROLE_ARN.fullmatch(sample):
        fields.reject("role_arn", f"role_arn '{arn}' in {fields.what} is not an IAM role's ARN; write "
                                  f"'role_arn: {ARN_EXAMPLE}'")
        return False
    return True


def _policies(fields: Fields) -> tuple[PolicySource, tuple[PolicyFile, ...]] | None:
    if not fields.require("policies", POLICIES_EXAMPLE):
        return None
    value = fields.raw("policies")
    if value == PolicySource.GENERATED.value:
        return PolicySource.GENERATED, ()
    if not isinstance(value, SourceList) or not value or not all(isinstance(item, str) for item in value):
        hint = did_you_mean(value, [PolicySource.GENERATED.value]) if isinstance(value, str) else ""
        fields.reject("policies", f"'policies' in {fields.what} is {describe(value)}{hint}; write 'policies: "
                                  f"{POLICIES_EXAMPLE}'")
        return None
    files = [_policy_file(fields, value, index) for index in range(len(value))]
    if any(f is None for f in files):
        return None
    return PolicySource.FILES, tuple(f for f in files if f is not None)


def _policy_file(fields: Fields, listed: SourceList, index: int) -> PolicyFile | None:
    """One policy document, relative to the file that names it; None when it cannot be used (reported)."""
    written, line = str(listed[index]), listed.line_of(index)
    path = Path(fields.file).parent / written
    where = f"(listed at {fields.file}:{line})"

    def problem(file: str, at: int, message: str) -> None:
        fields.invalid.add("policies")
        fields.problems.append(Problem(file, at, message))

    try:
        if path.stat().st_size > MAX_POLICY_BYTES:
            problem(fields.file, line, f"the policy document {written} is over 1 MiB: an IAM policy is at most a "
                                       "few KB; name the policy document itself")
            return None
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        why = getattr(error, "strerror", None) or error
        problem(fields.file, line, f"cannot read the policy document {written} ({why}); correct the path (it is "
                                   f"relative to {fields.file}) or create the file")
        return None
    try:
        document, statement_lines = _with_statement_lines(text)
    except json.JSONDecodeError as error:
        problem(display_path(path), error.lineno,
                f"this policy document is not JSON: {error.msg} (column {error.colno}) {where}")
        return None
    except RecursionError:
        problem(display_path(path), 1, f"this policy document nests too deeply to be an IAM policy {where}")
        return None
    if not isinstance(document, dict) or not isinstance(document.get("Statement"), list | dict):
        problem(display_path(path), 1, f"this is not an IAM policy document: it needs a 'Statement' list, such as "
                              f'{{"Version": "2012-10-17", "Statement": [...]}} {where}')
        return None
    shown = display_path(path)
    return PolicyFile(shown, document, Location(shown, 1), statement_lines)


def _with_statement_lines(text: str) -> tuple[Any, tuple[int, ...]]:
    """The JSON document, and the line each element of its Statement list starts at (so a report can point at one).

    json's pure-Python scanner, with its object parser wrapped to note where each object starts."""
    starts: dict[int, int] = {}
    kept: list[Any] = []  # the objects noted, alive until their ids are looked up
    decoder: Any = json.JSONDecoder()  # typeshed names neither parse_object nor scan_once
    parse_object = decoder.parse_object

    def noting(s_and_end: tuple[str, int], *args: Any) -> tuple[Any, int]:
        found, end = parse_object(s_and_end, *args)
        kept.append(found)
        starts[id(found)] = s_and_end[1] - 1
        return found, end

    decoder.parse_object = noting
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    document = decoder.decode(text)
    listed = document.get("Statement") if isinstance(document, dict) else None
    elements = [listed] if isinstance(listed, dict) else listed if isinstance(listed, list) else []
    lines = tuple(text.count("\n", 0, starts[id(e)]) + 1 if id(e) in starts else 0 for e in elements)
    return document, lines

