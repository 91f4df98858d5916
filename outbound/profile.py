"""How long and how hard one caller may wait for a back end: web pages briefly, workers patiently.

`WEB` and `WORKER` are the defaults every client starts from; a client states where it differs
(`dataclasses.replace`), e.g. Loki's longer worker reads and its web circuit breaker.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    """How long and how hard one caller may wait for a back end.

    `total_timeout` bounds a whole call, retries, back-off and the body download included; each
    attempt's connect and read timeouts are clipped to what is left of it. A client with a
    circuit breaker (Loki's) stops trying a base URL for `breaker_cooldown` seconds after
    `breaker_threshold` consecutive connection failures; a client without one ignores both.
    """

    name: str
    connect_timeout: float
    read_timeout: float
    total_timeout: float
    attempts: int
    backoff_base: float
    backoff_max: float
    breaker_threshold: int | None = None
    breaker_cooldown: float = 0.0


WEB = Profile(
    name="web",
    connect_timeout=1.0,
    read_timeout=4.0,
    total_timeout=5.0,
    attempts=2,
    backoff_base=0.1,
    backoff_max=0.5,
)
"""For views: a page waits at most five seconds for a back end, retries included."""

WORKER = Profile(
    name="worker",
    connect_timeout=5.0,
    read_timeout=60.0,
    total_timeout=300.0,
    attempts=5,
    backoff_base=0.5,
    backoff_max=30.0,
)
"""For Celery tasks: long reads, and patient retries while a back end restarts."""
