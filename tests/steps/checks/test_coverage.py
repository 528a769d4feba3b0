"""Backup coverage read from selections however they name a table: ARN, wildcard, tag."""

from __future__ import annotations

import pytest

from dynamo_contracts.provision.observed.state import ObservedSelection, TagCondition, Unverifiable
from dynamo_contracts.steps.checks.coverage import selection_covers

ARN = "arn:aws:dynamodb:eu-west-1:222222222222:table/orders-sit"
TAGS = {"Backup": "daily", "Project": "bbws"}
NO_TAGS = Unverifiable("dynamodb-local", "no tagging API")


@pytest.mark.parametrize(("selection", "covered"), [
    (ObservedSelection("by-arn", resources=(ARN,)), True),
    (ObservedSelection("other-arn", resources=(ARN.replace("orders", "users"),)), False),
    (ObservedSelection("all-tables", resources=("arn:aws:dynamodb:*:*:table/*",)), True),
    (ObservedSelection("sit-tables", resources=("arn:aws:dynamodb:eu-west-1:222222222222:table/*-sit",)), True),
    (ObservedSelection("prod-tables", resources=("arn:aws:dynamodb:eu-west-1:222222222222:table/*-prod",)), False),
    (ObservedSelection("star", resources=("*",)), True),
    (ObservedSelection("star-but-not", resources=("*",), not_resources=(ARN,)), False),
    (ObservedSelection("by-tag", any_tags=(TagCondition("Backup", "daily"),)), True),
    (ObservedSelection("by-other-tag", any_tags=(TagCondition("Backup", "weekly"),)), False),
    (ObservedSelection("star-and-condition", resources=("*",),
                       all_tags=(TagCondition("Project", "bbws"), TagCondition("Backup", "d*", "StringLike"))), True),
    (ObservedSelection("condition-fails", resources=("*",),
                       all_tags=(TagCondition("Project", "bbws"), TagCondition("Backup", "daily", "StringNotEquals"))),
     False),
    (ObservedSelection("everything"), True),
], ids=lambda value: value.name if isinstance(value, ObservedSelection) else str(value))
def test_selection_covers(selection: ObservedSelection, covered: bool) -> None:
    assert selection_covers(selection, ARN, TAGS) is covered


def test_a_tag_selection_is_unverifiable_where_tags_cannot_be_read() -> None:
    selection = ObservedSelection("by-tag", any_tags=(TagCondition("Backup", "daily"),))
    assert selection_covers(selection, ARN, NO_TAGS) == NO_TAGS


def test_an_arn_selection_needs_no_tags() -> None:
    assert selection_covers(ObservedSelection("by-arn", resources=(ARN,)), ARN, NO_TAGS) is True
