"""Checks: plain functions (no pytest) from the observed state and a claim to `Finding`s.

The step modules call them; a unit test or a Terraform-based run can call them directly.
"""

from .backups import backup_coverage, vault_exists
from .indexes import index_exists, index_key, index_projection, index_projects
from .inventory import (
    exact_indexes,
    exact_tables,
    index_count,
    naming_convention,
    table_count,
)
from .key_types import key_type_conflicts
from .tables import (
    billing_mode,
    deletion_protection,
    encryption,
    point_in_time_recovery,
    stream_view,
    table_class,
    table_exists,
    table_key,
    tags,
    ttl_attribute,
)

__all__ = [
    "backup_coverage",
    "billing_mode",
    "deletion_protection",
    "encryption",
    "exact_indexes",
    "exact_tables",
    "index_count",
    "index_exists",
    "index_key",
    "index_projection",
    "index_projects",
    "key_type_conflicts",
    "naming_convention",
    "point_in_time_recovery",
    "stream_view",
    "table_class",
    "table_count",
    "table_exists",
    "table_key",
    "tags",
    "ttl_attribute",
    "vault_exists",
]
