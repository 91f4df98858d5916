"""API tokens without a table: a signed user id plus a mark of the user's password hash.

A script's token is revoked by changing that user's password (or all of them by rotating
SECRET_KEY); nothing to migrate, list or clean up. A per-token table would buy naming and
revoking single tokens, which a small team's scripts have not needed so far.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "errors.api-token"


def _password_mark(user: Any) -> str:
    return salted_hmac(SALT, user.password, algorithm="sha256").hexdigest()[:16]


def make_token(user: Any) -> str:
    return signing.dumps({"u": user.pk, "p": _password_mark(user)}, salt=SALT)


def user_for(token: str) -> Any | None:
    """The active user a token belongs to, or None if it is forged or revoked."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    user = get_user_model().objects.filter(pk=data["u"], is_active=True).first()
    if user is None or not constant_time_compare(str(data.get("p")), _password_mark(user)):
        return None
    return user
