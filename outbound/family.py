"""A client's own error classes, by what went wrong, for the shared plumbing to raise.

`outbound` defines no error of its own: the Loki client raises LokiError…, the Tempo client
TempoError…, and callers keep branching on their family's `transient` flag.
"""

from dataclasses import dataclass
from typing import Protocol


class MakeError[E](Protocol):
    """An error class of the family, called the way the shared plumbing calls it."""

    def __call__(self, message: str, *, status: int | None = None, path: str = "") -> E: ...


class MakeRateLimited[E](Protocol):
    def __call__(self, message: str, *, retry_after: float | None, path: str = "") -> E: ...


@dataclass(frozen=True)
class ErrorFamily[E: Exception]:
    """Which class of one client's family stands for each kind of failure."""

    name: str
    """The back end as messages name it: "cannot reach Loki"."""
    base: type[E]
    """Every error of the family: what a retry loop catches."""
    other: MakeError[E]
    """An HTTP error status that none of the classes below describes (usually `base`)."""
    config: MakeError[E]
    query: MakeError[E]
    auth: MakeError[E]
    rate_limited: MakeRateLimited[E]
    unavailable: MakeError[E]
    timeout: MakeError[E]
    server: MakeError[E]
