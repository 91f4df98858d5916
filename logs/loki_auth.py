"""Credentials and TLS for Loki's httpx client, from `outbound`, failing as LokiConfigError.

The Authorization header is computed per request from `Secret.reveal()` (`SecretAuth`), so the
secret sits in no attribute of any long-lived object and a rotated token is picked up at the
next call.
"""

import ssl

from logs.loki_config import TlsConfig
from logs.loki_status import LOKI_ERRORS
from outbound.secrets import SecretAuth, authorization_header
from outbound.tls import cached_ssl_context

__all__ = ["SecretAuth", "authorization_header", "ssl_verify"]


def ssl_verify(tls: TlsConfig) -> ssl.SSLContext:
    """The SSL context for `tls`, built once per process (loading CA files costs ~40 ms)."""
    return cached_ssl_context(tls, LOKI_ERRORS)
