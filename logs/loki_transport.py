"""The one place where requests go to Loki: tenant, auth, TLS, time budget, retries, breaker.

The budget, retries and timing are `outbound.transport`'s, shared with the Tempo client; here
are Loki's own parts: its errors, the web profile's circuit breaker, what is worth retrying.
"""

import logging
import time
from collections.abc import Callable, Mapping

import httpx

from logs.loki_auth import ssl_verify
from logs.loki_breaker import breaker_for
from logs.loki_config import LokiSource, Profile
from logs.loki_errors import LokiCircuitOpen, LokiError, LokiTimeout
from logs.loki_status import LOKI_ERRORS, error_for_status
from outbound.observe import RequestObserver, RequestTimer
from outbound.transport import Answer, HttpTransport, Params

__all__ = [
    "MARKERS",
    "REQUEST_OBSERVERS",
    "TIMER",
    "USER_AGENT",
    "Answer",
    "LokiTransport",
    "Params",
    "RequestObserver",
    "logger",
]

logger = logging.getLogger("logs.loki")
USER_AGENT = "triage-console-loki/1"

MARKERS = (
    ("/label/", "/label/{name}/values"),
    ("/detected_field/", "/detected_field/{name}/values"),
)
TIMER = RequestTimer(MARKERS)

REQUEST_OBSERVERS: list[RequestObserver] = TIMER.observers
"""Where the console registers its Prometheus histogram (see `outbound.observe`)."""


def _keep_error_body(response: httpx.Response) -> None:
    """Read error bodies while the stream is open: httpx-ws closes it before raising."""
    if response.status_code >= 400:
        response.read()


class LokiTransport(HttpTransport[LokiError]):
    """Sends one logical request, retrying transient failures within the profile's budget."""

    errors = LOKI_ERRORS
    status_error = staticmethod(error_for_status)
    user_agent = USER_AGENT
    logger = logger
    timer = TIMER
    response_hooks = (_keep_error_body,)

    def __init__(
        self,
        source: LokiSource,
        profile: Profile,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(source, profile, ssl_verify(source.tls), transport=transport, sleep=sleep)
        if profile.breaker_threshold:
            self.breaker = breaker_for(
                source.base_url, profile.breaker_threshold, profile.breaker_cooldown
            )

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        adaptive: bool = False,
    ) -> Answer:
        """One answer with status < 400, or the LokiError of the last attempt.

        `adaptive`: the caller shrinks its request after a 504 itself, so 504 is not retried here.
        """

        def retryable(error: LokiError) -> bool:
            return _retryable(error, adaptive)

        return self.send(
            method, path, params=params, content=content, headers=headers, retryable=retryable
        )


def _retryable(error: LokiError, adaptive: bool) -> bool:
    """Connection failures, 429, 502/503/504; never a read timeout (the query would run again)."""
    if isinstance(error, LokiTimeout | LokiCircuitOpen) or not error.transient:
        return False
    return not (adaptive and error.status == 504)
