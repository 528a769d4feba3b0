"""Whether a backup selection covers a table, however it names it: ARN, wildcard or tag.

AWS Backup selects a resource named by `Resources` (ARNs, `*` wildcards) or carrying a tag of
`ListOfTags` (either one), that meets every `Conditions` test and is not in `NotResources`.
With neither Resources nor ListOfTags, every resource is a candidate.
https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupSelection.html
"""

from __future__ import annotations

from collections.abc import Mapping
from fnmatch import fnmatchcase

from provision.observed.state import ObservedSelection, TagCondition, Unverifiable


def _arn_matches(arn: str, patterns: tuple[str, ...]) -> bool:
    return any(pattern == "*" or fnmatchcase(arn, pattern) for pattern in patterns)


def _tag_holds(condition: TagCondition, tags: Mapping[str, str]) -> bool:
    value = tags.get(condition.key)
    if condition.operator == "StringEquals":
        return value == condition.value
    if condition.operator == "StringLike":
        return value is not None and fnmatchcase(value, condition.value)
    if condition.operator == "StringNotEquals":
        return value != condition.value
    return value is None or not fnmatchcase(value, condition.value)  # StringNotLike


def selection_covers(selection: ObservedSelection, arn: str,
                     tags: Mapping[str, str] | Unverifiable) -> bool | Unverifiable:
    """True or False, or Unverifiable when the answer depends on tags the backend cannot read."""
    if _arn_matches(arn, selection.not_resources):
        return False
    needs_tags = bool(selection.any_tags or selection.all_tags)
    if needs_tags and isinstance(tags, Unverifiable):
        if selection.resources and _arn_matches(arn, selection.resources) and not selection.all_tags:
            return True
        return tags
    table_tags: Mapping[str, str] = {} if isinstance(tags, Unverifiable) else tags
    named = not selection.resources and not selection.any_tags
    named = named or _arn_matches(arn, selection.resources)
    named = named or any(_tag_holds(c, table_tags) for c in selection.any_tags)
    return named and all(_tag_holds(c, table_tags) for c in selection.all_tags)
