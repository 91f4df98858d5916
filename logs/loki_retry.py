"""When to try a failed Loki call again, and how long to wait first.

Only transient failures are retried; the wait doubles per attempt with jitter (so many workers
do not retry in lock-step) and a server's Retry-After is a floor, never shortened.
"""

import email.utils
import random
import time

from logs.loki_config import Profile


def backoff_delay(profile: Profile, attempt: int) -> float:
    """Equal-jitter exponential back-off for the wait after failed attempt number `attempt`."""
    ceiling = min(profile.backoff_max, profile.backoff_base * 2.0 ** (attempt - 1))
    return ceiling / 2 + random.uniform(0, ceiling / 2)


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
