"""Safety before mutating AWS: the credentials must belong to the environment's account."""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError

from .. import operations as ops
from ..backends import Backend
from ..desired.model import Environment
from ..errors import AccountMismatchError


def check_account(backend: Backend, env: Environment) -> str:
    """The caller's account id, or AccountMismatchError when it is not the environment's."""
    try:
        account = str(ops.GET_CALLER_IDENTITY.call(backend.client("sts"))["Account"])
    except (BotoCoreError, ClientError) as error:
        raise AccountMismatchError(f"cannot tell which AWS account these credentials belong to ({error}); "
                                   f"nothing was changed in '{env.name}'") from None
    if account != env.account_id:
        raise AccountMismatchError(
            f"the credentials belong to AWS account {account}, but environment '{env.name}' is account "
            f"{env.account_id}: nothing was changed. Use the profile or role of '{env.name}', or fix its "
            "account_id in the contracts.")
    return account
