"""The index naming convention: `<Table>By<Attribute>`, as settled in docs/decisions.

A template names the parts of an index name: `<Table>` is the table's logical name in
CamelCase (`orders` -> `Orders`, `tenant_users` -> `TenantUsers`); `<Attribute>` is one
CamelCase word or more (`Date`, `CustomerEmail`).
"""

from __future__ import annotations

import re

DEFAULT_INDEX_NAMING = "<Table>By<Attribute>"
_ATTRIBUTE = r"[A-Z][A-Za-z0-9]*"
_PLACEHOLDER = re.compile(r"<(Table|Attribute)>")


def camel_case(logical_name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[_\-.]+", logical_name) if part)


def index_name_pattern(template: str, table: str) -> re.Pattern[str]:
    """The regular expression an index name on `table` must match under `template`."""
    parts: list[str] = []
    position = 0
    for match in _PLACEHOLDER.finditer(template):
        parts.append(re.escape(template[position : match.start()]))
        parts.append(re.escape(camel_case(table)) if match.group(1) == "Table" else _ATTRIBUTE)
        position = match.end()
    parts.append(re.escape(template[position:]))
    return re.compile("".join(parts))


def follows_convention(index: str, template: str, table: str) -> bool:
    return index_name_pattern(template, table).fullmatch(index) is not None


def example_name(template: str, table: str, attribute: str = "Status") -> str:
    return template.replace("<Table>", camel_case(table)).replace("<Attribute>", camel_case(attribute))
