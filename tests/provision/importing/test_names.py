"""The name pattern an import writes (`provision.importing.names`): the first shape every name fits, else the names
as they are; a given pattern a name does not fit is one clear error."""

from __future__ import annotations

import pytest

from dynamo_contracts.provision.errors import ToolError
from dynamo_contracts.provision.importing import names

# Name patterns -----------------------------------------------------------------------------------------------


def test_the_name_pattern_is_the_first_shape_every_name_fits_else_the_names_as_they_are() -> None:
    assert names.infer(["orders-sit", "users-sit"], "sit", "table", None, "--name-pattern").pattern == "{table}-{env}"
    prefixed = names.infer(["sit-orders", "sit-users"], "sit", "table", None, "--name-pattern")
    assert (prefixed.pattern, prefixed.logical) == ("{env}-{table}", {"sit-orders": "orders", "sit-users": "users"})
    assert names.infer(["orders_sit"], "sit", "table", None, "--name-pattern").pattern == "{table}_{env}"
    mixed = names.infer(["orders-sit", "payments"], "sit", "table", None, "--name-pattern")
    assert (mixed.pattern, mixed.logical) == ("{table}", {"orders-sit": "orders-sit", "payments": "payments"})
    short = names.infer(["ab-sit"], "sit", "table", None, "--name-pattern")  # "ab" is no table name: 3 at least
    assert short.pattern == "{table}"
    given = names.infer(["bbws-orders-sit"], "sit", "table", "bbws-{table}-{env}", "--name-pattern")
    assert given.logical == {"bbws-orders-sit": "orders"}
    assert names.infer([], "sit", "name", None, "--backup-name-pattern", fallback="{name}-{env}").pattern == \
        "{name}-{env}"


def test_a_given_pattern_a_name_does_not_fit_is_one_clear_error() -> None:
    with pytest.raises(ToolError, match=r"--name-pattern '\{table\}-\{env\}': 'orders-prod' \(main.tf:3\) does not "
                                        r"fit it for environment sit"):
        names.infer(["orders-prod"], "sit", "table", "{table}-{env}", "--name-pattern", lambda _: "main.tf:3")
    with pytest.raises(ToolError, match=r"has \{table\} once and may have \{env\}"):
        names.infer(["orders"], "sit", "table", "{name}-{env}", "--name-pattern")
