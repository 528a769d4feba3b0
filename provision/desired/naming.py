"""The index naming convention: `<Table>By<Attribute>`, as settled in docs/decisions.

A template names the parts of an index name: `<Table>` is the table's logical name in
CamelCase (`orders` -> `Orders`, `tenant_users` -> `TenantUsers`); `<Attribute>` is one
CamelCase word or more (`Date`, `CustomerEmail`).

A name that breaks it gets a conforming one built from the index itself (`conforming_name`): from
its keys when they are known (the key that sets it apart from the table: `OrdersByInvoiceDate`
for an index on tenantId and invoiceDate), else from the words of the name (`InvoicesByDate` ->
`OrdersByInvoiceDate`). The loader suggests it and so does a consumer's run asking for such an
index, so the platform team adds a name `provision validate` accepts.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

DEFAULT_INDEX_NAMING = "<Table>By<Attribute>"
_ATTRIBUTE = r"[A-Z][A-Za-z0-9]*"
_PLACEHOLDER = re.compile(r"<(Table|Attribute)>")
_SUFFIXES = ("Index", "Idx", "GSI", "LSI")


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


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 3:
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _attribute_part(text: str) -> str:
    """Text as a CamelCase <Attribute> ("" if nothing of it can be one)."""
    words = re.findall(r"[A-Za-z0-9]+", text)
    part = "".join(w[:1].upper() + w[1:] for w in words)
    return part if re.fullmatch(_ATTRIBUTE, part) else ""


def _from_keys(keys: Sequence[str], table_partition: str | None) -> list[str]:
    """<Attribute> candidates from an index's key names: the keys that set it apart from the table first."""
    own = [k for k in keys if k != table_partition] or list(keys)
    parts = [_attribute_part(k) for k in own]
    return [p for p in ([*parts[:1], "".join(parts)] if len(parts) > 1 else parts) if p]


def _from_words(index: str, table: str) -> list[str]:
    """<Attribute> candidates from the words of a name: `InvoicesByDate` -> `InvoiceDate`, `OrderHistoryIndex`
    -> `OrderHistory`, `OrderByDate` on orders -> `Date`."""
    name = index
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
    before, by, after = name.partition("By")
    if not by:
        return [p for p in [_attribute_part(name)] if p]
    entity = _singular(_attribute_part(before))
    own_table = _singular(camel_case(table))
    rest = _attribute_part(after)
    candidates = [rest] if entity in ("", own_table) else [f"{entity}{rest}", rest]
    return [c for c in candidates if c]


def conforming_name(template: str, table: str, index: str, keys: Sequence[str] = (),
                    table_partition: str | None = None, taken: Collection[str] = ()) -> str:
    """A name for `index` of `table` that follows `template`, built from its key names (partition first) when
    given, else from the words of its name; one no other index of the table (`taken`) has, where possible."""
    candidates = [*(_from_keys(keys, table_partition) if keys else []), *_from_words(index, table)]
    names = [example_name(template, table, part) for part in dict.fromkeys(candidates)]
    names = [n for n in names if follows_convention(n, template, table)] or [example_name(template, table)]
    return next((n for n in names if n not in taken), names[0])
