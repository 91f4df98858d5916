"""Which error of a client's family an HTTP status means.

Loki's and Tempo's error bodies are text/plain: the message keeps the back end's own words.
"""

from collections.abc import Mapping

from outbound.family import ErrorFamily
from outbound.retry import parse_retry_after

MAX_MESSAGE = 2000
GATEWAY_STATUSES = frozenset({502, 503, 504})


def body_message(status: int, body: bytes) -> str:
    """The error body as text, cut to MAX_MESSAGE characters; a stand-in when it is empty."""
    text = body.decode("utf-8", errors="replace").strip()
    return text[:MAX_MESSAGE] if text else f"HTTP {status} with an empty body"


def error_for_status[E: Exception](
    errors: ErrorFamily[E], status: int, message: str, headers: Mapping[str, str], path: str
) -> E:
    """400 query, 401/403 auth, 429 rate limited, 502/503/504 unavailable, other 5xx server."""
    if status == 400:
        return errors.query(message, status=status, path=path)
    if status in (401, 403):
        return errors.auth(message, status=status, path=path)
    if status == 429:
        retry_after = parse_retry_after(headers.get("retry-after"))
        return errors.rate_limited(message, retry_after=retry_after, path=path)
    if status in GATEWAY_STATUSES:
        return errors.unavailable(message, status=status, path=path)
    if status >= 500:
        return errors.server(message, status=status, path=path)
    return errors.other(message, status=status, path=path)
