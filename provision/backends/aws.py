"""AWS: a boto3 session from the environment's profile or role, in its region."""

from __future__ import annotations

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from .. import operations as ops
from ..desired.model import BackendKind, Environment
from ..errors import BackendError
from .backend import Backend, client_config


def aws_backend(env: Environment) -> Backend:
    try:
        session = boto3.Session(profile_name=env.profile, region_name=env.region)
        if env.role_arn:
            sts = session.client("sts", config=client_config())
            creds = ops.ASSUME_ROLE.call(sts, RoleArn=env.role_arn, RoleSessionName=f"dynamo-contracts-{env.name}")
            credentials = creds["Credentials"]
            session = boto3.Session(
                aws_access_key_id=credentials["AccessKeyId"],
                aws_secret_access_key=credentials["SecretAccessKey"],
                aws_session_token=credentials["SessionToken"],
                region_name=env.region,
            )
    except (BotoCoreError, ClientError) as error:
        raise BackendError(f"cannot open a session for environment '{env.name}': {error}") from None
    how = f"role {env.role_arn}" if env.role_arn else f"profile {env.profile}" if env.profile else "default credentials"
    return Backend(BackendKind.AWS, session, description=f"AWS account {env.account_id}, {env.region}, {how}")
