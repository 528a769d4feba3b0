"""What the warm Python of tests/support/warm_python.py has imported before it forks a program: the third-party
modules every inner run imports (pytest, the dependencies of its plugins, boto3 and botocore, moto and the backends
the contracts use, PyYAML, Jinja2, python-hcl2), then `gc.freeze()`, so the forked children share those pages
instead of copying them the first time the cycle collector walks them.

Not the modules of pytest's plugins (pytest-bdd, xdist): pytest rewrites their asserts as it imports them, and warns
that it cannot where they were imported before. None of the project's own modules: they are what the inner runs
test, and some read the environment (HOME, the cache's variables) when first used, which differs from run to run.
None of these modules reads it on import.
"""

from __future__ import annotations

import contextlib
import gc
import importlib

MODULES = (
    "pytest", "_pytest.pytester", "_pytest.junitxml", "_pytest.python", "_pytest.fixtures", "_pytest.terminal",
    "execnet", "gherkin", "gherkin.parser", "parse", "parse_type",
    "yaml", "jinja2", "lark", "hcl2",
    "boto3", "boto3.session", "boto3.dynamodb.conditions", "boto3.dynamodb.types",
    "botocore.session", "botocore.client", "botocore.config", "botocore.httpsession", "botocore.parsers",
    "botocore.serialize", "botocore.retries.standard",
    "moto", "moto.core.models", "moto.backends", "moto.moto_api", "moto.dynamodb.models", "moto.dynamodb.responses",
    "moto.dynamodbstreams.models", "moto.backup.models", "moto.backup.responses", "moto.cloudwatch.models",
    "moto.cloudwatch.responses", "moto.iam.models", "moto.iam.responses", "moto.sts.models", "moto.sts.responses",
    "moto.kms.models", "moto.kms.responses", "moto.awslambda.models", "moto.events.models", "moto.logs.models",
    "moto.kinesis.models", "moto.s3.models", "moto.sqs.models", "moto.ecr.models",
)

for _name in MODULES:
    with contextlib.suppress(ImportError):  # an install without an extra: the child imports what it needs itself
        importlib.import_module(_name)

gc.collect()
gc.freeze()
