"""API tokens: a signed user id plus a mark of that person's API key (errors.models.ApiKey).

Changing the password revokes every token issued before (the key is deleted, the next token
gets a new one); rotating SECRET_KEY revokes everybody's. The mark used to come from the
password hash, but Django re-hashes a password at login whenever its hasher gets stronger (every
feature release raises PBKDF2's iterations), which silently revoked tokens nobody had revoked.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from errors.models import ApiKey

SALT = "errors.api-token"


def _mark(key: str) -> str:
    return salted_hmac(SALT, key, algorithm="sha256").hexdigest()[:16]


def make_token(user: Any) -> str:
    api_key, _ = ApiKey.objects.get_or_create(user=user)
    return signing.dumps({"u": user.pk, "k": _mark(api_key.key)}, salt=SALT)


def user_for(token: str) -> Any | None:
    """The active user a token belongs to, or None if it is forged or revoked."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    user = get_user_model().objects.filter(pk=data["u"], is_active=True).first()
    key = ApiKey.objects.filter(user_id=data["u"]).values_list("key", flat=True).first()
    if user is None or key is None or not constant_time_compare(str(data.get("k")), _mark(key)):
        return None
    return user


def revoke(user: Any) -> None:
    """Every API token of `user` stops working; the next one issued works."""
    ApiKey.objects.filter(user_id=user.pk).delete()


class RevokeTokensOnPasswordChange:
    """In AUTH_PASSWORD_VALIDATORS for Django's `password_changed` hook, called when a password
    is set and saved (forms, admin, `changepassword`), never when a login re-hashes it."""

    def validate(self, password: str, user: Any = None) -> None:
        return None

    def password_changed(self, password: str, user: Any = None) -> None:
        if user is not None and user.pk is not None:
            revoke(user)

    def get_help_text(self) -> str:
        return "Changing your password revokes your API tokens."
