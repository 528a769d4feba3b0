"""Whether a backup selection covers a table, however it names it: ARN, wildcard or tag.

AWS Backup selects a resource named by `Resources` (ARNs, `*` wildcards) or carrying a tag of
`ListOfTags` (either one), that meets every `Conditions` test and is not in `NotResources`.
With neither Resources nor ListOfTags, every resource is a candidate.
https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupSelection.html

What a source cannot know stays as small as it is: an entry of unknown value could be any resource (or any
condition), so it makes the answer unknown only where no known entry decides it.
"""

from __future__ import annotations

from collections.abc import Mapping
from fnmatch import fnmatchcase

from ...provision.observed.state import (
    Maybe,
    ObservedSelection,
    TagCondition,
    Unverifiable,
    all_of,
    any_of,
    negated,
)


def _arn_matches(arn: str, patterns: tuple[str | Unverifiable, ...]) -> Maybe:
    return any_of(pattern if isinstance(pattern, Unverifiable) else pattern == "*" or fnmatchcase(arn, pattern)
                  for pattern in patterns)


def _tag_holds(condition: TagCondition | Unverifiable, tags: Mapping[str, str | Unverifiable] | Unverifiable
               ) -> Maybe:
    if isinstance(condition, Unverifiable):
        return condition
    if isinstance(tags, Unverifiable):
        return tags
    value = tags.get(condition.key)
    if isinstance(value, Unverifiable):
        return value
    if condition.operator == "StringEquals":
        return value == condition.value
    if condition.operator == "StringLike":
        return value is not None and fnmatchcase(value, condition.value)
    if condition.operator == "StringNotEquals":
        return value != condition.value
    return value is None or not fnmatchcase(value, condition.value)  # StringNotLike


def selection_covers(selection: ObservedSelection, arn: str,
                     tags: Mapping[str, str | Unverifiable] | Unverifiable) -> Maybe:
    """True or False, or Unverifiable when the answer depends on tags or entries the source cannot read."""
    named: Maybe = True
    if selection.resources or selection.any_tags:
        named = any_of([_arn_matches(arn, selection.resources),
                        *(_tag_holds(c, tags) for c in selection.any_tags)])
    return all_of([negated(_arn_matches(arn, selection.not_resources)), named,
                   *(_tag_holds(c, tags) for c in selection.all_tags)])
