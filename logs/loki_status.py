"""Which LokiError an HTTP status means. Loki's error bodies are text/plain: keep its words.

`LOKI_ERRORS` names Loki's class for each kind of failure, so the shared plumbing in `outbound`
raises Loki's own errors.
"""

from collections.abc import Mapping

from logs.loki_errors import (
    LokiAuthError,
    LokiConfigError,
    LokiError,
    LokiQueryError,
    LokiRateLimited,
    LokiResponseTooLarge,
    LokiServerError,
    LokiTimeout,
    LokiUnavailable,
)
from outbound import status as outbound_status
from outbound.family import ErrorFamily
from outbound.status import GATEWAY_STATUSES, MAX_MESSAGE, body_message

__all__ = ["GATEWAY_STATUSES", "LOKI_ERRORS", "MAX_MESSAGE", "error_for_status", "loki_message"]

LOKI_ERRORS = ErrorFamily[LokiError](
    name="Loki",
    base=LokiError,
    other=LokiError,
    config=LokiConfigError,
    query=LokiQueryError,
    auth=LokiAuthError,
    rate_limited=LokiRateLimited,
    unavailable=LokiUnavailable,
    timeout=LokiTimeout,
    server=LokiServerError,
)

loki_message = body_message


def error_for_status(status: int, body: bytes, headers: Mapping[str, str], path: str) -> LokiError:
    """As for any back end, but Loki's gRPC size limit (or a 413) asks for a smaller page."""
    message = loki_message(status, body)
    if "larger than max" in message or status == 413:
        return LokiResponseTooLarge(message, status=status, path=path)
    return outbound_status.error_for_status(LOKI_ERRORS, status, message, headers, path)
