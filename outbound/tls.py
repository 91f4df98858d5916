"""TLS for a client: verification on by default; a private CA bundle and a client certificate
when needed. Bad files fail as the client's own configuration error."""

import functools
import ssl
from dataclasses import dataclass
from pathlib import Path

import httpx

from outbound.family import ErrorFamily


@dataclass(frozen=True)
class TlsConfig:
    """Verification on by default; a private CA bundle and a client certificate when needed."""

    verify: bool = True
    ca_bundle: Path | None = None
    client_cert: Path | None = None
    client_key: Path | None = None


def ssl_context[E: Exception](tls: TlsConfig, errors: ErrorFamily[E]) -> ssl.SSLContext:
    """The SSL context for `tls`, read from its files now.

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
        raise errors.config(f"bad TLS files for {errors.name}: {exc}") from None
    if not tls.verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


@functools.cache
def cached_ssl_context[E: Exception](tls: TlsConfig, errors: ErrorFamily[E]) -> ssl.SSLContext:
    """`ssl_context`, built once per process (loading CA files costs ~40 ms).

    A replaced CA or client certificate file is then only read again after a restart.
    """
    return ssl_context(tls, errors)
