"""A failed Loki or Tempo call as a plain sentence for a panel, with Loki's own words kept.

Every failure a panel can meet maps to a title here (the most specific class wins), so a
panel never shows a traceback and never a blank: it says what happened and offers a retry.
"""

from dataclasses import dataclass

from logs.loki import (
    LokiAuthError,
    LokiCircuitOpen,
    LokiConfigError,
    LokiError,
    LokiProtocolError,
    LokiQueryError,
    LokiRateLimited,
    LokiResponseTooLarge,
    LokiServerError,
    LokiTimeout,
    LokiUnavailable,
)
from traces.tempo_errors import (
    InvalidTraceId,
    TempoAuthError,
    TempoConfigError,
    TempoError,
    TempoProtocolError,
    TempoQueryError,
    TempoRateLimited,
    TempoServerError,
    TempoTimeout,
    TempoUnavailable,
)


@dataclass(frozen=True, slots=True)
class Problem:
    title: str
    detail: str = ""


TITLES: dict[type[Exception], str] = {
    LokiTimeout: "Loki did not answer in time.",
    LokiCircuitOpen: "Loki failed several times just now; the console waits a moment.",
    LokiUnavailable: "Loki cannot be reached right now.",
    LokiRateLimited: "Loki asks the console to slow down.",
    LokiQueryError: "Loki rejected the query.",
    LokiAuthError: "Loki refused the console's credentials or tenant.",
    LokiResponseTooLarge: "Loki's answer was too large; narrow the window.",
    LokiServerError: "Loki failed while answering.",
    LokiProtocolError: "Loki answered something the console cannot read.",
    LokiConfigError: "The Loki source is not set up right.",
    LokiError: "Loki failed.",
    TempoTimeout: "Tempo did not answer in time.",
    TempoRateLimited: "Tempo asks the console to slow down.",
    TempoUnavailable: "Tempo cannot be reached right now.",
    InvalidTraceId: "That is not a trace id.",
    TempoQueryError: "Tempo rejected the request.",
    TempoAuthError: "Tempo refused the console's credentials or tenant.",
    TempoServerError: "Tempo failed while answering.",
    TempoProtocolError: "Tempo answered something the console cannot read.",
    TempoConfigError: "Tempo is not set up right.",
    TempoError: "Tempo failed.",
}
NOT_UTF8 = "Loki's answer is not valid UTF-8."


def problem(error: LokiError | TempoError | UnicodeDecodeError) -> Problem:
    """The title of the most specific known class, and the server's message as the detail."""
    if isinstance(error, UnicodeDecodeError):
        return Problem(NOT_UTF8, str(error))
    title = next(TITLES[kind] for kind in type(error).__mro__ if kind in TITLES)
    status = f"HTTP {error.status}: " if error.status and error.status != 404 else ""
    return Problem(title, f"{status}{error.message}".strip())
