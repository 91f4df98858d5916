"""Secrets named, never held, and the httpx auth that reads them at each request.

A `Secret` names where a secret lives (an env var or a file); `reveal()` reads it at use time, so
a rotated token works without a restart and no repr or traceback ever shows one. A client
subclasses `Secret` to fail with its own configuration error.
"""

import base64
import os
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import httpx


@dataclass(frozen=True)
class Secret:
    """Where a secret lives: exactly one of an environment variable name or a file path."""

    config_error: ClassVar[type[Exception]] = ValueError
    """Raised when the secret is named wrongly, missing or empty; each client sets its own."""

    env: str | None = None
    file: Path | None = None

    def __post_init__(self) -> None:
        if (self.env is None) == (self.file is None):
            raise self.config_error("a Secret needs exactly one of env= or file=")

    def reveal(self) -> str:
        """The secret's value now; raises `config_error` when it is missing or empty."""
        if self.env is not None:
            value = os.environ.get(self.env, "")
            where = f"environment variable {self.env}"
        else:
            assert self.file is not None
            where = f"file {self.file}"
            try:
                value = Path(self.file).read_text()
            except OSError as exc:
                raise self.config_error(f"cannot read secret {where}: {exc.strerror}") from None
        value = value.strip()
        if not value:
            raise self.config_error(f"secret {where} is empty or unset")
        return value


@dataclass(frozen=True)
class BasicAuth:
    username: str
    password: Secret


@dataclass(frozen=True)
class BearerToken:
    token: Secret


def authorization_header(auth: BasicAuth | BearerToken) -> str:
    if isinstance(auth, BearerToken):
        return f"Bearer {auth.token.reveal()}"
    pair = f"{auth.username}:{auth.password.reveal()}".encode()
    return f"Basic {base64.b64encode(pair).decode('ascii')}"


class SecretAuth(httpx.Auth):
    """httpx auth flow reading the secret for every request (websocket upgrade included).

    The header is computed per request, so the secret sits in no attribute of any long-lived
    object and a rotated token is picked up at the next call.
    """

    def __init__(self, auth: BasicAuth | BearerToken) -> None:
        self._auth = auth

    def __repr__(self) -> str:
        return f"SecretAuth({self._auth!r})"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = authorization_header(self._auth)
        yield request
