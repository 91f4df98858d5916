"""Credentials and TLS for Tempo's httpx client, from `outbound`, failing as TempoConfigError.

The Authorization header is computed per request from `Secret.reveal()` (`SecretAuth`), so the
secret sits in no attribute of any long-lived object and a rotated token is picked up at the
next call.
"""

import ssl

from outbound.secrets import SecretAuth, authorization_header
from outbound.tls import ssl_context
from traces.tempo_config import TlsConfig
from traces.tempo_status import TEMPO_ERRORS

__all__ = ["SecretAuth", "authorization_header", "ssl_verify"]


def ssl_verify(tls: TlsConfig) -> ssl.SSLContext | bool:
    """What httpx's `verify=` needs: a bool, or a context with our CA bundle / client cert.

    Built for each client, so a replaced certificate file is read at the next one.
    """
    if tls.ca_bundle is None and tls.client_cert is None:
        return tls.verify
    return ssl_context(tls, TEMPO_ERRORS)
