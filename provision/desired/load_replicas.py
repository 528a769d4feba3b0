"""A global table's replicas, as written under `replicas:` in a table.

    tables:
      orders:
        replicas:
          - us-east-1                                # a replica in that region, as the table is
          - region: ap-southeast-2
            kms_key: arn:aws:kms:ap-southeast-2:222222222222:key/...   # with CUSTOMER_MANAGED encryption only
            point_in_time_recovery: true             # default: as the table has it
            propagate_tags: true                     # the table's tags on the replica too (default false)

Every mistake is reported with its file:line and what to write instead: a region that is not one, a region
given twice, a key of another region (KMS keys are regional), a key on a table not encrypted with
CUSTOMER_MANAGED, or no key where it is (each replica then needs its own key in its region).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..errors import Problem
from .fields import Fields, describe
from .model import (
    Encryption,
    EncryptionType,
    Environment,
    Location,
    Replica,
    TableSpec,
)
from .yamlsrc import SourceDict, SourceList

REPLICA_KEYS = ("region", "kms_key", "point_in_time_recovery", "propagate_tags")
REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d{1,2}")
EXAMPLE = "replicas: [us-east-1]"


def read_replicas(fields: Fields, encryption: Encryption) -> tuple[Replica, ...] | None:
    """The table's replicas, each checked against the table's encryption; None if `replicas` is not given."""
    value = fields.raw("replicas")
    if value is None:
        return None
    if not isinstance(value, SourceList):
        fields.reject("replicas", f"'replicas' in {fields.what} must be a list of regions or of mappings "
                                  f"(region, kms_key, point_in_time_recovery, propagate_tags), not {describe(value)}; "
                                  f"write '{EXAMPLE}'")
        return ()
    found: list[Replica] = []
    lines: dict[str, int] = {}
    for index, item in enumerate(value):
        where = Location(value.file, value.line_of(index))
        replica = _replica(fields, item, where, encryption)
        if replica is None:
            continue
        if replica.region in lines:
            fields.problems.append(_at(where, f"{fields.what} is replicated to {replica.region} twice (also at "
                                                 f"line {lines[replica.region]}): keep one"))
            continue
        lines[replica.region] = where.line
        found.append(replica)
    return tuple(found)


def _replica(table: Fields, item: object, where: Location, encryption: Encryption) -> Replica | None:
    if isinstance(item, str):
        return _checked(table, Replica(item, source=where), where, encryption)
    if not isinstance(item, SourceDict):
        table.problems.append(_at(where, f"a replica of {table.what} is {describe(item)}: write a region "
                                            "('- us-east-1') or a mapping ('- {region: us-east-1}')"))
        return None
    fields = Fields(item, f"the replica of {table.what}", REPLICA_KEYS, table.problems)
    region = fields.string("region", "us-east-1", required=True)
    if region is None:
        return None
    replica = Replica(region, fields.string("kms_key", "arn:aws:kms:REGION:ACCOUNT:key/ID"),
                      fields.boolean("point_in_time_recovery"), bool(fields.boolean("propagate_tags")), where)
    return _checked(table, replica, Location(item.file, item.line_of("region")), encryption,
                    Location(item.file, item.line_of("kms_key")))


def _checked(table: Fields, replica: Replica, where: Location, encryption: Encryption,
             key_at: Location | None = None) -> Replica | None:
    problems = table.problems
    if not REGION.fullmatch(replica.region):
        problems.append(_at(where, f"'{replica.region}' is not an AWS region: write one such as us-east-1 or "
                                      "eu-west-1"))
        return None
    key_at = key_at or where
    customer = encryption.type is EncryptionType.CUSTOMER_MANAGED
    if replica.kms_key is None and customer:
        problems.append(_at(where, f"{table.what} is encrypted with a customer managed key, and a KMS key is "
                                      f"regional: give its replica in {replica.region} its own key "
                                      f"('- {{region: {replica.region}, kms_key: arn:aws:kms:{replica.region}:...}}')"))
        return None
    if replica.kms_key is not None and not customer:
        problems.append(_at(key_at, f"a replica's kms_key is only used when the table is encrypted with "
                                       f"CUSTOMER_MANAGED, and {table.what} is {encryption.type}: remove kms_key"))
        return None
    if replica.kms_key is not None and not replica.kms_key.startswith(f"arn:aws:kms:{replica.region}:"):
        problems.append(_at(key_at, f"the replica's kms_key is not a key of {replica.region} (a KMS key is "
                                       f"regional): give the ARN of a key there, arn:aws:kms:{replica.region}:..."))
        return None
    return replica


def check_replica_regions(problems: list[Problem], environments: Sequence[Environment],
                          tables: Sequence[TableSpec]) -> None:
    """A replica is in another region than its table: an AWS environment in a replica's region is a mistake."""
    for table in tables:
        for replica in table.replicas or ():
            clash = [env.name for env in environments if env.is_aws and env.region == replica.region]
            if clash and replica.source is not None:
                which = f"environment{'s' if len(clash) > 1 else ''} {', '.join(clash)}"
                problems.append(_at(replica.source, f"table '{table.name}' is replicated to {replica.region}, the "
                                    f"region of {which} itself: a replica is a copy in another region; remove it "
                                    "or name another region"))


def _at(where: Location, message: str) -> Problem:
    return Problem(where.file, where.line, message)
