"""The Loki error family: each failure is transient (retry later) or permanent (record, stop).

Callers branch on `error.transient` rather than on status codes, so a new status mapping never
needs a change at the call sites.
"""

from typing import ClassVar


class LokiError(Exception):
    """Base of every Loki failure; `message` is Loki's own text where it sent one."""

    transient: ClassVar[bool] = False

    def __init__(self, message: str, *, status: int | None = None, path: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.path = path

    def __str__(self) -> str:
        where = f" ({self.path} → {self.status})" if self.status else f" ({self.path})"
        return f"{self.message}{where if self.path else ''}"


class LokiUnavailable(LokiError):
    """Loki could not be reached or answered 502/503/504: try again later."""

    transient = True


class LokiTimeout(LokiUnavailable):
    """Loki did not answer within the caller's time budget."""


class LokiCircuitOpen(LokiUnavailable):
    """Loki failed repeatedly moments ago; not even tried, to keep web pages fast."""


class LokiRateLimited(LokiError):
    """429: Loki (or a proxy) asks us to slow down, for `retry_after` seconds when it said so."""

    transient = True

    def __init__(
        self, message: str, *, retry_after: float | None, status: int = 429, path: str = ""
    ) -> None:
        super().__init__(message, status=status, path=path)
        self.retry_after = retry_after


class LokiQueryError(LokiError):
    """400: Loki rejected the query or push; `message` is its explanation, fit to show a user."""


class LokiAuthError(LokiError):
    """401/403: wrong or missing tenant or credentials; retrying will not help."""


class LokiServerError(LokiError):
    """Another 5xx (e.g. 500 "multiple org IDs present"): Loki's own failure, not retried."""


class LokiResponseTooLarge(LokiServerError):
    """Loki's internal gRPC limit (4 MB by default) was exceeded: ask for a smaller page."""


class LokiProtocolError(LokiError):
    """Loki answered something this client cannot read (not the documented JSON)."""


class LokiConfigError(LokiError):
    """The source is misconfigured on our side, e.g. a secret's env var or file is missing."""
