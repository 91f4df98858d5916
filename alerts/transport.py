"""The one outbound HTTP client of alerts: fixed timeouts, every failure transient or permanent.

Transient (retry with back-off): no connection, a timeout, 408, 429 (with its Retry-After) and
5xx. Permanent (record, never retry): everything else that is not 2xx — 404, 410, other 4xx,
redirects (not followed) — and Slack's answers that name a dead webhook whatever the status.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import ClassVar

import httpx

from alerts import config
from outbound.retry import parse_retry_after

EXCERPT = 500
SLACK_PERMANENT = frozenset(
    {
        "invalid_token",
        "channel_not_found",
        "no_service",
        "no_service_id",
        "no_team",
        "team_disabled",
        "channel_is_archived",
        "action_prohibited",
        "posting_to_general_channel_denied",
        "invalid_payload",
        "no_text",
    }
)


@dataclass(frozen=True)
class Sent:
    status: int
    excerpt: str


class DeliveryFailed(Exception):
    """A send that did not succeed; `transient` says whether trying again can help."""

    transient: ClassVar[bool] = False

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        excerpt: str = "",
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.excerpt = excerpt
        self.retry_after = retry_after


class TransientFailure(DeliveryFailed):
    transient = True


class PermanentFailure(DeliveryFailed):
    transient = False


def post(url: str, body: bytes, headers: Mapping[str, str]) -> Sent:
    """POST `body`; returns on 2xx, raises Transient/PermanentFailure otherwise."""
    try:
        response = _client().post(url, content=body, headers=dict(headers), timeout=_timeout())
    except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
        raise PermanentFailure(f"bad URL: {exc}") from None
    except httpx.TimeoutException as exc:
        raise TransientFailure(f"timed out ({type(exc).__name__})") from None
    except httpx.TransportError as exc:
        raise TransientFailure(f"connection failed: {exc or type(exc).__name__}") from None
    return classify(
        response.status_code, response.text[:EXCERPT], response.headers.get("Retry-After")
    )


def classify(status: int, excerpt: str, retry_after: str | None = None) -> Sent:
    """Map a status and body to success or the right failure."""
    if 200 <= status < 300:
        return Sent(status, excerpt)
    word = excerpt.strip()
    transient = word not in SLACK_PERMANENT and (status in (408, 429) or status >= 500)
    kind = TransientFailure if transient else PermanentFailure
    wait = parse_retry_after(retry_after) if status == 429 else None
    raise kind(
        f"HTTP {status}: {word[:120]}".rstrip(": "),
        status=status,
        excerpt=excerpt,
        retry_after=wait,
    )


def _timeout() -> httpx.Timeout:
    return httpx.Timeout(config.http_timeout(), connect=config.connect_timeout())


@cache
def _client() -> httpx.Client:
    """One pooled client per process (created lazily, so after a Celery fork)."""
    return httpx.Client(follow_redirects=False, headers={"User-Agent": "triage-console-alerts"})
