"""Credentials and TLS for the httpx client, built from a source at use time.

The Authorization header is computed per request from `Secret.reveal()`, so the secret sits
in no attribute of any long-lived object and a rotated token is picked up at the next call.
"""

import base64
import ssl
from collections.abc import Generator

import certifi
import httpx

from traces.tempo_config import BasicAuth, BearerToken, TlsConfig
from traces.tempo_errors import TempoConfigError


def authorization_header(auth: BasicAuth | BearerToken) -> str:
    if isinstance(auth, BearerToken):
        return f"Bearer {auth.token.reveal()}"
    pair = f"{auth.username}:{auth.password.reveal()}".encode()
    return f"Basic {base64.b64encode(pair).decode('ascii')}"


class SecretAuth(httpx.Auth):
    """httpx auth flow that reads the secret for every request."""

    def __init__(self, auth: BasicAuth | BearerToken) -> None:
        self._auth = auth

    def __repr__(self) -> str:
        return f"SecretAuth({self._auth!r})"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = authorization_header(self._auth)
        yield request


def ssl_verify(tls: TlsConfig) -> ssl.SSLContext | bool:
    """What httpx's `verify=` needs: a bool, or a context with our CA bundle / client cert."""
    if tls.ca_bundle is None and tls.client_cert is None:
        return tls.verify
    try:
        context = ssl.create_default_context(cafile=str(tls.ca_bundle or certifi.where()))
        if tls.client_cert is not None:
            context.load_cert_chain(tls.client_cert, tls.client_key)
    except (OSError, ssl.SSLError) as exc:
        raise TempoConfigError(f"bad TLS files for Tempo: {exc}") from None
    if not tls.verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context
