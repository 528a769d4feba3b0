"""Does a policy document grant more than a role's calls need? Each Allow statement that does, and what it grants
beyond them, named by its Sid (or its place) and its line.

`needed` is the least-privilege policy of the role (for a consumer's Lambda role, the policy its access patterns
make, `policy.consumer_policy`): its actions and resources are what the role needs. A statement grants too much
when it allows
- every action (`*`), every action of a service (`dynamodb:*`), any other wildcard action (it matches actions the
  role does not call, and those AWS adds later), or everything but some (`NotAction`);
- an action the role never calls;
- every resource (`*`), everything but some (`NotResource`), a resource the role never touches, or a pattern that
  also covers a resource of `known` (the environment's tables and indexes) the role does not touch.
Deny statements never widen a policy. Conditions are not weighed: a statement is judged by what it can allow.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Excess:
    """One statement that grants more than the role needs."""

    policy: str  # the document's name: its file
    line: int | None  # the statement's line in it, when known
    statement: str  # its Sid, or "statement N" (1-based) without one
    grants: tuple[str, ...]  # what it grants beyond the role's needs, in words

    def describe(self) -> str:
        where = f"{self.policy}:{self.line}" if self.line else self.policy
        return f"{where}: statement {self.statement} allows {', '.join(self.grants)}"


def matches(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """IAM's wildcard matching: * any run of characters, ? one character, the rest literal (actions ignore case)."""
    regex = "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern)
    return re.fullmatch(regex, value, re.IGNORECASE if ignore_case else 0) is not None


def _listed(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value] if isinstance(value, list) else []


def _all_statements(document: Mapping[str, Any]) -> list[Any]:
    """The document's Statement as a list (a single statement may be given alone), as IAM reads it."""
    found = document.get("Statement")
    return [found] if isinstance(found, Mapping) else list(found) if isinstance(found, list) else []


def statements(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [s for s in _all_statements(document) if isinstance(s, Mapping)]


def needs(policy: Mapping[str, Any]) -> tuple[set[str], set[str]]:
    """The actions and the resources a least-privilege policy document allows."""
    actions = {a for s in statements(policy) for a in _listed(s.get("Action"))}
    resources = {r for s in statements(policy) for r in _listed(s.get("Resource"))}
    return actions, resources


def _actions_beyond(statement: Mapping[str, Any], needed: set[str]) -> list[str]:
    if "NotAction" in statement:
        return [f"every action but {', '.join(_listed(statement['NotAction'])) or 'none'} (NotAction)"]
    lowered = {a.lower() for a in needed}
    found = []
    for action in _listed(statement.get("Action")):
        if action == "*":
            found.append("every action of every service ('*')")
        elif action.endswith(":*"):
            found.append(f"every {action.split(':', 1)[0]} action ('{action}')")
        elif "*" in action or "?" in action:
            found.append(f"'{action}', a wildcard (every action it matches, now and later)")
        elif action.lower() not in lowered:
            found.append(f"{action}, which no call of the role needs")
    return found


def _resources_beyond(statement: Mapping[str, Any], needed: set[str], known: set[str]) -> list[str]:
    if "NotResource" in statement:
        return [f"every resource but {', '.join(_listed(statement['NotResource'])) or 'none'} (NotResource)"]
    found = []
    for resource in _listed(statement.get("Resource")):
        if resource == "*":
            found.append("on every resource ('*')")
        elif not any(matches(resource, arn) for arn in needed):
            found.append(f"on {resource}, which no call of the role touches")
        else:
            others = sorted(arn for arn in known - needed if matches(resource, arn))
            if others:
                more = f" and {len(others) - 1} more" if len(others) > 1 else ""
                found.append(f"on {resource}, which also covers {others[0]}{more} (no call of the role touches it)")
    return found


def excess(name: str, document: Mapping[str, Any], needed: Mapping[str, Any], known: Iterable[str] = (),
           lines: Sequence[int] = ()) -> list[Excess]:
    """Each Allow statement of `document` (named `name`, its statements at `lines`) granting more than `needed`."""
    actions, resources = needs(needed)
    known_set = set(known)
    found = []
    for number, statement in enumerate(_all_statements(document), 1):
        if not isinstance(statement, Mapping) or statement.get("Effect") != "Allow":
            continue
        grants = [*_actions_beyond(statement, actions), *_resources_beyond(statement, resources, known_set)]
        if grants:
            sid = statement.get("Sid")
            label = f"'{sid}'" if isinstance(sid, str) and sid else str(number)
            line = lines[number - 1] if number - 1 < len(lines) else None
            found.append(Excess(name, line, label, tuple(grants)))
    return found
