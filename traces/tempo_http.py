"""The one place where requests go to Tempo: tenant, auth, TLS, time budget and retries.

The budget, retries and timing are `outbound.transport`'s, shared with the Loki client; here
are Tempo's own parts: its errors, JSON answers, statuses a caller expects, what to retry.
"""

import logging
import time
from collections.abc import Callable, Collection, Mapping

import httpx

from outbound.observe import RequestObserver, RequestTimer
from outbound.transport import Answer, HttpTransport
from traces.tempo_auth import ssl_verify
from traces.tempo_config import Profile, TempoSource
from traces.tempo_errors import TempoError, TempoProtocolError, TempoTimeout
from traces.tempo_status import TEMPO_ERRORS, error_for_status

__all__ = [
    "MARKERS",
    "REQUEST_OBSERVERS",
    "TIMER",
    "USER_AGENT",
    "Answer",
    "RequestObserver",
    "TempoTransport",
    "logger",
]

logger = logging.getLogger("traces.tempo")
USER_AGENT = "triage-console-tempo/1"

MARKERS = (("/traces/", "/traces/{id}"), ("/tag/", "/tag/{name}/values"))
TIMER = RequestTimer(MARKERS)

REQUEST_OBSERVERS: list[RequestObserver] = TIMER.observers
"""Where the console registers its Prometheus histogram (see `outbound.observe`)."""


class TempoTransport(HttpTransport[TempoError]):
    """Sends one logical GET, retrying transient failures within the profile's budget."""

    errors = TEMPO_ERRORS
    status_error = staticmethod(error_for_status)
    user_agent = USER_AGENT
    logger = logger
    timer = TIMER
    default_headers = {"Accept": "application/json"}

    def __init__(
        self, source: TempoSource, profile: Profile, *, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        super().__init__(source, profile, ssl_verify(source.tls), sleep=sleep)

    def get(
        self, path: str, params: Mapping[str, str] | None = None, *, allow: Collection[int] = ()
    ) -> Answer:
        """An answer with status < 400 or in `allow`, or the TempoError of the last attempt."""
        try:
            return self.send("GET", path, params=params, allow=allow, retryable=_retryable)
        except httpx.DecodingError as exc:
            message = f"Tempo's answer could not be decoded: {exc}"
            raise TempoProtocolError(message, path=path) from exc


def _retryable(error: TempoError) -> bool:
    """Connection failures, 429, 502/503/504; never a timeout (Tempo would search again)."""
    return error.transient and not isinstance(error, TempoTimeout)
