"""Which TempoError an HTTP status means. Tempo's error bodies are text/plain: keep its words.

`TEMPO_ERRORS` names Tempo's class for each kind of failure, so the shared plumbing in
`outbound` raises Tempo's own errors.
"""

from collections.abc import Mapping

from outbound import status as outbound_status
from outbound.family import ErrorFamily
from outbound.status import GATEWAY_STATUSES, MAX_MESSAGE, body_message
from traces.tempo_errors import (
    TempoAuthError,
    TempoConfigError,
    TempoError,
    TempoQueryError,
    TempoRateLimited,
    TempoServerError,
    TempoTimeout,
    TempoUnavailable,
)

__all__ = ["GATEWAY_STATUSES", "MAX_MESSAGE", "TEMPO_ERRORS", "error_for_status", "tempo_message"]

TEMPO_ERRORS = ErrorFamily[TempoError](
    name="Tempo",
    base=TempoError,
    other=TempoError,
    config=TempoConfigError,
    query=TempoQueryError,
    auth=TempoAuthError,
    rate_limited=TempoRateLimited,
    unavailable=TempoUnavailable,
    timeout=TempoTimeout,
    server=TempoServerError,
)

tempo_message = body_message


def error_for_status(status: int, body: bytes, headers: Mapping[str, str], path: str) -> TempoError:
    message = tempo_message(status, body)
    return outbound_status.error_for_status(TEMPO_ERRORS, status, message, headers, path)
