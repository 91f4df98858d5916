"""The secret a person's API tokens are marked with: replacing it revokes all of them."""

import secrets

from django.conf import settings
from django.db import models


def new_key() -> str:
    return secrets.token_hex(32)


class ApiKey(models.Model):
    """Created with the first token; deleted when the password changes (see errors.tokens)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(max_length=64, default=new_key)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"API key of user {self.user_id}"
