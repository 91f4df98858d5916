"""Which TempoError an HTTP status means. Tempo's error bodies are text/plain: keep its words."""

from collections.abc import Mapping

from traces.tempo_errors import (
    TempoAuthError,
    TempoError,
    TempoQueryError,
    TempoRateLimited,
    TempoServerError,
    TempoUnavailable,
)
from traces.tempo_retry import parse_retry_after

MAX_MESSAGE = 2000
GATEWAY_STATUSES = frozenset({502, 503, 504})


def tempo_message(status: int, body: bytes) -> str:
    text = body.decode("utf-8", errors="replace").strip()
    return text[:MAX_MESSAGE] if text else f"HTTP {status} with an empty body"


def error_for_status(status: int, body: bytes, headers: Mapping[str, str], path: str) -> TempoError:
    message = tempo_message(status, body)
    if status == 400:
        return TempoQueryError(message, status=status, path=path)
    if status in (401, 403):
        return TempoAuthError(message, status=status, path=path)
    if status == 429:
        retry_after = parse_retry_after(headers.get("retry-after"))
        return TempoRateLimited(message, retry_after=retry_after, path=path)
    if status in GATEWAY_STATUSES:
        return TempoUnavailable(message, status=status, path=path)
    if status >= 500:
        return TempoServerError(message, status=status, path=path)
    return TempoError(message, status=status, path=path)
