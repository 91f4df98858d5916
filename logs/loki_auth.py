"""Credentials and TLS for the httpx client, built from a source at use time.

The Authorization header is computed per request from `Secret.reveal()`, so the secret sits in
no attribute of any long-lived object and a rotated token is picked up at the next call.
"""

import base64
import functools
import ssl
from collections.abc import Generator

import httpx

from logs.loki_config import BasicAuth, BearerToken, TlsConfig
from logs.loki_errors import LokiConfigError


def authorization_header(auth: BasicAuth | BearerToken) -> str:
    if isinstance(auth, BearerToken):
        return f"Bearer {auth.token.reveal()}"
    pair = f"{auth.username}:{auth.password.reveal()}".encode()
    return f"Basic {base64.b64encode(pair).decode('ascii')}"


class SecretAuth(httpx.Auth):
    """httpx auth flow reading the secret for every request (websocket upgrade included)."""

    def __init__(self, auth: BasicAuth | BearerToken) -> None:
        self._auth = auth

    def __repr__(self) -> str:
        return f"SecretAuth({self._auth!r})"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = authorization_header(self._auth)
        yield request


@functools.cache
def ssl_verify(tls: TlsConfig) -> ssl.SSLContext:
    """The SSL context for `tls`, built once per process (loading CA files costs ~40 ms).

    A CA bundle replaces the default roots (a private CA should not widen trust to the public
    ones); without one, httpx's defaults apply (certifi, or SSL_CERT_FILE).
    """
    try:
        if tls.ca_bundle is not None:
            context = ssl.create_default_context(cafile=str(tls.ca_bundle))
        else:
            context = httpx.create_ssl_context(verify=tls.verify)
        if tls.client_cert is not None:
            context.load_cert_chain(tls.client_cert, tls.client_key)
    except (OSError, ssl.SSLError) as exc:
        raise LokiConfigError(f"bad TLS files for Loki: {exc}") from None
    if not tls.verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context
