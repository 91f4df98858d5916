"""The Tempo error family: transient (retry later) or permanent (show it, stop).

It mirrors `logs.loki_errors` so a panel handles both back ends the same way; callers
branch on `error.transient`. A missing trace is not a failure of Tempo, but it gets its own
class so a page can say "not (yet / any longer) in Tempo" instead of "Tempo is down".
"""

from typing import ClassVar


class TempoError(Exception):
    """Base of every Tempo failure; `message` is Tempo's own text where it sent one."""

    transient: ClassVar[bool] = False

    def __init__(self, message: str, *, status: int | None = None, path: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.path = path


class TempoUnavailable(TempoError):
    """Unreachable or overloaded (502/503/504): try again later."""

    transient = True


class TempoTimeout(TempoUnavailable):
    """No answer within the time budget; not retried at once (Tempo would redo the search)."""


class TempoRateLimited(TempoUnavailable):
    """429: slow down, for `retry_after` seconds when Tempo (or its proxy) said so."""

    def __init__(
        self, message: str, *, retry_after: float | None, status: int = 429, path: str = ""
    ) -> None:
        super().__init__(message, status=status, path=path)
        self.retry_after = retry_after


class TempoQueryError(TempoError):
    """400: Tempo rejected the request; `message` is its explanation, fit to show a user."""


class InvalidTraceId(TempoQueryError, ValueError):
    """Not a trace id: found locally, before any request."""


class TempoAuthError(TempoError):
    """401/403: wrong or missing tenant or credentials; retrying will not help."""


class TempoServerError(TempoError):
    """Another 5xx: Tempo's own failure, not retried."""


class TempoProtocolError(TempoError):
    """Tempo answered something this client cannot read (not the documented JSON)."""


class TempoConfigError(TempoError):
    """Misconfigured on our side: a secret's env var or file is missing, a TLS file is bad."""


class TraceNotFound(TempoError):
    """No such trace: not ingested yet, past retention, or outside the given time range."""

    def __init__(self, trace_id: str, *, api: str, path: str = "") -> None:
        super().__init__(f"trace {trace_id} is not in Tempo", status=404, path=path)
        self.trace_id = trace_id
        self.api = api
