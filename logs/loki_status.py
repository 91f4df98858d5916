"""Which LokiError an HTTP status means. Loki's error bodies are text/plain: keep its words."""

from collections.abc import Mapping

from logs.loki_errors import (
    LokiAuthError,
    LokiError,
    LokiQueryError,
    LokiRateLimited,
    LokiResponseTooLarge,
    LokiServerError,
    LokiUnavailable,
)
from logs.loki_retry import parse_retry_after

MAX_MESSAGE = 2000
GATEWAY_STATUSES = frozenset({502, 503, 504})


def loki_message(status: int, body: bytes) -> str:
    text = body.decode("utf-8", errors="replace").strip()
    return text[:MAX_MESSAGE] if text else f"HTTP {status} with an empty body"


def error_for_status(status: int, body: bytes, headers: Mapping[str, str], path: str) -> LokiError:
    message = loki_message(status, body)
    if "larger than max" in message or status == 413:
        return LokiResponseTooLarge(message, status=status, path=path)
    if status == 400:
        return LokiQueryError(message, status=status, path=path)
    if status in (401, 403):
        return LokiAuthError(message, status=status, path=path)
    if status == 429:
        retry_after = parse_retry_after(headers.get("retry-after"))
        return LokiRateLimited(message, retry_after=retry_after, path=path)
    if status in GATEWAY_STATUSES:
        return LokiUnavailable(message, status=status, path=path)
    if status >= 500:
        return LokiServerError(message, status=status, path=path)
    return LokiError(message, status=status, path=path)
