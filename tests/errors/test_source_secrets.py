"""A Loki source sends its secret to its URL: it may only read secrets meant for Loki."""

import pytest
from django.core.exceptions import ValidationError

from errors.models import AuthType, LokiSource


def source(**fields: str) -> LokiSource:
    return LokiSource(
        name="s",
        url="https://loki.example",
        selector='{job="x"}',
        auth_type=AuthType.BEARER,
        **fields,
    )


@pytest.mark.parametrize("name", ["DATABASE_URL", "SECRET_KEY", "EMAIL_HOST_PASSWORD"])
def test_console_secrets_cannot_be_named(name: str) -> None:
    with pytest.raises(ValidationError, match="starts with LOKI_"):
        source(secret_env=name).clean()


@pytest.mark.parametrize("path", ["/etc/shadow", "/run/secrets/../../etc/passwd", "relative"])
def test_files_outside_the_secrets_folder_are_refused(path: str) -> None:
    with pytest.raises(ValidationError, match="/run/secrets"):
        source(secret_file=path).clean()


def test_loki_secrets_are_fine() -> None:
    source(secret_env="LOKI_TOKEN").clean()
    source(secret_file="/run/secrets/loki_token").clean()
