"""When to try a failed call again, and how long to wait first.

Only transient failures are retried; the wait doubles per attempt with jitter (so many workers
do not retry in lock-step) and a server's Retry-After is a floor, never shortened.
"""

import email.utils
import random
import time
from typing import Protocol, runtime_checkable

from outbound.profile import Profile


@runtime_checkable
class AsksToWait(Protocol):
    """An error that carries the server's Retry-After (a 429), in seconds when it gave one."""

    retry_after: float | None


def backoff_delay(profile: Profile, attempt: int, rand: float | None = None) -> float:
    """Equal-jitter exponential back-off for the wait after failed attempt number `attempt`.

    `rand` in [0, 1] fixes the jitter (tests); by default it is random.
    """
    ceiling = min(profile.backoff_max, profile.backoff_base * 2.0 ** (attempt - 1))
    return ceiling / 2 + (random.random() if rand is None else rand) * ceiling / 2


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds from a Retry-After header: delta-seconds or an HTTP date; None when absent/bad."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))
